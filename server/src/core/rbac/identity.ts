// Identities as the API server builds them: service-account users and their groups, the groups
// authentication adds, and impersonated users (spec §3, §8).
import type { UserInfo } from './types';

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
export const MASTERS = 'system:masters';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

export function serviceAccountGroups(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${namespace}`];
}

/**
 * serviceaccount.SplitUsername: "system:serviceaccount:NS:NAME" with exactly two parts after the
 * prefix, NS a valid namespace name (DNS-1123 label) and NAME a valid SA name (DNS-1123 subdomain).
 */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (!isDns1123Label(namespace) || !isDns1123Subdomain(name)) return undefined;
  return { namespace, name };
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export function isDns1123Label(s: string): boolean {
  return s.length > 0 && s.length <= 63 && LABEL.test(s);
}
export function isDns1123Subdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every((p) => LABEL.test(p));
}

/** AuthenticatedGroupAdder: everyone but system:anonymous gets system:authenticated. */
function addAuthenticationGroups(name: string, groups: string[]): string[] {
  const out = [...groups];
  if (name === ANONYMOUS) {
    if (!out.includes(UNAUTHENTICATED)) out.push(UNAUTHENTICATED);
  } else if (!out.includes(AUTHENTICATED) && !out.includes(UNAUTHENTICATED)) {
    out.push(AUTHENTICATED);
  }
  return out;
}

export interface ImpersonationRequest {
  user: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/**
 * The user an API server makes of Impersonate-User / -Group / -Uid / -Extra (legacy filter, §8.2).
 * Requested groups are authoritative: a service account gets its own groups only when none are given.
 */
export function impersonatedUser(req: ImpersonationRequest): UserInfo {
  let groups = req.groups && req.groups.length > 0 ? [...req.groups] : [];
  if (groups.length === 0) {
    const sa = splitServiceAccountUsername(req.user);
    if (sa) groups = serviceAccountGroups(sa.namespace);
  }
  const user: UserInfo = { name: req.user, groups: addAuthenticationGroups(req.user, groups) };
  if (req.uid) user.uid = req.uid;
  if (req.extra && Object.keys(req.extra).length > 0) user.extra = req.extra;
  return user;
}

/** A service account's identity when it authenticates with its own token. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return impersonatedUser({ user: serviceAccountUsername(namespace, name) });
}
