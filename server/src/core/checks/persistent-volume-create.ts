// PersistentVolumes are cluster-scoped; a hostPath volume mounts a node's filesystem.
import { probeCheck, probes } from './grants';

export const persistentVolumeCreate = probeCheck({
  id: 'persistent-volume-create',
  severity: 'warning',
  summary: "create on persistentvolumes: a hostPath volume mounts a node's filesystem into a pod",
  mark: 'resources',
  probes: probes(['create'], 'cluster', '', 'persistentvolumes'),
  why: () =>
    "A hostPath PersistentVolume mounts any directory of a node — the kubelet's credentials, other pods' volumes — into the pod that claims it.",
  fix: () => 'Let a StorageClass provision volumes, and grant create on persistentvolumeclaims instead.',
});
