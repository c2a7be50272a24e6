// Privilege-escalation prevention (spec §6): Covers from component-helpers policy_comparator.go,
// and the checks the RBAC storages make before writing a role or a binding.
import { MASTERS } from './identity';
import { trimStars } from './matchers';
import type { Binding, RbacEvaluator } from './evaluator';
import { aggregateErrors } from './evaluator';
import type { ClusterRole, PolicyRule, Role, UserInfo } from './types';

/** BreakdownRule: one rule per (group, resource, verb[, name]) and per (url, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const names = rule.resourceNames ?? [];
  for (const g of rule.apiGroups ?? []) {
    for (const r of rule.resources ?? []) {
      for (const v of rule.verbs ?? []) {
        if (names.length > 0) {
          for (const n of names) out.push({ apiGroups: [g], resources: [r], verbs: [v], resourceNames: [n] });
        } else {
          out.push({ apiGroups: [g], resources: [r], verbs: [v] });
        }
      }
    }
  }
  for (const u of rule.nonResourceURLs ?? []) for (const v of rule.verbs ?? []) out.push({ nonResourceURLs: [u], verbs: [v] });
  return out;
}

function hasAll(set: readonly string[], contains: readonly string[]): boolean {
  return contains.every((c) => set.includes(c));
}

function resourceCoversAll(set: readonly string[], covers: readonly string[]): boolean {
  if (set.includes('*') || hasAll(set, covers)) return true;
  for (const p of covers) {
    if (set.includes(p)) continue;
    const slash = p.indexOf('/');
    if (slash < 0) return false;
    // "*/scale" covers "foo/scale".
    if (!set.includes(`*/${p.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, requested: string): boolean {
  return owner === requested || (owner.endsWith('*') && requested.startsWith(trimStars(owner)));
}

/** ruleCovers: does one owner rule cover one broken-down servant rule. */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const ov = owner.verbs ?? [];
  const og = owner.apiGroups ?? [];
  const on = owner.resourceNames ?? [];
  const sn = sub.resourceNames ?? [];
  const verbs = ov.includes('*') || hasAll(ov, sub.verbs ?? []);
  const groups = og.includes('*') || hasAll(og, sub.apiGroups ?? []);
  const resources = resourceCoversAll(owner.resources ?? [], sub.resources ?? []);
  const urls = (sub.nonResourceURLs ?? []).every((c) => (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, c)));
  const names = sn.length === 0 ? on.length === 0 : on.length === 0 || hasAll(on, sn);
  return verbs && groups && resources && names && urls;
}

/** Covers(owner, servant): whether the owner rules hold every permission of the servant rules. */
export function covers(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const rule of servant) {
    for (const sub of breakdownRule(rule)) if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
  }
  return { covered: missing.length === 0, missing };
}

/** covers(owner, rules).covered, stopping at the first permission the owner lacks. */
export function holdsAll(owner: readonly PolicyRule[], rules: readonly PolicyRule[]): boolean {
  return rules.every((rule) => breakdownRule(rule).every((sub) => owner.some((o) => ruleCovers(o, sub))));
}

/**
 * A rule set indexed for Covers (spec §6.3), for comparing many rule sets: the keys of its broken-down permissions, and its
 * rules with a "*" (or "*\/sub", a URL prefix) that only ruleCovers can compare. holds() answers as
 * covers() does, stopping at the first permission missing; most permissions are found by key. With
 * `parts`, the index stands for their rules and its own together (the roles a subject holds in a
 * namespace), without copying theirs.
 */
export class CoverIndex {
  private readonly keys = new Set<string>();
  private readonly wild: PolicyRule[];
  /** Its own broken-down permissions (not those of its parts), made when first held up to another index. */
  private atoms?: Array<{ key: string; atom: PolicyRule; unnamed?: string }>;

  constructor(
    private readonly rules: readonly PolicyRule[],
    private readonly parts: readonly CoverIndex[] = [],
  ) {
    this.wild = parts.flatMap((p) => p.wild);
    for (const rule of rules) {
      if (isWild(rule)) this.wild.push(rule);
      // A rule with resourceNames covers no non-resource URL (ruleCovers' names test).
      const urls = !rule.resourceNames?.length;
      for (const atom of breakdownRule(rule)) if (urls || !atom.nonResourceURLs) this.keys.add(atomKey(atom));
    }
  }

  private has(key: string): boolean {
    if (this.keys.has(key)) return true;
    for (const p of this.parts) if (p.has(key)) return true;
    return false;
  }

  holds(other: CoverIndex): boolean {
    other.atoms ??= other.rules.flatMap((r) =>
      breakdownRule(r).map((atom) => ({
        key: atomKey(atom),
        atom,
        ...(atom.resourceNames ? { unnamed: atomKey({ ...atom, resourceNames: [] }) } : {}),
      })),
    );
    for (const { key, atom, unnamed } of other.atoms) {
      if (this.has(key)) continue;
      // An owner without resourceNames covers any name.
      if (unnamed !== undefined && this.has(unnamed)) continue;
      if (!this.wild.some((w) => ruleCovers(w, atom))) return false;
    }
    return true;
  }
}

const indexes = new WeakMap<readonly PolicyRule[], CoverIndex>();

/** The CoverIndex of a role's rules, made once: the same roles are compared for many subjects. */
export function coverIndexOf(rules: readonly PolicyRule[]): CoverIndex {
  let i = indexes.get(rules);
  if (!i) indexes.set(rules, (i = new CoverIndex(rules)));
  return i;
}

const isWild = (r: PolicyRule): boolean =>
  r.verbs.includes('*') ||
  !!r.apiGroups?.includes('*') ||
  !!r.resources?.some((x) => x === '*' || x.startsWith('*/')) ||
  !!r.nonResourceURLs?.some((u) => u.endsWith('*'));

const SEP = '\u0000';

/** One broken-down permission as a string. */
const atomKey = (a: PolicyRule): string =>
  a.nonResourceURLs?.length
    ? `u${SEP}${a.nonResourceURLs[0]}${SEP}${a.verbs[0]}`
    : `r${SEP}${a.apiGroups![0]}${SEP}${a.resources![0]}${SEP}${a.verbs[0]}${SEP}${a.resourceNames?.[0] ?? ''}`;

/** CompactRules (registry version): single group+resource rules without names merge their verbs. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple =
      (r.apiGroups ?? []).length === 1 &&
      (r.resources ?? []).length === 1 &&
      (r.resourceNames ?? []).length === 0 &&
      (r.nonResourceURLs ?? []).length === 0;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0]]);
    const existing = simple.get(key);
    if (existing) {
      for (const v of r.verbs ?? []) if (!existing.verbs.includes(v)) existing.verbs.push(v);
    } else {
      simple.set(key, { apiGroups: [...r.apiGroups!], resources: [...r.resources!], verbs: [...(r.verbs ?? [])] });
    }
  }
  return [...out, ...simple.values()];
}

/** Go's %q of a []string: ["a" "b"]. */
export function goQuoteList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

/** rbacv1helpers.CompactString. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

export interface WriteCheck {
  allowed: boolean;
  /** How the write was allowed: masters, the escalate/bind verb, or because the user holds every permission. */
  via?: 'system:masters' | 'escalate' | 'bind' | 'covers';
  /** Permissions the user lacks (broken down), when not allowed by covering. */
  missing: PolicyRule[];
  /** The API server's error text when refused. */
  message?: string;
}

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** ConfirmNoEscalation: the user's rules in `namespace` must cover `rules`. */
export function confirmNoEscalation(ev: RbacEvaluator, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): WriteCheck {
  const owner = ev.rulesFor(user, namespace);
  const { covered, missing } = covers(
    owner.rules.map((r) => r.rule),
    rules,
  );
  if (covered) return { allowed: true, via: 'covers', missing: [] };
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let message = `user ${JSON.stringify(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (owner.errors.length) message += `; resolution errors: [${aggregateErrors(owner.errors)}]`;
  return { allowed: false, missing, message };
}

/**
 * May `user` create or update this Role / ClusterRole (the write itself being authorized)?
 * The escalate verb or holding every permission the role grants (full authority for aggregation).
 */
export function checkRoleWrite(ev: RbacEvaluator, user: UserInfo, role: Role | ClusterRole): WriteCheck {
  if (user.groups.includes(MASTERS)) return { allowed: true, via: 'system:masters', missing: [] };
  const namespace = role.kind === 'Role' ? (role.metadata.namespace ?? '') : '';
  const resource = role.kind === 'Role' ? 'roles' : 'clusterroles';
  const escalate = ev.authorize(user, {
    resourceRequest: true,
    verb: 'escalate',
    apiGroup: 'rbac.authorization.k8s.io',
    resource,
    subresource: '',
    name: role.metadata.name,
    namespace,
  });
  if (escalate.allowed) return { allowed: true, via: 'escalate', missing: [] };
  const check = confirmNoEscalation(ev, user, namespace, role.rules);
  if (!check.allowed)
    return {
      ...check,
      message: `${resource}.rbac.authorization.k8s.io ${JSON.stringify(role.metadata.name)} is forbidden: ${check.message}`,
    };
  if (role.kind === 'ClusterRole' && role.aggregationRule && role.aggregationRule.clusterRoleSelectors.length > 0) {
    const full = confirmNoEscalation(ev, user, '', FULL_AUTHORITY);
    if (!full.allowed) {
      return {
        ...full,
        message: `clusterroles.rbac.authorization.k8s.io ${JSON.stringify(role.metadata.name)} is forbidden: must have cluster-admin privileges to use the aggregationRule`,
      };
    }
  }
  return check;
}

/** May `user` create this RoleBinding / ClusterRoleBinding: the bind verb, or holding the role's permissions. */
export function checkBindingWrite(ev: RbacEvaluator, user: UserInfo, binding: Binding): WriteCheck {
  if (user.groups.includes(MASTERS)) return { allowed: true, via: 'system:masters', missing: [] };
  const namespace = binding.kind === 'RoleBinding' ? (binding.metadata.namespace ?? '') : '';
  const ref = binding.roleRef;
  const resource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : undefined;
  const plural = binding.kind === 'RoleBinding' ? 'rolebindings' : 'clusterrolebindings';
  if (resource) {
    const bind = ev.authorize(user, {
      resourceRequest: true,
      verb: 'bind',
      apiGroup: ref.apiGroup,
      resource,
      subresource: '',
      name: ref.name,
      namespace,
    });
    if (bind.allowed) return { allowed: true, via: 'bind', missing: [] };
  }
  const resolved = ev.resolveRoleRef(binding, namespace);
  if ('error' in resolved) return { allowed: false, missing: [], message: resolved.error };
  const check = confirmNoEscalation(ev, user, namespace, resolved.role.rules);
  return check.allowed
    ? check
    : { ...check, message: `${plural}.rbac.authorization.k8s.io ${JSON.stringify(binding.metadata.name)} is forbidden: ${check.message}` };
}
