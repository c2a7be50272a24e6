// Writing RBAC objects. The escalation check still applies (a writer cannot grant what it does not
// hold, spec §6), but it can pass on all it holds and delete what others rely on.
import { WRITE_VERBS, probeCheck, probes } from './grants';

const RBAC = 'rbac.authorization.k8s.io';

export const rbacWrite = probeCheck({
  id: 'rbac-write',
  severity: 'warning',
  summary: 'create, update, patch or delete on roles, clusterroles, rolebindings or clusterrolebindings',
  mark: 'resources',
  probes: [
    ...probes(WRITE_VERBS, 'namespaced', RBAC, 'roles', 'rolebindings'),
    ...probes(WRITE_VERBS, 'cluster', RBAC, 'clusterroles', 'clusterrolebindings'),
  ],
  why: () =>
    'The API server refuses to grant permissions the writer does not hold (unless it also has escalate or bind), but the writer can pass on all of its own permissions to anyone and delete the bindings others rely on.',
  fix: () => 'Leave RBAC changes to administrators or the deployment pipeline.',
});
