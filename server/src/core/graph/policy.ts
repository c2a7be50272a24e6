// The policy a graph shows, rebuilt from its nodes for the RBAC engine: roles with their rules
// (already aggregated, with where each aggregated rule came from) and bindings with their subjects.
import { RbacEvaluator } from '../rbac/evaluator';
import type { Policy } from '../rbac/types';
import type { GraphNode } from './protocol';

export function evaluatorOfGraph(nodes: readonly GraphNode[]): RbacEvaluator {
  const policy: Policy = { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [] };
  const origins = new Map<string, string[]>();
  for (const n of nodes) {
    const metadata = { name: n.name, ...(n.namespace ? { namespace: n.namespace } : {}) };
    if ((n.kind === 'Role' || n.kind === 'ClusterRole') && !n.missing) {
      const rules = (n.rules ?? []).map(({ aggregatedFrom: _, ...rule }) => rule);
      if (n.kind === 'Role') policy.roles.push({ kind: 'Role', metadata, rules });
      else policy.clusterRoles.push({ kind: 'ClusterRole', metadata, rules });
      if (n.rules?.some((r) => r.aggregatedFrom !== undefined))
        origins.set(
          n.name,
          n.rules.map((r) => r.aggregatedFrom ?? n.name),
        );
    } else if ((n.kind === 'RoleBinding' || n.kind === 'ClusterRoleBinding') && n.roleRef) {
      const b = { metadata, roleRef: n.roleRef, subjects: n.subjects ?? [] };
      if (n.kind === 'RoleBinding') policy.roleBindings.push({ kind: 'RoleBinding', ...b });
      else policy.clusterRoleBindings.push({ kind: 'ClusterRoleBinding', ...b });
    }
  }
  // The rules are the aggregated ones already: aggregating again could only repeat them.
  return new RbacEvaluator(policy, { aggregate: false, ruleOrigins: origins });
}
