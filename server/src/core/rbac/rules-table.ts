// How `kubectl auth can-i --list` shows rules (kubectl pkg/cmd/auth/cani.go, pkg/util/rbac):
// each rule broken down, simple rules compacted per (group, resource, name), sorted by the
// rule's Go String() form, shown as Resources | Non-Resource URLs | Resource Names | Verbs.
import { breakdownRule } from './covers';
import type { PolicyRule } from './types';

/** kubectl's CompactRules: rules with one group, one resource and at most one name merge verbs. */
export function kubectlCompactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const names = r.resourceNames ?? [];
    const isSimple = names.length <= 1 && !(r.nonResourceURLs ?? []).length && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], names.length > 0, names[0] ?? '']);
    const existing = simple.get(key);
    if (!existing) {
      simple.set(key, { ...r, verbs: [...(r.verbs ?? [])] });
      continue;
    }
    for (const v of r.verbs ?? []) if (!existing.verbs.includes(v)) existing.verbs.push(v);
  }
  return [...out, ...simple.values()];
}

/** The generated Go String() of rbac/v1 PolicyRule, which kubectl sorts by. */
function goString(r: PolicyRule): string {
  const l = (v: readonly string[] | undefined) => `[${(v ?? []).join(' ')}]`;
  return `&PolicyRule{Verbs:${l(r.verbs)},APIGroups:${l(r.apiGroups)},Resources:${l(r.resources)},ResourceNames:${l(r.resourceNames)},NonResourceURLs:${l(r.nonResourceURLs)},}`;
}

/** describe.CombineResourceGroup: "deployments.apps", "pods", "deployments.apps/scale". */
export function combineResourceGroup(resources: readonly string[] | undefined, groups: readonly string[] | undefined): string {
  if (!resources || resources.length === 0) return '';
  const [res, sub] = splitOnce(resources[0], '/');
  let out = res;
  if (groups && groups.length > 0 && groups[0] !== '') out += `.${groups[0]}`;
  if (sub !== undefined) out += `/${sub}`;
  return out;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** The rows `kubectl auth can-i --list` prints for these rules. */
export function accessListRows(rules: readonly PolicyRule[]): string[][] {
  const compact = kubectlCompactRules(rules.flatMap(breakdownRule));
  const keyed = compact.map((r) => ({ r, k: goString(r) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const list = (v: readonly string[] | undefined) => `[${(v ?? []).join(' ')}]`;
  return keyed.map(({ r }) => [
    combineResourceGroup(r.resources, r.apiGroups),
    list(r.nonResourceURLs),
    list(r.resourceNames),
    list(r.verbs),
  ]);
}
