// fast-check arbitraries for RBAC property tests: random policies, identities and requests over
// deliberately tiny vocabularies so that names, wildcards and scopes collide often.
import fc from 'fast-check';
import { aggregateClusterRoles } from '../../server/src/core/rbac/aggregation';
import { impersonatedUser, serviceAccountUser } from '../../server/src/core/rbac/identity';
import { trimStars } from '../../server/src/core/rbac/matchers';
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

export const RULE_VERBS = ['get', 'list', 'create', 'post', '*'];
export const RULE_GROUPS = ['', 'apps', '*'];
export const RULE_RESOURCES = ['pods', 'pods/exec', 'pods/*', '*/scale', 'deployments', 'deployments/scale', '*'];
export const RULE_NAMES = ['web', 'db', '*'];
export const RULE_URLS = ['/healthz', '/api', '/api*', '/apis/*', '/api**', '*'];

/** A list drawn from `values` (no duplicates; empty only when minLength is 0). */
const someOf = (values: string[], minLength = 0) => fc.subarray(values, { minLength });

export const resourceRule: fc.Arbitrary<PolicyRule> = fc
  .record({
    verbs: someOf(RULE_VERBS, 1),
    apiGroups: someOf(RULE_GROUPS),
    resources: someOf(RULE_RESOURCES, 1),
    resourceNames: fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: someOf(RULE_NAMES, 1) }),
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

const refTo = (kind: string, names: string[]) => fc.record({ kind: fc.constant(kind), name: fc.constantFrom(...names, 'missing') });
const clusterRoleRef = refTo('ClusterRole', CLUSTER_ROLE_NAMES);
const roleRef = refTo('Role', ROLE_NAMES);
// roleRef kinds other than Role/ClusterRole are unsupported (an error, never a deny).
const otherRef = fc.record({ kind: fc.constant('Policy'), name: fc.constantFrom('c1', 'r1') });
const withGroup = (ref: { kind: string; name: string }) => ({ apiGroup: 'rbac.authorization.k8s.io', ...ref });
// Usually someone; sometimes nobody.
const subjects = fc.oneof(
  { weight: 6, arbitrary: fc.array(subject, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant<Subject[]>([]) },
);

const roleArb: fc.Arbitrary<Role> = fc
  .record({ namespace: ns, name: fc.constantFrom(...ROLE_NAMES), rules })
  .map(({ namespace, name, rules }) => ({ kind: 'Role', metadata: { name, namespace }, rules }));

export const roleBindingArb: fc.Arbitrary<RoleBinding> = fc
  .record({
    namespace: ns,
    name: fc.constantFrom('b1', 'b2', 'b3'),
    ref: fc.oneof({ weight: 4, arbitrary: clusterRoleRef }, { weight: 4, arbitrary: roleRef }, { weight: 1, arbitrary: otherRef }),
    subjects,
  })
  .map(({ namespace, name, ref, subjects }) => ({ kind: 'RoleBinding', metadata: { name, namespace }, roleRef: withGroup(ref), subjects }));

export const clusterRoleBindingArb: fc.Arbitrary<ClusterRoleBinding> = fc
  .record({
    name: fc.constantFrom('cb1', 'cb2', 'cb3'),
    // A ClusterRoleBinding to a Role is invalid; it resolves Role("", name), which never exists.
    ref: fc.oneof({ weight: 8, arbitrary: clusterRoleRef }, { weight: 1, arbitrary: roleRef }, { weight: 1, arbitrary: otherRef }),
    subjects,
  })
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
  .shuffledSubarray(CLUSTER_ROLE_NAMES, { minLength: 2 })
  .chain((names) => fc.tuple(...names.map(clusterRoleOf)));

export const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    roles: fc.array(roleArb, { maxLength: 6 }),
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

/**
 * A request aimed at one of the policy's rules (so that something is likely to allow it): the rule's
 * values, its stars filled with concrete values or kept as a literal "*". `choices` drive every pick.
 */
function aimedAt(p: Policy, choices: number[]): RequestAttributes {
  const pick = <T>(values: readonly T[], i: number, fallback: T): T => (values.length ? values[choices[i] % values.length] : fallback);
  const all = ['', ...NAMESPACES];
  // Rules of bound roles (aggregation only steers the aim here), in the namespaces they apply to.
  const clusterRoles = aggregateClusterRoles(p.clusterRoles).clusterRoles;
  const rulesOf = (kind: string, name: string, namespace?: string) =>
    kind === 'ClusterRole'
      ? (clusterRoles.find((c) => c.metadata.name === name)?.rules ?? [])
      : (p.roles.find((r) => r.metadata.name === name && r.metadata.namespace === namespace)?.rules ?? []);
  const sources = [
    ...p.clusterRoleBindings.flatMap((b) => rulesOf(b.roleRef.kind, b.roleRef.name).map((rule) => ({ rule, namespaces: all }))),
    ...p.roleBindings.flatMap((b) => {
      const namespace = b.metadata.namespace ?? '';
      return rulesOf(b.roleRef.kind, b.roleRef.name, namespace).map((rule) => ({ rule, namespaces: [namespace] }));
    }),
  ];
  const { rule, namespaces } = pick(sources, 0, { rule: { verbs: ['get'], resources: ['pods'] }, namespaces: all });
  const star = (v: string, i: number, concrete: string[]) => (v === '*' ? pick([...concrete, '*'], i, v) : v);
  const verb = (concrete: string[]) => star(pick(rule.verbs, 1, 'get'), 2, concrete);
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length && (!rule.resources?.length || choices[3] % 2)) {
    const u = pick(urls, 4, '/');
    const path = u === '*' ? pick(['/', '/healthz', ''], 5, '/') : u.endsWith('*') ? trimStars(u) + pick(['', 's', '/v1'], 5, '') : u;
    return { resourceRequest: false, verb: verb(['get', 'post']), path };
  }
  const r = pick(rule.resources ?? [], 4, 'pods');
  const [resource, subresource] =
    r === '*'
      ? [pick(['pods', 'deployments', '*'], 5, ''), pick(['', 'exec', 'scale'], 6, '')]
      : r.includes('/')
        ? r.split('/', 2)
        : [r, ''];
  return {
    resourceRequest: true,
    verb: verb(['get', 'list', 'create']),
    namespace: pick(namespaces, 7, ''),
    apiGroup: star(pick(rule.apiGroups ?? [], 8, ''), 9, ['', 'apps']),
    resource: star(resource, 10, ['pods', 'deployments']),
    subresource,
    name: pick(rule.resourceNames?.length ? [...rule.resourceNames, ''] : ['', 'web'], 11, ''),
  };
}

/** 1–8 requests for a policy: random ones and ones aimed at its rules. */
export const requestsFor = (p: Policy): fc.Arbitrary<RequestAttributes[]> =>
  fc.array(
    fc.oneof(
      { weight: 1, arbitrary: request },
      { weight: 3, arbitrary: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }).map((choices) => aimedAt(p, choices)) },
    ),
    { minLength: 1, maxLength: 8 },
  );

/** A policy with requests for it. */
export const policyAndRequests: fc.Arbitrary<[Policy, RequestAttributes[]]> = policyArb.chain((p) =>
  fc.tuple(fc.constant(p), requestsFor(p)),
);

const NOT_MASTERS = GROUPS.filter((g) => g !== 'system:masters');

/** Random identities: plain users, service accounts, users with random groups (rarely system:masters). */
export const identity: fc.Arbitrary<UserInfo> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...USERS, 'probe', 'system:anonymous').map((user) => impersonatedUser({ user })) },
  { weight: 2, arbitrary: fc.tuple(ns, fc.constantFrom(...SA_NAMES)).map(([namespace, name]) => serviceAccountUser(namespace, name)) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...USERS, 'probe'), someOf(NOT_MASTERS))
      .map(([user, groups]) => impersonatedUser({ user, groups })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...USERS).map((user) => impersonatedUser({ user, groups: ['system:masters'] })) },
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

/**
 * fast-check parameters: a fixed seed per property (printed with any counterexample and the failed assertion),
 * KUBEID_FC_RUNS_FACTOR scales the run count; `examples` are always tried first.
 */
export function params<Ts>(seed: number, numRuns: number, examples: Ts[] = []): fc.Parameters<Ts> {
  const factor = Number(process.env.KUBEID_FC_RUNS_FACTOR ?? '1') || 1;
  return { seed, numRuns: Math.max(1, Math.round(numRuns * factor)), examples, includeErrorInReport: true };
}
