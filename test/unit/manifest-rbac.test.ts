import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import { emptyPolicy, policyFromManifests } from '../../server/src/core/manifest/rbac';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}
const fixture = (name: string): string => readFileSync(path.join(repoRoot(), 'test/fixtures/manifest', name), 'utf8');
const fromText = (text: string, opts: { defaultNamespace?: string } = {}) =>
  policyFromManifests([parseManifestText(text, 'in.yaml')], { origin: 'workspace', ...opts });

test('emptyPolicy has every list, empty', () => {
  assert.deepEqual(emptyPolicy(), { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [] });
  assert.notEqual(emptyPolicy().roles, emptyPolicy().roles, 'fresh arrays each call');
});

test('ServiceAccount, Role and RoleBinding from a file, with source, labels and automount', () => {
  const file = parseManifestText(fixture('shop-rbac.yaml'), 'shop-rbac.yaml');
  const { policy, problems, objects } = policyFromManifests([file], { origin: 'workspace' });
  assert.deepEqual(problems, []);
  assert.deepEqual(
    policy.serviceAccounts.map((s) => [s.metadata.namespace, s.metadata.name, s.automountServiceAccountToken]),
    [['shop', 'checkout', false]],
  );
  assert.deepEqual(policy.roles[0].metadata, { name: 'pod-reader', namespace: 'shop', labels: { app: 'shop' } });
  assert.deepEqual(policy.roles[0].rules, [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] }]);
  assert.deepEqual(policy.roleBindings[0].subjects, [{ kind: 'ServiceAccount', apiGroup: '', name: 'checkout', namespace: 'shop' }]);
  const src = policy.roles[0].source!;
  assert.equal(src.origin, 'workspace');
  assert.equal(src.file, 'shop-rbac.yaml');
  assert.ok(file.text.slice(src.start, src.end).includes('name: pod-reader'));
  assert.deepEqual(
    objects.map((o) => [o.object.kind, o.manifest.doc]),
    [
      ['ServiceAccount', 0],
      ['Role', 1],
      ['RoleBinding', 2],
    ],
  );
});

test("the API server's defaults are applied: roleRef and subject apiGroups, empty rules and subjects", () => {
  const { policy, problems } = fromText(
    [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRoleBinding',
      'metadata: {name: crb}',
      'subjects:',
      '- {kind: User, name: alice}',
      '- {kind: Group, name: devs}',
      '- {kind: ServiceAccount, name: bot, namespace: ci}',
      '- {kind: Custom, name: other}',
      '- {kind: User, name: bob, apiGroup: example.com}',
      'roleRef: {kind: ClusterRole, name: view}',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      'metadata: {name: nothing}',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleBinding',
      'metadata: {name: rb}',
      'roleRef: {apiGroup: "", kind: Role, name: r}',
    ].join('\n'),
  );
  assert.deepEqual(problems, []);
  const crb = policy.clusterRoleBindings[0];
  assert.deepEqual(crb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' });
  assert.deepEqual(crb.subjects, [
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' },
    { kind: 'ServiceAccount', apiGroup: '', name: 'bot', namespace: 'ci' },
    { kind: 'Custom', apiGroup: '', name: 'other' },
    { kind: 'User', apiGroup: 'example.com', name: 'bob' },
  ]);
  assert.deepEqual(policy.clusterRoles[0].rules, []);
  assert.equal(policy.clusterRoles[0].aggregationRule, undefined);
  assert.deepEqual(policy.roleBindings[0].subjects, []);
  assert.equal(policy.roleBindings[0].roleRef.apiGroup, 'rbac.authorization.k8s.io');
});

test('namespaced objects without a namespace get the default namespace; cluster-scoped ones keep theirs', () => {
  const text = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    'metadata: {name: r}',
    '---',
    'apiVersion: v1',
    'kind: ServiceAccount',
    'metadata: {name: s}',
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata: {name: c}',
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata: {name: odd, namespace: shop}',
  ].join('\n');
  const d = fromText(text).policy;
  assert.equal(d.roles[0].metadata.namespace, 'default');
  assert.equal(d.serviceAccounts[0].metadata.namespace, 'default');
  assert.equal(d.clusterRoles[0].metadata.namespace, undefined);
  assert.equal(d.clusterRoles[1].metadata.namespace, 'shop');
  const custom = fromText(text, { defaultNamespace: 'team-a' }).policy;
  assert.equal(custom.roles[0].metadata.namespace, 'team-a');
  assert.equal(custom.serviceAccounts[0].metadata.namespace, 'team-a');
});

test('a field of the wrong type is an invalid-field problem at that node and is treated as absent', () => {
  const text = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    'metadata:',
    '  name: r',
    '  labels: {team: 7, app: shop}',
    'rules:',
    '- apiGroups: [""]',
    '  resources: [pods]',
    '  verbs: get',
    '- verbs: [list, 5]',
    '  resources: pods',
  ].join('\n');
  const { policy, problems } = fromText(text);
  assert.deepEqual(
    problems.map((p) => [p.code, p.line, p.column, p.file]),
    [
      ['invalid-field', 5, 18, 'in.yaml'],
      ['invalid-field', 9, 10, 'in.yaml'],
      ['invalid-field', 10, 17, 'in.yaml'],
      ['invalid-field', 11, 14, 'in.yaml'],
    ],
  );
  assert.equal(problems[1].message, 'invalid type for Role.rules[0].verbs: got string "get", expected array of strings');
  assert.match(problems[0].message, /Role\.metadata\.labels\.team: got number 7, expected string/);
  assert.match(problems[2].message, /rules\[1\]\.verbs\[1\]/);
  assert.equal(text.slice(problems[1].span!.start, problems[1].span!.end), 'get');
  // The object is still there, without the broken fields.
  assert.deepEqual(policy.roles[0].metadata.labels, { app: 'shop' });
  assert.deepEqual(policy.roles[0].rules, [{ verbs: [], apiGroups: [''], resources: ['pods'] }, { verbs: ['list'] }]);
  // Nothing of the wrong shape throws.
  const weird = fromText('apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: 3\nsubjects: {a: 1}\nroleRef: [x]\n');
  assert.equal(weird.problems.length, 3);
  assert.deepEqual(weird.policy.roleBindings[0].metadata, { name: '', namespace: 'default' });
  assert.deepEqual(weird.policy.roleBindings[0].roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: '', name: '' });
});

test('v1beta1 and v1alpha1 RBAC are reported as removed (use v1) and still converted', () => {
  const text = [
    'apiVersion: rbac.authorization.k8s.io/v1beta1',
    'kind: ClusterRoleBinding',
    'metadata: {name: old}',
    'subjects: [{kind: Group, name: ops}]',
    'roleRef: {kind: ClusterRole, name: admin}',
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1alpha1',
    'kind: RoleBinding',
    'metadata: {name: older, namespace: x}',
    'subjects:',
    '- {kind: User, name: "*"}',
    '- {kind: Custom, apiVersion: example.com/v1, name: c}',
    'roleRef: {kind: Role, name: r}',
  ].join('\n');
  const { policy, problems } = fromText(text);
  assert.deepEqual(
    problems.map((p) => [p.code, p.line, p.column]),
    [
      ['invalid-field', 1, 13],
      ['invalid-field', 7, 13],
    ],
  );
  assert.match(problems[0].message, /v1beta1 is no longer served \(removed in Kubernetes 1\.22\): use rbac\.authorization\.k8s\.io\/v1/);
  assert.deepEqual(policy.clusterRoleBindings[0].subjects, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops' }]);
  assert.equal(policy.clusterRoleBindings[0].roleRef.name, 'admin');
  // v1alpha1 subjects convert as the API server converted them: User "*" was every authenticated user.
  assert.deepEqual(policy.roleBindings[0].subjects, [
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
    { kind: 'Custom', apiGroup: 'example.com', name: 'c' },
  ]);
});

test('only RBAC and core v1 ServiceAccount objects are taken; same-named kinds of other groups are not', () => {
  const { policy, problems, objects } = fromText(
    [
      'apiVersion: iam.example.com/v1',
      'kind: Role',
      'metadata: {name: not-rbac}',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v2',
      'kind: Role',
      'metadata: {name: future}',
    ].join('\n'),
  );
  assert.equal(objects.length, 0);
  assert.deepEqual(policy, emptyPolicy());
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /rbac\.authorization\.k8s\.io\/v2.*v1/);
});

test('ClusterRole aggregationRule and RoleList items are converted', () => {
  const { policy, problems } = policyFromManifests(
    [
      parseManifestText(fixture('role-list.json'), 'role-list.json'),
      parseManifestText(
        [
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: ClusterRole',
          'metadata: {name: monitoring}',
          'aggregationRule:',
          '  clusterRoleSelectors:',
          '  - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}',
          '  - matchExpressions: [{key: tier, operator: In, values: [a, b]}]',
          'rules: ~',
        ].join('\n'),
        'agg.yaml',
      ),
    ],
    { origin: 'cluster' },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(
    policy.roles.map((r) => [r.metadata.namespace, r.metadata.name, r.source?.file]),
    [
      ['one', 'a', 'role-list.json'],
      ['two', 'b', 'role-list.json'],
    ],
  );
  assert.deepEqual(policy.roles[0].rules[0].verbs, ['get', '*']);
  assert.deepEqual(policy.clusterRoles[0].aggregationRule, {
    clusterRoleSelectors: [
      { matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } },
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
    ],
  });
  assert.deepEqual(policy.clusterRoles[0].rules, []);
  assert.equal(policy.clusterRoles[0].source?.origin, 'cluster');
});
