// kubeid/accessGraph over JSON-RPC: the graph view's data from the language server's workspace,
// coloured with the user's check settings, following unsaved edits.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphData } from '../../server/src/core/graph/protocol';
import { startServer, writeWorkspace, type LspSession } from '../helpers/lsp';

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: shop}
subjects: [{kind: User, name: jane}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
`;

let dir: string;
let s: LspSession;
before(async () => {
  dir = writeWorkspace({ 'rbac.yaml': RBAC });
  s = await startServer(dir, { checks: { 'secrets-read': 'hint' } });
  await s.until('the workspace is loaded', () => s.statuses.find((x) => x.state === 'ready'));
});
after(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const graph = (): Promise<GraphData> => s.conn.sendRequest('kubeid/accessGraph');

test('kubeid/accessGraph: the workspace objects with their file and line, risk from the checks as configured', async () => {
  const g = await graph();
  const role = g.nodes.find((n) => n.id === 'ClusterRole:secret-reader');
  assert.deepEqual([role?.origin, role?.file, role?.line, role?.risk], ['workspace', join(dir, 'rbac.yaml'), 1, 'hint']);
  assert.ok(g.edges.some((e) => e.id === 'User:jane->RoleBinding:shop/readers'));
  assert.equal(g.edges.find((e) => e.id === 'ClusterRole:secret-reader->Resource:/secrets')?.risk, 'hint');
  assert.ok(
    g.nodes.some((n) => n.origin === 'default-policy'),
    'on the default policy',
  );
});

test('kubeid/accessGraph follows the unsaved text of an open manifest', async () => {
  // The server takes the text on didOpen, before it answers the next request.
  await s.open(join(dir, 'rbac.yaml'), RBAC.replace('name: jane', 'name: joe'));
  const ids = (await graph()).nodes.map((n) => n.id);
  assert.ok(ids.includes('User:joe') && !ids.includes('User:jane'));
});
