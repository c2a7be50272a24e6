// The editor against a live cluster, over JSON-RPC with the Kubernetes API test server: drift of a
// workspace object from the live one (reported, then cleared when the cluster is changed to match),
// the read-only live object (kubeid/liveObject), go-to-definition and hover of a role found only in
// the cluster, and the cluster's discovery (a CRD) in completion and the catalogue checks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CompletionList, Hover, Location } from 'vscode-languageserver-protocol';
import type { EffectivePermissionsResult, LiveObjectResult } from '../../server/src/protocol';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver/index';
import { clusterSettled, diagnosticsOf, positionOf, startServer, writeWorkspace, type LspSession } from '../helpers/lsp';

const RG = 'rbac.authorization.k8s.io';
const LIVE_ONLY = {
  apiVersion: `${RG}/v1`,
  kind: 'ClusterRole',
  metadata: { name: 'live-auditor' },
  rules: [{ apiGroups: [''], resources: ['events'], verbs: ['list'] }],
};
/** In the cluster and in the workspace, where its rule grants one verb more. */
const LIVE_READER = {
  apiVersion: `${RG}/v1`,
  kind: 'ClusterRole',
  metadata: {
    name: 'reader',
    managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', fieldsV1: { 'f:rules': {} } }],
  },
  rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
};
const WIDGETS_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true }],
  },
};
const RBAC = `apiVersion: ${RG}/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
---
apiVersion: ${RG}/v1
kind: ClusterRoleBinding
metadata:
  name: auditors
roleRef:
  apiGroup: ${RG}
  kind: ClusterRole
  name: live-auditor
subjects:
  - kind: User
    name: jane
---
apiVersion: ${RG}/v1
kind: Role
metadata:
  name: widget-reader
  namespace: shop
rules:
  - apiGroups: [example.com]
    resources: [widgets]
    verbs: [get]
`;

let api: TestApiServer;
let home: string;
let kubeconfig: string;
const sessions: LspSession[] = [];

before(async () => {
  api = await startTestApiServer({
    objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, LIVE_ONLY, LIVE_READER, WIDGETS_CRD],
    bookmarkIntervalMs: 200,
  });
  home = mkdtempSync(join(tmpdir(), 'kubeid-home-'));
  kubeconfig = api.writeKubeconfig(home, { namespace: 'shop' });
});

after(async () => {
  for (const s of sessions) await s.stop().catch(() => undefined);
  await api.stop();
});

/** A language server on a workspace holding `text` (default RBAC), connected to the test server unless `connected` is false. */
async function serve(connected = true, text = RBAC): Promise<{ s: LspSession; uri: string }> {
  const folder = writeWorkspace({ 'rbac.yaml': text });
  const s = await startServer(
    folder,
    { kubeconfig: connected ? kubeconfig : join(home, 'no-such-kubeconfig') },
    { initializationOptions: { trusted: true }, env: { ...process.env, KUBECONFIG: '', HOME: home } },
  );
  sessions.push(s);
  return { s, uri: pathToFileURL(join(folder, 'rbac.yaml')).href };
}

test('an object that differs from the live one is marked drift at its name, with a quick fix; changing the cluster or the file to match clears it', async () => {
  const { s, uri } = await serve();
  assert.equal((await clusterSettled(s)).state, 'ready');
  const [d] = await diagnosticsOf(s, uri, 'drift', 'the drift of reader', (ds) => ds.length === 1);
  assert.equal(
    d.message,
    'ClusterRole "reader" differs from the live object in context "admin": rules[0].verbs: [get list] here, [get] in the cluster. "Compare with cluster" shows both.',
  );
  assert.equal(d.severity, 3, 'information');
  assert.deepEqual(d.range.start, positionOf(RBAC, 'name: reader', 0, 'name: '.length));

  const actions = await s.conn.sendRequest<Array<{ title: string; command?: { command: string; arguments: unknown[] } }>>(
    'textDocument/codeAction',
    { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } },
  );
  const compare = actions.find((a) => a.title === 'Compare with cluster');
  assert.deepEqual(compare?.command?.command, 'kubeid.compareWithCluster');
  assert.deepEqual(compare?.command?.arguments, [{ kind: 'ClusterRole', name: 'reader', uri }]);
  const lenses = await s.conn.sendRequest<Array<{ command?: { title: string } }>>('textDocument/codeLens', { textDocument: { uri } });
  assert.ok(lenses.some((l) => l.command?.title === 'Compare with cluster'));

  api.apply({ ...LIVE_READER, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'get'] }] });
  try {
    await diagnosticsOf(s, uri, 'drift', 'the drift gone after the watch event', (ds) => ds.length === 0);
  } finally {
    api.apply(LIVE_READER);
  }
  await diagnosticsOf(s, uri, 'drift', 'the drift back', (ds) => ds.length === 1);

  // Editing the file to match the cluster clears it too.
  await s.open(fileURLToPath(uri), RBAC);
  await s.change(uri, 2, RBAC.replace('verbs: [get, list]', 'verbs: [get]'));
  await diagnosticsOf(s, uri, 'drift', 'the drift gone after the edit', (ds) => ds.length === 0);
});

test('kubeid/liveObject: the live object as YAML without managedFields; a clear error when it is gone or not connected', async () => {
  const { s } = await serve();
  await clusterSettled(s);
  const r = await s.conn.sendRequest<LiveObjectResult>('kubeid/liveObject', { kind: 'ClusterRole', name: 'reader' });
  assert.equal(r.context, 'admin');
  assert.match(r.text, /^apiVersion: rbac.authorization.k8s.io\/v1\nkind: ClusterRole\nmetadata:\n {2}name: reader\n/);
  assert.match(r.text, /resourceVersion: "?\d+"?/);
  assert.match(r.text, /verbs:\n\s+- get\n/);
  assert.doesNotMatch(r.text, /managedFields|kubectl-client-side-apply/);
  const comparable = await s.conn.sendRequest<LiveObjectResult>('kubeid/liveObject', {
    kind: 'ClusterRole',
    name: 'reader',
    comparable: true,
  });
  assert.doesNotMatch(comparable.text, /resourceVersion|uid|creationTimestamp|managedFields/);
  assert.match(comparable.text, /^apiVersion: rbac.authorization.k8s.io\/v1\nkind: ClusterRole\nmetadata:\n {2}name: reader\nrules:\n/);
  await assert.rejects(s.conn.sendRequest('kubeid/liveObject', { kind: 'ClusterRole', name: 'no-such-role' }), {
    message: 'ClusterRole no-such-role is not in the cluster (context "admin")',
  });
  await assert.rejects(s.conn.sendRequest('kubeid/liveObject', { kind: 'Secret', namespace: 'shop', name: 'token' }), {
    message: 'kubeid does not read Secret objects from the cluster, so it cannot show Secret shop/token',
  });
  const offline = await serve(false);
  await clusterSettled(offline.s);
  await assert.rejects(offline.s.conn.sendRequest('kubeid/liveObject', { kind: 'ClusterRole', name: 'reader' }), {
    message: /^kubeid is not connected to a cluster: /,
  });
});

test('a roleRef found only in the cluster: definition goes to its live document, hover shows its live rules', async () => {
  const { s, uri } = await serve();
  await clusterSettled(s);
  await diagnosticsOf(s, uri, 'drift', 'the snapshot in the analysis', (ds) => ds.length === 1);
  const position = positionOf(RBAC, 'name: live-auditor', 0, 'name: '.length + 2);
  const defs = await s.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri }, position });
  assert.deepEqual(defs, [
    { uri: 'kubeid-live:/ClusterRole/live-auditor.yaml', range: { start: { line: 3, character: 2 }, end: { line: 3, character: 2 } } },
  ]);
  const text = (await s.conn.sendRequest<LiveObjectResult>('kubeid/liveObject', { kind: 'ClusterRole', name: 'live-auditor' })).text;
  assert.equal(text.split('\n')[3], '  name: live-auditor', 'the range is at the name');

  const h = await s.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position });
  const md = (h.contents as { value: string }).value;
  assert.match(
    md,
    /^\*\*ClusterRole `live-auditor`\*\* — live cluster; this binding grants its rules in every namespace and cluster-wide\./,
  );
  assert.match(md, /\| events +\| \[\] +\| \[\] +\| \[list\] +\|/);
  assert.match(md, /_Evaluated over the live cluster \(context "admin"\) with the workspace manifests applied on top\._/);
});

test('a CRD the cluster serves completes and is not flagged while connected; offline it is unknown', async () => {
  const offline = await serve(false);
  const [flagged] = await diagnosticsOf(
    offline.s,
    offline.uri,
    'unknown-api-group',
    'example.com unknown offline',
    (ds) => ds.length === 1,
  );
  assert.match(flagged.message as string, /"example\.com"/);

  const { s, uri } = await serve();
  await clusterSettled(s);
  await diagnosticsOf(s, uri, 'drift', 'the connected analysis', (ds) => ds.length === 1);
  for (const code of ['unknown-api-group', 'unknown-resource', 'unknown-verb'])
    assert.deepEqual(
      s.diagnostics.get(uri)?.filter((d) => d.code === code),
      [],
      code,
    );
  const position = positionOf(RBAC, 'resources: [widgets]', 0, 'resources: ['.length);
  const list = await s.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
  assert.ok(
    list.items.some((i) => i.label === 'widgets'),
    list.items.map((i) => i.label).join(', '),
  );
});

test('a CRD created while connected joins the catalogue: its group is no longer unknown; deleted, it is again', async () => {
  const role = `apiVersion: ${RG}/v1
kind: Role
metadata: {name: gadget-reader, namespace: shop}
rules:
  - {apiGroups: [example.org], resources: [gadgets], verbs: [get]}
`;
  const { s, uri } = await serve(true, role);
  await clusterSettled(s);
  await diagnosticsOf(s, uri, 'unknown-api-group', 'example.org unknown', (ds) => ds.length === 1);
  const crd = {
    ...WIDGETS_CRD,
    metadata: { name: 'gadgets.example.org' },
    spec: { ...WIDGETS_CRD.spec, group: 'example.org', names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget' } },
  };
  api.apply(crd);
  try {
    await diagnosticsOf(s, uri, 'unknown-api-group', 'example.org known after the CRD was created', (ds) => ds.length === 0);
  } finally {
    api.remove('CustomResourceDefinition', undefined, 'gadgets.example.org');
  }
  await diagnosticsOf(s, uri, 'unknown-api-group', 'example.org unknown after the CRD was deleted', (ds) => ds.length === 1);
});

test('while connected, "Effective permissions" is evaluated over the live cluster with the workspace on top, and says so', async () => {
  const ask = (s: LspSession) =>
    s.conn.sendRequest<EffectivePermissionsResult>('kubeid/effectivePermissions', {
      subject: { kind: 'User', name: 'jane' },
      namespace: 'shop',
    });
  const events = (r: EffectivePermissionsResult) => r.rows.some((row) => row[0] === 'events' && row[3] === '[list]');
  const offline = await serve(false);
  await clusterSettled(offline.s);
  const off = await ask(offline.s);
  assert.equal(events(off), false, 'the workspace binding names a role only the cluster has');
  assert.match(off.basis ?? '', /^offline/);

  const { s, uri } = await serve();
  await clusterSettled(s);
  await diagnosticsOf(s, uri, 'drift', 'the connected analysis', (ds) => ds.length === 1);
  const live = await ask(s);
  assert.ok(events(live), JSON.stringify(live.rows));
  assert.equal(live.basis, 'over the live cluster (context "admin") with the workspace manifests applied on top');
  const lenses = await s.conn.sendRequest<Array<{ command?: { title: string } }>>('textDocument/codeLens', { textDocument: { uri } });
  assert.ok(lenses.some((l) => l.command?.title === 'Effective permissions (cluster + workspace)'));
});
