// ClusterRole aggregation as the clusterrole-aggregation controller computes it (spec §7):
// an aggregated role's rules are replaced by the deduplicated rules of every other ClusterRole its
// selectors match (selectors in order, matches sorted by name), repeated until nothing changes.
import { compileSelector, type LabelMatcher } from './labels';
import type { ClusterRole, PolicyRule } from './types';

export interface AggregationResult {
  clusterRoles: ClusterRole[];
  /** For aggregated roles: the ClusterRole each rule came from, index for index. */
  ruleOrigins: Map<string, string[]>;
  errors: string[];
  /** ClusterRoles some aggregated role's selectors match: their rules (and only theirs) flow into others. */
  selected: Set<string>;
}

export function aggregateClusterRoles(input: readonly ClusterRole[]): AggregationResult {
  const errors: string[] = [];
  const byName = new Map<string, ClusterRole>();
  for (const cr of input) byName.set(cr.metadata.name, cr);
  const sorted = [...byName.values()].sort((a, b) => compare(a.metadata.name, b.metadata.name));

  const current = new Map<string, PolicyRule[]>();
  const selectors = new Map<string, LabelMatcher[]>();
  for (const cr of sorted) {
    current.set(cr.metadata.name, cr.rules);
    if (!cr.aggregationRule) continue;
    try {
      selectors.set(cr.metadata.name, cr.aggregationRule.clusterRoleSelectors.map(compileSelector));
    } catch (e) {
      // The controller fails to sync such a role and leaves its rules as they are.
      errors.push(`ClusterRole "${cr.metadata.name}": invalid aggregationRule: ${(e as Error).message}`);
    }
  }

  /** The roles an aggregated role selects, selectors in order, then by name (never itself). */
  const selected = (name: string, matchers: LabelMatcher[]): string[] => {
    const out: string[] = [];
    for (const matches of matchers) {
      for (const cr of sorted) {
        const other = cr.metadata.name;
        if (other !== name && matches(cr.metadata.labels) && !out.includes(other)) out.push(other);
      }
    }
    return out;
  };
  const sources = new Map([...selectors].map(([name, matchers]) => [name, selected(name, matchers)]));

  const limit = selectors.size + 2;
  let changed = true;
  for (let round = 0; changed; round++) {
    if (round > limit) {
      errors.push('ClusterRole aggregation did not reach a fixed point; results may differ from a cluster');
      break;
    }
    changed = false;
    for (const [name, from] of sources) {
      const rules: PolicyRule[] = [];
      const seen = new Set<string>();
      for (const other of from) {
        for (const rule of current.get(other)!) {
          const key = ruleKey(rule);
          if (seen.has(key)) continue;
          seen.add(key);
          rules.push(rule);
        }
      }
      if (!sameRules(rules, current.get(name)!)) {
        current.set(name, rules);
        changed = true;
      }
    }
  }
  for (const cycle of aggregationCycles(sources)) {
    errors.push(
      `ClusterRoles ${cycle.map((n) => JSON.stringify(n)).join(', ')} aggregate each other: their rules depend on the order the aggregation controller syncs them`,
    );
  }

  // Where each aggregated rule comes from: the first selected role holding an equal rule,
  // followed through aggregated roles to the role the rule is written in.
  const keysOf = new Map<string, Set<string>>();
  const holds = (role: string, key: string): boolean => {
    let keys = keysOf.get(role);
    if (!keys) keysOf.set(role, (keys = new Set(current.get(role)!.map(ruleKey))));
    return keys.has(key);
  };
  const originOf = (name: string, key: string, seen: Set<string>): string => {
    for (const other of sources.get(name) ?? []) {
      if (seen.has(other) || !holds(other, key)) continue;
      return sources.has(other) ? originOf(other, key, new Set(seen).add(other)) : other;
    }
    return name;
  };
  const origins = new Map<string, string[]>();
  for (const name of sources.keys())
    origins.set(
      name,
      current.get(name)!.map((rule) => originOf(name, ruleKey(rule), new Set([name]))),
    );

  const clusterRoles = input.map((cr) =>
    selectors.has(cr.metadata.name) && byName.get(cr.metadata.name) === cr ? { ...cr, rules: current.get(cr.metadata.name)! } : cr,
  );
  return { clusterRoles, ruleOrigins: origins, errors, selected: new Set([...sources.values()].flat()) };
}

/** Groups of aggregated roles that select each other (strongly connected components, Tarjan). */
function aggregationCycles(sources: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of sources.get(v) ?? []) {
      if (!sources.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort(compare));
  };
  for (const v of sources.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const keys = new WeakMap<PolicyRule, string>();

/** A string equal for two rules exactly when they are semantically equal (cached per rule object). */
function ruleKey(r: PolicyRule): string {
  let k = keys.get(r);
  if (k === undefined) {
    k = JSON.stringify([r.verbs ?? [], r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);
    keys.set(r, k);
  }
  return k;
}

/** equality.Semantic.DeepEqual: order-sensitive, a missing list equals an empty one. */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  return a === b || ruleKey(a) === ruleKey(b);
}

function sameRules(a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean {
  return a.length === b.length && a.every((r, i) => rulesEqual(r, b[i]));
}
