// Namespaces: create is cluster-scoped; update, patch and delete of namespaces/NAME are checked in
// namespace NAME, so a RoleBinding granting them there reaches its own namespace.
import { probeCheck, probes } from './grants';

export const namespaceWrite = probeCheck({
  id: 'namespace-write',
  severity: 'warning',
  summary: 'create, update, patch or delete on namespaces: delete everything in one, relabel it past Pod Security',
  mark: 'resources',
  probes: [...probes(['create'], 'cluster', '', 'namespaces'), ...probes(['update', 'patch', 'delete'], 'self', '', 'namespaces')],
  why: (g) =>
    (g.probes.some((p) => p.verb === 'delete') ? 'Deleting a namespace deletes everything in it. ' : '') +
    (g.probes.some((p) => p.verb === 'update' || p.verb === 'patch')
      ? 'Changing its labels turns off Pod Security admission (pod-security.kubernetes.io/*) and changes which policies and webhooks select it. '
      : '') +
    (g.probes.some((p) => p.scope === 'self') ? 'Through a RoleBinding it applies to the binding’s own namespace.' : ''),
  fix: () => 'Leave namespaces to cluster administrators or the tool that provisions them.',
});
