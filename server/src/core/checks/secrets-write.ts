// Writing secrets: a secret of type kubernetes.io/service-account-token that names a service
// account is filled in with a token for it, so create yields any service account's token.
import { WRITE_VERBS, probeCheck, probes } from './grants';

export const secretsWrite = probeCheck({
  id: 'secrets-write',
  severity: 'error',
  summary: 'create, update, patch or delete on secrets: creating a service-account-token secret yields a token for any service account',
  mark: 'resources',
  probes: probes(WRITE_VERBS, 'namespaced', '', 'secrets'),
  why: (g) =>
    (g.probes.some((p) => p.verb === 'create')
      ? 'Creating a secret of type kubernetes.io/service-account-token makes the token controller fill in a token for the service account it names, any of the namespace. '
      : '') + 'Changing secrets changes the credentials and configuration workloads read.',
  fix: (g) =>
    g.names
      ? 'Keep resourceNames to the secrets that must be written.'
      : 'Grant writes only on the secrets needed, named in resourceNames.',
});
