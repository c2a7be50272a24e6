// kubeid graph as users run it (dist/cli.js): the JSON graph, the self-contained page, bad usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath, repoRoot } from '../helpers/repo';

const FIXTURE = 'test/fixtures/graph';

function kubeid(args: string[]) {
  const r = spawnSync(process.execPath, [repoPath('dist/cli.js'), ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

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

test('-o graph.html writes one self-contained page: the bundle inlined, a nonce CSP, no source map', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'kubeid-cli-graph-')), 'graph.html');
  assert.equal(kubeid(['graph', FIXTURE, '-o', out]).code, 0);
  const html = readFileSync(out, 'utf8');
  const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
  assert.ok(nonce && nonce.length >= 24);
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.ok(html.includes(`<script nonce="${nonce}">`));
  assert.ok(!html.includes('sourceMappingURL'));
  assert.ok(!/src=|href=/.test(html.replace(/<script nonce[\s\S]*<\/script>/, '')), 'nothing loaded from outside');
});

test('bad usage is exit 2 with a message', () => {
  assert.deepEqual(kubeid(['graph', '-o', 'x.html']), {
    code: 2,
    out: '',
    err: 'error: kubeid graph needs at least one PATH: reading the current kube context is not available yet\n',
  });
  assert.equal(
    kubeid(['graph', FIXTURE, '-o', 'graph.svg']).err,
    'error: -o FILE is required and must end in .html or .json (e.g. -o graph.html)\n',
  );
  assert.equal(kubeid(['graph', FIXTURE]).code, 2);
  assert.match(kubeid(['graph', 'no/such/dir', '-o', join(tmpdir(), 'g.json')]).err, /^error: .*no\/such\/dir/);
  assert.match(kubeid(['graph', FIXTURE, '-o', '/nonexistent-dir/g.json']).err, /^error: cannot write \/nonexistent-dir\/g.json/);
});
