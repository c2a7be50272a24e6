// Drift: how a workspace object differs from the live object of the same kind, namespace and name,
// in what decides access. Both sides are compared as the manifest model decodes them (the API
// server's defaults applied), so server-set metadata, annotations and defaults never count. Lists
// the authorizer reads as sets (rules, their verbs/groups/resources/names/URLs, subjects) are
// compared without order; labels count only where an aggregation selector reads them.
import type { LabelSelector, PolicyRule, RbacObject, Subject } from '../rbac/types';

const RULE_FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

const set = (xs: readonly string[] | undefined): string[] => [...new Set(xs ?? [])].sort();
/** `[get list]`; the core group shows as `""`. */
const list = (xs: readonly string[]): string => `[${xs.map((x) => x || '""').join(' ')}]`;
const ruleKey = (r: PolicyRule): string => JSON.stringify(RULE_FIELDS.map((f) => set(r[f])));
const subjectKey = (s: Subject): string => JSON.stringify([s.kind, s.apiGroup ?? '', s.name, s.namespace ?? '']);
const describeSubject = (s: Subject): string => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;

/** A selector in a form where equal selectors are equal strings (requirements and their values unordered). */
function selectorKey(s: LabelSelector): string {
  const labels = Object.entries(s.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exprs = (s.matchExpressions ?? []).map((e) => JSON.stringify([e.key, e.operator, set(e.values)])).sort();
  return JSON.stringify([labels, exprs]);
}

/** The label keys the aggregation selectors of these ClusterRoles read. */
export function aggregationLabelKeys(roles: Iterable<RbacObject>): Set<string> {
  const keys = new Set<string>();
  for (const r of roles) {
    if (r.kind !== 'ClusterRole') continue;
    for (const s of r.aggregationRule?.clusterRoleSelectors ?? []) {
      for (const k of Object.keys(s.matchLabels ?? {})) keys.add(k);
      for (const e of s.matchExpressions ?? []) keys.add(e.key);
    }
  }
  return keys;
}

/**
 * The differences between a workspace object and the live one, each as `path: here, in the cluster`
 * ("rules[1].verbs: [get list] here, [get] in the cluster"); empty when they grant the same.
 * `labelKeys`: the labels aggregation selects on (aggregationLabelKeys of both sides' ClusterRoles).
 */
export function driftBetween(file: RbacObject, live: RbacObject, labelKeys: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const k of [...labelKeys].sort()) {
    const a = file.metadata.labels?.[k];
    const b = live.metadata.labels?.[k];
    if (a !== b)
      out.push(
        `labels.${k}: ${a === undefined ? 'absent' : JSON.stringify(a)} here, ${b === undefined ? 'absent' : JSON.stringify(b)} in the cluster`,
      );
  }
  if (file.kind === 'ServiceAccount' && live.kind === 'ServiceAccount') {
    const a = file.automountServiceAccountToken;
    const b = live.automountServiceAccountToken;
    if (a !== b) out.push(`automountServiceAccountToken: ${a ?? 'unset'} here, ${b ?? 'unset'} in the cluster`);
  }
  if ((file.kind === 'Role' && live.kind === 'Role') || (file.kind === 'ClusterRole' && live.kind === 'ClusterRole')) {
    const aggregation = (o: RbacObject) => (o.kind === 'ClusterRole' ? o.aggregationRule?.clusterRoleSelectors : undefined);
    const [a, b] = [aggregation(file), aggregation(live)];
    if (a || b) {
      const keys = (s: LabelSelector[] | undefined) => (s ? JSON.stringify(s.map(selectorKey).sort()) : 'none');
      if (keys(a) !== keys(b))
        out.push(
          `aggregationRule: ${a ? `${a.length} selector(s)` : 'none'} here, ${b ? `${b.length} selector(s)` : 'none'} in the cluster`,
        );
      // The aggregation controller writes an aggregated ClusterRole's rules: those of the file are replaced anyway.
    } else out.push(...ruleDrift(file.rules, live.rules));
  }
  if (
    (file.kind === 'RoleBinding' && live.kind === 'RoleBinding') ||
    (file.kind === 'ClusterRoleBinding' && live.kind === 'ClusterRoleBinding')
  ) {
    const [a, b] = [file.roleRef, live.roleRef];
    if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name) {
      out.push(
        `roleRef: ${a.kind} ${a.name} here, ${b.kind} ${b.name} in the cluster (roleRef cannot be changed: the binding must be deleted and created again)`,
      );
    }
    out.push(...subjectDrift(file.subjects, live.subjects));
  }
  return out;
}

/** Rules matched without order; the unmatched ones paired in order and told field by field. */
function ruleDrift(here: readonly PolicyRule[], live: readonly PolicyRule[]): string[] {
  const { onlyHere, onlyLive } = unmatched(here, live, ruleKey);
  const out: string[] = [];
  const n = Math.min(onlyHere.length, onlyLive.length);
  for (let j = 0; j < n; j++) {
    const [i, a] = onlyHere[j];
    const b = onlyLive[j][1];
    for (const f of RULE_FIELDS) {
      const [x, y] = [set(a[f]), set(b[f])];
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`rules[${i}].${f}: ${list(x)} here, ${list(y)} in the cluster`);
    }
  }
  for (const [i] of onlyHere.slice(n)) out.push(`rules[${i}] is not in the cluster`);
  for (const [, r] of onlyLive.slice(n)) {
    const what = RULE_FIELDS.filter((f) => r[f]?.length).map((f) => `${f} ${list(set(r[f]))}`);
    out.push(`the cluster has one more rule (${what.join(', ')})`);
  }
  return out;
}

function subjectDrift(here: readonly Subject[], live: readonly Subject[]): string[] {
  const { onlyHere, onlyLive } = unmatched(here, live, subjectKey);
  return [
    ...onlyHere.map(([i, s]) => `subjects[${i}] (${describeSubject(s)}) is not bound in the cluster`),
    ...onlyLive.map(([, s]) => `the cluster also binds ${describeSubject(s)}`),
  ];
}

/** The items of each side without an equal item on the other (a multiset difference), with their indices. */
function unmatched<T>(here: readonly T[], live: readonly T[], key: (t: T) => string) {
  const left = new Map<string, number>();
  for (const t of live) left.set(key(t), (left.get(key(t)) ?? 0) + 1);
  const onlyHere: Array<[number, T]> = [];
  here.forEach((t, i) => {
    const n = left.get(key(t)) ?? 0;
    if (n > 0) left.set(key(t), n - 1);
    else onlyHere.push([i, t]);
  });
  const onlyLive: Array<[number, T]> = [];
  live.forEach((t, i) => {
    const n = left.get(key(t)) ?? 0;
    if (n > 0) {
      left.set(key(t), n - 1);
      onlyLive.push([i, t]);
    }
  });
  return { onlyHere, onlyLive };
}
