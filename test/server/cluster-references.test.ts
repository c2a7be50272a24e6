// References resolve against the connected cluster, over JSON-RPC with the Kubernetes API test server:
// a roleRef or ServiceAccount found only in the cluster is not missing, a watch event brings the
// diagnostic back or makes it go, a cluster that refuses to list roles gets no false claim, and
// completion offers the cluster's ClusterRoles.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionList, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver/index';
import { clusterSettled, diagnosticsOf, positionOf, startServer, writeWorkspace, type LspSession } from '../helpers/lsp';

const RG = 'rbac.authorization.k8s.io';
const LIVE_ROLE = {
  apiVersion: `${RG}/v1`,
  kind: 'ClusterRole',
  metadata: { name: 'live-auditor' },
  rules: [{ apiGroups: [''], resources: ['events'], verbs: ['list'] }],
};
const LIVE_ACCOUNT = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'live-bot', namespace: 'shop' } };
const BINDINGS = `apiVersion: ${RG}/v1
kind: ClusterRoleBinding
metadata:
  name: auditors
roleRef:
  apiGroup: ${RG}
  kind: ClusterRole
  name: live-auditor
subjects:
  - kind: ServiceAccount
    name: live-bot
    namespace: shop
---
apiVersion: ${RG}/v1
kind: ClusterRoleBinding
metadata:
  name: nowhere
roleRef:
  apiGroup: ${RG}
  kind: ClusterRole
  name: no-such-role
subjects:
  - kind: User
    name: jane
`;

let api: TestApiServer;
let home: string;
let kubeconfig: string;
const sessions: LspSession[] = [];

before(async () => {
  api = await startTestApiServer({
    objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, LIVE_ROLE, LIVE_ACCOUNT],
    bookmarkIntervalMs: 200,
  });
  home = mkdtempSync(join(tmpdir(), 'kubeid-home-'));
  kubeconfig = api.writeKubeconfig(home, { namespace: 'shop' });
});

after(async () => {
  for (const s of sessions) await s.stop().catch(() => undefined);
  await api.stop();
});

/** A language server on a workspace holding the bindings, connected to the test server unless `kubeconfig` is ''. */
async function serve(config = kubeconfig): Promise<{ s: LspSession; uri: string; folder: string }> {
  const folder = writeWorkspace({ 'bindings.yaml': BINDINGS });
  const s = await startServer(
    folder,
    { kubeconfig: config || join(home, 'no-such-kubeconfig') },
    { initializationOptions: { trusted: true }, env: { ...process.env, KUBECONFIG: '', HOME: home }, workDoneProgress: true },
  );
  sessions.push(s);
  return { s, uri: pathToFileURL(join(folder, 'bindings.yaml')).href, folder };
}

/** A diagnostic's message (the server sends plain strings). */
const text = (d: Diagnostic): string => d.message as string;
const about = (ds: Diagnostic[], name: string) => ds.filter((d) => text(d).includes(JSON.stringify(name)));

test('a ClusterRole and a ServiceAccount found only in the cluster are not missing when connected, and are when not', async () => {
  const offline = await serve('');
  const off = await diagnosticsOf(offline.s, offline.uri, 'missing-role', 'missing-role offline', (ds) => ds.length === 2);
  assert.match(text(about(off, 'live-auditor')[0]), /neither in the workspace nor in the default cluster policy/);
  const offAccounts = await diagnosticsOf(
    offline.s,
    offline.uri,
    'missing-service-account',
    'the account offline',
    (ds) => ds.length === 1,
  );
  assert.match(text(offAccounts[0]), /"live-bot"/);

  const { s, uri } = await serve();
  assert.equal((await clusterSettled(s)).state, 'ready');
  const ds = await diagnosticsOf(s, uri, 'missing-role', 'only the role found nowhere', (d) => d.length === 1);
  assert.deepEqual(about(ds, 'live-auditor'), []);
  assert.match(
    text(about(ds, 'no-such-role')[0]),
    /does not exist \(neither in the workspace, nor in the cluster \(context "admin"\), nor in the default cluster policy\)/,
  );
  assert.deepEqual(
    s.diagnostics.get(uri)?.filter((d) => d.code === 'missing-service-account'),
    [],
  );
});

test('a ClusterRole applied to the cluster while connected clears the diagnostic; removing it brings it back', async () => {
  const { s, uri } = await serve();
  await clusterSettled(s);
  await diagnosticsOf(s, uri, 'missing-role', 'no-such-role reported', (ds) => about(ds, 'no-such-role').length === 1);
  api.apply({ ...LIVE_ROLE, metadata: { name: 'no-such-role' } });
  try {
    await diagnosticsOf(s, uri, 'missing-role', 'the diagnostic gone after the watch event', (ds) => ds.length === 0);
  } finally {
    api.remove('ClusterRole', undefined, 'no-such-role');
  }
  const back = await diagnosticsOf(s, uri, 'missing-role', 'the diagnostic back after the removal', (ds) => ds.length === 1);
  assert.equal(back[0].severity, 2, 'a warning');
});

test('a cluster that refuses to list clusterroles gets no claim that a role does not exist', async () => {
  api.fault({ path: `/apis/${RG}/v1/clusterroles`, method: 'GET', status: 403 });
  try {
    const { s, uri } = await serve();
    assert.equal((await clusterSettled(s)).state, 'partial');
    const ds = await diagnosticsOf(
      s,
      uri,
      'missing-role',
      'the conditional diagnostics',
      (d) => d.length === 2 && d.every((x) => text(x).includes('could not be checked')),
    );
    for (const d of ds) {
      assert.doesNotMatch(text(d), /does not exist \(/, text(d));
      assert.match(text(d), /the cluster \(context "admin"\) could not be checked: kubeid may not list clusterroles there/);
      assert.equal(d.severity, 3, 'information, not a warning');
    }
    // The roleRef's hover makes no claim either.
    const position = positionOf(BINDINGS, 'name: no-such-role', 0, 'name: '.length);
    const h = await s.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position });
    const shown = (h.contents as MarkupContent).value;
    assert.match(
      shown,
      /not in the workspace nor in the default policy; kubeid could not list the ClusterRoles of the cluster \(context `admin`\), so it may exist there/,
    );
    assert.doesNotMatch(shown, /neither in the workspace, nor in the cluster/);
  } finally {
    api.clearFaults();
  }
});

test('completion of a roleRef name offers the cluster’s ClusterRoles, marked (cluster)', async () => {
  const { s, uri } = await serve();
  await clusterSettled(s);
  await diagnosticsOf(s, uri, 'missing-role', 'the snapshot in the analysis', (ds) => ds.length === 1);
  const position = positionOf(BINDINGS, 'name: live-auditor', 0, 'name: '.length);
  const list = await s.conn.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
  const live = list.items.find((i) => i.label === 'live-auditor');
  assert.ok(live, list.items.map((i) => i.label).join(', '));
  assert.match(live.detail ?? '', /^ClusterRole \(cluster\) · context admin · 1 rule$/);
  assert.ok(
    list.items.some((i) => i.label === 'view' && !/\(cluster\)/.test(i.detail ?? '')),
    'the default policy’s roles keep their own detail',
  );
});
