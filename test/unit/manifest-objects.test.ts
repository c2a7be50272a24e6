import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestsFromObjects, parseManifestText, toPlain } from '../../server/src/core/manifest/parse';
import { policyFromManifests } from '../../server/src/core/manifest/rbac';
import { spanAt } from '../../server/src/core/checks/locate';
import type { ParsedFile } from '../../server/src/core/manifest/parse';
import type { RbacObject } from '../../server/src/core/rbac/types';

/** The RBAC objects and problem messages of a file, without what depends on text positions. */
function decode(file: ParsedFile): { objects: RbacObject[]; messages: string[] } {
  const { objects, problems } = policyFromManifests([file], { origin: 'cluster' });
  return {
    objects: objects.map(({ object }) => ({ ...object, source: undefined })),
    messages: problems.map((p) => `${p.code}: ${p.message}`),
  };
}

const yamlText = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: checkout
  namespace: shop
  labels: { app: shop }
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
  annotations: { note: "reads pods" }
rules:
  - apiGroups: [""]
    resources: [pods, pods/log]
    verbs: [get, list, watch]
  - apiGroups: [apps]
    resources: ["*/scale"]
    resourceNames: [web]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: shop
subjects:
  - kind: ServiceAccount
    name: checkout
  - kind: User
    name: jane
  - kind: Group
    apiGroup: rbac.authorization.k8s.io
    name: oncall
roleRef:
  kind: Role
  name: pod-reader
`;

const objects = [
  {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'checkout', namespace: 'shop', labels: { app: 'shop' } },
    automountServiceAccountToken: false,
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'pod-reader', annotations: { note: 'reads pods' } },
    rules: [
      { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['*/scale'], resourceNames: ['web'], verbs: ['*'] },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'read-pods', namespace: 'shop' },
    subjects: [
      { kind: 'ServiceAccount', name: 'checkout' },
      { kind: 'User', name: 'jane' },
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'oncall' },
    ],
    roleRef: { kind: 'Role', name: 'pod-reader' },
  },
];

test('plain objects decode to the same RBAC objects as the same YAML', () => {
  const fromYaml = decode(parseManifestText(yamlText, 'in.yaml'));
  // Through JSON text, as a list from the API server arrives.
  const fromObjects = decode(manifestsFromObjects(JSON.parse(JSON.stringify(objects)) as unknown[], 'cluster'));
  assert.deepEqual(fromYaml.messages, []);
  assert.equal(fromYaml.objects.length, 3);
  assert.deepEqual(fromObjects, fromYaml);
});

test('a field of the wrong type gives the same problem as in YAML', () => {
  const text = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: r, namespace: ns, labels: { n: 5 } }
rules:
  - apiGroups: [""]
    resources: pods
    verbs: [get, 7, null]
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: s, namespace: ns }
automountServiceAccountToken: "yes"
`;
  const plain = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r', namespace: 'ns', labels: { n: 5 } },
      rules: [{ apiGroups: [''], resources: 'pods', verbs: ['get', 7, null] }],
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's', namespace: 'ns' }, automountServiceAccountToken: 'yes' },
  ];
  const fromYaml = decode(parseManifestText(text, 'in.yaml'));
  const fromObjects = decode(manifestsFromObjects(plain, 'cluster'));
  assert.deepEqual(fromYaml.messages, [
    'invalid-field: invalid type for Role.metadata.labels.n: got number 5, expected string',
    'invalid-field: invalid type for Role.rules[0].verbs[1]: got number 7, expected string',
    'invalid-field: invalid type for Role.rules[0].resources: got string "pods", expected array of strings',
    'invalid-field: invalid type for ServiceAccount.automountServiceAccountToken: got string "yes", expected boolean',
  ]);
  assert.deepEqual(fromObjects, fromYaml);
});

test('manifests carry names, item indexes, the object itself and virtual spans; non-objects are skipped', () => {
  const role = objects[1];
  const input: unknown[] = [null, 'text', [role], { kind: 'Role' }, { apiVersion: 'v1', kind: 3 }, role, objects[2]];
  const file = manifestsFromObjects(input, 'cluster');
  assert.deepEqual(file.problems, []);
  assert.equal(file.text, '');
  assert.deepEqual(
    file.manifests.map((m) => [m.item, m.kind, m.name, m.namespace]),
    [
      [5, 'Role', 'pod-reader', undefined],
      [6, 'RoleBinding', 'read-pods', 'shop'],
    ],
  );
  assert.equal(file.manifests[0].value, role);
  // Item i fills [i·2¹³, (i+1)·2¹³) of a virtual text: the object holding a span is found as in a file.
  const [m0, m1] = file.manifests;
  assert.deepEqual(
    [m0.span, m1.span],
    [
      { start: 5 * 2 ** 13, end: 6 * 2 ** 13 },
      { start: 6 * 2 ** 13, end: 7 * 2 ** 13 },
    ],
  );
  // Each node and key is one position in document order; a node's span covers its subtree.
  const root = m0.node;
  assert.equal(root.span.start, m0.span.start);
  assert.ok(root.span.end <= m0.span.end);
  assert.deepEqual(root.entries[0].keySpan, { start: m0.span.start + 1, end: m0.span.start + 2 });
  const rules = spanAt(root, ['rules']);
  const verb = spanAt(root, ['rules', 1, 'verbs', 0]);
  assert.ok(rules.start < verb.start && verb.end <= rules.end, 'a verb inside its rules');
  assert.ok(!(spanAt(root, ['rules', 0]).end > verb.start), 'rule 0 ends before rule 1 starts');
  assert.deepEqual(m0.node, m0.node, 'the same spans each time the tree is built');
  assert.deepEqual(toPlain(file.manifests[1].node), objects[2]);

  // An object of more nodes than its range holds: its last nodes share the range's last position,
  // and no span reaches into the next object's range.
  const many = Array.from({ length: 3000 }, (_, i) => ({ apiGroups: [''], resources: [`r${i}`], verbs: ['get', 'list'] }));
  const big = manifestsFromObjects([{ ...role, rules: many }, role], 'cluster').manifests;
  const last = spanAt(big[0].node, ['rules', 2999, 'verbs', 1]);
  assert.deepEqual(last, { start: big[0].span.end - 1, end: big[0].span.end });
  assert.equal(big[0].node.span.end, big[1].span.start);
  assert.ok(spanAt(big[0].node, ['rules', 10]).end < big[0].span.end, 'the first rules keep positions of their own');
});

test('undefined values are left out as JSON leaves them; absurd nesting is a problem, not an exception', () => {
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's', namespace: undefined } };
  const { objects: decoded } = decode(manifestsFromObjects([sa], 'cluster'));
  assert.deepEqual(decoded[0].metadata, { name: 's', namespace: 'default' });

  let deep: unknown = 'x';
  for (let i = 0; i < 10_000; i++) deep = { a: deep };
  const file = manifestsFromObjects([{ apiVersion: 'v1', kind: 'ConfigMap', data: deep }, sa], 'cluster');
  assert.deepEqual(
    file.manifests.map((m) => m.kind),
    ['ServiceAccount'],
  );
  assert.deepEqual(
    file.problems.map((p) => [p.code, p.line, p.column]),
    [['too-large', 1, 1]],
  );
  assert.match(file.problems[0].message, /object 0 nests deeper than 256 levels/);
});
