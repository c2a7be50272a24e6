// port-forward is the pods/portforward subresource, asked for with create (SPDY) or get (WebSocket).
import { probeCheck, probes } from './grants';

export const podPortForward = probeCheck({
  id: 'pod-port-forward',
  severity: 'warning',
  summary: 'create or get on pods/portforward: a tunnel to any port of the pods, past Services and NetworkPolicies',
  mark: 'resources',
  probes: probes(['create', 'get'], 'namespaced', '', 'pods/portforward'),
  why: () =>
    'Port-forwarding opens a tunnel from the caller to any port of the pods, ports no Service exposes included (databases, admin endpoints); NetworkPolicies do not apply to it.',
  fix: (g) =>
    g.names ? 'Keep resourceNames to the pods needed.' : 'Grant it only where it is needed, or expose the port through a Service.',
});
