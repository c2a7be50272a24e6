// exec and attach are pods subresources; the API server asks for create (SPDY) or get (WebSocket)
// on them, and since v1.35 create for both. "pods/*" is a literal name and grants neither.
import { probeCheck, probes } from './grants';

export const podExec = probeCheck({
  id: 'pod-exec',
  severity: 'error',
  summary: 'create or get on pods/exec or pods/attach: commands in any container, with its service account token and secrets',
  mark: 'resources',
  probes: probes(['create', 'get'], 'namespaced', '', 'pods/exec', 'pods/attach'),
  why: (g) =>
    'Exec and attach run commands in, or attach to, a container: the caller gets its service account token, its mounted secrets and its network access.' +
    (g.probes.every((p) => p.verb === 'get') ? ' get alone suffices on API servers before v1.35 (WebSocket exec).' : ''),
  fix: (g) =>
    g.names
      ? 'Keep resourceNames to the pods that must be debugged.'
      : 'Grant it only to those who debug, in the namespaces they debug, and remove it when done.',
});
