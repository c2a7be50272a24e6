// The language server's model of the workspace, over JSON-RPC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../helpers/lsp';
import { repoPath } from '../helpers/repo';

test('the server reads the workspace manifests and reports what it found', async () => {
  const s = await startServer(repoPath('example'));
  try {
    const ready = await s.until('ready', () => s.statuses.find((x) => x.state === 'ready'));
    assert.deepEqual(ready.objects, { ServiceAccount: 4, Role: 2, RoleBinding: 4, ClusterRole: 5, ClusterRoleBinding: 2 });
    assert.equal(ready.files, 5);
    assert.equal(ready.problems, 0);
  } finally {
    await s.stop();
  }
});

test('an edited document updates the model before it is saved; broken YAML is counted, not fatal', async () => {
  const s = await startServer(repoPath('example'));
  try {
    await s.until('ready', () => s.statuses.find((x) => x.state === 'ready'));
    const text =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: extra, namespace: shop}\nrules: []\n---\nkey: [unclosed\n';
    await s.open(repoPath('example/extra.yaml'), text);
    const updated = await s.until('a third Role', () => s.statuses.find((x) => x.objects.Role === 3));
    assert.equal(updated.problems, 1);
    assert.equal(updated.files, 6);
  } finally {
    await s.stop();
  }
});
