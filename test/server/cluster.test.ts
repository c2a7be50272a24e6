// The language server's live-cluster messages over JSON-RPC, against the Kubernetes API test server:
// the cluster status (context, namespace, loading, partial with what is missing), the context
// switcher, whoami, the access matrix (agreement, a disagreement's cause, cancellation), headers
// sent, the untrusted-workspace guard, and no credential in anything the server says.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { AccessMatrixResult, ClusterStatus, ContextsResult, WhoAmIResult } from '../../server/src/protocol';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver/index';
import { clusterSettled, clusterStatuses, startServer, writeWorkspace, type LspSession } from '../helpers/lsp';
import { writeExecKubeconfig } from '../helpers/kubeconfig';

const RG = 'rbac.authorization.k8s.io';
const TOKENS = {
  'jane-token-7d2c9a41e8f0': { user: 'jane' },
  'lim-token-3b8e1f6c0d95': { user: 'limited' },
};
const binding = (kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, role: string, user: string, namespace?: string) => ({
  apiVersion: `${RG}/v1`,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: RG, kind: namespace ? 'Role' : 'ClusterRole', name: role },
  subjects: [{ kind: 'User', apiGroup: RG, name: user }],
});
const OBJECTS = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  {
    apiVersion: `${RG}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  },
  binding('ClusterRoleBinding', 'jane-reads-pods', 'pod-reader', 'jane'),
  {
    apiVersion: `${RG}/v1`,
    kind: 'Role',
    metadata: { name: 'deployer', namespace: 'shop' },
    rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }],
  },
  binding('RoleBinding', 'jane-deploys', 'deployer', 'jane', 'shop'),
];

let api: TestApiServer;
let home: string;
let kubeconfig: string;
const sessions: LspSession[] = [];
/** Every response the tests received, to search for credentials at the end. */
const answers: unknown[] = [];

before(async () => {
  api = await startTestApiServer({ tokens: TOKENS, objects: OBJECTS, bookmarkIntervalMs: 200 });
  home = mkdtempSync(join(tmpdir(), 'kubeid-home-'));
  kubeconfig = api.writeKubeconfig(home, { namespace: 'shop' });
});

after(async () => {
  for (const s of sessions) await s.stop().catch(() => undefined);
  await api.stop();
});

/** A language server on an empty workspace, connected through the `kubeid.kubeconfig` setting. */
async function serve(opts: { trusted?: boolean; kubeconfig?: string; folder?: string } = {}): Promise<LspSession> {
  const s = await startServer(
    opts.folder ?? writeWorkspace({}),
    { kubeconfig: opts.kubeconfig ?? kubeconfig },
    {
      initializationOptions: { trusted: opts.trusted ?? true },
      env: { ...process.env, KUBECONFIG: '', HOME: home },
      workDoneProgress: true,
    },
  );
  sessions.push(s);
  return s;
}

async function request<T>(s: LspSession, method: string, params?: unknown, token?: CancellationTokenSource): Promise<T> {
  const r = token ? await s.conn.sendRequest<T>(method, params, token.token) : await s.conn.sendRequest<T>(method, params);
  answers.push(r);
  return r;
}

const cell = (m: AccessMatrixResult, resource: string, verb: string) =>
  m.rows.find((r) => r.resource === resource)?.cells[m.verbs.indexOf(verb)];

test('the status names the context, cluster, namespace and user; loading shows progress; watches keep it current', async () => {
  const s = await serve();
  const ready = await clusterSettled(s);
  assert.equal(ready.state, 'ready', ready.message);
  assert.equal(ready.context, 'admin');
  assert.equal(ready.namespace, 'shop');
  assert.deepEqual(ready.cluster, { name: 'test', server: api.url });
  assert.equal(ready.user, 'admin');
  assert.match(ready.auth ?? '', /^client certificate/);
  assert.deepEqual(ready.missing, []);
  const bindings = ready.objects.RoleBinding;
  assert.ok(bindings >= 1 && ready.objects.ClusterRole > 50 && ready.objects.Namespace >= 1, JSON.stringify(ready.objects));
  const loading = clusterStatuses(s).find((x) => x.state === 'loading');
  assert.equal(loading?.context, 'admin', 'a loading status comes first');
  const progress = s.notifications.filter((n) => n.method === '$/progress').map((n) => n.params.value as { kind: string; title?: string });
  assert.ok(
    progress.some((v) => v.kind === 'begin' && v.title === 'kubeid: reading admin'),
    JSON.stringify(progress.slice(0, 3)),
  );
  await s.until('the end of the progress', () => s.notifications.find((x) => x.method === '$/progress' && x.params.value.kind === 'end'));

  const n = clusterStatuses(s).length;
  api.apply(binding('RoleBinding', 'jane-deploys-too', 'deployer', 'jane', 'shop'));
  const changed = await s.until('the new RoleBinding', () =>
    clusterStatuses(s)
      .slice(n)
      .find((x) => x.objects.RoleBinding === bindings + 1),
  );
  assert.equal(changed.state, 'ready');
  api.remove('RoleBinding', 'shop', 'jane-deploys-too');
  await s.until('the RoleBinding removed', () =>
    clusterStatuses(s)
      .slice(n)
      .find((x) => x.objects.RoleBinding === bindings),
  );
});

test('a 403 on rolebindings gives a partial status naming what is missing; the matrix explains the disagreement it causes', async () => {
  api.fault({ path: `/apis/${RG}/v1/rolebindings`, method: 'GET', status: 403 });
  try {
    const s = await serve();
    const partial = await clusterSettled(s);
    assert.equal(partial.state, 'partial');
    assert.deepEqual(
      partial.missing.map((m) => m.resource),
      [`rolebindings.${RG}`],
    );
    assert.match(partial.missing[0].reason, /HTTP 403/);
    assert.match(
      partial.message ?? '',
      /kubeid could not read rolebindings\.rbac\.authorization\.k8s\.io .*a "no" from kubeid is not conclusive/,
    );

    const m = await request<AccessMatrixResult>(s, 'kubeid/accessMatrix', {
      subject: { kind: 'User', name: 'jane' },
      namespace: 'shop',
      verbs: ['create'],
    });
    const c = cell(m, 'deployments.apps', 'create')!;
    assert.equal(c.server, 'yes', 'the server sees the RoleBinding');
    assert.equal(c.kubeid, 'unknown', 'kubeid does not, and does not say no');
    assert.equal(c.cause, 'unreadable-objects');
    assert.match(c.explanation ?? '', /could not read rolebindings/);
    assert.match(m.missing ?? '', /could not read rolebindings/);
  } finally {
    api.clearFaults();
  }
});

test('contexts are listed; switching context reloads, switching namespace does not', async () => {
  const s = await serve();
  await clusterSettled(s);
  const ctx = await request<ContextsResult>(s, 'kubeid/contexts');
  assert.deepEqual(ctx.contexts.map((c) => c.name).sort(), ['admin', 'jane', 'limited']);
  assert.equal(ctx.current, 'admin');
  assert.ok(ctx.namespaces.includes('shop'), ctx.namespaces.join(','));

  const jane = await request<ClusterStatus>(s, 'kubeid/switchContext', { context: 'jane' });
  assert.equal(jane.context, 'jane');
  assert.equal(jane.user, 'jane');
  assert.equal(jane.state, 'partial', 'jane may list pods only');
  assert.ok(jane.missing.some((m) => m.resource === `clusterroles.${RG}`));
  assert.equal(clusterStatuses(s).at(-1)?.context, 'jane', 'the status notification follows');

  const before = api.requests().length;
  const ns = await request<ClusterStatus>(s, 'kubeid/switchContext', { namespace: 'default' });
  assert.equal(ns.namespace, 'default');
  assert.equal(ns.context, 'jane');
  assert.equal(clusterStatuses(s).at(-1)?.namespace, 'default');
  assert.equal(
    api
      .requests()
      .slice(before)
      .filter((r) => !r.query.includes('watch')).length,
    0,
    'no list for a namespace switch',
  );

  const missing = await request<ClusterStatus>(s, 'kubeid/switchContext', { context: 'nope' });
  assert.equal(missing.state, 'error');
  assert.match(missing.message ?? '', /context "nope" not found/);

  // Credentials refused: a clear error; once the server accepts them, picking the same context again reconnects.
  api.fault({ path: /^\/api/, status: 401 });
  const refused = await request<ClusterStatus>(s, 'kubeid/switchContext', { context: 'admin' });
  api.clearFaults();
  assert.equal(refused.state, 'error');
  assert.match(refused.message ?? '', /refused the credentials of user "admin": client-certificate.*\(HTTP 401\)/);
  const again = await request<ClusterStatus>(s, 'kubeid/switchContext', { context: 'admin' });
  assert.equal(again.state, 'ready', again.message);
});

test('whoami names the user, groups, how the kubeconfig authenticates, the warning and the rules', async () => {
  const s = await serve();
  await clusterSettled(s);
  const admin = await request<WhoAmIResult>(s, 'kubeid/whoami', {});
  assert.equal(admin.user.name, 'kubeid-admin');
  assert.deepEqual(admin.user.groups, ['system:masters', 'system:authenticated']);
  assert.equal(admin.auth.kind, 'client-certificate');
  assert.match(admin.auth.description, /client certificate \(O=system:masters, CN=kubeid-admin/);
  assert.match(admin.warning ?? '', /kubeid-admin authenticates with a client certificate/);
  assert.equal(admin.via, 'authentication.k8s.io/v1 SelfSubjectReview');
  assert.equal(admin.namespace, 'shop');
  assert.deepEqual(admin.rules[0], ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
  assert.ok(admin.rules.some((r) => r[0] === '*.*' && r[3] === '[*]'));

  await request(s, 'kubeid/switchContext', { context: 'jane' });
  const jane = await request<WhoAmIResult>(s, 'kubeid/whoami', {});
  assert.deepEqual(jane.user, { name: 'jane', groups: ['system:authenticated'] });
  assert.equal(jane.auth.kind, 'token');
  assert.match(jane.warning ?? '', /static bearer token/);
  assert.ok(jane.rules.some((r) => r[0] === 'deployments.apps' && r[3] === '[*]'));
  assert.ok(jane.rules.some((r) => r[0] === 'pods' && r[3] === '[get list watch]'));
});

test('the access matrix agrees with the server cell by cell; only reviews carry Impersonate-* headers', async () => {
  const s = await serve();
  await clusterSettled(s);
  const before = api.requests().length;
  const m = await request<AccessMatrixResult>(s, 'kubeid/accessMatrix', { subject: { kind: 'User', name: 'jane' }, namespace: 'shop' });
  assert.equal(m.identity, 'User jane');
  assert.deepEqual(m.user, { name: 'jane', groups: ['system:authenticated'] });
  assert.deepEqual(m.verbs, ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']);
  assert.equal(m.cancelled, 0);
  assert.ok(m.rows.length > 40, `${m.rows.length} resources`);
  assert.deepEqual(
    m.verbs.map((v) => cell(m, 'pods', v)?.server),
    ['yes', 'yes', 'yes', 'no', 'no', 'no', 'no', 'no'],
  );
  assert.equal(cell(m, 'deployments.apps', 'delete')?.server, 'yes');
  assert.equal(cell(m, 'secrets', 'get')?.server, 'no');
  assert.equal(cell(m, 'bindings', 'get'), null, 'bindings cannot be read');
  const cells = m.rows.flatMap((r) => r.cells.filter((c) => c !== null));
  assert.ok(
    cells.every((c) => c.kubeid === c.server && !c.cause),
    'kubeid reads the whole snapshot: no disagreement',
  );
  assert.equal(m.missing, undefined);

  const reqs = api.requests().slice(before);
  const impersonated = reqs.filter((r) => r.impersonated);
  assert.equal(impersonated.length, cells.length + 1, 'one review per cell, and the first one alone');
  assert.deepEqual([...new Set(impersonated.map((r) => r.path))], ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
  for (const r of impersonated) assert.deepEqual(r.headers['impersonate-user'], ['jane']);

  // A group is asked as a member of it; a service account as itself.
  const g = await request<AccessMatrixResult>(s, 'kubeid/accessMatrix', {
    subject: { kind: 'Group', name: 'system:masters' },
    namespace: 'shop',
    verbs: ['delete'],
  });
  assert.deepEqual(g.user.groups, ['system:masters', 'system:authenticated']);
  assert.equal(cell(g, 'secrets', 'delete')?.server, 'yes');
  assert.match(g.command, /--as someone --as-group system:masters -n shop/);
  const sa = await request<AccessMatrixResult>(s, 'kubeid/accessMatrix', {
    subject: { kind: 'ServiceAccount', name: 'web', namespace: 'shop' },
    namespace: 'shop',
    verbs: ['get'],
  });
  assert.equal(sa.user.name, 'system:serviceaccount:shop:web');
  assert.equal(cell(sa, 'pods', 'get')?.server, 'no');

  // The live "Effective permissions": the cluster's rules review for the subject.
  const rules = await request<{ command: string; rows: string[][]; table: string }>(s, 'kubeid/liveEffectivePermissions', {
    subject: { kind: 'User', name: 'jane' },
    namespace: 'shop',
  });
  assert.equal(rules.command, 'kubectl auth can-i --list --as jane -n shop --context admin');
  assert.ok(rules.rows.some((r) => r[0] === 'deployments.apps' && r[3] === '[*]'));
  assert.match(rules.table, /^Resources\s+Non-Resource URLs/);

  // The diff between two identities: where the server answers them differently.
  const d = await request<AccessMatrixResult>(s, 'kubeid/accessMatrix', {
    subject: { kind: 'User', name: 'jane' },
    diffWith: { subject: { kind: 'ServiceAccount', name: 'web', namespace: 'shop' } },
    namespace: 'shop',
    verbs: ['get', 'delete'],
  });
  assert.equal(d.diff?.identity, 'ServiceAccount shop/web');
  assert.deepEqual(d.diff?.differences.map((x) => `${x.verb} ${x.resource} ${x.a} ${x.b}`).sort(), [
    'delete deployments.apps yes no',
    'get deployments.apps yes no',
    'get pods yes no',
  ]);
});

test('a refused impersonation is one clear error naming the permission needed', async () => {
  const s = await serve();
  await clusterSettled(s);
  await request(s, 'kubeid/switchContext', { context: 'jane' });
  await assert.rejects(request(s, 'kubeid/accessMatrix', { subject: { kind: 'User', name: 'alice' }, namespace: 'shop' }), (e: Error) => {
    assert.match(e.message, /User "jane" cannot impersonate resource "users"/);
    assert.match(e.message, /resources: \["users"\], verbs: \["impersonate"\], resourceNames: \["alice"\]/);
    return true;
  });
});

test('cancelling the matrix stops sending reviews', async () => {
  const s = await serve();
  await clusterSettled(s);
  const reviews = () => api.requests().filter((r) => r.path.endsWith('/selfsubjectaccessreviews')).length;
  const start = reviews();
  api.fault({ path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', delayMs: 400 });
  try {
    const cancel = new CancellationTokenSource();
    const pending = request<AccessMatrixResult>(
      s,
      'kubeid/accessMatrix',
      { subject: { kind: 'User', name: 'jane' }, namespace: 'shop', workDoneToken: 'm1' },
      cancel,
    );
    await s.until('progress of the matrix', () =>
      s.notifications.find((n) => n.method === '$/progress' && n.params.token === 'm1' && n.params.value.kind === 'report'),
    );
    cancel.cancel();
    const m = await pending;
    assert.ok(m.cancelled > 100, `${m.cancelled} reviews not sent`);
    const answered = m.rows.flatMap((r) => r.cells).filter((c) => c && c.server !== 'error').length;
    assert.ok(answered >= 20, `${answered} answered before cancelling`);
    // Reviews in flight when cancelled were dropped by kubeid; the server records them once its delay passed.
    await new Promise((r) => setTimeout(r, 800));
    const sent = reviews();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(reviews(), sent, 'no review after the answer');
    assert.ok(sent - start < answered + 64, `${sent - start} reviews sent for ${answered} answers`);
    assert.ok(m.rows.some((r) => r.cells.some((c) => c?.server === 'error' && c.cause === 'review-failed' && /cancelled/.test(c.reason))));
  } finally {
    api.clearFaults();
  }
});

test('an exec plugin of a kubeconfig inside an untrusted workspace never runs; trusting the workspace connects', async () => {
  const ws = writeWorkspace({});
  const { file, marker } = writeExecKubeconfig(ws, api, 'jane-token-7d2c9a41e8f0');
  const s = await serve({ trusted: false, kubeconfig: file, folder: ws });
  const refused = await clusterSettled(s);
  assert.equal(refused.state, 'error');
  assert.match(refused.message ?? '', /refusing to run the exec plugin .* inside the untrusted workspace .*Trust the workspace/);
  assert.equal(existsSync(marker), false, 'the plugin did not run');
  await assert.rejects(request(s, 'kubeid/whoami', {}), /not connected to a cluster: refusing to run/);
  assert.equal(existsSync(marker), false);

  const n = clusterStatuses(s).length;
  await s.conn.sendNotification('kubeid/workspaceTrust', { trusted: true });
  const ready = await clusterSettled(s, n);
  assert.equal(ready.state, 'partial', ready.message);
  assert.equal(ready.user, 'u', 'the kubeconfig user of the context');
  assert.equal(existsSync(marker), true, 'trusted: the plugin runs');
  assert.equal((await request<WhoAmIResult>(s, 'kubeid/whoami', {})).user.name, 'jane');
});

test('without any kubeconfig the status is "off" and says where kubeid looked; a missing kubeid.kubeconfig is an error', async () => {
  const off = await clusterSettled(await serve({ kubeconfig: '' }));
  assert.equal(off.state, 'off');
  assert.match(off.message ?? '', /no kubeconfig: .*\.kube\/config does not exist and KUBECONFIG is not set/);
  const missing = await clusterSettled(await serve({ kubeconfig: join(home, 'nope.yaml') }));
  assert.equal(missing.state, 'error');
  assert.match(missing.message ?? '', /kubeconfig .*nope\.yaml does not exist/);
});

test('no credential appears in any notification, response or the server log', () => {
  const key = readKey();
  const secrets = [...Object.keys(TOKENS), ...key];
  const all = [...sessions.flatMap((s) => [...s.notifications.map((n) => JSON.stringify(n)), ...s.stderr]), JSON.stringify(answers)].join(
    '\n',
  );
  assert.ok(all.length > 50_000, `the messages of this file were collected (${all.length})`);
  for (const x of secrets) assert.ok(!all.includes(x), `a credential was sent: ${x.slice(0, 8)}…`);
});

/** Lines of the admin's private key, and its base64 form as the kubeconfig holds it. */
function readKey(): string[] {
  const pem = api.adminCert.keyPem;
  return [pem.split('\n')[1], Buffer.from(pem).toString('base64').slice(0, 40)];
}
