// Go to definition, find references and document symbols, over JSON-RPC on a workspace on disk.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentSymbol, Location } from 'vscode-languageserver-protocol';
import { positionOf, startServer, writeWorkspace, type LspSession } from '../helpers/lsp';

const ROLES = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: web-reader
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics-reader
  labels:
    example.com/aggregate-to-monitoring: "true"
rules:
  - apiGroups: ["metrics.k8s.io"]
    resources: ["pods"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
    - matchLabels:
        example.com/aggregate-to-monitoring: "true"
rules: []
`;

const BINDINGS = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web-reader
  namespace: shop
subjects:
  - kind: ServiceAccount
    name: web
  - kind: User
    name: alice
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: web-reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: metrics
subjects:
  - kind: ServiceAccount
    name: web
    namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: metrics-reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: viewers
  namespace: shop
subjects:
  - kind: Group
    name: devs
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
`;

const ACCOUNTS = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: shop
`;

const WORKLOADS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      containers: [{name: web, image: nginx}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: web
          containers: [{name: report, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: shop}
spec:
  containers: [{name: other, image: busybox}]
`;

const TEXTS: Record<string, string> = {
  'roles.yaml': ROLES,
  'bindings.yaml': BINDINGS,
  'accounts.yaml': ACCOUNTS,
  'workloads.yaml': WORKLOADS,
};
let dir: string;
let s: LspSession;
const uri = (name: string) => pathToFileURL(join(dir, name)).href;

before(async () => {
  dir = writeWorkspace(TEXTS);
  s = await startServer(dir);
  await s.until('ready', () => s.statuses.find((x) => x.state === 'ready'));
});
after(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Each location as `file:line:text`, the text it marks (its first line). */
const show = (locs: Location[] | null) =>
  (locs ?? [])
    .map((l) => {
      const name = l.uri.slice(l.uri.lastIndexOf('/') + 1);
      const line = TEXTS[name].split('\n')[l.range.start.line];
      const end = l.range.end.line === l.range.start.line ? l.range.end.character : line.length;
      return `${name}:${l.range.start.line}:${line.slice(l.range.start.character, end)}`;
    })
    .sort();

/** Sends a position request with the cursor on the last character of the nth `needle` (or `delta` characters in). */
const ask = (method: string, name: string, needle: string, nth = 0, extra: object = {}, delta = needle.length - 1) =>
  s.conn.sendRequest<Location[] | null>(method, {
    textDocument: { uri: uri(name) },
    position: positionOf(TEXTS[name], needle, nth, delta),
    ...extra,
  });
const noDeclaration = { context: { includeDeclaration: false } };

test('definition: roleRef → Role in the binding namespace, and → ClusterRole', async () => {
  assert.deepEqual(show(await ask('textDocument/definition', 'bindings.yaml', 'kind: Role\n  name: web-reader')), [
    'roles.yaml:3:web-reader',
  ]);
  assert.deepEqual(show(await ask('textDocument/definition', 'bindings.yaml', '  kind: Role\n', 0, {}, 9)), ['roles.yaml:3:web-reader']);
  assert.deepEqual(show(await ask('textDocument/definition', 'bindings.yaml', 'name: metrics-reader')), ['roles.yaml:13:metrics-reader']);
});

test('definition: a ServiceAccount subject and a pod template serviceAccountName → the ServiceAccount', async () => {
  // The RoleBinding's subject names no namespace: it is the binding's.
  assert.deepEqual(show(await ask('textDocument/definition', 'bindings.yaml', 'ServiceAccount\n    name: web')), ['accounts.yaml:3:web']);
  assert.deepEqual(show(await ask('textDocument/definition', 'bindings.yaml', 'ServiceAccount\n    name: web', 1)), [
    'accounts.yaml:3:web',
  ]);
  assert.deepEqual(show(await ask('textDocument/definition', 'workloads.yaml', 'serviceAccountName: web')), ['accounts.yaml:3:web']);
  assert.deepEqual(show(await ask('textDocument/definition', 'workloads.yaml', 'serviceAccountName: web', 1)), ['accounts.yaml:3:web']);
});

test('definition: objects of the default policy and users have no file: nothing', async () => {
  assert.deepEqual(show(await ask('textDocument/definition', 'bindings.yaml', 'name: view')), []);
  assert.deepEqual(show(await ask('textDocument/definition', 'bindings.yaml', 'name: alice')), []);
});

test('references: a Role → its bindings; a ClusterRole → bindings and the aggregated roles selecting it', async () => {
  assert.deepEqual(show(await ask('textDocument/references', 'roles.yaml', 'web-reader', 0, noDeclaration)), [
    'bindings.yaml:13:web-reader',
  ]);
  assert.deepEqual(show(await ask('textDocument/references', 'roles.yaml', 'metrics-reader', 0, noDeclaration)), [
    'bindings.yaml:26:metrics-reader',
    'roles.yaml:27:matchLabels:',
  ]);
});

test('references: a ServiceAccount → binding subjects and the workloads running as it', async () => {
  const refs = show(await ask('textDocument/references', 'accounts.yaml', 'web', 0, { context: { includeDeclaration: true } }));
  assert.deepEqual(refs, [
    'accounts.yaml:3:web',
    'bindings.yaml:21:web',
    'bindings.yaml:7:web',
    'workloads.yaml:18:web',
    'workloads.yaml:6:web',
  ]);
});

test('references: the "default" account is used by the pod specs that name no account', async () => {
  const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: shop\n';
  const docUri = await s.open(join(dir, 'default-sa.yaml'), text);
  const refs = await s.conn.sendRequest<Location[]>('textDocument/references', {
    textDocument: { uri: docUri },
    position: positionOf(text, 'default', 0, 1),
    ...noDeclaration,
  });
  assert.deepEqual(show(refs), ['workloads.yaml:24:spec']);
});

test('document symbols: one per object, with rules, subjects and roleRef as children', async () => {
  const symbols = await s.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', {
    textDocument: { uri: uri('bindings.yaml') },
  });
  assert.deepEqual(
    symbols.map((x) => [x.name, x.detail]),
    [
      ['RoleBinding web-reader', 'shop'],
      ['ClusterRoleBinding metrics', undefined],
      ['RoleBinding viewers', 'shop'],
    ],
  );
  assert.deepEqual(
    symbols[0].children!.map((c) => c.name),
    ['ServiceAccount web', 'User alice', '→ Role web-reader'],
  );
  assert.deepEqual(symbols[0].selectionRange.start, { line: 3, character: 8 });
  const roles = await s.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri('roles.yaml') } });
  assert.deepEqual(
    roles[0].children!.map((c) => [c.name, c.detail]),
    [['get, list on pods', 'rules[0]']],
  );
  assert.deepEqual(
    roles[1].children!.map((c) => c.name),
    ['get on pods.metrics.k8s.io'],
  );
});
