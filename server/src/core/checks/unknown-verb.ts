// Verbs no request to the named resources ever carries: typos (gets, Get), words that are not
// API verbs (read, post), HTTP methods in resource rules and API verbs in non-resource rules.
import type { Manifest } from '../manifest/parse';
import { ApiIndex, FINALIZERS, HTTP_VERBS, IMPERSONATION_MODES, SPECIAL_VERBS } from './api';
import type { Check, CheckContext, Finding, Severity } from './check';
import { replaceWith } from './fix';
import { itemFinding } from './locate';
import { isRoleKind, roleRules, type RuleView } from './read';
import { inScope, resourceRules, splitResource, withSubresource, type CatalogueRule } from './rule-scope';
import { closest, didYouMean } from './suggest';

const ID = 'unknown-verb';

export const unknownVerb: Check = {
  id: ID,
  severity: 'warning',
  summary: 'A verb that is not a verb of the named resources nor a special verb (gets, read, post), with "did you mean"',
  run(ctx: CheckContext): Finding[] {
    return [...resourceRules(ctx).flatMap(resourceRuleFindings), ...nonResourceFindings(ctx)];
  },
};

/** Words people write for verbs, and what the API server calls them. */
const MEANT: Record<string, string> = {
  read: 'get',
  view: 'get',
  fetch: 'get',
  write: 'update',
  edit: 'update',
  modify: 'update',
  put: 'update',
  post: 'create',
  add: 'create',
  remove: 'delete',
  all: '*',
  exec: 'create',
  attach: 'create',
  portforward: 'create',
  'port-forward': 'create',
  log: 'get',
  logs: 'get',
};
const SUBRESOURCE_WORDS: Record<string, string> = {
  exec: 'pods/exec',
  attach: 'pods/attach',
  portforward: 'pods/portforward',
  'port-forward': 'pods/portforward',
  log: 'pods/log',
  logs: 'pods/log',
};

const anyVerbs = new WeakMap<ApiIndex, Set<string>>();

/** The verbs a rule may name: those its resources serve (every verb when kubeid cannot list them), the special verbs and "*". */
function acceptedVerbs(served: Map<string, Set<string>> | undefined, api: ApiIndex): Set<string> {
  let out = served ? undefined : anyVerbs.get(api);
  if (out) return out;
  out = new Set<string>();
  for (const verbs of served?.values() ?? [api.verbs]) for (const v of verbs) out.add(v);
  for (const v of SPECIAL_VERBS) out.add(v);
  out.add('*');
  if (!served) anyVerbs.set(api, out);
  return out;
}

function resourceRuleFindings({ manifest, rule, scope, api }: CatalogueRule): Finding[] {
  const served = servedVerbs({ manifest, rule, scope, api });
  const accepted = acceptedVerbs(served, api);
  const out: Finding[] = [];
  for (const { value, index } of rule.verbs.items) {
    const problem = verbProblem(value, accepted, api, served);
    if (!problem) continue;
    const f = itemFinding(ID, problem.severity, manifest, ['rules', rule.index, 'verbs', index], value, problem.message);
    if (problem.fix) f.fix = replaceWith(f.span, value, problem.fix);
    out.push(f);
  }
  return out;
}

/** The verbs each named resource serves; undefined when the rule reaches resources kubeid cannot list. */
function servedVerbs({ rule, scope, api }: CatalogueRule): Map<string, Set<string>> | undefined {
  if (scope.anyGroup || scope.uncertain || scope.groups.length === 0 || rule.resources.count === 0) return undefined;
  const out = new Map<string, Set<string>>();
  for (const { value } of rule.resources.items) {
    const { base, sub } = splitResource(value);
    if (base === '*' && sub === undefined) return undefined;
    const reach = base === '*' ? withSubresource(api, scope, sub!) : inScope(api, scope, base);
    const verbs = new Set<string>();
    for (const info of reach) {
      if (sub === undefined) info.verbs.forEach((v) => verbs.add(v));
      else if (sub === FINALIZERS) verbs.add('update');
      else if (info.anySubresource) return undefined;
      else info.subresources.get(sub)?.forEach((v) => verbs.add(v));
    }
    if (verbs.size === 0) return undefined; // unknown resource or subresource: reported by their checks
    out.set(value, verbs);
  }
  return out.size > 0 ? out : undefined;
}

function verbProblem(
  verb: string,
  accepted: Set<string>,
  api: ApiIndex,
  served: Map<string, Set<string>> | undefined,
): { severity: Severity; message: string; fix?: string } | undefined {
  if (accepted.has(verb)) return undefined;
  const exact = 'RBAC compares verbs exactly (case-sensitive)';
  // Constrained impersonation (v1.35+): impersonate:<mode> and impersonate-on:<mode>:<verb>.
  const mode = /^impersonate(-on)?:([^:]*)(?::(.*))?$/.exec(verb);
  if (mode && (mode[1] === undefined) === (mode[3] === undefined)) {
    if (!IMPERSONATION_MODES.includes(mode[2])) {
      const fix = closest(mode[2], IMPERSONATION_MODES);
      const meant = fix && verb.replace(`:${mode[2]}`, `:${fix}`);
      return {
        severity: 'warning',
        message: `names no impersonation mode (${IMPERSONATION_MODES.join(', ')}): ${exact}, so it grants nothing.${didYouMean(meant)}`,
        ...(meant ? { fix: meant } : {}),
      };
    }
    if (mode[3] === undefined || accepted.has(mode[3])) return undefined;
    const inner = verbProblem(mode[3], accepted, api, served);
    return inner && { severity: inner.severity, message: `its verb ${JSON.stringify(mode[3])}: ${inner.message}` };
  }
  if (api.verbs.has(verb)) {
    const described = served ? [...served].map(([r, verbs]) => `${r}: ${[...verbs].join(', ')}`) : [];
    return {
      severity: 'hint',
      message: `no resource of this rule serves this verb (${described.join('; ')}): the API server never asks for it here, so it grants nothing. Remove it, or move it to a rule for a resource that has it.`,
    };
  }
  const guess = MEANT[verb.toLowerCase()] ?? closest(verb, [...accepted, ...api.verbs]);
  const sub = SUBRESOURCE_WORDS[verb.toLowerCase()];
  const hint = sub ? ` It is a subresource: grant ${JSON.stringify(guess)} on ${JSON.stringify(sub)}.` : didYouMean(guess);
  const what = guess && guess.toLowerCase() === verb.toLowerCase() ? 'not a verb as written' : 'not a Kubernetes API verb';
  return { severity: 'warning', message: `${what}: ${exact}, so it grants nothing.${hint}`, ...(guess && !sub ? { fix: guess } : {}) };
}

/** Non-resource requests carry the lower-case HTTP method as verb. */
function nonResourceFindings(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const methods = new Set([...HTTP_VERBS, '*']);
  const toMethod: Record<string, string> = { create: 'post', update: 'put', list: 'get', watch: 'get', read: 'get' };
  for (const { manifest } of ctx.objects) {
    if (!isRoleKind(manifest.kind)) continue;
    for (const rule of roleRules(ctx, manifest)) {
      if (rule.nonResourceURLs.count === 0 || rule.resources.count > 0 || rule.apiGroups.count > 0) continue;
      for (const { value, index } of rule.verbs.items) {
        if (methods.has(value)) continue;
        const guess = toMethod[value.toLowerCase()] ?? closest(value, HTTP_VERBS);
        const f = nonResourceFinding(manifest, rule, index, value, guess);
        if (guess) f.fix = replaceWith(f.span, value, guess);
        out.push(f);
      }
    }
  }
  return out;
}

function nonResourceFinding(m: Manifest, rule: RuleView, index: number, verb: string, guess: string | undefined): Finding {
  const message =
    `never the verb of a non-resource request: the API server uses the lower-case HTTP method (${HTTP_VERBS.join(', ')}), ` +
    `so it grants nothing on these URLs.${didYouMean(guess)}`;
  return itemFinding(ID, 'warning', m, ['rules', rule.index, 'verbs', index], verb, message);
}
