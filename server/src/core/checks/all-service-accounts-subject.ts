// Service account tokens authenticate in Group system:serviceaccounts and
// system:serviceaccounts:<namespace> (spec §3): every pod that mounts a token.
import { ALL_SERVICE_ACCOUNTS } from '../rbac/identity';
import { subjectCheck } from './grants';

export const allServiceAccountsSubject = subjectCheck({
  id: 'all-service-accounts-subject',
  severity: 'warning',
  summary: 'A binding to Group system:serviceaccounts (every pod of the cluster) or system:serviceaccounts:NS (every pod of NS)',
  match(s) {
    if (s.kind !== 'Group') return undefined;
    if (s.name === ALL_SERVICE_ACCOUNTS) return { who: 'every service account of every namespace (Group system:serviceaccounts)' };
    const prefix = `${ALL_SERVICE_ACCOUNTS}:`;
    if (s.name.startsWith(prefix)) {
      return { who: `every service account of namespace ${s.name.slice(prefix.length)} (Group ${s.name})`, lower: 1 };
    }
    return undefined;
  },
  fix: 'Every pod that mounts a service account token holds this: bind the service accounts that need it.',
});
