// Impersonation (spec §8): legacy mode asks for impersonate on users, groups and serviceaccounts
// in the core group, uids and userextras/<key> in authentication.k8s.io; constrained mode (v1.35+)
// asks for impersonate:<mode> on the identity in authentication.k8s.io. Users and groups are
// cluster-scoped, service accounts are checked in their namespace.
import type { PolicyRule } from '../rbac/types';
import { probeCheck, probes, type Probe } from './grants';

const AUTHN = 'authentication.k8s.io';

const probesFor = (keys: string[]): Probe[] => [
  ...probes(['impersonate'], 'cluster', '', 'users', 'groups'),
  ...probes(['impersonate'], 'namespaced', '', 'serviceaccounts'),
  ...probes(['impersonate'], 'cluster', AUTHN, 'uids', ...keys),
  ...probes(['impersonate:user-info'], 'cluster', AUTHN, 'users', 'groups', 'uids', ...keys),
  ...probes(['impersonate:serviceaccount'], 'namespaced', AUTHN, 'serviceaccounts'),
  ...probes(['impersonate:arbitrary-node', 'impersonate:associated-node'], 'cluster', AUTHN, 'nodes'),
];

// userextras/<key> requests name the key as subresource: "*" matches any, so one key stands for all.
const ANY_KEY = probesFor(['userextras/scopes']);

/** With the keys the rule names (as userextras/<key> or star-slash-key). */
function impersonation(rule: PolicyRule): readonly Probe[] {
  const keys = (rule.resources ?? []).flatMap((r) => {
    const m = /^(?:userextras|\*)\/(.+)$/.exec(r);
    return m ? [`userextras/${m[1]}`] : [];
  });
  return keys.length ? probesFor(keys) : ANY_KEY;
}

export const impersonate = probeCheck({
  id: 'impersonate',
  severity: 'error',
  summary:
    'impersonate (or a constrained impersonate:<mode>) on users, groups, serviceaccounts, nodes, uids or userextras: act as another identity',
  mark: 'verbs',
  probes: impersonation,
  why: (g) => {
    const kinds = [...new Set(g.probes.map((p) => p.resource))].join(', ');
    const who = g.names ? 'the identities named' : `any identity of these kinds (${kinds})`;
    const anyone =
      !g.names && g.probes.some((p) => p.verb === 'impersonate' && p.group === '' && (p.resource === 'users' || p.resource === 'groups'))
        ? ' Impersonating any user or group includes the group system:masters, which no RBAC rule limits: this is as much as cluster-admin.'
        : '';
    const constrained = g.probes.every((p) => p.verb.startsWith('impersonate:'))
      ? ' Constrained impersonation also needs impersonate-on:<mode>:<verb> for each request made.'
      : '';
    return `The caller can act as ${who}, with all of their permissions.${anyone}${constrained}`;
  },
  fix: (g) =>
    g.names
      ? 'Keep resourceNames to the identities that must be impersonated.'
      : 'Restrict impersonation with resourceNames to the identities needed.',
});
