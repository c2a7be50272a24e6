// The API-server validation checks (spec §10): each case must fire at the exact element, with
// the server's field path and message, or must stay silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import { contextFor, runChecks, VALIDATION_CHECKS } from '../../server/src/core/checks/index';

type Expected = [id: string, severity: string, text: string, message: string];

function lint(yaml: string): Expected[] {
  const file = parseManifestText(yaml, 'in.yaml');
  return runChecks(contextFor([file]), VALIDATION_CHECKS).map((f) => [
    f.check,
    f.severity,
    yaml.slice(f.span.start, f.span.end),
    f.message,
  ]);
}

/** Each finding in order: id, severity and marked text exactly, message by substring. */
function expect(yaml: string, expected: Expected[]): void {
  const actual = lint(yaml);
  assert.deepEqual(
    actual.map(([id, sev, text]) => [id, sev, text]),
    expected.map(([id, sev, text]) => [id, sev, text]),
  );
  actual.forEach(([, , , message], i) =>
    assert.ok(message.includes(expected[i][3]), `finding ${i}: ${message}\n  lacks: ${expected[i][3]}`),
  );
}

const role = (...rules: string[]): string =>
  ['apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', 'metadata: {name: r, namespace: shop}', 'rules:', ...rules].join('\n');
const clusterRole = (...lines: string[]): string =>
  ['apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata: {name: c}', ...lines].join('\n');
const binding = (kind: string, ...lines: string[]): string =>
  [
    'apiVersion: rbac.authorization.k8s.io/v1',
    `kind: ${kind}`,
    `metadata: {name: b${kind === 'RoleBinding' ? ', namespace: shop' : ''}}`,
    ...lines,
  ].join('\n');

test('valid objects give no finding', () => {
  expect(
    [
      role('- {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}'),
      '---',
      clusterRole(
        'rules:',
        '- {nonResourceURLs: ["/healthz", "/metrics"], verbs: [get]}',
        '- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}',
      ),
      '---',
      binding(
        'RoleBinding',
        'roleRef: {kind: Role, name: r}',
        'subjects:',
        '- {kind: ServiceAccount, name: builder}',
        '- {kind: User, name: "jane@example.com"}',
        '- {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}',
      ),
      '---',
      binding(
        'ClusterRoleBinding',
        'roleRef: {apiGroup: "", kind: ClusterRole, name: "system:controller:foo"}',
        'subjects: [{kind: ServiceAccount, name: a.b, namespace: ci}]',
      ),
      '---',
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: shop}',
    ].join('\n'),
    [],
  );
});

test('invalid-rule: verbs required, at the empty list, the null value or the rule', () => {
  expect(
    role(
      '- {apiGroups: [""], resources: [pods], verbs: []}',
      '- apiGroups: [""]',
      '  resources: [pods]',
      '  verbs:',
      '- {apiGroups: [""], resources: [pods]}',
    ),
    [
      [
        'invalid-rule',
        'error',
        '[]',
        'rules[0].verbs: Required value: verbs must contain at least one value — the API server rejects Role "r"',
      ],
      ['invalid-rule', 'error', 'verbs', 'rules[1].verbs: Required value'],
      ['invalid-rule', 'error', '{apiGroups: [""], resources: [pods]}', 'rules[2].verbs: Required value'],
    ],
  );
});

test('invalid-rule: non-resource URLs in a Role, or next to resources; then nothing else is checked', () => {
  expect(role('- {nonResourceURLs: ["/healthz"], verbs: [get]}', '- {nonResourceURLs: ["/*"], resources: [pods], verbs: [get]}'), [
    [
      'invalid-rule',
      'error',
      '["/healthz"]',
      'rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
    ],
    ['invalid-rule', 'error', '["/*"]', 'rules[1].nonResourceURLs: Invalid value: ["/*"]: namespaced rules cannot apply'],
    [
      'invalid-rule',
      'error',
      '["/*"]',
      'rules cannot apply to both regular resources and non-resource URLs — the API server rejects Role "r" (422 Invalid). Split it',
    ],
  ]);
  expect(clusterRole('rules: [{nonResourceURLs: ["/healthz"], verbs: [get]}]'), []);
});

test('invalid-rule: apiGroups and resources required, with the group of the named resources as hint', () => {
  expect(role('- {resources: [deployments], verbs: [get]}', '- {apiGroups: [""], verbs: [get]}'), [
    [
      'invalid-rule',
      'error',
      '{resources: [deployments], verbs: [get]}',
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    ],
    [
      'invalid-rule',
      'error',
      '{apiGroups: [""], verbs: [get]}',
      'rules[1].resources: Required value: resource rules must supply at least one resource',
    ],
  ]);
  assert.ok(lint(role('- {resources: [deployments], verbs: [get]}'))[0][3].includes('e.g. apiGroups: ["apps"]'));
});

test('invalid-rule: a field of the wrong type is left to the manifest reader', () => {
  expect(role('- {apiGroups: [""], resources: [pods], verbs: get}'), []);
});

test('invalid-role-ref: apiGroup, kind (case-sensitive), name', () => {
  expect(binding('RoleBinding', 'roleRef:', '  apiGroup: rbac.authorization.k8s.io/v1', '  kind: clusterrole', '  name: "a/b"'), [
    [
      'invalid-role-ref',
      'error',
      'rbac.authorization.k8s.io/v1',
      'roleRef.apiGroup: Unsupported value: "rbac.authorization.k8s.io/v1": supported values: "rbac.authorization.k8s.io"',
    ],
    [
      'invalid-role-ref',
      'error',
      'clusterrole',
      'supported values: "Role", "ClusterRole" — the API server rejects RoleBinding "b" (422 Invalid). Kinds are case-sensitive: write "ClusterRole"',
    ],
    ['invalid-role-ref', 'error', '"a/b"', `roleRef.name: Invalid value: "a/b": may not contain '/'`],
  ]);
  expect(binding('RoleBinding', 'roleRef: {kind: ClusterRole}'), [
    ['invalid-role-ref', 'error', 'roleRef', 'roleRef.name: Required value'],
  ]);
});

test('invalid-role-ref: a ClusterRoleBinding to a Role grants nothing; the Role is related', () => {
  const yaml = [
    role('- {apiGroups: [""], resources: [pods], verbs: [get]}'),
    '---',
    binding('ClusterRoleBinding', 'roleRef: {kind: Role, name: r}'),
  ].join('\n');
  expect(yaml, [['invalid-role-ref', 'error', 'Role', 'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"']]);
  const [f] = runChecks(contextFor([parseManifestText(yaml, 'in.yaml')]), VALIDATION_CHECKS);
  assert.match(f.message, /grant nothing/);
  assert.deepEqual(
    f.related?.map((r) => [yaml.slice(r.span.start, r.span.end), r.message]),
    [['r', 'Role "r" in namespace "shop": bind it with a RoleBinding there']],
  );
});

test('invalid-subject: kind (with a case hint), name, ServiceAccount rules, User/Group apiGroup', () => {
  expect(
    binding(
      'ClusterRoleBinding',
      'roleRef: {kind: ClusterRole, name: view}',
      'subjects:',
      '- {kind: user, name: jane}',
      '- {kind: Robot, name: r2}',
      '- {kind: ServiceAccount, name: "system:serviceaccount:ci:deployer", namespace: ci}',
      '- {kind: ServiceAccount, name: builder, apiGroup: rbac.authorization.k8s.io}',
      '- {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io/v1}',
      '- {kind: User}',
    ),
    [
      [
        'invalid-subject',
        'error',
        'user',
        'subjects[0].kind: Unsupported value: "user": supported values: "ServiceAccount", "User", "Group"',
      ],
      ['invalid-subject', 'error', 'Robot', 'Use ServiceAccount, User or Group.'],
      ['invalid-subject', 'error', '"system:serviceaccount:ci:deployer"', 'write name: deployer and namespace: ci'],
      [
        'invalid-subject',
        'error',
        '{kind: ServiceAccount, name: builder, apiGroup: rbac.authorization.k8s.io}',
        'subjects[3].namespace: Required value',
      ],
      [
        'invalid-subject',
        'error',
        'rbac.authorization.k8s.io',
        'subjects[3].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""',
      ],
      ['invalid-subject', 'error', 'rbac.authorization.k8s.io/v1', 'subjects[4].apiGroup: Unsupported value'],
      ['invalid-subject', 'error', '{kind: User}', 'subjects[5].name: Required value'],
    ],
  );
  assert.ok(
    lint(binding('RoleBinding', 'roleRef: {kind: Role, name: r}', 'subjects: [{kind: user, name: j}]'))[0][3].includes(
      'Kinds are case-sensitive: write "User"',
    ),
  );
});

test('invalid-subject: a ServiceAccount needs no namespace in a RoleBinding; a namespace on a User is noted', () => {
  expect(
    binding(
      'RoleBinding',
      'roleRef: {kind: Role, name: r}',
      'subjects:',
      '- {kind: ServiceAccount, name: builder}',
      '- {kind: User, name: jane, namespace: shop}',
    ),
    [['invalid-subject', 'information', 'shop', 'subjects[1].namespace is ignored for a User']],
  );
});

test('invalid-aggregation-rule: no selectors, invalid selectors, and the empty selector', () => {
  expect(clusterRole('aggregationRule: {}'), [
    [
      'invalid-aggregation-rule',
      'error',
      'aggregationRule',
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ],
  ]);
  expect(clusterRole('aggregationRule: {clusterRoleSelectors: []}'), [
    ['invalid-aggregation-rule', 'error', '[]', 'clusterRoleSelectors: Required value'],
  ]);
  expect(
    clusterRole(
      'aggregationRule:',
      '  clusterRoleSelectors:',
      '  - matchLabels: {"bad key!": "true", ok: "no spaces"}',
      '  - matchExpressions:',
      '    - {key: team, operator: in, values: [a]}',
      '    - {key: team, operator: NotIn}',
      '    - {key: team, operator: Exists, values: [x]}',
      '  - {}',
    ),
    [
      [
        'invalid-aggregation-rule',
        'error',
        '"bad key!"',
        'aggregationRule.clusterRoleSelectors[0].matchLabels: Invalid value: "bad key!": name part must consist of',
      ],
      [
        'invalid-aggregation-rule',
        'error',
        '"no spaces"',
        'aggregationRule.clusterRoleSelectors[0].matchLabels: Invalid value: "no spaces": a valid label must be',
      ],
      [
        'invalid-aggregation-rule',
        'error',
        'in',
        '.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator — invalid label selector',
      ],
      [
        'invalid-aggregation-rule',
        'error',
        '{key: team, operator: NotIn}',
        ".matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      ],
      [
        'invalid-aggregation-rule',
        'error',
        '[x]',
        ".matchExpressions[2].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      ],
      ['invalid-aggregation-rule', 'warning', '{}', 'selects every ClusterRole'],
    ],
  );
  expect(
    clusterRole(
      'aggregationRule:',
      '  clusterRoleSelectors: [{matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}}]',
      'rules: []',
    ),
    [],
  );
});

test('invalid-name: names, namespaces required, forbidden or invalid', () => {
  expect('apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: "a/b%", namespace: shop}', [
    ['invalid-name', 'error', '"a/b%"', `metadata.name: Invalid value: "a/b%": may not contain '/'`],
    ['invalid-name', 'error', '"a/b%"', `may not contain '%'`],
    [
      'invalid-name',
      'warning',
      'shop',
      'metadata.namespace: Forbidden: not allowed on this type — a ClusterRole is cluster-scoped: the API server drops the namespace',
    ],
  ]);
  expect('apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ".."\nroleRef: {kind: Role, name: r}', [
    ['invalid-name', 'hint', 'metadata', "`kubectl apply` puts it in the current context's namespace"],
    ['invalid-name', 'error', '".."', `metadata.name: Invalid value: "..": may not be '..'`],
  ]);
  expect('apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {namespace: Shop}', [
    ['invalid-name', 'error', 'metadata', 'metadata.name: Required value: name or generateName is required'],
    ['invalid-name', 'error', 'Shop', 'metadata.namespace: Invalid value: "Shop": a lowercase RFC 1123 label must consist of'],
  ]);
  expect('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: Builder, namespace: ci}', [
    ['invalid-name', 'error', 'Builder', 'metadata.name: Invalid value: "Builder": a lowercase RFC 1123 subdomain'],
  ]);
  expect(
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: "system:x", namespace: shop}\nroleRef: {kind: ClusterRole, name: view}',
    [['invalid-name', 'warning', 'shop', 'it grants in every namespace, not only in "shop"']],
  );
});
