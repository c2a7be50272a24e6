// fast-check arbitraries for RBAC property tests: random policies, identities and requests over
// deliberately tiny vocabularies so that names, wildcards and scopes collide often.
import fc from 'fast-check';
import { impersonatedUser, serviceAccountUser } from '../../server/src/core/rbac/identity';
import type {
  ClusterRole,
  ClusterRoleBinding,
  LabelSelector,
  Policy,
  PolicyRule,
  RequestAttributes,
  Role,
  RoleBinding,
  Subject,
  UserInfo,
} from '../../server/src/core/rbac/types';
import { policy } from '../helpers/policy';

export const NAMESPACES = ['ns1', 'ns2', 'ns3'];
export const USERS = ['alice', 'bob', '*', 'system:serviceaccount:ns1:default'];
export const GROUPS = [
  'dev',
  'system:authenticated',
  'system:unauthenticated',
  'system:serviceaccounts',
  'system:serviceaccounts:ns1',
  'system:serviceaccounts:ns2',
  'system:masters',
];
export const SA_NAMES = ['default', 'builder'];
const ROLE_NAMES = ['r1', 'r2'];
const CLUSTER_ROLE_NAMES = ['c1', 'c2', 'c3', 'agg1', 'agg2'];

const RULE_VERBS = ['get', 'list', 'create', 'post', '*'];
const RULE_GROUPS = ['', 'apps', '*'];
const RULE_RESOURCES = ['pods', 'pods/exec', 'pods/*', '*/scale', 'deployments', 'deployments/scale', '*'];
const RULE_NAMES = ['web', 'db', '*'];
const RULE_URLS = ['/healthz', '/api', '/api*', '/apis/*', '*'];

/** A list drawn from `values` (no duplicates; empty only when minLength is 0). */
const someOf = (values: string[], minLength = 0) => fc.subarray(values, { minLength });

export const resourceRule: fc.Arbitrary<PolicyRule> = fc
  .record({
    verbs: someOf(RULE_VERBS, 1),
    apiGroups: someOf(RULE_GROUPS),
    resources: someOf(RULE_RESOURCES, 1),
    resourceNames: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: someOf(RULE_NAMES, 1) }),
  })
  .map((r) => (r.resourceNames.length ? r : { verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources }));

export const nonResourceRule: fc.Arbitrary<PolicyRule> = fc.record({ verbs: someOf(RULE_VERBS, 1), nonResourceURLs: someOf(RULE_URLS, 1) });

/** Mostly valid shapes; rarely an invalid rule with both halves (the server would still evaluate it). */
export const rule: fc.Arbitrary<PolicyRule> = fc.oneof(
  { weight: 6, arbitrary: resourceRule },
  { weight: 3, arbitrary: nonResourceRule },
  { weight: 1, arbitrary: fc.tuple(resourceRule, nonResourceRule).map(([r, n]) => ({ ...r, nonResourceURLs: n.nonResourceURLs })) },
);

const rules = fc.array(rule, { maxLength: 3 });
const ns = fc.constantFrom(...NAMESPACES);

export const subject: fc.Arbitrary<Subject> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...USERS).map((name) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name })) },
  { weight: 3, arbitrary: fc.constantFrom(...GROUPS).map((name) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name })) },
  {
    weight: 3,
    // Namespace absent, empty or set: absent/empty means "the binding's namespace" (none for a CRB).
    arbitrary: fc
      .tuple(fc.constantFrom(...SA_NAMES), fc.constantFrom(undefined, '', ...NAMESPACES))
      .map(([name, namespace]) => ({ kind: 'ServiceAccount', apiGroup: '', name, ...(namespace === undefined ? {} : { namespace }) })),
  },
  // Kinds are case-sensitive: "user" matches nobody.
  { weight: 1, arbitrary: fc.constantFrom(...USERS).map((name) => ({ kind: 'user', name })) },
);

const roleRef = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('ClusterRole'), name: fc.constantFrom(...CLUSTER_ROLE_NAMES, 'missing') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('Role'), name: fc.constantFrom(...ROLE_NAMES, 'missing') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('Policy'), name: fc.constantFrom('c1', 'r1') }) },
);
const withGroup = (ref: { kind: string; name: string }) => ({ apiGroup: 'rbac.authorization.k8s.io', ...ref });
const subjects = fc.array(subject, { maxLength: 3 });

const roleArb: fc.Arbitrary<Role> = fc
  .record({ namespace: ns, name: fc.constantFrom(...ROLE_NAMES), rules })
  .map(({ namespace, name, rules }) => ({ kind: 'Role', metadata: { name, namespace }, rules }));

export const roleBindingArb: fc.Arbitrary<RoleBinding> = fc
  .record({ namespace: ns, name: fc.constantFrom('b1', 'b2', 'b3'), ref: roleRef, subjects })
  .map(({ namespace, name, ref, subjects }) => ({ kind: 'RoleBinding', metadata: { name, namespace }, roleRef: withGroup(ref), subjects }));

export const clusterRoleBindingArb: fc.Arbitrary<ClusterRoleBinding> = fc
  .record({ name: fc.constantFrom('cb1', 'cb2', 'cb3'), ref: roleRef, subjects })
  .map(({ name, ref, subjects }) => ({ kind: 'ClusterRoleBinding', metadata: { name }, roleRef: withGroup(ref), subjects }));

const labels = fc.record({ 'agg-a': fc.constantFrom('true', 'false'), 'agg-b': fc.constant('true') }, { requiredKeys: [] });

export const selector: fc.Arbitrary<LabelSelector> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<LabelSelector>({ matchLabels: { 'agg-a': 'true' } }, { matchLabels: { 'agg-b': 'true' } }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom<LabelSelector>(
      { matchExpressions: [{ key: 'agg-a', operator: 'In', values: ['true', 'maybe'] }] },
      { matchExpressions: [{ key: 'agg-a', operator: 'NotIn', values: ['true'] }] },
      { matchExpressions: [{ key: 'agg-b', operator: 'Exists' }] },
      { matchLabels: { 'agg-b': 'true' }, matchExpressions: [{ key: 'agg-a', operator: 'DoesNotExist' }] },
    ),
  },
  // {} selects every ClusterRole; the invalid one makes the controller skip the role.
  { weight: 1, arbitrary: fc.constantFrom<LabelSelector>({}, { matchExpressions: [{ key: 'agg-a', operator: 'in', values: ['true'] }] }) },
);

const clusterRoleOf = (name: string): fc.Arbitrary<ClusterRole> =>
  fc
    .record({
      labels,
      rules,
      selectors: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.array(selector, { maxLength: 2 }) }),
    })
    .map(({ labels, rules, selectors }) => ({
      kind: 'ClusterRole',
      metadata: { name, labels },
      rules,
      ...(selectors ? { aggregationRule: { clusterRoleSelectors: selectors } } : {}),
    }));

/** ClusterRoles with distinct names, in random order. */
export const clusterRoles: fc.Arbitrary<ClusterRole[]> = fc
  .shuffledSubarray(CLUSTER_ROLE_NAMES)
  .chain((names) => fc.tuple(...names.map(clusterRoleOf)));

export const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    roles: fc.array(roleArb, { maxLength: 4 }),
    clusterRoles,
    roleBindings: fc.array(roleBindingArb, { maxLength: 5 }),
    clusterRoleBindings: fc.array(clusterRoleBindingArb, { maxLength: 4 }),
  })
  .map(policy);

export const resourceRequest: fc.Arbitrary<RequestAttributes> = fc.record({
  resourceRequest: fc.constant(true as const),
  verb: fc.constantFrom('get', 'list', 'create', 'delete', '*'),
  namespace: fc.constantFrom('', ...NAMESPACES),
  apiGroup: fc.constantFrom('', 'apps', '*'),
  resource: fc.constantFrom('pods', 'deployments', 'nodes', '*'),
  subresource: fc.constantFrom('', '', 'exec', 'scale', 'status', '*'),
  name: fc.constantFrom('', 'web', 'db', '*'),
});

export const nonResourceRequest: fc.Arbitrary<RequestAttributes> = fc.record({
  resourceRequest: fc.constant(false as const),
  verb: fc.constantFrom('get', 'post', '*'),
  path: fc.constantFrom('/healthz', '/healthz/ready', '/api', '/apis', '/api/v1', '/apis/', '/', '*', ''),
});

export const request: fc.Arbitrary<RequestAttributes> = fc.oneof(
  { weight: 3, arbitrary: resourceRequest },
  { weight: 1, arbitrary: nonResourceRequest },
);
export const requests = fc.array(request, { minLength: 1, maxLength: 8 });

/** Random identities: plain users, service accounts, users with random groups (possibly system:masters). */
export const identity: fc.Arbitrary<UserInfo> = fc.oneof(
  fc.constantFrom(...USERS, 'probe', 'system:anonymous').map((user) => impersonatedUser({ user })),
  fc.tuple(ns, fc.constantFrom(...SA_NAMES)).map(([namespace, name]) => serviceAccountUser(namespace, name)),
  fc.tuple(fc.constantFrom(...USERS, 'probe'), someOf(GROUPS)).map(([user, groups]) => impersonatedUser({ user, groups })),
);
export const identities = fc.array(identity, { minLength: 1, maxLength: 4 });

/** The request namespace RBAC scopes by: "" for non-resource requests. */
export const nsOf = (req: RequestAttributes): string => (req.resourceRequest ? req.namespace : '');

/**
 * The identity a subject denotes (undefined when it denotes nobody): User u → the impersonated user u,
 * ServiceAccount → that SA's own identity, Group g → user "probe" in group g.
 */
export function denotedBy(s: Subject, bindingNamespace: string): UserInfo | undefined {
  switch (s.kind) {
    case 'User':
      return impersonatedUser({ user: s.name });
    case 'Group':
      return impersonatedUser({ user: 'probe', groups: [s.name] });
    case 'ServiceAccount': {
      const namespace = s.namespace || bindingNamespace;
      return namespace ? serviceAccountUser(namespace, s.name) : undefined;
    }
    default:
      return undefined;
  }
}

/** Every identity the policy's binding subjects can denote. */
export function identitiesOf(p: Policy): UserInfo[] {
  const out: UserInfo[] = [];
  for (const b of [...p.clusterRoleBindings, ...p.roleBindings]) {
    const bindingNamespace = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
    for (const s of b.subjects) {
      const u = denotedBy(s, bindingNamespace);
      if (u) out.push(u);
    }
  }
  return out;
}

/** fast-check parameters: a fixed seed per property; KUBEID_FC_RUNS_FACTOR scales the run count. */
export function params(seed: number, numRuns: number): { seed: number; numRuns: number } {
  const factor = Number(process.env.KUBEID_FC_RUNS_FACTOR ?? '1') || 1;
  return { seed, numRuns: Math.max(1, Math.round(numRuns * factor)) };
}
