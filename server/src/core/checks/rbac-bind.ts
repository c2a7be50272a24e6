// bind is checked on the referenced role (roles / clusterroles, named by roleRef.name, in the
// binding's namespace), never on rolebindings (spec §6.2). A RoleBinding granting bind on
// clusterroles lets one bind them in its namespace.
import { probeCheck, probes } from './grants';

const RBAC = 'rbac.authorization.k8s.io';

export const rbacBind = probeCheck({
  id: 'rbac-bind',
  severity: 'error',
  summary: 'bind on roles or clusterroles (where the API server checks it): bind roles one does not hold',
  mark: 'verbs',
  probes: [...probes(['bind'], 'namespaced', RBAC, 'roles'), ...probes(['bind'], 'any', RBAC, 'clusterroles')],
  why: (g) =>
    `With bind the API server no longer checks that a binding's role holds only permissions its creator has: together with writing bindings, one can grant ${
      g.names ? 'these roles' : 'any role, cluster-admin included,'
    } to anyone, oneself too.`,
  fix: (g) =>
    g.names
      ? 'Keep resourceNames to the roles that may be handed out.'
      : 'Restrict bind with resourceNames to the roles that may be handed out.',
});
