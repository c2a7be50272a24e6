// kubeid can-i: like `kubectl auth can-i`, answered from manifests (--from) or by the current kube context.
import { bool, parseArgs, str, UsageError } from './args';
import { CLUSTER_FLAGS } from './cluster';
import {
  describeObject,
  fromManifests,
  identity,
  IDENTITY_FLAGS,
  json,
  outputFormat,
  readWorkspace,
  requestFromArgs,
  SOURCE_FLAGS,
  type Io,
} from './common';
import { canILive, listLive } from './live';
import { accessTable } from './table';
import { DEFAULT_NAMESPACE } from '../core/request';
import { describeSource, type RuleSource } from '../core/rbac/evaluator';
import { MASTERS } from '../core/rbac/identity';
import type { Workspace } from '../core/policy/workspace';

const FLAGS = [
  ...SOURCE_FLAGS,
  ...IDENTITY_FLAGS,
  ...CLUSTER_FLAGS,
  { name: 'use-sar', type: 'boolean' as const },
  { name: 'subresource', type: 'string' as const },
  { name: 'all-namespaces', short: 'A', type: 'boolean' as const },
  { name: 'list', type: 'boolean' as const },
  { name: 'quiet', short: 'q', type: 'boolean' as const },
];

export async function canI(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const format = outputFormat(a);
  if (bool(a, 'list')) return list(a, io, format);
  if (a.positionals.length < 2) throw new UsageError('you must specify two arguments: VERB TYPE[/NAME] or VERB /NON-RESOURCE-URL');
  if (a.positionals.length > 2) throw new UsageError(`too many arguments: ${a.positionals.slice(2).join(' ')}`);
  if (!fromManifests(a)) return canILive(a, io, format);
  if (bool(a, 'use-sar')) throw new UsageError('--use-sar asks a cluster: it cannot be used with --from');
  const user = identity(a);
  const ws = await readWorkspace(a, io);
  const { attrs, warnings } = requestFromArgs(a, ws, io);
  const d = ws.evaluator.authorize(user, attrs);
  if (format === 'json') {
    json(io, {
      allowed: d.allowed,
      decision: d.allowed ? 'allow' : 'no-opinion',
      allowedBy: d.allowedBy,
      reason:
        d.allowed && d.allowedBy === 'system:masters'
          ? `allowed: member of group "${MASTERS}" (privileged-group authorizer, outside RBAC)`
          : d.reason,
      request: attrs,
      user,
      provenance: d.source ? provenance(ws, d.source) : undefined,
      errors: d.errors,
      warnings,
    });
  } else if (!bool(a, 'quiet')) {
    io.out(d.allowed ? 'yes\n' : d.reason ? `no - ${d.reason}\n` : 'no\n');
  }
  return d.allowed ? 0 : 1;
}

export function provenance(ws: Workspace, src: RuleSource) {
  return {
    description: describeSource(src),
    binding: describeObject(ws, src.binding),
    subject: src.binding.subjects[src.subjectIndex],
    role: describeObject(ws, src.role),
    ruleIndex: src.ruleIndex,
    rule: src.role.rules[src.ruleIndex],
    ...(src.aggregatedFrom ? { aggregatedFrom: src.aggregatedFrom } : {}),
  };
}

async function list(a: ReturnType<typeof parseArgs>, io: Io, format: 'text' | 'json'): Promise<number> {
  for (const bad of ['quiet', 'all-namespaces', 'use-sar'])
    if (bool(a, bad)) throw new UsageError(`--list and --${bad} are mutually exclusive`);
  if (str(a, 'subresource') !== undefined) throw new UsageError('--list and --subresource are mutually exclusive');
  if (a.positionals.length) throw new UsageError(`--list takes no arguments, got: ${a.positionals.join(' ')}`);
  if (!fromManifests(a)) return listLive(a, io, format);
  const user = identity(a);
  const ws = await readWorkspace(a, io);
  const namespace = str(a, 'namespace') || DEFAULT_NAMESPACE; // an empty -n means the default, as in kubectl
  const { rules, errors } = ws.evaluator.rulesFor(user, namespace);
  if (user.groups.includes(MASTERS)) {
    io.err(
      `Warning: "${user.name}" is in group ${MASTERS}: the privileged-group authorizer allows it everything, which this list (like a rules review) does not show\n`,
    );
  }
  if (errors.length) io.err(`Warning: some bindings could not be resolved: ${errors.join('; ')}\n`);
  if (format === 'json') {
    // The shape of SelfSubjectRulesReview's status, each rule with where it comes from.
    json(io, {
      namespace,
      user,
      resourceRules: rules
        .filter((r) => (r.rule.resources ?? []).length > 0)
        .map((r) => ({
          verbs: r.rule.verbs,
          apiGroups: r.rule.apiGroups ?? [],
          resources: r.rule.resources,
          resourceNames: r.rule.resourceNames ?? [],
          provenance: provenance(ws, r.source),
        })),
      nonResourceRules: rules
        .filter((r) => (r.rule.nonResourceURLs ?? []).length > 0)
        .map((r) => ({ verbs: r.rule.verbs, nonResourceURLs: r.rule.nonResourceURLs, provenance: provenance(ws, r.source) })),
      incomplete: false,
      evaluationError: errors.length ? errors.join(', ') : undefined,
    });
    return 0;
  }
  const shown = rules.map((r) => r.rule).filter((r) => (r.resources ?? []).length > 0 || (r.nonResourceURLs ?? []).length > 0);
  io.out(accessTable(shown, !bool(a, 'no-headers')));
  return 0;
}
