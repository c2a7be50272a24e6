// The host ↔ webview protocol: every message from the webview is validated, anything else is
// dropped; the page embeds the graph so that no data can become markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workspaceGraph } from '../../server/src/core/graph/build';
import { decodeGraph, encodeGraph, graphNode, type CompactGraph } from '../../server/src/core/graph/compact';
import { graphPage } from '../../server/src/core/graph/page';
import { MAX_EXPORT_CHARS, parseWebviewMessage } from '../../server/src/core/graph/protocol';
import { manifestsFromObjects } from '../../server/src/core/manifest/parse';
import { buildWorkspace, loadWorkspace } from '../../server/src/core/policy/workspace';
import { embeddedGraph } from '../helpers/graph-page';
import { repoPath } from '../helpers/repo';

test('well-formed webview messages pass the validator unchanged', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'open', nodeId: 'Role:shop/pod-reader' }), { type: 'open', nodeId: 'Role:shop/pod-reader' });
  assert.deepEqual(parseWebviewMessage({ type: 'checkAccess', nodeId: 'User:jane' }), { type: 'checkAccess', nodeId: 'User:jane' });
  assert.deepEqual(parseWebviewMessage({ type: 'source', source: 'cluster' }), { type: 'source', source: 'cluster' });
  assert.deepEqual(parseWebviewMessage({ type: 'source', source: 'workspace' }), { type: 'source', source: 'workspace' });
  assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'svg', data: '<svg xmlns="http://www.w3.org/2000/svg"/>' }), {
    type: 'export',
    format: 'svg',
    data: '<svg xmlns="http://www.w3.org/2000/svg"/>',
  });
  assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'png', data: 'iVBORw0KGgo=' }), {
    type: 'export',
    format: 'png',
    data: 'iVBORw0KGgo=',
  });
});

test('malformed webview messages are rejected', () => {
  const bad: unknown[] = [
    null,
    undefined,
    'ready',
    42,
    [],
    [{ type: 'ready' }],
    {},
    { type: 'READY' },
    { type: 'ready', extra: true },
    { type: 'open' },
    { type: 'open', nodeId: '' },
    { type: 'open', nodeId: 7 },
    { type: 'open', nodeId: 'x'.repeat(5000) },
    { type: 'open', nodeId: 'Role:a/b', file: '/etc/passwd' },
    { type: 'checkAccess' },
    { type: 'checkAccess', nodeId: 'User:jane', as: 'system:admin' },
    { type: 'source' },
    { type: 'source', source: 'kubeconfig' },
    { type: 'source', source: 'cluster', context: 'prod' },
    { type: 'export', format: 'pdf', data: '<svg/>' },
    { type: 'export', format: 'svg', data: '<script>alert(1)</script>' },
    { type: 'export', format: 'svg' },
    { type: 'export', format: 'png', data: 'not base64!' },
    { type: 'export', format: 'png', data: 'A'.repeat(MAX_EXPORT_CHARS + 4) },
    { type: 'graph', data: {} },
    { type: 'toString' },
  ];
  for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m)?.slice(0, 80));
});

test('the page embeds the graph as inert data (gzip in base64), under a CSP that admits only its nonce', () => {
  const hostile = '</script><script>alert(1)</script><!--';
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: hostile },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', name: hostile, apiGroup: 'rbac.authorization.k8s.io' }],
  };
  const g = workspaceGraph(buildWorkspace([manifestsFromObjects([binding], 'hostile.json')]), hostile);
  const dataJson = JSON.stringify(encodeGraph(g));
  const nonce = 'abcdefghijklmnopqrstuvwx';
  const html = graphPage({ nonce, title: 'graph of <b>x</b>', script: { inline: 'var s = "</script>";' }, dataJson });
  assert.equal(html.match(/<script/g)?.length, 2, 'the data element and the bundle, nothing injected');
  assert.equal(html.match(/<\/script/g)?.length, 2);
  // Read back as the browser reads it (its text ends at the first `</script`): all of it, the names intact.
  const embedded = embeddedGraph(html)!;
  assert.ok(!/<|>/.test(embedded.text));
  assert.equal(embedded.json, dataJson);
  assert.deepEqual(embedded.graph, g);
  assert.ok(embedded.graph.nodes.some((n) => n.id === `User:${hostile}`));
  assert.ok(embedded.graph.nodes.some((n) => n.id === `ClusterRoleBinding:${hostile}`));
  assert.ok(
    html.includes(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src blob: data:; worker-src blob:">`,
    ),
  );
  assert.ok(html.includes('<title>graph of &lt;b&gt;x&lt;/b&gt;</title>'));
  assert.ok(html.includes('var s = "<\\/script>";'));
  const panel = graphPage({
    nonce,
    title: 't',
    script: { src: 'https://file+.vscode-resource/dist/webview.js', cspSource: 'https://*.vscode-cdn.net' },
  });
  assert.ok(panel.includes(`style-src 'nonce-${nonce}' https://*.vscode-cdn.net`));
  assert.ok(!panel.includes('kubeid-graph-data'));
  assert.equal(embeddedGraph(panel), undefined);
  assert.throws(() => graphPage({ nonce: 'short', title: 't', script: { inline: '' } }), /nonce/);
});

test('the compact form the page and the panel carry decodes to the same graph, and is much smaller', async () => {
  const g = workspaceGraph(await loadWorkspace([repoPath('test/fixtures/graph/rbac.yaml')]), 'fixture');
  const c = encodeGraph(g);
  assert.ok(
    g.nodes.some((n) => n.findings?.some((f) => f.message.split('. ').length > 2)),
    'findings of several sentences, cut apart',
  );
  const carried = JSON.parse(JSON.stringify(c)) as CompactGraph;
  assert.deepEqual(decodeGraph(carried), g);
  // The panel looks up the node the webview names without decoding the rest.
  for (const n of g.nodes) assert.deepEqual(graphNode(carried, n.id), n);
  assert.equal(graphNode(carried, 'Role:nowhere/none'), undefined);
  assert.ok(JSON.stringify(c).length * 2 < JSON.stringify(g).length);
  // The page carries it gzip-compressed: the browser tokenizes every character of its element.
  const page = graphPage({ nonce: 'abcdefghijklmnopqrstuvwx', title: 't', script: { inline: '' }, dataJson: JSON.stringify(c) });
  assert.ok(
    embeddedGraph(page)!.text.length * 4 < JSON.stringify(c).length,
    `${embeddedGraph(page)!.text.length} of ${JSON.stringify(c).length}`,
  );
});
