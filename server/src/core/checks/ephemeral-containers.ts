// Ephemeral containers are added through the pods/ephemeralcontainers subresource (update, patch).
import { probeCheck, probes } from './grants';

export const ephemeralContainers = probeCheck({
  id: 'ephemeral-containers',
  severity: 'error',
  summary: 'update or patch on pods/ephemeralcontainers: any image inside a running pod, with its service account and volumes',
  mark: 'resources',
  probes: probes(['update', 'patch'], 'namespaced', '', 'pods/ephemeralcontainers'),
  why: () =>
    'An ephemeral container runs any image inside a running pod, with access to its service account token, its volumes and its network: as much as exec, and more.',
  fix: (g) =>
    g.names
      ? 'Keep resourceNames to the pods that must be debugged.'
      : 'Grant it only to those who debug, where they debug, and remove it when done.',
});
