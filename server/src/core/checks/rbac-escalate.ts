// escalate on roles / clusterroles lets a writer skip the API server's escalation check: a role
// may then hold permissions its writer lacks (spec §6.1). Asked with the role's name, none on create.
import { probeCheck, probes } from './grants';

const RBAC = 'rbac.authorization.k8s.io';

export const rbacEscalate = probeCheck({
  id: 'rbac-escalate',
  severity: 'error',
  summary: 'escalate on roles or clusterroles: write roles with permissions one does not hold',
  mark: 'verbs',
  probes: [...probes(['escalate'], 'namespaced', RBAC, 'roles'), ...probes(['escalate'], 'cluster', RBAC, 'clusterroles')],
  why: () =>
    'With escalate the API server no longer checks that a role holds only permissions its writer has: together with writing roles, one can give a role, and oneself through it, any permission.',
  fix: () => 'Remove escalate: with write access alone, the API server keeps refusing roles that hold more than their writer.',
});
