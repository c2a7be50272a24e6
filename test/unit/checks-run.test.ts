// runChecks: the registry, severity settings, inline suppressions, order; and that objects of the
// default cluster policy are never reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import { ALL_CHECKS, contextFor, runChecks, type Check, type CheckSettings, type Finding } from '../../server/src/core/checks/index';

function lint(text: string, settings?: CheckSettings, checks: readonly Check[] = ALL_CHECKS): Array<[string, string, string]> {
  const file = parseManifestText(text, 'in.yaml');
  return runChecks(contextFor([file]), checks, settings).map((f) => [f.check, f.severity, text.slice(f.span.start, f.span.end)]);
}

const HEAD = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\nrules:\n';

test('ALL_CHECKS: every check id issue 3 names, each with a severity and a one-line summary', () => {
  const ids = [
    ...['invalid-role-ref', 'invalid-subject', 'invalid-rule', 'invalid-aggregation-rule', 'invalid-name'],
    ...['missing-role', 'missing-service-account'],
    ...['unknown-verb', 'unknown-resource', 'wrong-api-group', 'unknown-api-group', 'unknown-subresource'],
    ...['wildcard-verbs', 'wildcard-resources', 'wildcard-api-groups', 'wildcard-non-resource-urls', 'cluster-admin-equivalent'],
    ...['binds-cluster-admin', 'secrets-read', 'secrets-write', 'workload-create', 'pod-exec', 'pod-port-forward', 'ephemeral-containers'],
    ...['rbac-escalate', 'rbac-bind', 'rbac-write', 'impersonate', 'nodes-proxy', 'node-write', 'token-request', 'csr-approve'],
    ...['admission-write', 'persistent-volume-create', 'namespace-write'],
    ...['anonymous-subject', 'all-authenticated-subject', 'all-service-accounts-subject', 'default-service-account-bound'],
    ...['default-service-account-used', 'automount-unneeded'],
    'drift',
  ];
  assert.deepEqual(ALL_CHECKS.map((c) => c.id).sort(), ids.sort());
  for (const c of ALL_CHECKS) {
    assert.ok(['error', 'warning', 'information', 'hint'].includes(c.severity), c.id);
    assert.ok(c.summary.length > 20 && !c.summary.includes('\n'), c.id);
  }
});

test('findings are sorted by file, then offset', () => {
  const a = parseManifestText(HEAD + '- {apiGroups: [""], resources: [pod], verbs: [gets]}', 'b.yaml');
  const b = parseManifestText(HEAD + '- {apiGroups: [""], resources: [pod], verbs: []}', 'a.yaml');
  const found = runChecks(contextFor([a, b]), ALL_CHECKS);
  assert.deepEqual(
    found.map((f) => [f.file, f.check]),
    [
      ['a.yaml', 'unknown-resource'],
      ['a.yaml', 'invalid-rule'],
      ['b.yaml', 'unknown-resource'],
      ['b.yaml', 'unknown-verb'],
    ],
  );
  const offsets = found.filter((f) => f.file === 'b.yaml').map((f) => f.span.start);
  assert.deepEqual(
    offsets,
    [...offsets].sort((x, y) => x - y),
  );
});

test('severity overrides, and off drops a check', () => {
  const text = HEAD + '- {apiGroups: [""], resources: [pod], verbs: [gets]}';
  assert.deepEqual(lint(text), [
    ['unknown-resource', 'warning', 'pod'],
    ['unknown-verb', 'warning', 'gets'],
  ]);
  assert.deepEqual(lint(text, { severity: { 'unknown-verb': 'error', 'unknown-resource': 'off' } }), [['unknown-verb', 'error', 'gets']]);
});

test('# kubeid-disable-next-line: the ids given, or every check, on the next non-comment line', () => {
  const text =
    HEAD +
    [
      '# kubeid-disable-next-line unknown-verb',
      '- {apiGroups: [""], resources: [pod], verbs: [gets]}',
      '# kubeid-disable-next-line unknown-resource, unknown-verb -- legacy names',
      '# another comment',
      '- {apiGroups: [""], resources: [pod], verbs: [gets]}',
      '#kubeid-disable-next-line',
      '- {apiGroups: [""], resources: [pod], verbs: [gets]}',
      '- {apiGroups: [""], resources: [pod], verbs: [gets]}',
    ].join('\n');
  const lines = text.split('\n');
  const lineOf = (f: Finding): number => text.slice(0, f.span.start).split('\n').length - 1;
  const found = runChecks(contextFor([parseManifestText(text, 'in.yaml')]), ALL_CHECKS);
  assert.deepEqual(
    found.map((f) => [f.check, lineOf(f)]),
    [
      ['unknown-resource', lines.indexOf('# kubeid-disable-next-line unknown-verb') + 1],
      ['unknown-resource', lines.length - 1],
      ['unknown-verb', lines.length - 1],
    ],
  );
});

test('# kubeid-disable: the whole --- document, only the ids given', () => {
  const rule = '- {apiGroups: [""], resources: [pod], verbs: [gets]}';
  const text = [
    HEAD + rule,
    '# kubeid-disable unknown-verb',
    rule,
    '---',
    '# kubeid-disable',
    HEAD + rule,
    '---',
    HEAD.replace('name: c', 'name: d') + rule,
    '...',
    '# kubeid-disable unknown-resource',
    '---',
    HEAD.replace('name: c', 'name: e') + rule,
  ].join('\n');
  const docs = text.split(/^---$/m);
  const docOf = (offset: number): number => text.slice(0, offset).split(/^---$/m).length - 1;
  const found = runChecks(contextFor([parseManifestText(text, 'in.yaml')]), ALL_CHECKS);
  assert.equal(docs.length, 4);
  assert.deepEqual(
    found.map((f) => [f.check, docOf(f.span.start)]),
    [
      ['unknown-resource', 0],
      ['unknown-resource', 0],
      // document 1 disables everything
      ['unknown-resource', 2],
      ['unknown-verb', 2],
      // the comment after `...` belongs to document 3
      ['unknown-verb', 3],
    ],
  );
});

test('a workspace without files reports nothing: the default policy is never checked', () => {
  assert.deepEqual(runChecks(contextFor([]), ALL_CHECKS), []);
  // A workspace object overriding a default one is checked, the default is not.
  const text = HEAD.replace('name: c', 'name: view') + '- {apiGroups: [""], resources: [pod], verbs: [get]}';
  assert.deepEqual(lint(text), [['unknown-resource', 'warning', 'pod']]);
});

test('block maps are marked without their trailing line break', () => {
  const text =
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: shop}\nrules:\n- apiGroups: [""]\n  resources: [pods]\n\n';
  assert.deepEqual(lint(text), [['invalid-rule', 'error', 'apiGroups: [""]\n  resources: [pods]']]);
});

test('malformed objects: no exception, and fields of the wrong type are left to the manifest reader', () => {
  const text = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'metadata: {name: x, namespace: shop}',
    'roleRef: []',
    'subjects: [null, 1, {kind: 3, name: [a]}]',
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata: []',
    'rules: [1, null, {verbs: {a: 1}, apiGroups: 3, resources: [1, null]}]',
    'aggregationRule: {clusterRoleSelectors: [null, 1, {matchExpressions: [null, {key: a, operator: Exists, values: "a"}]}]}',
  ].join('\n');
  assert.deepEqual(lint(text), []);
});

test('JSON manifests are checked like YAML', () => {
  const text = JSON.stringify(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r', namespace: 'shop' },
      rules: [{ apiGroups: [''], resources: ['pod'], verbs: [] }],
    },
    null,
    2,
  );
  assert.deepEqual(lint(text), [
    ['unknown-resource', 'warning', '"pod"'],
    ['invalid-rule', 'error', '[]'],
  ]);
});
