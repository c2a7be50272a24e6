// nodes/proxy is how the kubelet API (exec, run, logs, metrics) is authorized, with the verb of the
// HTTP method: get is enough to open a WebSocket exec through the kubelet.
import { probeCheck, probes } from './grants';

export const nodesProxy = probeCheck({
  id: 'nodes-proxy',
  severity: 'error',
  summary: 'any verb on nodes/proxy: the kubelet API of every node, running commands in its pods included',
  mark: 'resources',
  probes: probes(['get', 'create', 'update', 'patch', 'delete'], 'cluster', '', 'nodes/proxy'),
  why: () =>
    "nodes/proxy reaches the kubelet API of the nodes: running commands in any of their pods (/exec, /run, get alone is enough over a WebSocket), reading every pod's logs.",
  fix: (g) =>
    g.names
      ? 'Keep resourceNames to the nodes needed, or grant nodes/metrics, nodes/stats or nodes/log instead.'
      : 'For monitoring, grant nodes/metrics, nodes/stats or nodes/log instead: they run nothing.',
});
