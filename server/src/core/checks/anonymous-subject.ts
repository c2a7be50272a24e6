// Anonymous requests authenticate as User system:anonymous in Group system:unauthenticated (spec §3).
import { ANONYMOUS, UNAUTHENTICATED } from '../rbac/identity';
import { subjectCheck } from './grants';

export const anonymousSubject = subjectCheck({
  id: 'anonymous-subject',
  severity: 'error',
  summary: 'A binding to User system:anonymous or Group system:unauthenticated: anyone who can reach the API server, without credentials',
  match(s) {
    if (s.kind === 'User' && s.name === ANONYMOUS) return { who: 'every anonymous request (User system:anonymous)' };
    if (s.kind === 'Group' && s.name === UNAUTHENTICATED) return { who: 'every unauthenticated request (Group system:unauthenticated)' };
    return undefined;
  },
  fix: 'Anyone who can reach the API server holds this without credentials: remove the subject (the default policy already lets them read /healthz and /version).',
});
