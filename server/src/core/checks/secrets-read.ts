// Reading secrets: list and watch return every secret with its data (values, not just names);
// get needs a name, and names are easy to guess. resourceNames limits get to the secrets named.
import { probeCheck, probes } from './grants';

export const secretsRead = probeCheck({
  id: 'secrets-read',
  severity: 'error',
  summary: 'get, list or watch on secrets: list and watch return every secret with its data; lower when get is restricted by resourceNames',
  mark: 'resources',
  probes: probes(['get', 'list', 'watch'], 'namespaced', '', 'secrets'),
  why: (g) =>
    g.names
      ? 'Reading a secret returns its data: tokens, passwords, keys.'
      : g.probes.some((p) => p.verb !== 'get')
        ? 'list and watch return every secret with its data — service account tokens, passwords, TLS keys — not just the names.'
        : 'get returns the data of any secret whose name is known, and names are easy to guess.',
  fix: (g) =>
    g.names
      ? 'Keep resourceNames to the secrets the workload needs.'
      : 'Grant get on the secrets needed, named in resourceNames, and leave out list and watch.',
});
