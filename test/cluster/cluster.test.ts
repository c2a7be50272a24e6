// kubeid against the Kubernetes API test server (test/helpers/apiserver): the adapter's lists,
// watches, discovery and reviews; failures (401, 403, 500, slow, dropped) as clear errors and
// partial snapshots; impersonation headers on reviews only; the CLI's whoami, can-i --as, who-can
// and access-matrix agreeing with kubectl; no credential in any output; the untrusted-workspace guard.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClusterSource } from '../../server/src/cluster/adapter';
import { keepCurrent, listAll, loadSnapshot, RBAC_KINDS, refKey, snapshotPolicy } from '../../server/src/core/cluster/snapshot';
import { ClusterError } from '../../server/src/core/cluster/source';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver/index';
import { kubectlFor, kubectlVersion, type Kubectl } from '../helpers/apiserver/kubectl';
import { repoPath } from '../helpers/repo';
import { writeExecKubeconfig, writeTokenKubeconfig } from '../helpers/kubeconfig';
import { runKubeid } from '../helpers/cli';

const RG = 'rbac.authorization.k8s.io';
const TOKENS = {
  'jane-token-5f1d0c9e7a2b': { user: 'jane' },
  'bob-token-83e0a6d4c1f9': { user: 'bob', groups: ['impersonators'] },
  'lim-token-0b7c2e9d4a61': { user: 'limited' },
};
const OBJECTS = [
  {
    apiVersion: `${RG}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  },
  {
    apiVersion: `${RG}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'jane-reads-pods' },
    roleRef: { apiGroup: RG, kind: 'ClusterRole', name: 'pod-reader' },
    subjects: [{ kind: 'User', apiGroup: RG, name: 'jane' }],
  },
  {
    apiVersion: `${RG}/v1`,
    kind: 'Role',
    metadata: { name: 'deployer', namespace: 'shop' },
    rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }],
  },
  {
    apiVersion: `${RG}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'jane-deploys', namespace: 'shop' },
    roleRef: { apiGroup: RG, kind: 'Role', name: 'deployer' },
    subjects: [{ kind: 'User', apiGroup: RG, name: 'jane' }],
  },
  // bob may impersonate jane and group devs, nothing else; limited may read ClusterRoles only.
  {
    apiVersion: `${RG}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'impersonate-jane' },
    rules: [
      { apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['jane'] },
      { apiGroups: [''], resources: ['groups'], verbs: ['impersonate'], resourceNames: ['devs'] },
    ],
  },
  {
    apiVersion: `${RG}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'bob-impersonates' },
    roleRef: { apiGroup: RG, kind: 'ClusterRole', name: 'impersonate-jane' },
    subjects: [{ kind: 'User', apiGroup: RG, name: 'bob' }],
  },
  {
    apiVersion: `${RG}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'rbac-reader' },
    rules: [{ apiGroups: [RG], resources: ['clusterroles', 'clusterrolebindings'], verbs: ['list', 'watch'] }],
  },
  {
    apiVersion: `${RG}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'limited-reads-rbac' },
    roleRef: { apiGroup: RG, kind: 'ClusterRole', name: 'rbac-reader' },
    subjects: [{ kind: 'User', apiGroup: RG, name: 'limited' }],
  },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
];

let server: TestApiServer;
let dir: string;
let kubeconfig: string;
let kubectl: Kubectl | undefined;
/** Everything kubeid printed in this file, to search for credentials at the end. */
const printed: string[] = [];

before(async () => {
  server = await startTestApiServer({ tokens: TOKENS, objects: OBJECTS, bookmarkIntervalMs: 200 });
  dir = mkdtempSync(join(tmpdir(), 'kubeid-cluster-'));
  kubeconfig = server.writeKubeconfig(dir, { namespace: 'shop' });
  if (kubectlVersion()) kubectl = kubectlFor(server, { namespace: 'shop' });
});

after(async () => {
  kubectl?.dispose();
  await server.stop();
});

function kubeid(args: string[], context = 'admin') {
  const r = runKubeid([...args, '--kubeconfig', kubeconfig, '--context', context]);
  printed.push(r.out, r.err);
  return r;
}

const connect = (context = 'admin', timeoutMs?: number) => KubeClusterSource.connect({ kubeconfig, context, timeoutMs });
const since = (n: number) => server.requests().slice(n);

/** `p`, or a failure naming what did not happen within `ms` (a watch that never delivers must not hang the suite). */
function within<T>(p: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${typeof what === 'string' ? what : what()}: not within ${ms} ms`)), ms)),
  );
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

test('lists are read page by page with limit and continue', async () => {
  const src = await connect();
  const n = server.requests().length;
  const ref = RBAC_KINDS.find((k) => k.resource === 'clusterroles')!;
  const state = await listAll(src, ref, { pageSize: 25 });
  const lists = since(n).filter((r) => r.path === '/apis/rbac.authorization.k8s.io/v1/clusterroles');
  assert.ok(lists.length >= 3, `${lists.length} pages`);
  assert.ok(lists.every((r) => new URLSearchParams(r.query).get('limit') === '25'));
  assert.ok(lists.slice(1).every((r) => new URLSearchParams(r.query).get('continue')));
  const whole = await src.list(ref, {});
  assert.equal(state.items.size, whole.items.length);
  assert.ok(state.items.has('/pod-reader'));
  assert.equal(state.items.get('/pod-reader')!.kind, 'ClusterRole', 'items of a typed list get their kind');
});

test('a watch sees changes; after 410 Gone the kind is listed again', async () => {
  const src = await connect();
  const snap = await loadSnapshot(src, { kinds: RBAC_KINDS.slice(0, 1) });
  const state = snap.kinds.get('clusterroles.rbac.authorization.k8s.io')!;
  let abort = new AbortController();
  const seen = new Promise<void>((resolve) => {
    void keepCurrent(src, snap, {
      signal: abort.signal,
      onChange: () => state.items.has('/added-live') && resolve(),
    });
  });
  server.apply({ apiVersion: `${RG}/v1`, kind: 'ClusterRole', metadata: { name: 'added-live' }, rules: [] });
  await within(seen, 20_000, 'the watch event for added-live').finally(() => abort.abort());

  // History compacted past the snapshot's version: the next watch gets 410 and relists.
  server.compact();
  server.apply({ apiVersion: `${RG}/v1`, kind: 'ClusterRole', metadata: { name: 'after-compaction' }, rules: [] });
  server.remove('ClusterRole', undefined, 'added-live');
  state.resourceVersion = '1';
  const n = server.requests().length;
  abort = new AbortController();
  const errors: string[] = [];
  const relisted = new Promise<void>((resolve) => {
    void keepCurrent(src, snap, {
      signal: abort.signal,
      onChange: () => state.items.has('/after-compaction') && !state.items.has('/added-live') && resolve(),
      onError: (_ref, e) => errors.push(String(e)),
    });
  });
  await within(relisted, 20_000, () => `the relist after 410 (errors: ${errors.join('; ')})`).finally(() => abort.abort());
  const paths = since(n).map((r) => `${r.status} ${r.query.includes('watch') ? 'watch' : 'list'}`);
  assert.ok(paths.includes('200 list'), `relisted: ${paths.join(', ')}`);
});

test('discovery reads aggregated and legacy documents alike, CRDs included', async () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
  };
  const legacy = await startTestApiServer({ aggregatedDiscovery: false, objects: [crd] });
  try {
    server.apply(crd);
    const aggregated = await (await connect()).discover();
    const dir2 = mkdtempSync(join(tmpdir(), 'kubeid-legacy-'));
    const old = await (await KubeClusterSource.connect({ kubeconfig: legacy.writeKubeconfig(dir2) })).discover();
    assert.deepEqual(aggregated.problems, []);
    assert.deepEqual(old.problems, []);
    const key = (r: { group: string; plural: string; namespaced: boolean; verbs: string[]; preferredVersion: string }) =>
      `${r.group}/${r.plural} ${r.preferredVersion} ${r.namespaced} ${[...r.verbs].sort().join(',')}`;
    assert.deepEqual(old.resources.map(key).sort(), aggregated.resources.map(key).sort());
    assert.ok(aggregated.resources.some((r) => r.group === 'example.com' && r.plural === 'widgets' && r.shortNames.includes('wd')));
    assert.ok(
      legacy.requests().some((r) => r.path === '/apis/rbac.authorization.k8s.io/v1'),
      'legacy discovery reads each group version',
    );
  } finally {
    await legacy.stop();
  }
});

test('an unreachable server and an untrusted certificate give one clear line', async () => {
  const write = (name: string, url: string, caPem: string) =>
    writeTokenKubeconfig(join(dir, name), { url, caPem }, 'jane-token-5f1d0c9e7a2b');
  const refused = await KubeClusterSource.connect({ kubeconfig: write('refused', 'https://127.0.0.1:1', server.caPem) });
  await assert.rejects(refused.whoami(), {
    code: 'unreachable',
    message: 'create SelfSubjectReview: cannot reach https://127.0.0.1:1: connection refused',
  });
  const other = await startTestApiServer({ defaults: false });
  const wrongCa = await KubeClusterSource.connect({ kubeconfig: write('wrong-ca', server.url, other.caPem) });
  await other.stop();
  await assert.rejects(
    wrongCa.whoami(),
    (e: unknown) => e instanceof ClusterError && e.code === 'unreachable' && /TLS: .*certificate-authority/.test(e.message),
  );
  const r = spawnSync(process.execPath, [repoPath('dist/cli.js'), 'whoami', '--kubeconfig', join(dir, 'refused')], { encoding: 'utf8' });
  printed.push(r.stdout, r.stderr);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: create SelfSubjectReview: cannot reach https:\/\/127\.0\.0\.1:1: connection refused\n$/);
});

test('401, 403, 500, slow and dropped answers give clear errors and partial snapshots', async (t) => {
  t.after(() => server.clearFaults());
  server.fault({ path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', status: 401, times: 1 });
  const src = await connect('jane');
  await assert.rejects(src.whoami(), (e: unknown) => {
    assert.ok(e instanceof ClusterError && e.code === 'unauthorized', String(e));
    assert.match(e.message, /^create SelfSubjectReview: .*refused the credentials of user "jane": token.*\(HTTP 401\)$/);
    return true;
  });

  // limited may list ClusterRoles and their bindings, not Roles, RoleBindings or ServiceAccounts.
  const lim = await connect('limited');
  const snap = await loadSnapshot(lim, { kinds: RBAC_KINDS });
  assert.deepEqual(snap.unreadable.map((u) => [u.ref.resource, u.code]).sort(), [
    ['rolebindings', 'forbidden'],
    ['roles', 'forbidden'],
    ['serviceaccounts', 'forbidden'],
  ]);
  assert.match(snap.unreadable[0].reason, /is forbidden: User "limited" cannot list resource/);
  assert.ok(snap.kinds.has(refKey(RBAC_KINDS[0])));
  assert.equal(snapshotPolicy(snap).missing.length, 3);

  server.fault({ path: '/apis/rbac.authorization.k8s.io/v1/roles', status: 500, times: 1 });
  server.fault({ path: '/apis/rbac.authorization.k8s.io/v1/rolebindings', drop: true, times: 1 });
  // A timeout well above what a loaded machine needs for the other lists, well below the delay.
  server.fault({ path: '/api/v1/serviceaccounts', delayMs: 12_000, times: 1 });
  const slow = await connect('admin', 4000);
  const partial = await loadSnapshot(slow, { kinds: RBAC_KINDS });
  const why = Object.fromEntries(partial.unreadable.map((u) => [u.ref.resource, `${u.code}: ${u.reason}`]));
  assert.match(why.roles, /^server: list roles\.rbac\.authorization\.k8s\.io: .* \(HTTP 500\)$/);
  assert.match(
    why.rolebindings,
    /^unreachable: list rolebindings\.rbac\.authorization\.k8s\.io: cannot reach https:\/\/127\.0\.0\.1:\d+: the server closed the connection without an answer$/,
  );
  assert.match(why.serviceaccounts, /^timeout: list serviceaccounts: no answer from https:\/\/127\.0\.0\.1:\d+ within 4 s$/);
  assert.equal(partial.kinds.size, 2);
});

test('who-can on a partial snapshot says what kubeid could not read', () => {
  const r = kubeid(['who-can', 'get', 'pods', '-n', 'shop'], 'limited');
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.err,
    /Warning: this list may be incomplete: kubeid could not read roles\.rbac\.authorization\.k8s\.io .*rolebindings.*not conclusive/,
  );
  assert.match(r.out, /User\s+jane\s+ClusterRoleBinding\/jane-reads-pods\s+ClusterRole\/pod-reader/);
  const j = JSON.parse(kubeid(['who-can', 'get', 'pods', '-n', 'shop', '-o', 'json'], 'limited').out);
  assert.equal(j.complete, false);
  assert.deepEqual(j.missing.map((m: any) => String(m.resource)).sort(), ['rolebindings', 'roles', 'serviceaccounts']);
  const full = JSON.parse(kubeid(['who-can', 'create', 'deployments', '-n', 'shop', '-o', 'json']).out);
  assert.equal(full.complete, true);
  assert.ok(full.subjects.some((s: any) => s.subject.name === 'jane' && s.binding === 'RoleBinding/shop/jane-deploys'));
});

test('whoami names the user, its groups and how the kubeconfig authenticates', () => {
  const admin = kubeid(['whoami']);
  assert.equal(admin.code, 0, admin.err);
  assert.match(admin.out, /^ATTRIBUTE\s+VALUE\nUsername\s+kubeid-admin\nGroups\s+\[system:masters system:authenticated\]\n/);
  assert.match(admin.out, /Authenticates:\s+client certificate \(O=system:masters, CN=kubeid-admin, valid until \d{4}-/);
  assert.match(admin.out, /Answered by:\s+authentication\.k8s\.io\/v1 SelfSubjectReview/);
  assert.match(admin.err, /Warning: kubeid-admin authenticates with a client certificate: the API server cannot revoke it/);
  const janeText = kubeid(['whoami'], 'jane');
  assert.match(janeText.out, /\nMay do in namespace shop:\nResources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n/);
  assert.match(janeText.out, /\ndeployments\.apps\s+\[\]\s+\[\]\s+\[\*\]\n/);
  const jane = JSON.parse(kubeid(['whoami', '-o', 'json'], 'jane').out);
  assert.equal(jane.rules.namespace, 'shop');
  assert.ok(jane.rules.resourceRules.some((r: any) => r.resources.includes('deployments') === true));
  assert.deepEqual(jane.user, { name: 'jane', groups: ['system:authenticated'] });
  assert.equal(jane.authentication.kind, 'token');
  assert.match(jane.warning, /static bearer token/);
  if (kubectl) {
    const k = kubectl.run(['auth', 'whoami', '--context', 'jane', '-o', 'json']);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(JSON.parse(k.stdout).status.userInfo.username, jane.user.name);
  }
});

test('whoami falls back from v1 to v1beta1 to v1alpha1 SelfSubjectReview as kubectl does, then to the certificate', (t) => {
  t.after(() => server.clearFaults());
  // A cluster without the v1 API (before 1.28) answers 404; the test server serves no older version either.
  server.fault({ path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', status: 404 });
  const reviewPaths = (from: number) =>
    since(from)
      .filter((r) => r.path.endsWith('/selfsubjectreviews'))
      .map((r) => r.path);
  const tried = [
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    '/apis/authentication.k8s.io/v1beta1/selfsubjectreviews',
    '/apis/authentication.k8s.io/v1alpha1/selfsubjectreviews',
  ];

  let n = server.requests().length;
  const admin = kubeid(['whoami']);
  assert.equal(admin.code, 0, admin.err);
  assert.deepEqual(reviewPaths(n), tried);
  // The client certificate still names the user and groups; kubeid says the server did not confirm them.
  assert.match(admin.out, /^ATTRIBUTE\s+VALUE\nUsername\s+kubeid-admin\nGroups\s+\[system:masters\]\n/);
  assert.match(admin.out, /Answered by:\s+the client certificate \(not confirmed by the server\)/);

  n = server.requests().length;
  const jane = kubeid(['whoami'], 'jane');
  assert.equal(jane.code, 2, jane.out);
  assert.deepEqual(reviewPaths(n), tried);
  assert.match(jane.err, /the selfsubjectreviews API is not enabled in the cluster/);
  assert.doesNotMatch(jane.err, /jane-token/);
  if (kubectl) {
    n = server.requests().length;
    const k = kubectl.run(['auth', 'whoami', '--context', 'jane']);
    assert.notEqual(k.code, 0);
    assert.deepEqual(reviewPaths(n), tried, 'kubectl tries the same versions in the same order');
  }
});

test('can-i --as asks the server as kubectl does and gets the same answers', () => {
  const cases: string[][] = [
    ['get', 'pods'],
    ['delete', 'pods'],
    ['create', 'deployments.apps'],
    ['create', 'deployments', '-n', 'default'],
    ['get', 'nodes'],
    ['list', 'clusterroles'],
    ['get', '/healthz'],
  ];
  for (const c of cases) {
    const r = kubeid(['can-i', ...c, '--as', 'jane']);
    assert.ok(r.code === 0 || r.code === 1, `${c.join(' ')}: ${r.err}`);
    if (kubectl) {
      const k = kubectl.run(['auth', 'can-i', ...c, '--as', 'jane']);
      assert.equal(r.out.split(' ')[0].trim(), k.stdout.split(' ')[0].trim(), `kubeid and kubectl on: can-i ${c.join(' ')} --as jane`);
      assert.equal(r.code, k.code);
    }
  }
  assert.equal(kubeid(['can-i', 'get', 'pods', '--as', 'jane']).out, 'yes\n');
  assert.equal(kubeid(['can-i', 'delete', 'pods', '--as', 'jane']).code, 1);
  // A cluster-scoped type is asked without a namespace (kubectl would send the context's).
  const n = server.requests().length;
  const nodes = kubeid(['can-i', 'get', 'nodes', '-n', 'shop', '--as', 'jane', '-o', 'json']);
  assert.equal(JSON.parse(nodes.out).request.namespace, '');
  assert.match(nodes.err, /resource 'nodes' is not namespace scoped; -n shop ignored/);
  const review = since(n).find((r) => r.path.endsWith('/selfsubjectaccessreviews'))!;
  assert.equal(review.object.spec.resourceAttributes.namespace, undefined);
  // --use-sar: a SubjectAccessReview for the identity the server would build, no impersonation.
  const sar = JSON.parse(kubeid(['can-i', 'create', 'deployments', '--as', 'jane', '--use-sar', '-o', 'json']).out);
  assert.equal(sar.review, 'SubjectAccessReview');
  assert.equal(sar.allowed, true);
  // can-i --list is the rules review.
  const list = kubeid(['can-i', '--list', '--as', 'jane']);
  assert.match(list.out, /deployments\.apps\s+\[\]\s+\[\]\s+\[\*\]/);
  if (kubectl) assert.equal(list.out, kubectl.run(['auth', 'can-i', '--list', '--as', 'jane']).stdout);
});

test('only review requests carry Impersonate-* headers, exactly as kubectl sends them', () => {
  const n = server.requests().length;
  const r = kubeid([
    'access-matrix',
    '--as',
    'bob',
    '--as-group',
    'impersonators',
    '--as-group',
    'devs',
    '--compare',
    '-o',
    'json',
    '--verb',
    'get',
    '--verb',
    'list',
  ]);
  assert.equal(r.code, 0, r.err);
  const reqs = since(n);
  const impersonated = reqs.filter((q) => q.impersonated);
  assert.ok(impersonated.length > 50, `${impersonated.length} impersonated reviews`);
  assert.deepEqual([...new Set(impersonated.map((q) => q.path))], ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
  assert.ok(
    reqs.some((q) => !q.impersonated && q.path.endsWith('/clusterroles')),
    'the snapshot is read as the caller',
  );
  for (const q of impersonated) {
    assert.deepEqual(q.headers['impersonate-user'], ['bob']);
    assert.deepEqual(q.headers['impersonate-group'], ['impersonators', 'devs']);
  }
  if (kubectl) {
    const k = kubectl.run(['auth', 'can-i', 'get', 'pods', '--as', 'bob', '--as-group', 'impersonators', '--as-group', 'devs']);
    const sent = k.requests.find((q) => q.path.endsWith('/selfsubjectaccessreviews'))!;
    const ours = impersonated.find(
      (q) => q.object.spec.resourceAttributes.resource === 'pods' && q.object.spec.resourceAttributes.verb === 'get',
    )!;
    for (const h of ['impersonate-user', 'impersonate-group']) assert.deepEqual(ours.headers[h], sent.headers[h], h);
    // kubectl sends protobuf, where empty fields are present; in JSON they are omitted (omitempty).
    const nonEmpty = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ''));
    assert.deepEqual(ours.object.spec.resourceAttributes, nonEmpty(sent.object.spec.resourceAttributes), 'the same review');
  }
});

test('access-matrix prints the server answers; --compare finds no difference where kubeid reads everything', () => {
  const r = kubeid(['access-matrix', '--as', 'jane', '--compare']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Access of jane \[system:authenticated\] in namespace shop/);
  assert.match(r.out, /\nNAME\s+GET\s+LIST\s+WATCH\s+CREATE\s+UPDATE\s+PATCH\s+DELETE\s+DELETECOLLECTION\n/);
  assert.match(r.out, /\npods\s+yes\s+yes\s+yes\s+no\s+no\s+no\s+no\s+no\n/);
  assert.match(r.out, /\ndeployments\.apps\s+yes\s+yes\s+yes\s+yes\s+yes\s+yes\s+yes\s+yes\n/);
  assert.match(r.out, /\nbindings\s+n\/a\s+n\/a\s+n\/a\s+no\s+n\/a/);
  assert.match(r.out, /Server and kubeid agree on every cell\./);
  const j = JSON.parse(kubeid(['access-matrix', '--as', 'jane', '-o', 'json']).out);
  const cell = (res: string, verb: string): any => j.rows.find((x: any) => x.resource === res).cells[j.verbs.indexOf(verb)];
  if (kubectl) {
    for (const [res, verb] of [
      ['pods', 'list'],
      ['secrets', 'get'],
      ['deployments.apps', 'delete'],
      ['nodes', 'get'],
    ]) {
      const k = kubectl.run(['auth', 'can-i', verb, res, '--as', 'jane']);
      assert.equal(cell(res.split('.')[0], verb).server.answer, k.stdout.trim().split(' ')[0], `${verb} ${res}`);
    }
  }
  // A limited reader: the server's yes where kubeid cannot see the RoleBinding is explained, not contradicted.
  const lim = kubeid(['access-matrix', '--as', 'jane', '--compare', '--verb', 'create'], 'limited');
  assert.equal(lim.code, 2, 'limited may not impersonate');
  const partial = kubeid(['access-matrix', '--compare', '--verb', 'list'], 'limited');
  assert.equal(partial.code, 0, partial.err);
  assert.match(partial.err, /Warning: kubeid could not read roles/);
});

test('access-matrix --diff-as lists the cells where two identities get different answers', () => {
  const r = kubeid(['access-matrix', '--as', 'jane', '--diff-as', 'limited', '--verb', 'get', '--verb', 'list', '--verb', 'create']);
  assert.equal(r.code, 0, r.err);
  const diff = r.out.slice(r.out.indexOf('cells differ between jane and limited'));
  assert.match(diff, /^cells differ between jane and limited \[system:authenticated\]:\nNAME\s+VERB\s+jane\s+limited\n/);
  assert.match(diff, /\npods\s+get\s+yes\s+no\n/);
  assert.match(diff, /\ndeployments\.apps\s+create\s+yes\s+no\n/);
  assert.match(diff, /\nclusterroles\.rbac\.authorization\.k8s\.io\s+list\s+no\s+yes\n/);
  assert.doesNotMatch(diff, /\nsecrets\s/, 'neither may read secrets: no difference');
  const j = JSON.parse(kubeid(['access-matrix', '--as', 'jane', '--diff-as', 'jane', '--verb', 'get', '-o', 'json']).out);
  assert.deepEqual(j.differences, []);
  assert.equal(j.other.user.name, 'jane');
});

test("a user without the impersonate permission gets the server's reason and the exact permission needed", () => {
  const r = kubeid(['can-i', 'get', 'pods', '--as', 'alice'], 'bob');
  assert.equal(r.code, 2);
  assert.match(r.err, /users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope/);
  assert.match(
    r.err,
    /To impersonate, your user needs:\n {2}a ClusterRole with: \{apiGroups: \[""\], resources: \["users"\], verbs: \["impersonate"\], resourceNames: \["alice"\]\}/,
  );
  const sa = kubeid(['access-matrix', '--as', 'system:serviceaccount:shop:web'], 'bob');
  assert.equal(sa.code, 2);
  assert.match(
    sa.err,
    /a Role in namespace shop \(or a ClusterRole\) with: \{apiGroups: \[""\], resources: \["serviceaccounts"\], verbs: \["impersonate"\], resourceNames: \["web"\]\}/,
  );
  assert.equal(kubeid(['can-i', 'get', 'pods', '--as', 'jane', '--as-group', 'devs'], 'bob').code, 0, 'bob may impersonate jane in devs');
});

test('an exec plugin named by a kubeconfig inside an untrusted workspace never runs', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'kubeid-ws-'));
  const { file, marker } = writeExecKubeconfig(ws, server, 'jane-token-5f1d0c9e7a2b');
  await assert.rejects(
    KubeClusterSource.connect({ kubeconfig: file, workspace: { folder: ws, trusted: false } }),
    /refusing to run the exec plugin .* inside the untrusted workspace/,
  );
  assert.equal(existsSync(marker), false);
  const trusted = await KubeClusterSource.connect({ kubeconfig: file, workspace: { folder: ws, trusted: true } });
  assert.equal((await trusted.whoami()).user.name, 'jane');
  assert.equal(existsSync(marker), true, 'trusted: the plugin runs');
  const w = spawnSync(process.execPath, [repoPath('dist/cli.js'), 'whoami', '--kubeconfig', file], { encoding: 'utf8' });
  printed.push(w.stdout, w.stderr);
  assert.match(w.stdout, /Authenticates:\s+exec plugin node/);
});

test('no credential appears in any output or error', () => {
  server.fault({ path: /selfsubjectreviews/, status: 401 });
  const r = kubeid(['whoami'], 'jane');
  server.clearFaults();
  assert.equal(r.code, 2);
  assert.match(r.err, /^error: create SelfSubjectReview: .*HTTP 401/);
  const secrets = [
    ...Object.keys(TOKENS),
    server.adminCert.keyPem.split('\n')[1],
    Buffer.from(server.adminCert.keyPem).toString('base64').slice(0, 40),
  ];
  const all = printed.join('\n');
  assert.ok(all.length > 10_000, 'the outputs of this file were collected');
  for (const s of secrets) assert.ok(!all.includes(s), `a credential was printed: ${s.slice(0, 8)}…`);
});
