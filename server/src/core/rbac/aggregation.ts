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
}

export function aggregateClusterRoles(input: readonly ClusterRole[]): AggregationResult {
  const errors: string[] = [];
  const byName = new Map<string, ClusterRole>();
  for (const cr of input) byName.set(cr.metadata.name, cr);
  const sorted = [...byName.values()].sort((a, b) => compare(a.metadata.name, b.metadata.name));

  const current = new Map<string, PolicyRule[]>();
  const origins = new Map<string, string[]>();
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

  const limit = selectors.size + 2;
  let changed = true;
  for (let round = 0; changed; round++) {
    if (round > limit) {
      errors.push('ClusterRole aggregation did not reach a fixed point; results may differ from a cluster');
      break;
    }
    changed = false;
    for (const [name, matchers] of selectors) {
      const rules: PolicyRule[] = [];
      const from: string[] = [];
      for (const matches of matchers) {
        for (const cr of sorted) {
          const other = cr.metadata.name;
          if (other === name || !matches(cr.metadata.labels)) continue;
          for (const rule of current.get(other)!) {
            if (rules.some((r) => rulesEqual(r, rule))) continue;
            rules.push(rule);
            from.push(origins.get(other)?.[current.get(other)!.indexOf(rule)] ?? other);
          }
        }
      }
      if (!sameRules(rules, current.get(name)!)) {
        current.set(name, rules);
        origins.set(name, from);
        changed = true;
      } else if (!origins.has(name)) {
        origins.set(name, from);
      }
    }
  }

  const clusterRoles = input.map((cr) =>
    selectors.has(cr.metadata.name) && byName.get(cr.metadata.name) === cr ? { ...cr, rules: current.get(cr.metadata.name)! } : cr,
  );
  return { clusterRoles, ruleOrigins: origins, errors };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** equality.Semantic.DeepEqual: order-sensitive, a missing list equals an empty one. */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  return (
    listEq(a.verbs, b.verbs) &&
    listEq(a.apiGroups, b.apiGroups) &&
    listEq(a.resources, b.resources) &&
    listEq(a.resourceNames, b.resourceNames) &&
    listEq(a.nonResourceURLs, b.nonResourceURLs)
  );
}

function listEq(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function sameRules(a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean {
  return a.length === b.length && a.every((r, i) => rulesEqual(r, b[i]));
}
