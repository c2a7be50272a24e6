// Shared machinery of the least-privilege and subject checks: which rules of the workspace are in
// effect, what a rule grants (tested with the engine's own matchers on probe requests, so
// wildcards, "*/sub", resourceNames and the core group behave as in the API server), who holds it
// through which bindings, and how that sets a finding's severity.
import { nodeAt, type Manifest, type Span } from '../manifest/parse';
import { rulesEqual } from '../rbac/aggregation';
import { breakdownRule, covers, ruleCovers } from '../rbac/covers';
import type { Binding } from '../rbac/evaluator';
import { ALL_SERVICE_ACCOUNTS, ANONYMOUS, AUTHENTICATED, UNAUTHENTICATED, splitServiceAccountUsername } from '../rbac/identity';
import { compileSelector, type LabelMatcher } from '../rbac/labels';
import { ruleAllows, trimStars } from '../rbac/matchers';
import type { ClusterRole, PolicyRule, ResourceAttributes, Role, Subject } from '../rbac/types';
import type { Workspace } from '../policy/workspace';
import { ApiIndex } from './api';
import type { Check, CheckContext, Finding, Related, Severity } from './check';
import { spanAt, type Path } from './locate';
import { rules as ruleViews, roleRules, type List, type RuleView } from './read';

export type AnyRole = Role | ClusterRole;

/**
 * Where a request is authorized: in a namespace, at cluster scope (never through a RoleBinding),
 * either, or in the namespace the object names (namespaces/NAME is checked in namespace NAME).
 */
export type Scope = 'namespaced' | 'cluster' | 'any' | 'self';

/** A request a rule may allow. */
export interface Probe {
  verb: string;
  group: string;
  resource: string;
  sub?: string;
  scope: Scope;
}

// ---------------------------------------------------------------------------------------------
// Rules in effect

/** A rule of a workspace role as the evaluator sees it, and where a finding about it points. */
export interface SiteRule {
  rule: PolicyRule;
  /** A rule written in the role itself. */
  view?: RuleView;
  /** A rule an aggregated role picked up: the ClusterRole it is written in, the selector that picks it. */
  from?: { role: string; selector: Path; related?: Related };
}

/** A workspace Role or ClusterRole that is in effect, with its effective rules (those that can grant something). */
export interface RoleSite {
  role: AnyRole;
  manifest: Manifest;
  aggregated: boolean;
  rules: SiteRule[];
  /** An aggregated role that picks up every permission (cluster-admin's rules, e.g. through a {} selector). */
  holdsAll: boolean;
}

/** What the checks look up about the whole workspace, built once per workspace. */
interface Index {
  workspace: Workspace;
  /** Aggregated ClusterRoles that (transitively) take the rules of a ClusterRole. */
  aggregators: Map<string, string[]>;
  selection: Selection;
  /** Per role: who holds its cluster-scoped grants, and its others. */
  reach: Map<AnyRole, [Reach, Reach]>;
}

/** The objects a check reports on (all of them, or those whose findings are recomputed): sites and bindings in effect. */
interface Reported {
  sites: RoleSite[];
  /** The bindings in effect (not replaced by a later object of the same name). */
  bindings: Array<{ binding: Binding; manifest: Manifest }>;
}

const indexes = new WeakMap<Workspace, Index>();
const reported = new WeakMap<CheckContext['objects'], Reported>();

function indexOf(ctx: CheckContext): Index {
  let ix = indexes.get(ctx.workspace);
  if (!ix) indexes.set(ctx.workspace, (ix = buildIndex(ctx.workspace)));
  return ix;
}

function reportedOf(ctx: CheckContext): Reported {
  let r = reported.get(ctx.objects);
  if (!r) reported.set(ctx.objects, (r = buildReported(ctx, indexOf(ctx))));
  return r;
}

function buildIndex(workspace: Workspace): Index {
  const selection = aggregationSelection(workspace.policy.clusterRoles);
  const aggregators = new Map<string, string[]>();
  for (const a of selection.aggregated.keys()) {
    for (const s of selection.selectedBy(a)) (aggregators.get(s) ?? aggregators.set(s, []).get(s)!).push(a);
  }

  return { workspace, aggregators, selection, reach: new Map() };
}

function buildReported(ctx: CheckContext, ix: Index): Reported {
  const { workspace } = ctx;
  const ev = workspace.evaluator;
  const { selection } = ix;
  const sites: RoleSite[] = [];
  const api = ApiIndex.of(workspace.catalogue);
  const ruleRelated = writtenRules(workspace);
  for (const { object, manifest } of ctx.objects) {
    if (object.kind !== 'Role' && object.kind !== 'ClusterRole') continue;
    const effective =
      object.kind === 'Role' ? ev.role(object.metadata.namespace ?? '', object.metadata.name) : ev.clusterRole(object.metadata.name);
    if (!effective || effective.source !== object.source) continue; // replaced by a later object of the same name
    if (object.kind === 'ClusterRole' && selection.aggregated.has(object.metadata.name)) {
      // The aggregation controller replaces the written rules with those of the selected roles.
      const origins = ev.ruleOrigins.get(object.metadata.name) ?? [];
      const selectorOf = selectorPaths(manifest, object, selection);
      const rules = effective.rules.flatMap((rule, i): SiteRule[] => {
        const from = origins[i];
        if (from === undefined || from === object.metadata.name || inert(rule, 'ClusterRole', api)) return [];
        return [{ rule, from: { role: from, selector: selectorOf(from), related: ruleRelated(from, rule) } }];
      });
      sites.push({ role: object, manifest, aggregated: true, rules, holdsAll: coversAll(rules.map((r) => r.rule)) });
      continue;
    }
    const rules = roleRules(ctx, manifest).map((view) => ({ rule: toPolicyRule(view), view }));
    sites.push({
      role: object,
      manifest,
      aggregated: false,
      rules: rules.filter((r) => !inert(r.rule, object.kind, api)),
      holdsAll: false,
    });
  }
  const live = new Set<Binding>([...ev.policy.clusterRoleBindings, ...ev.policy.roleBindings]);
  const bindings = ctx.objects.flatMap(({ object, manifest }) =>
    (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') && live.has(object) ? [{ binding: object, manifest }] : [],
  );
  return { sites, bindings };
}

/**
 * Rules that grant nothing: non-resource URLs in a Role (rejected by validation), a resource rule
 * whose apiGroups name no group that can exist ("core" is not the core group, which is "", and a
 * group without a dot is never a CRD's).
 */
function inert(rule: PolicyRule, kind: AnyRole['kind'], api: ApiIndex): boolean {
  if (rule.nonResourceURLs?.length) return kind === 'Role';
  return !(rule.apiGroups ?? []).some((g) => g === '*' || g.includes('.') || api.hasGroup(g));
}

const values = (l: List): string[] => l.items.map((i) => i.value);

/** The rule as the API server decodes it (items of the wrong type are dropped by the reader). */
export function toPolicyRule(v: RuleView): PolicyRule {
  const r: PolicyRule = { verbs: values(v.verbs) };
  if (v.apiGroups.count) r.apiGroups = values(v.apiGroups);
  if (v.resources.count) r.resources = values(v.resources);
  if (v.resourceNames.count) r.resourceNames = values(v.resourceNames);
  if (v.nonResourceURLs.count) r.nonResourceURLs = values(v.nonResourceURLs);
  return r;
}

interface Selection {
  /** Aggregated ClusterRoles (a valid aggregationRule) and their compiled selectors. */
  aggregated: Map<string, LabelMatcher[]>;
  /** Every ClusterRole whose rules an aggregated role takes, through other aggregated roles too. */
  selectedBy(name: string): Set<string>;
  direct(name: string, selector: number): string[];
}

function aggregationSelection(roles: readonly ClusterRole[]): Selection {
  const aggregated = new Map<string, LabelMatcher[]>();
  for (const cr of roles) {
    if (!cr.aggregationRule) continue;
    try {
      aggregated.set(cr.metadata.name, cr.aggregationRule.clusterRoleSelectors.map(compileSelector));
    } catch {
      // An invalid selector: the controller leaves the role's rules as written.
    }
  }
  // Per aggregated role, per selector, the other ClusterRoles it picks (selectedBy asks for them all).
  const hits = new Map<string, string[][]>();
  for (const [name, matchers] of aggregated) {
    hits.set(
      name,
      matchers.map((m) => roles.filter((r) => r.metadata.name !== name && m(r.metadata.labels)).map((r) => r.metadata.name)),
    );
  }
  const direct = (name: string, selector: number): string[] => hits.get(name)?.[selector] ?? [];
  const cache = new Map<string, Set<string>>();
  const selectedBy = (name: string): Set<string> => {
    const hit = cache.get(name);
    if (hit) return hit;
    const out = new Set<string>();
    cache.set(name, out);
    const todo = [name];
    while (todo.length) {
      const cur = todo.pop()!;
      (aggregated.get(cur) ?? []).forEach((_, i) => {
        for (const s of direct(cur, i)) if (s !== name && !out.has(s)) todo.push(out.add(s) && s);
      });
    }
    return out;
  };
  return { aggregated, selectedBy, direct };
}

/**
 * Per ClusterRole `from`, the selector of `role` that brings in its rules (directly or through
 * another aggregated role); asked once per rule, found once per `from`.
 */
function selectorPaths(m: Manifest, role: ClusterRole, selection: Selection): (from: string) => Path {
  const seq = nodeAt(m.node, ['aggregationRule', 'clusterRoleSelectors']);
  // Decoded selectors are the map items, in order.
  const written = seq?.type === 'seq' ? seq.items.flatMap((n, i) => (n.type === 'map' ? [i] : [])) : [];
  const count = role.aggregationRule?.clusterRoleSelectors.length ?? 0;
  const found = new Map<string, Path>();
  const find = (from: string): Path => {
    for (let k = 0; k < count; k++) {
      const hits = selection.direct(role.metadata.name, k);
      if (hits.includes(from) || hits.some((h) => selection.aggregated.has(h) && selection.selectedBy(h).has(from))) {
        if (written[k] !== undefined) return ['aggregationRule', 'clusterRoleSelectors', written[k]];
      }
    }
    return ['aggregationRule'];
  };
  return (from) => found.get(from) ?? found.set(from, find(from)).get(from)!;
}

/**
 * For related information: `(name, rule)` gives the written rule equal to `rule` of the workspace's
 * ClusterRole `name`. Each role is read once, when first asked about (aggregated roles take many rules of each).
 */
function writtenRules(workspace: Workspace): (name: string, rule: PolicyRule) => Related | undefined {
  const first = new Map<string, ClusterRole>();
  for (const c of workspace.policy.clusterRoles) if (!first.has(c.metadata.name)) first.set(c.metadata.name, c);
  const readRole = (m: Manifest | undefined) => {
    if (!m) return undefined;
    const tree = m.node;
    const rules = ruleViews(m).map((v) => ({ rule: toPolicyRule(v), span: spanAt(tree, ['rules', v.index]) }));
    return { file: m.file, name: spanAt(tree, ['metadata', 'name']), rules };
  };
  const read = new Map<string, ReturnType<typeof readRole>>();
  return (name, rule) => {
    if (!read.has(name)) read.set(name, readRole(workspace.manifestOf(first.get(name)?.source)));
    const role = read.get(name);
    if (!role) return undefined;
    const span = role.rules.find((r) => rulesEqual(r.rule, rule))?.span ?? role.name;
    return { file: role.file, span, message: `the rule, in ClusterRole ${name}` };
  };
}

/** The workspace's Roles and ClusterRoles in effect (not replaced by a later object of the same name). */
export function roleSites(ctx: CheckContext): RoleSite[] {
  return reportedOf(ctx).sites;
}

/** The workspace's bindings in effect. */
export function bindingSites(ctx: CheckContext): Array<{ binding: Binding; manifest: Manifest }> {
  return reportedOf(ctx).bindings;
}

// ---------------------------------------------------------------------------------------------
// What a rule grants

/** A rule that holds every permission on every resource: the specific checks leave it to the wildcard checks. */
export function fullAccess(rule: PolicyRule): boolean {
  return !rule.resourceNames?.length && rule.verbs.includes('*') && !!rule.apiGroups?.includes('*') && !!rule.resources?.includes('*');
}

export const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** Whether rules hold every permission (cluster-admin's), as the escalation check compares them. */
export function coversAll(rules: readonly PolicyRule[]): boolean {
  // Only "*" verbs on a URL of stars cover every URL: most roles stop here.
  if (!rules.some((r) => r.verbs.includes('*') && r.nonResourceURLs?.some((u) => trimStars(u) === ''))) return false;
  return covers(rules, FULL_AUTHORITY).covered;
}

/** Index of the rule that covers one of FULL_AUTHORITY's rules. */
export function coveringRule(rules: readonly PolicyRule[], which: 0 | 1): number {
  const sub = breakdownRule(FULL_AUTHORITY[which])[0];
  return rules.findIndex((r) => ruleCovers(r, sub));
}

export interface ProbeGrant {
  probes: Probe[];
  /** Set when only objects of these names are granted. */
  names?: string[];
  /** Indexes of the items of `field` that grant. */
  items: number[];
}

export type MarkField = 'verbs' | 'resources';

const attrs = (p: Probe, name: string): ResourceAttributes => ({
  resourceRequest: true,
  verb: p.verb,
  apiGroup: p.group,
  resource: p.resource,
  subresource: p.sub ?? '',
  name,
  namespace: '',
});

/** Requests that can carry a name: not a create of the object itself, not a deletecollection. */
const nameable = (p: Probe): boolean => !(p.sub === undefined && p.verb === 'create') && p.verb !== 'deletecollection';

/** The probes a rule allows (in a Role, cluster-scoped ones never are), and the items of `field` that allow them. */
export function probeGrant(rule: PolicyRule, probes: readonly Probe[], kind: AnyRole['kind'], field: MarkField): ProbeGrant | undefined {
  if (!mayMatch(rule, probes)) return undefined;
  const usable = kind === 'Role' ? probes.filter((p) => p.scope !== 'cluster') : probes;
  const names = rule.resourceNames ?? [];
  let granted = usable.filter((p) => ruleAllows(attrs(p, ''), rule));
  let restricted: string[] | undefined;
  if (granted.length === 0 && names.length > 0) {
    granted = usable.filter((p) => nameable(p) && ruleAllows(attrs(p, names[0]), rule));
    restricted = names;
  }
  if (granted.length === 0) return undefined;
  const name = restricted ? names[0] : '';
  const items = (rule[field] ?? []).flatMap((item, i) =>
    granted.some((p) => ruleAllows(attrs(p, name), { ...rule, [field]: [item] })) ? [i] : [],
  );
  return restricted ? { probes: granted, names: restricted, items } : { probes: granted, items };
}

interface ProbeWords {
  verbs: Set<string>;
  groups: Set<string>;
  resources: Set<string>;
  subs: Set<string>;
}

const words = new WeakMap<readonly Probe[], ProbeWords>();

/** A quick test that lets most rules go without building a request: some verb, group and resource could match. */
function mayMatch(rule: PolicyRule, probes: readonly Probe[]): boolean {
  let w = words.get(probes);
  if (!w) {
    w = { verbs: new Set(), groups: new Set(), resources: new Set(), subs: new Set() };
    for (const p of probes) {
      w.verbs.add(p.verb);
      w.groups.add(p.group);
      w.resources.add(p.sub ? `${p.resource}/${p.sub}` : p.resource);
      if (p.sub) w.subs.add(`*/${p.sub}`);
    }
    words.set(probes, w);
  }
  const { verbs, groups, resources, subs } = w;
  return (
    rule.verbs.some((v) => v === '*' || verbs.has(v)) &&
    (rule.apiGroups ?? []).some((g) => g === '*' || groups.has(g)) &&
    (rule.resources ?? []).some((r) => r === '*' || resources.has(r) || subs.has(r))
  );
}

/** "get, list, watch on secrets; create on pods/exec" */
export function describeProbes(probes: readonly Probe[]): string {
  const byResource = new Map<string, string[]>();
  for (const p of probes) {
    const label = `${p.resource}${p.sub ? `/${p.sub}` : ''}${p.group ? `.${p.group}` : ''}`;
    const verbs = byResource.get(label) ?? byResource.set(label, []).get(label)!;
    if (!verbs.includes(p.verb)) verbs.push(p.verb);
  }
  const byVerbs = new Map<string, string[]>();
  for (const [label, verbs] of byResource)
    (byVerbs.get(verbs.join(', ')) ?? byVerbs.set(verbs.join(', '), []).get(verbs.join(', '))!).push(label);
  return [...byVerbs].map(([verbs, labels]) => `${verbs} on ${labels.join(', ')}`).join('; ');
}

/** "get, list, watch secrets" — one rule in kubectl's words, for messages. */
export function describeRule(r: PolicyRule): string {
  const verbs = r.verbs.join(', ') || '(no verbs)';
  if (r.nonResourceURLs?.length) return `${verbs} ${r.nonResourceURLs.join(', ')}`;
  const groups = (r.apiGroups ?? []).filter((g) => g !== '');
  const inGroups = groups.length ? ` (apiGroups ${groups.join(', ')}${r.apiGroups!.includes('') ? ', core' : ''})` : '';
  const names = r.resourceNames?.length ? ` named ${r.resourceNames.join(', ')}` : '';
  return `${verbs} ${(r.resources ?? []).join(', ')}${inGroups}${names}`;
}

/** "get, list" — or "every verb" for "*". */
export function verbsText(verbs: readonly string[]): string {
  return verbs.includes('*') ? 'every verb' : verbs.join(', ');
}

/** "configmaps, services in the core group" — what a rule is about, for messages. */
export function ruleTarget(rule: PolicyRule): string {
  if (rule.nonResourceURLs?.length) return `the non-resource URLs ${rule.nonResourceURLs.join(', ')}`;
  const resources = (rule.resources ?? []).map((r) => (r === '*' ? 'every resource' : r)).join(', ');
  return `${resources} ${groupsText(rule.apiGroups ?? [])}`;
}

export function groupsText(groups: readonly string[]): string {
  if (groups.includes('*')) return 'in every API group';
  const named = groups.map((g) => (g === '' ? 'the core group' : g));
  return `in ${named.join(', ')}`;
}

/** Up to three rules, then how many more. */
export function describeRules(rules: readonly PolicyRule[]): string {
  if (rules.length === 0) return 'nothing (the role has no rules)';
  const shown = rules.slice(0, 3).map(describeRule).join('; ');
  return rules.length > 3 ? `${shown}; and ${rules.length - 3} more rules` : shown;
}

// ---------------------------------------------------------------------------------------------
// Who holds it

const BROAD_GROUPS = [AUTHENTICATED, UNAUTHENTICATED, ALL_SERVICE_ACCOUNTS];

/** Subjects that stand for many identities: every user, every anonymous request, every service account (of a namespace). */
export function isBroad(s: Subject): boolean {
  if (s.kind === 'User') return s.name === ANONYMOUS;
  return s.kind === 'Group' && (BROAD_GROUPS.includes(s.name) || s.name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`));
}

/** Subjects that can match someone (a ServiceAccount needs a namespace; kinds are case-sensitive). */
export function liveSubjects(b: Binding): Subject[] {
  const ns = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
  return b.subjects.filter((s) => s.kind === 'User' || s.kind === 'Group' || (s.kind === 'ServiceAccount' && (s.namespace || ns) !== ''));
}

export function describeSubject(s: Subject, b: Binding): string {
  if (s.kind !== 'ServiceAccount') return `${s.kind} ${s.name}`;
  return `ServiceAccount ${s.namespace || b.metadata.namespace || ''}/${s.name}`;
}

export function describeBinding(b: Binding): string {
  return b.kind === 'RoleBinding'
    ? `RoleBinding ${b.metadata.namespace ?? ''}/${b.metadata.name}`
    : `ClusterRoleBinding ${b.metadata.name}`;
}

export function describeRole(r: AnyRole): string {
  return r.kind === 'Role' ? `Role ${r.metadata.namespace ?? ''}/${r.metadata.name}` : `ClusterRole ${r.metadata.name}`;
}

interface Grantee {
  binding: Binding;
  /** The aggregated ClusterRole the binding references, when it is not the role itself. */
  via?: string;
}

export interface Reach {
  /** 0: nobody holds it; 1: only in namespaces (RoleBindings); 2: cluster-wide (a ClusterRoleBinding). */
  level: 0 | 1 | 2;
  broad: boolean;
  grantees: Grantee[];
  /** RoleBindings that reference the role but cannot grant these (cluster-scoped) requests. */
  inert: Binding[];
}

/** Who holds a role's grant of requests in `scopes`: its bindings and those of the roles that aggregate it. */
export function reachOf(ctx: CheckContext, role: AnyRole, scopes: readonly Scope[]): Reach {
  const ix = indexOf(ctx);
  const inNamespace = scopes.some((s) => s !== 'cluster');
  let cached = ix.reach.get(role);
  if (!cached) ix.reach.set(role, (cached = computeReach(ix, role)));
  return cached[inNamespace ? 1 : 0];
}

/** Who holds the role's cluster-scoped grants, and its others. */
function computeReach(ix: Index, role: AnyRole): [Reach, Reach] {
  const name = role.metadata.name;
  const ev = ix.workspace.evaluator;
  const refs: Array<[Binding[], string | undefined]> =
    role.kind === 'Role'
      ? [[ev.bindingsTo('Role', role.metadata.namespace ?? '', name), undefined]]
      : [
          [ev.bindingsTo('ClusterRole', '', name), undefined],
          ...(ix.aggregators.get(name) ?? []).map((a): [Binding[], string] => [ev.bindingsTo('ClusterRole', '', a), a]),
        ];
  const cluster: Reach = { level: 0, broad: false, grantees: [], inert: [] };
  const any: Reach = { level: 0, broad: false, grantees: [], inert: [] };
  const grant = (reach: Reach, binding: Binding, via: string | undefined, broad: boolean): void => {
    reach.grantees.push(via ? { binding, via } : { binding });
    reach.level = Math.max(reach.level, binding.kind === 'ClusterRoleBinding' ? 2 : 1) as Reach['level'];
    if (broad) reach.broad = true;
  };
  for (const [bindings, via] of refs) {
    for (const binding of bindings) {
      const subjects = liveSubjects(binding);
      if (subjects.length === 0) continue;
      const broad = subjects.some(isBroad);
      if (binding.kind === 'RoleBinding') cluster.inert.push(binding);
      else grant(cluster, binding, via, broad);
      grant(any, binding, via, broad);
    }
  }
  return [cluster, any];
}

const ORDER: Severity[] = ['hint', 'information', 'warning', 'error'];

export function lower(s: Severity, steps: number): Severity {
  return ORDER[Math.max(0, ORDER.indexOf(s) - steps)];
}

export function higher(a: Severity, b: Severity): Severity {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** `top` when cluster-wide or held by broad subjects, one lower in namespaces, two lower when nobody holds it; one lower again when restricted. */
export function severityOf(top: Severity, reach: Reach, restricted = false): Severity {
  const drop = reach.level === 2 || reach.broad ? 0 : reach.level === 1 ? 1 : 2;
  return lower(top, drop + (restricted ? 1 : 0));
}

const MAX_LISTED = 3;

/** The first items described, and how many more: a popular role has thousands of bindings. */
function listed<T>(items: readonly T[], describe: (item: T) => string, what: string): string {
  const shown = items.slice(0, MAX_LISTED).map(describe).join('; ');
  return items.length > MAX_LISTED ? `${shown}; and ${items.length - MAX_LISTED} more ${what}` : shown;
}

/** "Bound to Group system:authenticated by ClusterRoleBinding x (cluster-wide)." */
export function reachText(reach: Reach, role: AnyRole): string {
  if (reach.grantees.length === 0 && reach.inert.length > 0) {
    const names = listed(reach.inert, describeBinding, 'RoleBindings');
    return `It is bound only by ${names}, and a RoleBinding never grants cluster-scoped requests: nobody holds this until a ClusterRoleBinding references ${describeRole(role)}.`;
  }
  if (reach.grantees.length === 0) return `${describeRole(role)} is not bound yet: this applies to whoever it is bound to.`;
  const grant = ({ binding, via }: Grantee): string => {
    const subjects = liveSubjects(binding).map((s) => describeSubject(s, binding));
    const who =
      subjects.length > MAX_LISTED
        ? `${subjects.slice(0, MAX_LISTED).join(', ')} and ${subjects.length - MAX_LISTED} more`
        : subjects.join(', ');
    const through = via ? ` through aggregated ClusterRole ${via}` : '';
    const where = binding.kind === 'ClusterRoleBinding' ? 'cluster-wide' : `in namespace ${binding.metadata.namespace ?? ''}`;
    return `to ${who} by ${describeBinding(binding)}${through} (${where})`;
  };
  return `Bound ${listed(reach.grantees, grant, 'bindings')}.`;
}

const grantsRelated = new WeakMap<Reach, Related[]>();

/** The workspace bindings that grant, for related information (read once per reach: many findings share it). */
export function reachRelated(ctx: CheckContext, reach: Reach): Related[] {
  let related = grantsRelated.get(reach);
  if (!related) {
    related = reach.grantees.slice(0, 10).flatMap(({ binding }) => {
      const m = ctx.workspace.manifestOf(binding.source);
      return m ? [{ file: m.file, span: spanAt(m.node, ['roleRef', 'name']), message: `${describeBinding(binding)} grants it` }] : [];
    });
    grantsRelated.set(reach, related);
  }
  return related;
}

/** A workspace role's name, for related information. */
export function roleRelated(ctx: CheckContext, role: AnyRole, message: string): Related[] {
  const m = ctx.workspace.manifestOf(role.source);
  return m ? [{ file: m.file, span: spanAt(m.node, ['metadata', 'name']), message }] : [];
}

// ---------------------------------------------------------------------------------------------
// Rule checks: one finding per rule that grants, at the element that grants it

export interface RuleRisk {
  field: MarkField | 'apiGroups' | 'nonResourceURLs';
  /** Indexes into the rule's list of the items that grant. */
  items: number[];
  scopes: Scope[];
  /** Only objects of these names. */
  names?: string[];
  /** "get, list, watch on secrets" */
  what: string;
  /** Why it matters: one or two sentences. */
  why: string;
  /** How to fix it: a sentence. */
  fix: string;
  /** The severity when cluster-wide or broad; the check's own by default. */
  top?: Severity;
}

export interface RuleCheckSpec {
  id: string;
  severity: Severity;
  summary: string;
  /** What the rule risks, in a role of that kind; also what hover says about a rule (describe/risks.ts). */
  risk(rule: PolicyRule, kind: AnyRole['kind'], ctx?: CheckContext): RuleRisk | undefined;
}

/** A check of each rule in effect: its risk function is the spec's. */
export interface RuleCheck extends Check {
  risk: RuleCheckSpec['risk'];
}

export const isRuleCheck = (c: Check): c is RuleCheck => 'risk' in c;

/** Where a risk is marked: its single item, the list when several items grant, the rule when none does alone. */
function riskPath(view: RuleView, risk: RuleRisk): Path {
  const base: Path = ['rules', view.index];
  const items = view[risk.field].items;
  if (risk.items.length === 1 && items[risk.items[0]]) return [...base, risk.field, items[risk.items[0]].index];
  return risk.items.length > 1 ? [...base, risk.field] : base;
}

export const namesText = (names?: string[]): string =>
  names ? `, only on the objects named ${names.map((n) => JSON.stringify(n)).join(', ')}` : '';

export function ruleCheck(spec: RuleCheckSpec): RuleCheck {
  return {
    id: spec.id,
    severity: spec.severity,
    summary: spec.summary,
    risk: (rule, kind, ctx) => spec.risk(rule, kind, ctx),
    run(ctx: CheckContext): Finding[] {
      const out: Finding[] = [];
      for (const site of roleSites(ctx)) {
        if (site.holdsAll) continue; // cluster-admin-equivalent says it all, at the same selector
        // An aggregated role's findings, one per selector.
        let bySelector: Map<string, Array<{ from: NonNullable<SiteRule['from']>; risk: RuleRisk }>> | undefined;
        for (const { rule, view, from } of site.rules) {
          const risk = spec.risk(rule, site.role.kind, ctx);
          if (!risk) continue;
          if (view) out.push(writtenFinding(ctx, spec, site, view, risk));
          else if (from) {
            const key = from.selector.join('.');
            bySelector ??= new Map();
            (bySelector.get(key) ?? bySelector.set(key, []).get(key)!).push({ from, risk });
          }
        }
        if (bySelector) for (const group of bySelector.values()) out.push(aggregatedFinding(ctx, spec, site, group));
      }
      return out;
    },
  };
}

function writtenFinding(ctx: CheckContext, spec: RuleCheckSpec, site: RoleSite, view: RuleView, risk: RuleRisk): Finding {
  const reach = reachOf(ctx, site.role, risk.scopes);
  const message = `${describeRole(site.role)} grants ${risk.what}${namesText(risk.names)}. ${risk.why} ${reachText(reach, site.role)} ${risk.fix}`;
  const f: Finding = {
    check: spec.id,
    severity: severityOf(risk.top ?? spec.severity, reach, risk.names !== undefined),
    message,
    file: site.manifest.file,
    span: spanAt(site.manifest.node, riskPath(view, risk)),
  };
  const related = reachRelated(ctx, reach);
  if (related.length) f.related = related;
  return f;
}

function aggregatedFinding(
  ctx: CheckContext,
  spec: RuleCheckSpec,
  site: RoleSite,
  group: Array<{ from: NonNullable<SiteRule['from']>; risk: RuleRisk }>,
): Finding {
  const scopes = [...new Set(group.flatMap((g) => g.risk.scopes))];
  const reach = reachOf(ctx, site.role, scopes);
  const severity = group.map((g) => severityOf(g.risk.top ?? spec.severity, reach, g.risk.names !== undefined)).reduce(higher);
  const first = group[0];
  const others = [...new Set(group.map((g) => g.from.role))].filter((r) => r !== first.from.role);
  const more = others.length
    ? `, and such grants from ${others.length > MAX_LISTED ? `${others.slice(0, MAX_LISTED).join(', ')} and ${others.length - MAX_LISTED} more ClusterRoles` : others.join(', ')}`
    : '';
  const message =
    `${describeRole(site.role)} aggregates ${first.risk.what}${namesText(first.risk.names)} from ClusterRole ${first.from.role}${more} ` +
    `(this selector picks ${others.length ? 'them' : 'it'} up). ${first.risk.why} ${reachText(reach, site.role)} ` +
    `${first.risk.fix.replace(/\.$/, '')} in the ClusterRole it comes from, or narrow this selector.`;
  const f: Finding = {
    check: spec.id,
    severity,
    message,
    file: site.manifest.file,
    span: spanAt(site.manifest.node, group[0].from.selector),
  };
  const related = [...group.flatMap((g) => (g.from.related ? [g.from.related] : [])), ...reachRelated(ctx, reach)];
  if (related.length) f.related = related;
  return f;
}

export interface ProbeCheckSpec {
  id: string;
  severity: Severity;
  summary: string;
  /** The field whose granting items a finding marks. */
  mark: MarkField;
  probes: readonly Probe[] | ((rule: PolicyRule) => readonly Probe[]);
  why(g: ProbeGrant): string;
  fix(g: ProbeGrant): string;
}

/** A check for one capability: the rules that allow any of its probe requests. */
export function probeCheck(spec: ProbeCheckSpec): RuleCheck {
  return ruleCheck({
    id: spec.id,
    severity: spec.severity,
    summary: spec.summary,
    risk(rule, kind) {
      if (rule.nonResourceURLs?.length) return undefined;
      const probes = typeof spec.probes === 'function' ? spec.probes(rule) : spec.probes;
      const g = probeGrant(rule, probes, kind, spec.mark);
      if (!g || fullAccess(rule)) return undefined;
      const risk: RuleRisk = {
        field: spec.mark,
        items: g.items,
        scopes: [...new Set(g.probes.map((p) => p.scope))],
        what: describeProbes(g.probes),
        why: spec.why(g),
        fix: spec.fix(g),
      };
      if (g.names) risk.names = g.names;
      return risk;
    },
  });
}

/** Probes for each verb × (group, resource[/sub]) at one scope. */
export function probes(verbs: readonly string[], scope: Scope, group: string, ...resources: string[]): Probe[] {
  return resources.flatMap((r) => {
    const [resource, sub] = r.split('/');
    return verbs.map((verb) => (sub ? { verb, group, resource, sub, scope } : { verb, group, resource, scope }));
  });
}

export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** The "*" items of a list. */
export const stars = (l: readonly string[] | undefined): number[] => (l?.includes('*') ? l.flatMap((v, i) => (v === '*' ? [i] : [])) : []);

// ---------------------------------------------------------------------------------------------
// Subject checks

export interface SubjectMatch {
  /** Who the subject stands for, e.g. "every authenticated user and service account". */
  who: string;
  /** Steps below the check's severity. */
  lower?: number;
}

export interface SubjectCheckSpec {
  id: string;
  severity: Severity;
  summary: string;
  match(s: Subject, binding: Binding): SubjectMatch | undefined;
  fix: string;
}

/** Binding subjects that stand for many or unintended identities, marked at their name. */
export function subjectCheck(spec: SubjectCheckSpec): Check {
  return {
    id: spec.id,
    severity: spec.severity,
    summary: spec.summary,
    run(ctx: CheckContext): Finding[] {
      const out: Finding[] = [];
      for (const { binding, manifest } of bindingSites(ctx)) {
        const matches = binding.subjects.map((s) => spec.match(s, binding));
        if (!matches.some(Boolean)) continue; // the tree (built anew for a live object) is read only then
        const tree = manifest.node;
        const seq = nodeAt(tree, ['subjects']);
        if (seq?.type !== 'seq') continue;
        // Decoded subjects are the map items, in order.
        const written = seq.items.flatMap((n, i) => (n.type === 'map' ? [i] : []));
        matches.forEach((m, k) => {
          if (m && written[k] !== undefined)
            out.push(subjectFinding(ctx, spec, binding, manifest, spanAt(tree, ['subjects', written[k], 'name']), m));
        });
      }
      return out;
    },
  };
}

/** `span`: the subject's name. */
function subjectFinding(ctx: CheckContext, spec: SubjectCheckSpec, b: Binding, m: Manifest, span: Span, match: SubjectMatch): Finding {
  const ns = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
  const resolved = ctx.workspace.evaluator.resolveRoleRef(b, ns);
  const ref = `${b.roleRef.kind} ${b.roleRef.name}`;
  const grants = 'error' in resolved ? `nothing yet (${resolved.error})` : describeRules(resolved.role.rules);
  const empty = 'error' in resolved || resolved.role.rules.length === 0;
  const where = b.kind === 'ClusterRoleBinding' ? 'in every namespace and at cluster scope' : `in namespace ${ns}`;
  const message = `${describeBinding(b)} grants ${ref} to ${match.who}, ${where}: ${grants}. ${spec.fix}`;
  const steps = (match.lower ?? 0) + (b.kind === 'RoleBinding' ? 1 : 0) + (empty ? 1 : 0);
  const f: Finding = { check: spec.id, severity: lower(spec.severity, steps), message, file: m.file, span };
  if (!('error' in resolved)) {
    const related = roleRelated(ctx, resolved.role, `${describeRole(resolved.role)}, the role it grants`);
    if (related.length) f.related = related;
  }
  return f;
}

/** A User subject named with a service account's username matches that service account. */
export function serviceAccountOf(s: Subject, b: Binding): { namespace: string; name: string } | undefined {
  if (s.kind === 'ServiceAccount') {
    const namespace = s.namespace || (b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '');
    return namespace ? { namespace, name: s.name } : undefined;
  }
  return s.kind === 'User' ? splitServiceAccountUsername(s.name) : undefined;
}
