// Access questions about one subject of a binding (or a ServiceAccount), answered offline from
// the workspace: what `kubectl auth can-i --list` and `kubectl auth can-i VERB TYPE` would say.
import type { Workspace } from './policy/workspace';
import { describeSource } from './rbac/evaluator';
import { impersonatedUser, MASTERS, serviceAccountUser, serviceAccountUsername } from './rbac/identity';
import { accessListRows } from './rbac/rules-table';
import type { UserInfo } from './rbac/types';
import { buildRequest, QueryError } from './request';

export interface AccessSubject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  /** A ServiceAccount's namespace. */
  namespace?: string;
}

/** The user the API server sees: a group stands for a member with no other group (but system:authenticated). */
export function subjectUser(s: AccessSubject): UserInfo {
  if (s.kind === 'ServiceAccount') return serviceAccountUser(s.namespace ?? '', s.name);
  if (s.kind === 'Group') return impersonatedUser({ user: '', groups: [s.name] });
  return impersonatedUser({ user: s.name });
}

/** `ServiceAccount shop/web`, `User alice`, `a member of Group devs`. */
export function describeAccessSubject(s: AccessSubject): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount ${s.namespace ?? ''}/${s.name}`;
  return s.kind === 'Group' ? `a member of Group ${s.name}` : `User ${s.name}`;
}

/** The kubectl flags that ask the same question of a cluster. */
function asFlags(s: AccessSubject): string {
  if (s.kind === 'ServiceAccount') return `--as ${serviceAccountUsername(s.namespace ?? '', s.name)}`;
  return s.kind === 'Group' ? `--as someone --as-group ${s.name}` : `--as ${s.name}`;
}

export interface PermissionsTable {
  /** The kubectl command this table answers. */
  command: string;
  /** Header first, then one row per rule, as `kubectl auth can-i --list` prints them. */
  rows: string[][];
  warnings: string[];
}

export function effectivePermissions(ws: Pick<Workspace, 'evaluator'>, s: AccessSubject, namespace: string): PermissionsTable {
  const user = subjectUser(s);
  const { rules, errors } = ws.evaluator.rulesFor(user, namespace);
  const warnings = errors.map((e) => `a binding could not be resolved: ${e}`);
  if (user.groups.includes(MASTERS)) warnings.unshift(`${MASTERS} is allowed everything by the privileged-group authorizer, outside RBAC`);
  const shown = rules.map((r) => r.rule).filter((r) => (r.resources ?? []).length > 0 || (r.nonResourceURLs ?? []).length > 0);
  return {
    command: `kubectl auth can-i --list ${asFlags(s)} -n ${namespace}`,
    rows: [['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'], ...accessListRows(shown)],
    warnings,
  };
}

export interface AccessQuestion {
  namespace: string;
  verb: string;
  /** TYPE[/NAME] as kubectl reads it, or a non-resource URL. */
  resource: string;
  subresource?: string;
}

export interface AccessAnswer {
  allowed: boolean;
  /** Why: the binding, role and subject that allow, or the API server's reason text. */
  reason: string;
  command: string;
  warnings: string[];
}

export function checkAccess(ws: Workspace, s: AccessSubject, q: AccessQuestion): AccessAnswer {
  const sub = q.subresource ? ` --subresource ${q.subresource}` : '';
  const command = `kubectl auth can-i ${q.verb} ${q.resource}${sub} ${asFlags(s)} -n ${q.namespace}`;
  let built: ReturnType<typeof buildRequest>;
  try {
    built = buildRequest({ verb: q.verb, target: q.resource, subresource: q.subresource, namespace: q.namespace }, ws.catalogue);
  } catch (e) {
    if (e instanceof QueryError) return { allowed: false, reason: e.message, command, warnings: [] };
    throw e;
  }
  const d = ws.evaluator.authorize(subjectUser(s), built.attrs);
  let reason = d.reason || 'no RBAC rule allows it';
  if (d.allowedBy === 'system:masters') reason = `member of group "${MASTERS}" (privileged-group authorizer, outside RBAC)`;
  else if (d.source) reason = `allowed by ${describeSource(d.source)}`;
  return { allowed: d.allowed, reason, command, warnings: built.warnings };
}
