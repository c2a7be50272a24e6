// Writing nodes (cluster-scoped): labels and taints decide where pods run; deleting a node evicts its pods.
import { WRITE_VERBS, probeCheck, probes } from './grants';

export const nodeWrite = probeCheck({
  id: 'node-write',
  severity: 'warning',
  summary: 'create, update, patch or delete on nodes or nodes/status: steer where workloads run, evict them',
  mark: 'resources',
  probes: probes(WRITE_VERBS, 'cluster', '', 'nodes', 'nodes/status'),
  why: () =>
    'Changing nodes or their status (labels, taints, addresses, conditions) steers which pods run where — onto a node one controls, secrets and all — and deleting a node evicts its pods.',
  fix: () => 'Leave nodes to the kubelets (the Node authorizer) and the cluster controllers.',
});
