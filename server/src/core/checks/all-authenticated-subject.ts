// Every authenticated identity gets Group system:authenticated: users and every service account
// token of every namespace, so every pod that mounts one (spec §3).
import { AUTHENTICATED } from '../rbac/identity';
import { subjectCheck } from './grants';

export const allAuthenticatedSubject = subjectCheck({
  id: 'all-authenticated-subject',
  severity: 'warning',
  summary: 'A binding to Group system:authenticated: every user and every service account of every namespace',
  match: (s) =>
    s.kind === 'Group' && s.name === AUTHENTICATED
      ? { who: 'every authenticated user and every service account of every namespace (Group system:authenticated)' }
      : undefined,
  fix: 'Any pod that mounts a token holds this too: bind the users, groups or service accounts that need it.',
});
