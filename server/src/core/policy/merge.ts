// Combining policies the way applying manifests to a cluster does: a later object with the same
// kind, namespace and name replaces the earlier one, in its place.
import type { Policy, RbacObject } from '../rbac/types';

function key(o: RbacObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function mergeList<T extends RbacObject>(base: readonly T[], overlay: readonly T[]): T[] {
  const out: T[] = [];
  const at = new Map<string, number>();
  for (const o of [...base, ...overlay]) {
    const k = key(o);
    const i = at.get(k);
    if (i === undefined) at.set(k, out.push(o) - 1);
    else out[i] = o;
  }
  return out;
}

export function mergePolicies(base: Policy, overlay: Policy): Policy {
  return {
    roles: mergeList(base.roles, overlay.roles),
    clusterRoles: mergeList(base.clusterRoles, overlay.clusterRoles),
    roleBindings: mergeList(base.roleBindings, overlay.roleBindings),
    clusterRoleBindings: mergeList(base.clusterRoleBindings, overlay.clusterRoleBindings),
    serviceAccounts: mergeList(base.serviceAccounts, overlay.serviceAccounts),
  };
}
