// The reference index: what an element names, its definitions and who references it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextFor } from '../../server/src/core/checks/index';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import { outline } from '../../server/src/core/outline';
import { definitionsOf, referencesTo, targetAt } from '../../server/src/core/references';

const files = [
  parseManifestText(
    `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: loose}
subjects: [{kind: ServiceAccount, name: ci}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
subjects: [{kind: ServiceAccount, name: ci}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
`,
    'b.yaml',
  ),
  parseManifestText(
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: ci}
rules: []
`,
    'r.yaml',
  ),
];
const ctx = contextFor(files);
const offset = (needle: string, nth = 0) => {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = files[0].text.indexOf(needle, at + 1);
  return at + 1;
};

test('a RoleBinding without namespace: its Role is looked for in any namespace', () => {
  const t = targetAt(ctx, 'b.yaml', offset('name: deployer'));
  assert.deepEqual(t, { kind: 'Role', namespace: 'default', name: 'deployer' });
  const from = ctx.objects[0].manifest;
  assert.deepEqual(
    definitionsOf(ctx, t, from).map((p) => p.file),
    ['r.yaml'],
  );
  assert.deepEqual(definitionsOf(ctx, t), []);
});

test('a ClusterRoleBinding names no Role and gives no namespace to its ServiceAccount subjects', () => {
  assert.equal(targetAt(ctx, 'b.yaml', offset('name: deployer', 1)), undefined);
  assert.equal(targetAt(ctx, 'b.yaml', offset('name: ci', 1)), undefined);
  assert.deepEqual(targetAt(ctx, 'b.yaml', offset('name: ci')), { kind: 'ServiceAccount', namespace: 'default', name: 'ci' });
  assert.deepEqual(referencesTo(ctx, { kind: 'Role', namespace: 'ci', name: 'deployer' }), []);
});

test('the outline names each object and its parts', () => {
  assert.deepEqual(
    outline(files[0]).map((o) => [o.name, o.detail, o.children.map((c) => c.name)]),
    [
      ['RoleBinding loose', undefined, ['ServiceAccount ci', '→ Role deployer']],
      ['ClusterRoleBinding crb', undefined, ['ServiceAccount ci', '→ Role deployer']],
    ],
  );
});
