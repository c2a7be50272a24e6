// Pods that name no serviceAccountName run as the "default" service account of their namespace, so
// its permissions go to every such pod. A User subject with its username matches it too.
import { serviceAccountOf, subjectCheck } from './grants';

export const defaultServiceAccountBound = subjectCheck({
  id: 'default-service-account-bound',
  severity: 'warning',
  summary: 'A binding to a namespace\'s "default" service account, which every pod without serviceAccountName runs as',
  match(s, b) {
    const sa = serviceAccountOf(s, b);
    return sa?.name === 'default'
      ? { who: `the default service account of namespace ${sa.namespace}, which every pod there that names no other runs as` }
      : undefined;
  },
  fix: 'Create a ServiceAccount for the workload that needs this, set it as its serviceAccountName, and bind that one.',
});
