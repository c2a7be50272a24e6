// Who a request is and what it may do, as kube-apiserver's filters decide it: authentication by
// client certificate (CN = user, O = groups) or bearer token, anonymous when allowed (spec §3);
// impersonation by the legacy filter, one `impersonate` check per requested item (spec §8.2);
// the request's authorization attributes (RequestInfoFactory) and the 403 the API server writes.
import type { TLSSocket } from 'node:tls';
import {
  ANONYMOUS,
  AUTHENTICATED,
  impersonatedUser,
  splitServiceAccountUsername,
  UNAUTHENTICATED,
} from '../../../server/src/core/rbac/identity';
import type { Decision } from '../../../server/src/core/rbac/evaluator';
import type { RequestAttributes, UserInfo } from '../../../server/src/core/rbac/types';
import { StatusError } from './store';
import type { TokenUser } from './index';

export type Headers = Record<string, string[]>;
export type Authorize = (user: UserInfo, attrs: RequestAttributes) => Decision;

const unauthorized = () => new StatusError(401, 'Unauthorized', 'Unauthorized');

/** AuthenticatedGroupAdder: everyone but system:anonymous is in system:authenticated. */
function withAuthenticated(u: UserInfo): UserInfo {
  if (u.groups.includes(AUTHENTICATED) || u.groups.includes(UNAUTHENTICATED)) return u;
  return { ...u, groups: [...u.groups, AUTHENTICATED] };
}

/**
 * The authenticated user: from a verified client certificate, else from a known bearer token. Any
 * credential that fails, with none that succeeds, is a 401, as is no credential unless anonymous
 * requests are allowed (union.NewFailOnError(authenticators, anonymous)).
 */
export function authenticate(socket: TLSSocket, headers: Headers, tokens: Record<string, TokenUser>, anonymous: boolean): UserInfo {
  const cert = socket.getPeerCertificate();
  const hasCert = cert !== null && Object.keys(cert).length > 0;
  if (hasCert && socket.authorized) {
    const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
    const cn = subject.CN;
    const o = subject.O;
    const name = Array.isArray(cn) ? cn[0] : cn;
    if (name) return withAuthenticated({ name, groups: o === undefined ? [] : Array.isArray(o) ? o : [o] });
  }
  const auth = headers.authorization?.[0];
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    const t = m ? tokens[m[1]] : undefined;
    if (t) {
      const u: UserInfo = { name: t.user, groups: [...(t.groups ?? [])] };
      if (t.uid) u.uid = t.uid;
      if (t.extra) u.extra = t.extra;
      return withAuthenticated(u);
    }
    throw unauthorized();
  }
  if (hasCert || !anonymous) throw unauthorized();
  return { name: ANONYMOUS, groups: [UNAUTHENTICATED] };
}

/** Whether a request carries any Impersonate-* header. */
export function impersonates(headers: Headers): boolean {
  return Object.keys(headers).some((h) => h.startsWith('impersonate-'));
}

/**
 * The legacy impersonation filter: the user the Impersonate-* headers name, after checking that the
 * requester may impersonate the user (or service account), each group, each extra value and the uid,
 * in that order; the first check that is not allowed is the 403. Undefined without such headers.
 */
export function impersonate(requester: UserInfo, headers: Headers, authorize: Authorize): UserInfo | undefined {
  const user = headers['impersonate-user']?.[0] ?? '';
  const groups = headers['impersonate-group'] ?? [];
  const uid = headers['impersonate-uid']?.[0];
  const extra: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (!name.startsWith('impersonate-extra-')) continue;
    let key = name.slice('impersonate-extra-'.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      // the raw key, as the API server does
    }
    (extra[key] ??= []).push(...values);
  }
  if (!user) {
    if (groups.length || uid !== undefined || Object.keys(extra).length) {
      throw new StatusError(400, 'BadRequest', 'requested impersonation of groups, extra or uid without impersonating a user');
    }
    return undefined;
  }
  const checks: RequestAttributes[] = [];
  const check = (apiGroup: string, resource: string, subresource: string, namespace: string, name: string) =>
    checks.push({ resourceRequest: true, verb: 'impersonate', apiGroup, resource, subresource, namespace, name });
  const sa = splitServiceAccountUsername(user);
  if (sa) check('', 'serviceaccounts', '', sa.namespace, sa.name);
  else check('', 'users', '', '', user);
  for (const g of groups) check('', 'groups', '', '', g);
  for (const [key, values] of Object.entries(extra)) for (const v of values) check('authentication.k8s.io', 'userextras', key, '', v);
  if (uid !== undefined) check('authentication.k8s.io', 'uids', '', '', uid);
  for (const attrs of checks) {
    const d = authorize(requester, attrs);
    if (!d.allowed) throw forbidden(attrs, requester.name, d.reason);
  }
  return impersonatedUser({ user, groups, uid, extra });
}

/** What a request is about (RequestInfoFactory.NewRequestInfo), for authorization and routing. */
export interface RequestInfo {
  attrs: RequestAttributes;
  /** For resource requests: the API group and version of the path. */
  group: string;
  version: string;
  /** The path used the watch=1 parameter or the legacy /watch/ prefix. */
  watch: boolean;
}

const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', GET: 'get', HEAD: 'get', DELETE: 'delete' };

export function requestInfo(method: string, path: string, params: URLSearchParams): RequestInfo {
  const parts = path.replace(/^\/+|\/+$/g, '').split('/'); // SplitPath
  const nonResource = (): RequestInfo => ({
    attrs: { resourceRequest: false, verb: method.toLowerCase(), path },
    group: '',
    version: '',
    watch: false,
  });
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return nonResource();
  let rest = parts.slice(1);
  let group = '';
  if (parts[0] === 'apis') {
    if (rest.length < 3) return nonResource();
    group = rest[0];
    rest = rest.slice(1);
  }
  const version = rest[0];
  rest = rest.slice(1);
  let verb = VERBS[method] ?? method.toLowerCase();
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = rest;
  const watchParam = params.get('watch');
  if (watchParam === '1' || watchParam === 'true') watch = true;
  if (method === 'GET' || method === 'HEAD') {
    if (watch) verb = 'watch';
    else if (!name) verb = 'list';
    // A watch of one object by name is a watch (kubectl get NAME --watch sends fieldSelector=metadata.name=NAME).
  } else if (method === 'DELETE' && !name) {
    verb = 'deletecollection';
  }
  return { attrs: { resourceRequest: true, verb, namespace, apiGroup: group, resource, subresource, name }, group, version, watch };
}

/** The 403 of responsewriters.Forbidden: apierrors.NewForbidden with forbiddenMessage (spec §4.6). */
export function forbidden(attrs: RequestAttributes, username: string, reason: string): StatusError {
  let message: string;
  let details: object | undefined;
  if (!attrs.resourceRequest) {
    message = `forbidden: User ${JSON.stringify(username)} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  } else {
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
    const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
    const what = `User ${JSON.stringify(username)} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${scope}`;
    message = `${qualified}${attrs.name ? ` ${JSON.stringify(attrs.name)}` : ''} is forbidden: ${what}`;
    details = { ...(attrs.name ? { name: attrs.name } : {}), group: attrs.apiGroup, kind: attrs.resource };
  }
  return new StatusError(403, 'Forbidden', reason ? `${message}: ${reason}` : message, details);
}
