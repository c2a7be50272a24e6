// The permissions an impersonated request needs (the API server's impersonation filter, spec §8):
// impersonate on users (or the service account), on each group, on uids and on each userextras key.
// Shown to a user whose impersonation the server refused, naming the exact rule to grant.
import { splitServiceAccountUsername, type ImpersonationRequest } from '../rbac/identity';
import type { PolicyRule } from '../rbac/types';
import { ClusterError, isClusterError, type ReviewSubject } from './source';

export interface ImpersonationGrant {
  /** "users", "groups", "serviceaccounts", "uids", "userextras/KEY": the kind in a refusal's details. */
  kind: string;
  rule: PolicyRule;
  /** A service account's namespace: a Role there is enough. Absent: a ClusterRole is needed. */
  namespace?: string;
}

export function impersonationGrants(as: ImpersonationRequest): ImpersonationGrant[] {
  const rule = (apiGroup: string, resource: string, name: string): PolicyRule => ({
    apiGroups: [apiGroup],
    resources: [resource],
    verbs: ['impersonate'],
    resourceNames: [name],
  });
  const out: ImpersonationGrant[] = [];
  const sa = splitServiceAccountUsername(as.user);
  if (sa) out.push({ kind: 'serviceaccounts', rule: rule('', 'serviceaccounts', sa.name), namespace: sa.namespace });
  else out.push({ kind: 'users', rule: rule('', 'users', as.user) });
  for (const g of as.groups ?? []) out.push({ kind: 'groups', rule: rule('', 'groups', g) });
  if (as.uid) out.push({ kind: 'uids', rule: rule('authentication.k8s.io', 'uids', as.uid) });
  for (const [key, values] of Object.entries(as.extra ?? {})) {
    for (const v of values) out.push({ kind: `userextras/${key}`, rule: rule('authentication.k8s.io', `userextras/${key}`, v) });
  }
  return out;
}

/** The grants a refusal is about: the one its details name (kind and name), else all of them. */
export function refusedGrants(as: ImpersonationRequest, details?: { kind?: string; name?: string }): ImpersonationGrant[] {
  const all = impersonationGrants(as);
  const named = all.filter((g) => g.kind === details?.kind && (!details?.name || g.rule.resourceNames?.includes(details.name)));
  return named.length ? named : all;
}

/** A refused review explained: with impersonation, the server's reason and the exact rule the caller lacks. */
export function explainRefusal(e: unknown, subject: ReviewSubject): unknown {
  if (!isClusterError(e, 'forbidden')) return e;
  if (subject.kind === 'impersonate') {
    const lines = refusedGrants(subject.as, e.details).map((g) => {
      const r = g.rule;
      const where = g.namespace ? `a Role in namespace ${g.namespace} (or a ClusterRole)` : 'a ClusterRole';
      return `  ${where} with: {apiGroups: ["${r.apiGroups?.[0] ?? ''}"], resources: ["${r.resources?.[0] ?? ''}"], verbs: ["impersonate"], resourceNames: ["${r.resourceNames?.[0] ?? ''}"]}`;
    });
    return new ClusterError('forbidden', `${e.message}\nTo impersonate, your user needs:\n${lines.join('\n')}`, e.status, e.details);
  }
  if (subject.kind === 'subject') {
    return new ClusterError(
      'forbidden',
      `${e.message}\nA SubjectAccessReview needs create on subjectaccessreviews.authorization.k8s.io (cluster-wide); without it, leave out --use-sar to ask by impersonation`,
      e.status,
      e.details,
    );
  }
  return e;
}
