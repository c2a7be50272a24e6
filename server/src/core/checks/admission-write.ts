// Admission configuration (cluster-scoped): webhooks and admission policies see, change or reject
// every request they match.
import { WRITE_VERBS, probeCheck, probes } from './grants';

export const admissionWrite = probeCheck({
  id: 'admission-write',
  severity: 'error',
  summary:
    'create, update, patch or delete on webhook configurations, validating or mutating admission policies and their bindings: intercept every request',
  mark: 'resources',
  probes: probes(
    WRITE_VERBS,
    'cluster',
    'admissionregistration.k8s.io',
    'mutatingwebhookconfigurations',
    'validatingwebhookconfigurations',
    'validatingadmissionpolicies',
    'validatingadmissionpolicybindings',
    'mutatingadmissionpolicies',
    'mutatingadmissionpolicybindings',
  ),
  why: () =>
    'Admission webhooks and policies see, change or reject every request they match: one can inject containers into pods, receive the secrets written to the API server, or turn off the policies that protect the cluster.',
  fix: () => 'Leave admission configuration to cluster administrators.',
});
