// kubeid graph as users run it (dist/cli.js): the JSON graph, the self-contained page, bad usage;
// with no PATH, the current kube context's graph (the Kubernetes API test server), partial or not
// reachable.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedGraph } from '../helpers/graph-page';
import { writeTokenKubeconfig } from '../helpers/kubeconfig';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver/index';
import { runKubeid as kubeid } from '../helpers/cli';

const FIXTURE = 'test/fixtures/graph';

test('-o graph.json writes the graph data: nodes with file and line, edges with verbs and risk', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'kubeid-cli-graph-')), 'graph.json');
  const r = kubeid(['graph', FIXTURE, '-o', out, '--no-defaults']);
  assert.equal(r.code, 0, r.err);
  const g = JSON.parse(readFileSync(out, 'utf8'));
  assert.match(r.err, new RegExp(`^wrote ${out}: ${g.nodes.length} nodes, ${g.edges.length} edges\n$`));
  const role = g.nodes.find((n: any) => n.id === 'ClusterRole:secret-reader');
  assert.deepEqual([role.file, role.line, role.risk], ['test/fixtures/graph/rbac.yaml', 59, 'error']);
  assert.deepEqual(
    g.edges.find((e: any) => e.id === 'ClusterRole:secret-reader->Resource:/secrets'),
    {
      id: 'ClusterRole:secret-reader->Resource:/secrets',
      source: 'ClusterRole:secret-reader',
      target: 'Resource:/secrets',
      kind: 'grants',
      verbs: ['get', 'list'],
      rules: [0],
      risk: 'error',
    },
  );
  assert.ok(!g.nodes.some((n: any) => n.origin === 'default-policy'));
});

test('-o graph.html writes one self-contained page: the bundle inlined, a nonce CSP, no source map, the graph of -o graph.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-cli-graph-'));
  const out = join(dir, 'graph.html');
  assert.equal(kubeid(['graph', FIXTURE, '-o', out]).code, 0);
  assert.equal(kubeid(['graph', FIXTURE, '-o', join(dir, 'graph.json')]).code, 0);
  const html = readFileSync(out, 'utf8');
  assert.deepEqual(embeddedGraph(html)?.graph, JSON.parse(readFileSync(join(dir, 'graph.json'), 'utf8')));
  const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
  assert.ok(nonce && nonce.length >= 24);
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.ok(html.includes(`<script nonce="${nonce}">`));
  assert.ok(!html.includes('sourceMappingURL'));
  assert.ok(!/src=|href=/.test(html.replace(/<script nonce[\s\S]*<\/script>/, '')), 'nothing loaded from outside');
});

test('bad usage is exit 2 with a message', () => {
  assert.deepEqual(kubeid(['graph', '-o', 'x.html', '--no-defaults']), {
    code: 2,
    out: '',
    err: 'error: --no-defaults applies to manifests: the graph of the current kube context shows its objects as they are\n',
  });
  assert.equal(
    kubeid(['graph', FIXTURE, '-o', 'x.html', '--context', 'prod']).err,
    'error: --kubeconfig, --context and --request-timeout read the current kube context: give no PATH with them\n',
  );
  assert.equal(
    kubeid(['graph', FIXTURE, '-o', 'graph.svg']).err,
    'error: -o FILE is required and must end in .html or .json (e.g. -o graph.html)\n',
  );
  assert.equal(kubeid(['graph', FIXTURE]).code, 2);
  assert.match(kubeid(['graph', 'no/such/dir', '-o', join(tmpdir(), 'g.json')]).err, /^error: .*no\/such\/dir/);
  assert.match(kubeid(['graph', FIXTURE, '-o', '/nonexistent-dir/g.json']).err, /^error: cannot write \/nonexistent-dir\/g.json/);
});

// ---- no PATH: the current kube context ----

const RG = 'rbac.authorization.k8s.io';
let api: TestApiServer | undefined;
after(async () => api?.stop());

async function cluster(): Promise<{ api: TestApiServer; kubeconfig: string }> {
  api ??= await startTestApiServer({
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      {
        apiVersion: `${RG}/v1`,
        kind: 'ClusterRole',
        metadata: { name: 'live-secret-reader' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
      },
      {
        apiVersion: `${RG}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'readers', namespace: 'shop' },
        subjects: [{ kind: 'User', name: 'jane' }],
        roleRef: { apiGroup: RG, kind: 'ClusterRole', name: 'live-secret-reader' },
      },
    ],
  });
  return { api, kubeconfig: api.writeKubeconfig(mkdtempSync(join(tmpdir(), 'kubeid-cli-graph-')), { namespace: 'shop' }) };
}

test('no PATH: the graph of the current kube context, progress on stderr, risk from the checks', async () => {
  const { kubeconfig } = await cluster();
  const out = join(mkdtempSync(join(tmpdir(), 'kubeid-cli-graph-')), 'graph.json');
  const r = kubeid(['graph', '-o', out, '--kubeconfig', kubeconfig]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^kubeid: reading the RBAC objects of context admin \(https:\/\/127\.0\.0\.1:\d+\)…\n/);
  assert.match(r.err, /^kubeid: read \d+ objects$/m);
  assert.match(r.err, /wrote .*graph\.json: \d+ nodes, \d+ edges\n$/);
  const g = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(g.sources, { shown: 'cluster', context: 'admin', namespace: 'shop' });
  assert.equal(g.source, 'cluster (context admin)');
  const role = g.nodes.find((n: any) => n.id === 'ClusterRole:live-secret-reader');
  assert.deepEqual([role.origin, role.file, role.risk], ['cluster', undefined, 'warning']);
  assert.equal(g.edges.find((e: any) => e.id === 'ClusterRole:live-secret-reader->Resource:/secrets').risk, 'warning');
  assert.ok(g.edges.some((e: any) => e.id === 'User:jane->RoleBinding:shop/readers'));
  assert.ok(g.nodes.some((n: any) => n.id === 'ClusterRole:cluster-admin' && n.origin === 'cluster' && !n.risk));
});

test('no PATH: a partial snapshot is stated; a cluster that lists nothing or cannot be reached is one line, exit 2', async () => {
  const { api: server, kubeconfig } = await cluster();
  const out = join(mkdtempSync(join(tmpdir(), 'kubeid-cli-graph-')), 'graph.json');
  server.fault({ path: `/apis/${RG}/v1/rolebindings`, method: 'GET', status: 403 });
  try {
    const r = kubeid(['graph', '-o', out, '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^Warning: kubeid could not read rolebindings\.rbac\.authorization\.k8s\.io \(.*forbidden.*\): .*not conclusive$/m);
    assert.match(JSON.parse(readFileSync(out, 'utf8')).sources.incomplete, /could not read rolebindings/);
    const paths = ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'].map((k) => `/apis/${RG}/v1/${k}`);
    paths.push('/api/v1/serviceaccounts');
    for (const path of paths.slice(0, 3).concat(paths[4])) server.fault({ path, method: 'GET', status: 403 });
    const none = kubeid(['graph', '-o', out, '--kubeconfig', kubeconfig]);
    assert.equal(none.code, 2);
    const last = (text: string) => text.split('\n').at(-2) ?? '';
    assert.match(
      last(none.err),
      /^error: kubeid could not read any RBAC object of context admin: clusterroles\.rbac\.authorization\.k8s\.io \(.*\); .*serviceaccounts \(/,
    );
    server.clearFaults();
    for (const path of paths) server.fault({ path, method: 'GET', delayMs: 4000 });
    const slow = kubeid(['graph', '-o', out, '--kubeconfig', kubeconfig, '--request-timeout', '1s']);
    assert.equal(slow.code, 2);
    assert.match(last(slow.err), /^error: list \S+: no answer from https:\/\/127\.0\.0\.1:\d+ within 1 s$/);
    assert.equal(slow.err.match(/^error:/gm)?.length, 1);
    server.clearFaults();
    server.fault({ path: paths[0], method: 'GET', status: 401 });
    const refusedCredentials = kubeid(['graph', '-o', out, '--kubeconfig', kubeconfig]);
    assert.equal(refusedCredentials.code, 2);
    assert.match(last(refusedCredentials.err), /^error: .*(401|Unauthorized|unauthori[sz]ed|credentials)/i);
  } finally {
    server.clearFaults();
  }

  const token = 'jane-token-5f1d0c9e7a2b';
  const refused = join(mkdtempSync(join(tmpdir(), 'kubeid-cli-graph-')), 'refused');
  writeTokenKubeconfig(refused, { url: 'https://127.0.0.1:1', caPem: server.caPem }, token);
  const r = kubeid(['graph', '-o', out, '--kubeconfig', refused]);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.match(
    r.err,
    /^kubeid: reading the RBAC objects of context x \(https:\/\/127\.0\.0\.1:1\)…\nerror: list .*cannot reach https:\/\/127\.0\.0\.1:1: connection refused\n$/,
  );
  assert.ok(!r.err.includes(token));
});
