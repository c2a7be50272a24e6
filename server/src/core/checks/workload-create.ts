// Creating pods, or any controller that creates them: a pod may run as any service account of its
// namespace and mount any of its secrets, so its creator holds all of their permissions.
import { probeCheck, probes } from './grants';

export const workloadCreate = probeCheck({
  id: 'workload-create',
  severity: 'warning',
  summary:
    'create on pods or a pod controller (deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs, replicationcontrollers): runs as any service account of the namespace',
  mark: 'resources',
  probes: [
    ...probes(['create'], 'namespaced', '', 'pods', 'replicationcontrollers'),
    ...probes(['create'], 'namespaced', 'apps', 'deployments', 'replicasets', 'statefulsets', 'daemonsets'),
    ...probes(['create'], 'namespaced', 'batch', 'jobs', 'cronjobs'),
  ],
  why: () =>
    'A pod can run as any service account of its namespace and mount any secret there: whoever creates pods, directly or through a controller, holds the permissions of every service account of the namespace.',
  fix: () =>
    'Keep powerful service accounts out of namespaces where others create workloads, and grant create only to the deployment tooling that needs it.',
});
