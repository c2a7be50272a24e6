// Completion inside RoleBindings and ClusterRoleBindings: roleRef kind and name (Roles of the
// binding's namespace and ClusterRoles, workspace first, then the default policy and the connected cluster), subject kinds,
// names (service accounts of the namespace, groups and users seen) and namespaces.
import { pathIs } from '../cursor/path';
import { textAt, type Cursor } from '../cursor/cursor';
import type { ClusterRefs } from '../checks/check';
import type { Workspace } from '../policy/workspace';
import { RBAC_GROUP, type ClusterRole, type Role } from '../rbac/types';
import { keyCandidate, valueCandidate, type Candidate } from './candidate';
import { knownNames, serviceAccountsIn } from './known';

const SUBJECT_KINDS: Array<[string, string]> = [
  ['ServiceAccount', 'a service account (name and namespace)'],
  ['User', 'a user name as authentication reports it'],
  ['Group', 'every member of a group'],
];

export function bindingCandidates(c: Cursor, ws: Workspace, text: string, kind: string, cluster?: ClusterRefs): Candidate[] {
  const p = c.path;
  const obj = c.object;
  const namespace = kind === 'RoleBinding' ? textAt(obj, ['metadata', 'namespace']) || 'default' : undefined;
  const v = (value: string, o: Parameters<typeof valueCandidate>[3]) => valueCandidate(c, text, value, o);
  if (pathIs(p, 'roleRef') && c.at === 'key') {
    return ['apiGroup', 'kind', 'name'].filter((k) => !textAt(obj, ['roleRef', k])).map((k, i) => keyCandidate(c, k, 'roleRef field', i));
  }
  if (pathIs(p, 'roleRef', 'apiGroup')) return [v(RBAC_GROUP, { kind: 'group', tier: 0 })];
  if (pathIs(p, 'roleRef', 'kind')) {
    const kinds = kind === 'RoleBinding' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
    return kinds.map((k, i) => v(k, { kind: 'kind', tier: 0, rank: i, detail: k === 'Role' ? `a Role of ${namespace}` : 'a ClusterRole' }));
  }
  if (pathIs(p, 'roleRef', 'name')) return roleNames(c, ws, text, kind, namespace, cluster);
  if (pathIs(p, 'subjects', '#')) {
    return ['kind', 'name', 'namespace', 'apiGroup']
      .filter((k) => c.at === 'value' || !textAt(obj, [...p, k]))
      .map((k, i) => keyCandidate(c, k, 'subject field', i));
  }
  if (!pathIs(p, 'subjects', '#', p[2] as string)) return [];
  const subjectKind = textAt(obj, ['subjects', p[1], 'kind']);
  switch (p[2]) {
    case 'kind':
      return SUBJECT_KINDS.map(([k, d], i) => v(k, { kind: 'kind', tier: 0, rank: i, detail: d }));
    case 'apiGroup':
      return subjectKind === 'ServiceAccount'
        ? [v('', { kind: 'group', tier: 0, detail: 'core' })]
        : [v(RBAC_GROUP, { kind: 'group', tier: 0 })];
    case 'namespace':
      return knownNames(ws).namespaces.map((n, i) => v(n, { kind: 'namespace', tier: 0, rank: i }));
    case 'name':
      return subjectNames(c, ws, text, subjectKind, textAt(obj, ['subjects', p[1], 'namespace']) || namespace);
  }
  return [];
}

function roleNames(
  c: Cursor,
  ws: Workspace,
  text: string,
  kind: string,
  namespace: string | undefined,
  cluster?: ClusterRefs,
): Candidate[] {
  const refKind = textAt(c.object, ['roleRef', 'kind']);
  const roles: Array<Role | ClusterRole> = [];
  const wantRoles = kind === 'RoleBinding' && refKind !== 'ClusterRole';
  const wantClusterRoles = refKind !== 'Role' || kind === 'ClusterRoleBinding';
  if (wantRoles) roles.push(...ws.policy.roles.filter((r) => r.metadata.namespace === namespace));
  if (wantClusterRoles) roles.push(...ws.policy.clusterRoles);
  const offered = roles.map((r, i) => {
    const fromDefaults = r.source?.origin === 'default-policy';
    const tier = !fromDefaults ? 0 : r.metadata.name.startsWith('system:') ? 2 : 1;
    const rules = (r.kind === 'ClusterRole' ? ws.evaluator.clusterRole(r.metadata.name) : r)?.rules.length ?? 0;
    const where = fromDefaults ? 'default policy' : (r.source?.file?.split(/[\\/]/).pop() ?? 'workspace');
    const aggregated = r.kind === 'ClusterRole' && r.aggregationRule ? ', aggregated' : '';
    return valueCandidate(c, text, r.metadata.name, {
      kind: 'role',
      tier,
      rank: i,
      detail: `${r.kind}${r.kind === 'Role' ? ` in ${namespace}` : ''} · ${where} · ${rules} rule${rules === 1 ? '' : 's'}${aggregated}`,
      description: fromDefaults ? `${r.kind} · default policy` : r.kind,
    });
  });
  if (!cluster) return offered;
  // The cluster's roles the workspace and the default policy do not define already.
  const known = new Set(roles.map((r) => `${r.kind}/${r.metadata.name}`));
  const live: Array<Role | ClusterRole> = [
    ...(wantRoles && namespace ? cluster.rolesIn(namespace) : []),
    ...(wantClusterRoles ? cluster.clusterRoles() : []),
  ].filter((r) => !known.has(`${r.kind}/${r.metadata.name}`));
  return [
    ...offered,
    ...live.map((r, i) => {
      const rules = r.rules.length;
      return valueCandidate(c, text, r.metadata.name, {
        kind: 'role',
        tier: r.metadata.name.startsWith('system:') ? 2 : 1,
        rank: roles.length + i,
        detail: `${r.kind}${r.kind === 'Role' ? ` in ${namespace}` : ''} (cluster) · context ${cluster.context} · ${rules} rule${rules === 1 ? '' : 's'}`,
        description: `${r.kind} (cluster)`,
      });
    }),
  ];
}

function subjectNames(c: Cursor, ws: Workspace, text: string, subjectKind: string, namespace: string | undefined): Candidate[] {
  const known = knownNames(ws);
  const out: Candidate[] = [];
  const any = !['ServiceAccount', 'User', 'Group'].includes(subjectKind);
  if (any || subjectKind === 'ServiceAccount') {
    for (const sa of serviceAccountsIn(known, namespace)) {
      const detail = sa.origin === 'implicit' ? 'exists in every namespace' : (sa.file?.split(/[\\/]/).pop() ?? '');
      const tier = sa.origin === 'implicit' ? 1 : 0;
      out.push(valueCandidate(c, text, sa.name, { kind: 'account', tier, detail, description: `ServiceAccount in ${sa.namespace}` }));
    }
  }
  const named = (map: Map<string, string>, k: string) => {
    [...map].forEach(([name, seen], i) => {
      if (out.some((o) => o.label === name)) return;
      out.push(
        valueCandidate(c, text, name, { kind: 'name', tier: name.startsWith('system:') ? 1 : 0, rank: i, detail: seen, description: k }),
      );
    });
  };
  if (any || subjectKind === 'Group') named(known.groups, 'Group');
  if (any || subjectKind === 'User') named(known.users, 'User');
  return out;
}
