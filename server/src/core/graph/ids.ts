// Node and edge ids of the access graph, made from the objects alone so that the builder, the
// query and the view (which holds no manifests) name the same node the same way.
import type { Binding } from '../rbac/evaluator';
import type { Subject } from '../rbac/types';

export const subjectId = (s: Subject, bindingNamespace: string): string | undefined => {
  if (s.kind === 'ServiceAccount') return `ServiceAccount:${s.namespace || bindingNamespace}/${s.name}`;
  return s.kind === 'User' || s.kind === 'Group' ? `${s.kind}:${s.name}` : undefined;
};
export const bindingId = (b: Binding): string =>
  b.kind === 'RoleBinding' ? `RoleBinding:${b.metadata.namespace ?? ''}/${b.metadata.name}` : `ClusterRoleBinding:${b.metadata.name}`;
export const roleId = (kind: string, name: string, namespace: string): string =>
  kind === 'Role' ? `Role:${namespace}/${name}` : `${kind}:${name}`;
export const resourceId = (apiGroup: string, resource: string): string => `Resource:${apiGroup}/${resource}`;
export const urlId = (url: string): string => `NonResourceURL:${url}`;
export const edgeId = (source: string, target: string): string => `${source}->${target}`;
