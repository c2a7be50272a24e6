// Small builders for policies in tests, with the API server's defaults already applied.
import type {
  ClusterRole,
  ClusterRoleBinding,
  Policy,
  PolicyRule,
  RequestAttributes,
  Role,
  RoleBinding,
  Subject,
} from '../../server/src/core/rbac/types';

export function policy(p: Partial<Policy>): Policy {
  return { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [], ...p };
}

export function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { kind: 'Role', metadata: { name, namespace }, rules };
}

export function clusterRole(name: string, rules: PolicyRule[], extra: Partial<ClusterRole> = {}): ClusterRole {
  return {
    kind: 'ClusterRole',
    metadata: { name, ...(extra.metadata ?? {}) },
    rules,
    ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}),
  };
}

export function roleBinding(namespace: string, name: string, roleRef: { kind: string; name: string }, subjects: Subject[]): RoleBinding {
  return { kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}

export function clusterRoleBinding(name: string, roleRef: { kind: string; name: string }, subjects: Subject[]): ClusterRoleBinding {
  return { kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}

export const user = (name: string): Subject => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
export const group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
export const sa = (name: string, namespace?: string): Subject => ({
  kind: 'ServiceAccount',
  apiGroup: '',
  name,
  ...(namespace ? { namespace } : {}),
});

export function res(
  verb: string,
  resource: string,
  opts: Partial<{ namespace: string; group: string; subresource: string; name: string }> = {},
): RequestAttributes {
  return {
    resourceRequest: true,
    verb,
    resource,
    namespace: opts.namespace ?? '',
    apiGroup: opts.group ?? '',
    subresource: opts.subresource ?? '',
    name: opts.name ?? '',
  };
}

export function url(verb: string, path: string): RequestAttributes {
  return { resourceRequest: false, verb, path };
}
