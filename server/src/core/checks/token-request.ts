// TokenRequest is create on serviceaccounts/token, named by the service account.
import { probeCheck, probes } from './grants';

export const tokenRequest = probeCheck({
  id: 'token-request',
  severity: 'error',
  summary: 'create on serviceaccounts/token: a token for any service account of the namespace, with all its permissions',
  mark: 'resources',
  probes: probes(['create'], 'namespaced', '', 'serviceaccounts/token'),
  why: (g) =>
    `TokenRequest issues a token for ${g.names ? 'the service accounts named' : 'any service account of the namespaces where it applies'}: the caller gets all of its permissions.`,
  fix: (g) =>
    g.names
      ? 'Keep resourceNames to the service accounts that need tokens.'
      : 'Restrict it with resourceNames to the service accounts that need tokens.',
});
