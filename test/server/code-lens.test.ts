// Code lenses and the custom requests their commands send, over JSON-RPC.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver-protocol';
import type { CanIResult, EffectivePermissionsResult } from '../../server/src/protocol';
import { startServer, writeWorkspace, type LspSession } from '../helpers/lsp';

const FILES = {
  'roles.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: web-reader, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics-reader
  labels: {example.com/aggregate-to-monitoring: "true"}
rules:
  - apiGroups: ["metrics.k8s.io"]
    resources: ["pods"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-monitoring: "true"}}]
rules: []
`,
  'bindings.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-reader, namespace: shop}
subjects:
  - {kind: ServiceAccount, name: web}
  - {kind: User, name: alice}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web-reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: more-readers, namespace: shop}
subjects:
  - {kind: User, name: alice}
  - {kind: Group, name: devs}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web-reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: metrics}
subjects:
  - {kind: ServiceAccount, name: web, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-reader}
`,
  'accounts.yaml': `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
`,
};

let dir: string;
let s: LspSession;
const lenses = (name: string) =>
  s.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: pathToFileURL(join(dir, name)).href } });

before(async () => {
  dir = writeWorkspace(FILES);
  s = await startServer(dir);
  await s.until('ready', () => s.statuses.find((x) => x.state === 'ready'));
});
after(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a Role or ClusterRole shows "N bindings · M subjects"; clicking shows the references', async () => {
  const got = await lenses('roles.yaml');
  assert.deepEqual(
    got.map((l) => [l.range.start.line, l.command!.title]),
    [
      [2, '2 bindings · 3 subjects'],
      [2, 'Show in access graph'],
      [11, '1 binding · 1 subject · aggregated into 1 role'],
      [11, 'Show in access graph'],
      [20, '0 bindings · 0 subjects'],
      [20, 'Show in access graph'],
    ],
  );
  // The graph view opens focused on the role's node.
  assert.deepEqual([got[1].command!.command, got[1].command!.arguments], ['kubeid.showAccessGraph', ['Role:shop/web-reader']]);
  const [uri, position, locations] = got[0].command!.arguments as [string, unknown, Array<{ uri: string }>];
  assert.equal(got[0].command!.command, 'kubeid.showReferences');
  assert.equal(uri, pathToFileURL(join(dir, 'roles.yaml')).href);
  assert.deepEqual(position, { line: 2, character: 17 });
  assert.equal(locations.length, 2);
  assert.ok(locations.every((l) => l.uri.endsWith('/bindings.yaml')));
});

test('each binding subject and ServiceAccount shows "Effective permissions" and "Check access as …"', async () => {
  const got = await lenses('bindings.yaml');
  assert.deepEqual(
    got.map((l) => `${l.range.start.line}:${l.command!.title}`),
    [
      '4:Effective permissions',
      '4:Check access as web…',
      '5:Effective permissions',
      '5:Check access as alice…',
      '12:Effective permissions',
      '12:Check access as alice…',
      '13:Effective permissions',
      '13:Check access as devs…',
      '20:Effective permissions',
      '20:Check access as web…',
    ],
  );
  // A RoleBinding's subject is asked about in the binding's namespace.
  assert.deepEqual(got[0].command!.arguments, [{ subject: { kind: 'ServiceAccount', name: 'web', namespace: 'shop' }, namespace: 'shop' }]);
  assert.deepEqual(got[7].command!.arguments, [{ subject: { kind: 'Group', name: 'devs' }, namespace: 'shop' }]);
  const sa = await lenses('accounts.yaml');
  assert.deepEqual(
    sa.map((l) => [l.command!.command, l.command!.arguments]),
    [
      ['kubeid.effectivePermissions', [{ subject: { kind: 'ServiceAccount', name: 'web', namespace: 'shop' }, namespace: 'shop' }]],
      ['kubeid.checkAccess', [{ subject: { kind: 'ServiceAccount', name: 'web', namespace: 'shop' }, namespace: 'shop' }]],
    ],
  );
});

test('kubeid/effectivePermissions answers as kubectl auth can-i --list', async () => {
  const r: EffectivePermissionsResult = await s.conn.sendRequest('kubeid/effectivePermissions', {
    subject: { kind: 'ServiceAccount', name: 'web', namespace: 'shop' },
    namespace: 'shop',
  });
  assert.equal(r.identity, 'ServiceAccount shop/web');
  assert.equal(r.command, 'kubectl auth can-i --list --as system:serviceaccount:shop:web -n shop');
  assert.deepEqual(r.rows[0], ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
  const rows = new Map(r.rows.map((row) => [row[0], row[3]]));
  assert.equal(rows.get('pods'), '[get list]');
  assert.equal(rows.get('pods.metrics.k8s.io'), '[get]');
  // Every authenticated user may create self-subject reviews (default policy).
  assert.ok(rows.has('selfsubjectreviews.authentication.k8s.io'));
  assert.match(r.table, /^Resources {2,}Non-Resource URLs {2,}Resource Names {2,}Verbs\n/);
  assert.deepEqual(r.warnings, []);
});

test('kubeid/canI answers one request offline, with the binding that allows it', async () => {
  const ask = (subject: object, verb: string, resource: string, subresource?: string): Promise<CanIResult> =>
    s.conn.sendRequest('kubeid/canI', { subject, namespace: 'shop', verb, resource, subresource });
  const web = { kind: 'ServiceAccount', name: 'web', namespace: 'shop' };
  const yes = await ask(web, 'list', 'pods');
  assert.equal(yes.allowed, true);
  assert.match(yes.reason, /RoleBinding "web-reader\/shop" of Role "web-reader" to ServiceAccount "web\/shop"/);
  assert.equal(yes.command, 'kubectl auth can-i list pods --as system:serviceaccount:shop:web -n shop');
  const no = await ask(web, 'create', 'pods', 'exec');
  assert.equal(no.allowed, false);
  assert.equal(no.reason, 'no RBAC rule allows it');
  const group = await ask({ kind: 'Group', name: 'devs' }, 'get', 'po');
  assert.equal(group.allowed, true);
  assert.match(group.reason, /more-readers/);
});
