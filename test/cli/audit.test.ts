// kubeid audit and kubeid snapshot as users run them: the bundled dist/cli.js, its reports
// (Markdown, JSON, SARIF, HTML), the baseline diff and the exit codes CI relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedGraph } from '../helpers/graph-page';
import { runKubeid as kubeid } from '../helpers/cli';

const DIR = 'test/fixtures/audit';
const PATHS = `${DIR}/paths.yaml`;

test('markdown (the default): who can become cluster-admin, the paths with their grants, the summary on stderr; errors exit 1', () => {
  const r = kubeid(['audit', '--from', PATHS]);
  assert.equal(r.code, 1);
  assert.equal(r.err, '8 errors, 1 warning, 4 infos (managed objects: 14 errors, 0 warnings, 0 infos)\n');
  assert.ok(r.out.startsWith('# kubeid audit\n\n**What you own: 8 errors, 1 warning, 4 infos.**'));
  assert.ok(
    r.out.includes(
      '| User mallory | 3 | create pods in namespace a, with pods that run as ServiceAccount a/a-runner → create a RoleBinding in namespace b',
    ),
  );
  assert.ok(
    r.out.includes(`   - create pods in namespace a: RoleBinding a/mallory-pods (${PATHS}:12) → Role a/pod-creator rule 0 (${PATHS}:8)`),
  );
  // What the default policy's controllers can do comes after, apart.
  assert.ok(r.out.indexOf('## Escalation paths through managed objects') > r.out.indexOf('### User mallory'));
});

test('json: the whole report; --hops limits the search', () => {
  const report = JSON.parse(kubeid(['audit', '--from', PATHS, '-o', 'json']).out);
  assert.equal(report.kind, 'KubeidAudit');
  assert.equal(report.hops, 3);
  const mallory = report.clusterAdmins.find((c: { subject: { label: string } }) => c.subject.label === 'User mallory');
  assert.deepEqual(
    mallory.path.steps.map((s: { kind: string }) => s.kind),
    ['workload-create', 'rbac-bind', 'secrets-read'],
  );
  const two = JSON.parse(kubeid(['audit', '--from', PATHS, '-o', 'json', '--hops', '2']).out);
  assert.equal(two.hops, 2);
  assert.ok(!two.clusterAdmins.some((c: { subject: { label: string } }) => c.subject.label === 'User mallory'));
});

test('--who-can-become cluster-admin answers that question alone', () => {
  const r = kubeid(['audit', '--from', PATHS, '--who-can-become', 'cluster-admin', '-o', 'json']);
  assert.equal(r.code, 0);
  const owned = JSON.parse(r.out).filter((c: { managedBy?: string }) => !c.managedBy);
  assert.deepEqual(
    owned.map((c: { subject: { label: string }; hops: number }) => `${c.subject.label} ${c.hops}`),
    [
      'ServiceAccount b/b-deployer 0',
      'ServiceAccount c/c-admin 0',
      'ServiceAccount e/node-agent 1',
      'User ci-bot 1',
      'User oscar 1',
      'ServiceAccount a/a-runner 2',
      'User nina 2',
      'User trent 2',
      'User mallory 3',
    ],
  );
  const md = kubeid(['audit', '--from', PATHS, '--who-can-become', 'cluster-admin']).out;
  assert.ok(md.includes('## Who can become cluster-admin') && md.includes('| User trent | 2 |'));
  assert.ok(!md.includes('## Escalation paths'));
});

test('sarif: SARIF 2.1.0, every result on a rule of the run, located at the object in the manifest', () => {
  const log = JSON.parse(kubeid(['audit', '--from', PATHS, '-o', 'sarif']).out);
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-schema-2\.1\.0\.json$/);
  const run = log.runs[0];
  const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
  assert.ok(ids.includes('escalation-cluster-admin') && ids.includes('redundant-binding'));
  assert.ok(run.results.length > 0);
  for (const r of run.results) {
    assert.equal(ids[r.ruleIndex], r.ruleId);
    assert.ok(['error', 'warning', 'note'].includes(r.level));
    assert.ok(r.message.text.length > 0);
  }
  const mallory = run.results.find((r: { message: { text: string } }) => r.message.text.startsWith('User mallory'));
  assert.deepEqual(mallory.locations[0].physicalLocation, {
    artifactLocation: { uri: 'test/fixtures/audit/paths.yaml', uriBaseId: '%SRCROOT%' },
    region: { startLine: 12 },
  });
  // The default policy's objects are in no file of the repository: no location.
  const managed = run.results.find((r: { message: { text: string } }) => r.message.text.startsWith('ServiceAccount kube-system/'));
  assert.deepEqual(managed.locations, []);
});

/** The page's parts: its CSP nonce, the embedded graph, and the markup with the two script elements cut out. */
function pageParts(html: string) {
  const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
  const markup = html.replace(/<script[\s\S]*?<\/script>/g, '');
  return { nonce, graph: embeddedGraph(html)?.graph, markup };
}

test('html: one self-contained page, hostile names escaped, the worst paths drawn as chains and as the access graph', () => {
  const r = kubeid(['audit', '--from', `${DIR}/hostile.yaml`, '-o', 'html']);
  assert.equal(r.code, 1);
  const html = r.out;
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  const { nonce, graph, markup } = pageParts(html);
  // Two script elements: the graph's data (never run) and the graph bundle, under the CSP's nonce.
  assert.ok(nonce && nonce.length >= 24);
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.ok(html.includes(`<script nonce="${nonce}">`));
  assert.ok(html.includes(`default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'`));
  assert.ok(!html.includes('sourceMappingURL'));
  assert.ok(!markup.includes('<script') && !markup.includes('onload="'), 'no element or attribute made of a name');
  assert.ok(markup.includes('User &lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(markup.includes('User x&quot; onload=&quot;alert(2)'));
  // Nothing loaded from elsewhere: no src, href or link in the markup (the SVG namespace is a name, not a fetch).
  assert.ok(!/\b(src|href)=|<link/i.test(markup));
  assert.equal((markup.match(/<svg class="chain"/g) ?? []).length, 2, 'both paths to cluster-admin drawn');
  assert.ok(markup.includes('<rect class="admin"'));
  assert.ok(markup.includes('<div id="kubeid-graph"'));
  // The hostile names reach the graph as data (base64: it cannot close its element).
  assert.ok(graph!.nodes.some((n) => n.id === 'User:<script>alert(1)</script>'));
});

test("html: the embedded graph is the worst paths' subgraph: subjects, bindings, roles and the resources of the rules used", () => {
  const { graph } = pageParts(kubeid(['audit', '--from', PATHS, '-o', 'html']).out);
  const ids = new Set(graph!.nodes.map((n) => n.id));
  // mallory: create pods in a (as a-runner), which may bind in b ... to cluster-admin.
  for (const id of [
    'User:mallory',
    'RoleBinding:a/mallory-pods',
    'Role:a/pod-creator',
    'Resource:/pods',
    'ServiceAccount:a/a-runner',
    'RoleBinding:b/a-runner-binds',
  ])
    assert.ok(ids.has(id), id);
  const edge = graph!.edges.find((e) => e.id === 'Role:a/pod-creator->Resource:/pods');
  assert.deepEqual([edge?.verbs, edge?.risk], [['create'], 'error']);
  assert.equal(graph!.nodes.find((n) => n.id === 'RoleBinding:a/mallory-pods')?.risk, 'error');
  // A subgraph: the default policy's hundreds of objects are not in it.
  assert.ok(graph!.nodes.length < 40, String(graph!.nodes.length));
  assert.ok(!ids.has('ClusterRole:system:heapster'));
});

test('exit codes: --fail-on never and warning; no findings exit 0; bad usage exit 2', () => {
  assert.equal(kubeid(['audit', '--from', PATHS, '--fail-on', 'never']).code, 0);
  assert.equal(kubeid(['audit', '--from', `${DIR}/hygiene.yaml`]).code, 0, 'warnings only');
  assert.equal(kubeid(['audit', '--from', `${DIR}/hygiene.yaml`, '--fail-on', 'warning']).code, 1);
  assert.equal(kubeid(['audit', '--from', `${DIR}/managed.yaml`, '--fail-on', 'warning']).code, 0, 'managed objects never fail the run');
  // Without --from, the current kube context: a kubeconfig that is not there is a clear error.
  const none = kubeid(['audit', '--kubeconfig', 'no/such/kubeconfig']);
  assert.deepEqual([none.code, none.err], [2, 'error: kubeconfig no/such/kubeconfig does not exist\n']);
  assert.equal(kubeid(['audit', '--from', PATHS, '--context', 'x']).code, 2, '--from and --context: one or the other');
  assert.equal(kubeid(['audit', '--from', PATHS, '--hops', '0']).code, 2);
  assert.equal(kubeid(['audit', '--from', PATHS, '-o', 'yaml']).code, 2);
  assert.equal(kubeid(['audit', '--from', PATHS, '--fail-on', 'sometimes']).code, 2);
  assert.equal(kubeid(['audit', '--from', PATHS, '--who-can-become', 'root']).code, 2);
});

test('snapshot, then audit --baseline: per subject, the effective permissions gained and lost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-audit-'));
  const base = join(dir, 'base.json');
  const s = kubeid(['snapshot', '--from', `${DIR}/creep/before.yaml`, '-o', base]);
  assert.deepEqual([s.code, s.err], [0, `kubeid: 5 objects saved to ${base}\n`]);
  const snapshot = JSON.parse(readFileSync(base, 'utf8'));
  assert.deepEqual(
    [snapshot.kind, snapshot.version, snapshot.defaults, snapshot.source.from],
    ['KubeidSnapshot', 1, true, [`${DIR}/creep/before.yaml`]],
  );

  const r = kubeid(['audit', '--from', `${DIR}/creep/after.yaml`, '--baseline', base, '-o', 'json']);
  assert.equal(r.code, 0, 'gains are warnings');
  const report = JSON.parse(r.out);
  assert.deepEqual(
    report.changes.map((c: { subject: string; namespace: string; gained: string[][] }) => [c.subject, c.namespace, c.gained]),
    [
      ['User jane', 'x', [['secrets', '[]', '[]', '[get]']]],
      ['User kim', '', []],
      ['User lee', 'x', [['configmaps', '[]', '[]', '[*]']]],
    ],
  );
  assert.ok(
    report.findings.some(
      (f: { rule: string; message: string }) =>
        f.rule === 'permissions-gained' && f.message === 'User jane gained in namespace x: get secrets.',
    ),
  );
  const md = kubeid(['audit', '--from', `${DIR}/creep/after.yaml`, '--baseline', base]).out;
  assert.ok(
    md.includes(
      '## Permissions changed since the baseline\n\n### User jane — namespace x\n\nGained:\n\n| Resources | Non-Resource URLs | Resource Names | Verbs |\n|---|---|---|---|\n| secrets | \\[\\] | \\[\\] | \\[get\\] |',
    ),
  );

  const notSnapshot = join(dir, 'x.json');
  writeFileSync(notSnapshot, '{"kind":"List"}');
  const bad = kubeid(['audit', '--from', `${DIR}/creep/after.yaml`, '--baseline', notSnapshot]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^error: .*x\.json: not a kubeid snapshot/);
  assert.equal(
    kubeid(['audit', '--from', PATHS, '--baseline', join(dir, 'missing.json')]).err,
    `error: cannot read the baseline ${join(dir, 'missing.json')}: ENOENT\n`,
  );
  assert.equal(kubeid(['snapshot', '--from', PATHS]).code, 2, '-o is required');
});
