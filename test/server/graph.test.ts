// kubeid/accessGraph over JSON-RPC: the graph view's data from the language server's workspace,
// coloured with the user's check settings, following unsaved edits; and the connected cluster's
// graph (the Kubernetes API test server), coloured by the same checks, following watch events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workspaceGraph } from '../../server/src/core/graph/build';
import { decodeGraph } from '../../server/src/core/graph/compact';
import type { GraphData, GraphNode } from '../../server/src/core/graph/protocol';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import { buildWorkspace } from '../../server/src/core/policy/workspace';
import type { AccessGraphParams, AccessGraphResult, ClusterStatus } from '../../server/src/protocol';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver/index';
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
  // No kubeconfig: this session is never connected to a cluster.
  const home = mkdtempSync(join(tmpdir(), 'kubeid-home-'));
  s = await startServer(dir, { checks: { 'secrets-read': 'hint' } }, { env: { ...process.env, KUBECONFIG: '', HOME: home } });
  await s.until('the workspace is loaded', () => s.statuses.find((x) => x.state === 'ready'));
});
after(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** kubeid/accessGraph, decoded: the graph and its revision, or null when `known` is still the graph. */
async function ask(session: LspSession, params?: AccessGraphParams): Promise<(GraphData & { revision: string }) | null> {
  const r = await session.conn.sendRequest<AccessGraphResult | null>('kubeid/accessGraph', params);
  return r && { ...decodeGraph(r), revision: r.revision };
}
const graph = async (): Promise<GraphData> => (await ask(s))!;

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

test('kubeid/accessGraph sends a graph once: asked again with its revision, null until the graph changes', async () => {
  const uri = pathToFileURL(join(dir, 'rbac.yaml')).href; // open since the test above
  const again = (known?: string) => ask(s, { source: 'workspace', known });
  await s.change(uri, 2, RBAC);
  const first = await again();
  assert.ok(first?.revision);
  assert.equal(await again(first.revision), null, 'nothing changed');
  // An edit that leaves the graph as it was (a comment after the last object) sends nothing either.
  await s.change(uri, 3, `${RBAC}# reviewed\n`);
  assert.equal(await again(first.revision), null, 'the same graph');
  await s.change(uri, 4, RBAC.replace('name: jane', 'name: kim'));
  const changed = await again(first.revision);
  assert.ok(changed && changed.revision !== first.revision, 'a new revision');
  assert.ok(changed.nodes.some((n) => n.id === 'User:kim'));
  // A client that holds no graph (a webview shown again) gets the graph.
  assert.equal((await again())?.revision, changed.revision);
});

// ---- the connected cluster's graph ----

const RG = 'rbac.authorization.k8s.io';
/** Risky in two ways: exec into pods, and read secrets. */
const LIVE_ROLE = {
  apiVersion: `${RG}/v1`,
  kind: 'ClusterRole',
  metadata: { name: 'live-debugger' },
  rules: [
    { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
    { apiGroups: [''], resources: ['events'], verbs: ['list'] },
  ],
};
const LIVE_BINDING = {
  apiVersion: `${RG}/v1`,
  kind: 'RoleBinding',
  metadata: { name: 'debuggers', namespace: 'shop' },
  subjects: [{ kind: 'ServiceAccount', name: 'debug-bot', namespace: 'shop' }],
  roleRef: { apiGroup: RG, kind: 'ClusterRole', name: 'live-debugger' },
};

let api: TestApiServer | undefined;
let live: LspSession | undefined;
after(async () => {
  await live?.stop();
  await api?.stop();
});

async function connected(): Promise<{ live: LspSession; api: TestApiServer }> {
  if (live && api) return { live, api };
  api = await startTestApiServer({
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'debug-bot', namespace: 'shop' } },
      LIVE_ROLE,
      LIVE_BINDING,
    ],
    bookmarkIntervalMs: 200,
  });
  const home = mkdtempSync(join(tmpdir(), 'kubeid-home-'));
  const kubeconfig = api.writeKubeconfig(home, { namespace: 'shop' });
  live = await startServer(
    writeWorkspace({ 'rbac.yaml': RBAC }),
    { kubeconfig },
    { initializationOptions: { trusted: true }, env: { ...process.env, KUBECONFIG: '', HOME: home } },
  );
  const status = await live.until('a settled cluster status', () =>
    live!.notifications
      .filter((n) => n.method === 'kubeid/clusterStatus')
      .map((n) => n.params as ClusterStatus)
      .find((x) => x.state !== 'loading'),
  );
  assert.equal(status.state, 'ready', status.message);
  return { live, api };
}

/** What the checks make of objects written in a manifest: the workspace graph's nodes and edges. */
function asManifest(objects: object[]): GraphData {
  const text = objects.map((o) => JSON.stringify(o)).join('\n---\n');
  return workspaceGraph(buildWorkspace([parseManifestText(text, 'rbac.yaml')], { defaults: false }), 'manifest');
}
const checksOf = (n: GraphNode | undefined) => (n?.findings ?? []).map((f) => `${f.check}:${f.severity}`).sort();

test('kubeid/accessGraph of the cluster: its objects by reference, risk from the same checks as a manifest of them', async () => {
  const { live: s } = await connected();
  const g = (await ask(s, { source: 'cluster' }))!;
  assert.deepEqual(g.sources, { shown: 'cluster', context: 'admin', namespace: 'shop' });
  assert.equal(g.source, 'cluster (context admin)');
  const role = g.nodes.find((n) => n.id === 'ClusterRole:live-debugger');
  assert.deepEqual(
    [role?.origin, role?.kind, role?.name, role?.file, role?.line],
    ['cluster', 'ClusterRole', 'live-debugger', undefined, undefined],
  );
  assert.ok(g.edges.some((e) => e.id === 'ServiceAccount:shop/debug-bot->RoleBinding:shop/debuggers'));
  assert.ok(!g.nodes.some((n) => n.origin === 'workspace'), 'the workspace is not in the cluster graph');

  // The same checks, the same colours: the role as a manifest gets the same findings, node and edge risks.
  const written = asManifest([LIVE_ROLE, LIVE_BINDING]);
  const same = written.nodes.find((n) => n.id === 'ClusterRole:live-debugger');
  assert.ok(checksOf(same).length > 0, 'the role is risky as a manifest');
  assert.deepEqual(checksOf(role), checksOf(same));
  assert.equal(role?.risk, same?.risk);
  const risk = (d: GraphData, id: string) => d.edges.find((e) => e.id === id)?.risk;
  for (const id of ['ClusterRole:live-debugger->Resource:/pods/exec', 'ClusterRole:live-debugger->Resource:/secrets']) {
    assert.ok(risk(g, id), `${id} is coloured`);
    assert.equal(risk(g, id), risk(written, id), id);
  }
  assert.equal(risk(g, 'ClusterRole:live-debugger->Resource:/events'), undefined, 'a harmless rule stays plain');
  // The default policy the cluster holds is never reported, as diagnostics never report it.
  assert.equal(g.nodes.find((n) => n.id === 'ClusterRole:cluster-admin')?.risk, undefined);

  const ws = (await ask(s, { source: 'workspace' }))!;
  assert.deepEqual(ws.sources, { shown: 'workspace', context: 'admin', namespace: 'shop' });
  assert.ok(ws.nodes.some((n) => n.id === 'ClusterRole:secret-reader' && n.origin === 'workspace'));
});

test('kubeid/accessGraph of the cluster follows watch events', async () => {
  const { live: s, api: server } = await connected();
  const statuses = () => s.notifications.filter((n) => n.method === 'kubeid/clusterStatus').length;
  const before = statuses();
  const shown = (await ask(s, { source: 'cluster' }))!;
  assert.equal(await ask(s, { source: 'cluster', known: shown.revision }), null, 'the cluster did not change: nothing is sent again');
  server.apply({ ...LIVE_BINDING, metadata: { name: 'more-debuggers', namespace: 'shop' }, subjects: [{ kind: 'User', name: 'kim' }] });
  await s.until('the status after the watch event', () => statuses() > before);
  const g = await ask(s, { source: 'cluster', known: shown.revision });
  assert.ok(g?.edges.some((e) => e.id === 'User:kim->RoleBinding:shop/more-debuggers'));
});

test('kubeid/accessGraph: a partial snapshot says what it lacks; not connected, the workspace is shown with the reason', async () => {
  const { api: server } = await connected();
  server.fault({ path: `/apis/${RG}/v1/roles`, method: 'GET', status: 403 });
  const home = mkdtempSync(join(tmpdir(), 'kubeid-home-'));
  const partial = await startServer(
    writeWorkspace({ 'rbac.yaml': RBAC }),
    { kubeconfig: server.writeKubeconfig(home, { namespace: 'shop' }) },
    { initializationOptions: { trusted: true }, env: { ...process.env, KUBECONFIG: '', HOME: home } },
  );
  try {
    await partial.until('a partial snapshot', () =>
      partial.notifications.some((n) => n.method === 'kubeid/clusterStatus' && (n.params as ClusterStatus).state === 'partial'),
    );
    const g = (await ask(partial, { source: 'cluster' }))!;
    assert.equal(g.sources?.shown, 'cluster');
    assert.match(g.sources?.incomplete ?? '', /could not read roles\.rbac\.authorization\.k8s\.io .*not conclusive/);
  } finally {
    server.clearFaults();
    await partial.stop();
  }
  // The first session of this file has no kubeconfig: asked for the cluster, it shows the workspace and says why.
  const g = (await ask(s, { source: 'cluster' }))!;
  assert.equal(g.sources?.shown, 'workspace');
  assert.equal(g.sources?.context, undefined);
  assert.match(g.sources?.fallback ?? '', /^kubeid is not connected to a cluster \(.+\): the workspace is shown$/);
});
