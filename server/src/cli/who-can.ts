// kubeid who-can: every subject allowed to make a request, with the binding and role that allow it,
// from manifests (--from) or from the current kube context's RBAC objects.
import { bool, parseArgs, UsageError, type ParsedArgs } from './args';
import { provenance } from './can-i';
import { CLUSTER_FLAGS, clusterCatalogue, connect, liveRequest } from './cluster';
import { fromManifests, json, outputFormat, readWorkspace, requestFromArgs, SOURCE_FLAGS, type Io } from './common';
import { formatTable } from './table';
import { loadSnapshot, missingRbac, RBAC_KINDS, snapshotPolicy } from '../core/cluster/snapshot';
import type { Binding, WhoCanEntry } from '../core/rbac/evaluator';
import type { Subject } from '../core/rbac/types';

const FLAGS = [
  ...SOURCE_FLAGS,
  ...CLUSTER_FLAGS,
  { name: 'subresource', type: 'string' as const },
  { name: 'all-namespaces', short: 'A', type: 'boolean' as const },
];

export async function whoCan(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const format = outputFormat(a);
  if (a.positionals.length !== 2) throw new UsageError('you must specify two arguments: VERB TYPE[/NAME] or VERB /NON-RESOURCE-URL');
  if (!fromManifests(a)) return whoCanLive(a, io, format);
  const ws = await readWorkspace(a, io);
  const { attrs, warnings } = requestFromArgs(a, ws, io);
  const result = ws.evaluator.whoCan(attrs);
  for (const e of result.errors) io.err(`Warning: ${e}\n`);
  for (const i of result.ignored)
    io.err(`Warning: ${bindingName(i.binding)} names ${i.subject.kind} "${i.subject.name}", which matches nobody: ${i.why}\n`);
  if (format === 'json') {
    json(io, {
      request: attrs,
      subjects: result.entries.map((e) => ({
        subject: e.subject,
        ...(e.source
          ? { provenance: provenance(ws, e.source) }
          : { allowedBy: 'system:masters (privileged-group authorizer, outside RBAC)' }),
      })),
      ignored: result.ignored.map((i) => ({ subject: i.subject, binding: bindingName(i.binding), why: i.why })),
      errors: result.errors,
      warnings,
    });
    return 0;
  }
  io.out(whoCanTable(a, result.entries));
  return 0;
}

function whoCanTable(a: ParsedArgs, entries: WhoCanEntry[]): string {
  const rows = entries.map((e) => [
    e.subject.kind,
    subjectName(e.subject),
    e.source ? bindingName(e.source.binding) : '(privileged group, not RBAC)',
    e.source ? roleName(e.source.binding) : '-',
  ]);
  const header = bool(a, 'no-headers') ? [] : [['KIND', 'SUBJECT', 'BINDING', 'ROLE']];
  return formatTable([...header, ...rows]);
}

/** Without --from: the cluster's RBAC objects, listed now; an incomplete list says so. */
async function whoCanLive(a: ParsedArgs, io: Io, format: 'text' | 'json'): Promise<number> {
  const src = await connect(a);
  const { attrs, warnings } = liveRequest(a, await clusterCatalogue(src, io), src, io);
  const snapshot = await loadSnapshot(src, { kinds: RBAC_KINDS });
  const sp = snapshotPolicy(snapshot);
  const result = sp.evaluator.whoCan(attrs);
  const incomplete = missingRbac(sp.missing);
  for (const e of result.errors) io.err(`Warning: ${e}\n`);
  if (incomplete) io.err(`Warning: this list may be incomplete: ${incomplete}\n`);
  if (format === 'json') {
    json(io, {
      request: attrs,
      complete: !incomplete,
      ...(incomplete ? { missing: sp.missing.map((m) => ({ resource: m.ref.resource, group: m.ref.group, reason: m.reason })) } : {}),
      subjects: result.entries.map((e) => ({
        subject: e.subject,
        ...(e.source
          ? { binding: bindingName(e.source.binding), role: roleName(e.source.binding) }
          : { allowedBy: 'system:masters (privileged-group authorizer, outside RBAC)' }),
      })),
      errors: result.errors,
      warnings,
    });
    return 0;
  }
  io.out(whoCanTable(a, result.entries));
  return 0;
}

function subjectName(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `${s.namespace}/${s.name}` : s.name;
}

function bindingName(b: Binding): string {
  return b.kind === 'RoleBinding' ? `RoleBinding/${b.metadata.namespace}/${b.metadata.name}` : `ClusterRoleBinding/${b.metadata.name}`;
}

function roleName(b: Binding): string {
  const ns = b.kind === 'RoleBinding' && b.roleRef.kind === 'Role' ? `${b.metadata.namespace}/` : '';
  return `${b.roleRef.kind}/${ns}${b.roleRef.name}`;
}
