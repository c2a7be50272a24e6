// The graph webview as users see it: the page `kubeid graph` writes, in headless chromium. Nodes
// and edges drawn, filters, search, focus, query highlighting, details, export; screenshots are
// kept in test-artifacts/ for review.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { parseWebviewMessage } from '../../server/src/core/graph/protocol';
import { launch, openGraph, screenshot, writeGraphPage } from './browser';

const FIXTURE = 'test/fixtures/graph';
let browser: Browser;
let small: string; // the fixture alone: drawn whole
let full: string; // with the default policy: large, opens in focus mode

before(async () => {
  small = writeGraphPage([FIXTURE], ['--no-defaults']);
  full = writeGraphPage([FIXTURE]);
  browser = await launch();
});
after(async () => browser?.close());

/** The data-id of every element `selector` matches, sorted. */
async function ids(page: Page, selector: string): Promise<string[]> {
  const all = await page.locator(selector).all();
  return (await Promise.all(all.map((l) => l.getAttribute('data-id')))).map(String).sort();
}
const drawnNodes = (page: Page) => ids(page, 'svg.graph g.node');
const drawnEdges = (page: Page) => ids(page, 'svg.graph path.edge');
const text = async (page: Page, selector: string) => (await page.locator(selector).first().textContent()) ?? '';
const status = (page: Page) => text(page, '#status');
const classes = async (page: Page, selector: string) => ((await page.locator(selector).getAttribute('class')) ?? '').split(' ');
async function tableRows(page: Page): Promise<string[][]> {
  const rows = await page.locator('#details table tbody tr').all();
  return Promise.all(rows.map((r) => r.locator('td').allTextContents()));
}

test('every node and edge of a small graph is drawn, in four columns, risky ones coloured', async () => {
  const { page, errors } = await openGraph(browser, small);
  // 10 workspace objects + subjects + missing role + resources, groups expanded (small graph).
  const nodes = await drawnNodes(page);
  assert.ok(
    nodes.includes('ServiceAccount:shop/web') && nodes.includes('Resource:apps/deployments') && nodes.includes('NonResourceURL:/metrics'),
  );
  assert.equal(nodes.length, Number(await page.locator('body').getAttribute('data-nodes')));
  const edges = await drawnEdges(page);
  assert.ok(edges.includes('RoleBinding:shop/web-reads-pods->Role:shop/pod-reader'));
  assert.match(await status(page), new RegExp(`${nodes.length} nodes, ${edges.length} edges shown of ${nodes.length} nodes`));
  // Columns left to right: subject < binding < role < resource.
  const x = async (id: string) => (await page.locator(`g.node[data-id="${id}"]`).boundingBox())!.x;
  const xs = await Promise.all(['User:jane', 'RoleBinding:shop/web-reads-pods', 'Role:shop/pod-reader', 'Resource:/pods'].map(x));
  assert.deepEqual(
    [...xs].sort((a, b) => a - b),
    xs,
  );
  assert.ok((await classes(page, 'path.edge[data-id="ClusterRole:secret-reader->Resource:/secrets"]')).includes('risk-error'));
  assert.equal(
    await page.locator('g.node[data-id="ClusterRole:secret-reader"]').getAttribute('aria-label'),
    `ClusterRole secret-reader, ${FIXTURE}/rbac.yaml line 59, risk error, 2 connections`,
  );
  // The verbs are written on the grants.
  assert.ok((await page.locator('text.edge-label').allTextContents()).includes('get,list'));
  await screenshot(page, 'small');
  assert.deepEqual(errors, []);
  await page.close();
});

test('filters hide subjects and what only they reached; the risk filter keeps risky paths', async () => {
  const { page, errors } = await openGraph(browser, small);
  await page.uncheck('#kind-Group');
  let nodes = await drawnNodes(page);
  assert.ok(!nodes.some((n) => n.startsWith('Group:')));
  assert.ok(!nodes.includes('RoleBinding:shop/ci-deploys') && !nodes.includes('ClusterRole:deployer'));
  await page.check('#kind-Group');
  await page.check('#hide-system');
  nodes = await drawnNodes(page);
  assert.ok(!nodes.includes('Group:system:authenticated') && !nodes.includes('ClusterRole:secret-reader'));
  await page.uncheck('#hide-system');
  await page.selectOption('#risk', 'error');
  assert.deepEqual(await drawnNodes(page), [
    'ClusterRole:secret-reader',
    'ClusterRoleBinding:everyone-reads-secrets',
    'Group:system:authenticated',
    'Resource:/secrets',
  ]);
  await screenshot(page, 'risk-filter');
  await page.selectOption('#risk', '');
  await page.selectOption('#namespace', 'shop');
  assert.ok((await drawnNodes(page)).includes('User:jane'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('search finds a node; focus shows N hops around it; collapsing a group merges its resources', async () => {
  const { page, errors } = await openGraph(browser, small);
  await page.fill('#search', 'pod-rea');
  await page.waitForSelector('#search-results li');
  assert.equal(await text(page, '#search-results li'), 'Role shop/pod-reader');
  await page.press('#search', 'Enter');
  assert.deepEqual(await ids(page, 'g.node.selected'), ['Role:shop/pod-reader']);
  assert.equal(await text(page, '#details h2'), 'Role shop/pod-reader');
  await page.click('#details button:text("Focus here")');
  await page.selectOption('#hops', '1');
  assert.deepEqual(await drawnNodes(page), [
    'Resource:/configmaps',
    'Resource:/pods',
    'Resource:/pods/log',
    'Role:shop/pod-reader',
    'RoleBinding:shop/web-reads-pods',
  ]);
  assert.match(await status(page), /1 hop around shop\/pod-reader/);
  await page.check('#collapse-groups');
  assert.deepEqual(await drawnNodes(page), ['ApiGroup:', 'Role:shop/pod-reader', 'RoleBinding:shop/web-reads-pods']);
  // Space on the group node expands it again (keyboard).
  await page.focus('g.node[data-id="ApiGroup:"]');
  await page.keyboard.press('Space');
  assert.ok((await drawnNodes(page)).includes('Resource:/pods'));
  await screenshot(page, 'focus');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a large graph opens in focus mode; arrow keys move between connected nodes', async () => {
  const { page, errors } = await openGraph(browser, full);
  assert.equal(await page.isChecked('#focus-mode'), true);
  assert.equal(await page.isChecked('#collapse-groups'), true);
  // The riskiest workspace object is the first focus.
  assert.match(await status(page), /2 hops around secret-reader/);
  const total = Number((await status(page)).match(/of (\d+) nodes/)![1]);
  assert.ok(total > 300 && (await drawnNodes(page)).length < 40, `${total} nodes in all, a few drawn`);
  await page.focus('g.node[data-id="ClusterRole:secret-reader"]');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.locator(':focus').getAttribute('data-id'), 'ClusterRoleBinding:everyone-reads-secrets');
  await page.keyboard.press('Enter');
  assert.equal(await text(page, '#details h2'), 'ClusterRoleBinding everyone-reads-secrets');
  assert.ok((await page.locator('#details li').allTextContents()).some((t) => t.includes('all-authenticated-subject')));
  await screenshot(page, 'large-focus');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a query highlights the paths that allow it, each step labelled', async () => {
  const { page, errors } = await openGraph(browser, small);
  await page.fill('#query', 'who can get pods in shop');
  await page.click('#ask');
  const onPath = await ids(page, 'g.node.on-path');
  assert.deepEqual(onPath, [
    'Resource:/pods',
    'Role:shop/pod-reader',
    'RoleBinding:shop/web-reads-pods',
    'ServiceAccount:shop/web',
    'User:jane',
  ]);
  assert.ok((await classes(page, 'svg.graph')).includes('has-path'));
  assert.ok((await ids(page, 'path.edge.on-path')).includes('Role:shop/pod-reader->Resource:/pods'));
  assert.ok(!(await ids(page, 'path.edge.on-path')).includes('ClusterRole:deployer->Resource:apps/deployments'));
  assert.equal(await text(page, '#details h2'), 'Who can get pods in namespace "shop"');
  const steps = await page.locator('#paths > li').allTextContents();
  assert.ok(steps.some((s) => s.includes('shop/web → shop/web-reads-pods: subject 1 of RoleBinding shop/web-reads-pods')));
  assert.ok(steps.some((s) => s.includes('shop/pod-reader → pods: rule 1: get, list pods, pods/log')));
  // One path alone.
  await page.click('#paths > li:has-text("User jane")');
  assert.deepEqual(await ids(page, 'g.node.on-path'), [
    'Resource:/pods',
    'Role:shop/pod-reader',
    'RoleBinding:shop/web-reads-pods',
    'User:jane',
  ]);
  await screenshot(page, 'query');
  await page.fill('#query', 'who can fly');
  await page.press('#query', 'Enter');
  assert.match(await text(page, '#details [role="alert"]'), /expected who can VERB TYPE/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the details pane: rules, bindings, effective permissions from the RBAC engine, findings', async () => {
  const { page, errors } = await openGraph(browser, small);
  await page.click('g.node[data-id="ServiceAccount:shop/web"]');
  const details = await text(page, '#details');
  assert.match(details, /ServiceAccount shop\/web/);
  assert.match(details, /kubectl auth can-i --list --as system:serviceaccount:shop:web -n shop/);
  const rows = await tableRows(page);
  // kubectl's order; secrets through system:authenticated, which every service account is in.
  assert.deepEqual(rows, [
    ['pods/log', '[]', '[]', '[get list]'],
    ['pods', '[]', '[]', '[get list]'],
    ['secrets', '[]', '[]', '[get list]'],
    ['configmaps', '[]', '[app]', '[get]'],
  ]);
  await page.click('#details a:text("RoleBinding shop/web-reads-pods")');
  assert.equal(await text(page, '#details h2'), 'RoleBinding shop/web-reads-pods');
  await page.click('g.node[data-id="ClusterRole:monitoring"]');
  assert.deepEqual(await tableRows(page), [['1', 'get /metrics', 'aggregated from metrics-reader']]);
  await page.click('g.node[data-id="ClusterRole:secret-reader"]');
  assert.match(await text(page, '#details'), /error: ClusterRole secret-reader grants get, list on secrets.*\[secrets-read\]/);
  // Double-click outside VS Code names the manifest line (there is no editor to open).
  await page.dblclick('g.node[data-id="ClusterRole:secret-reader"]');
  assert.equal(await status(page), 'test/fixtures/graph/rbac.yaml:59');
  await screenshot(page, 'details');
  assert.deepEqual(errors, []);
  await page.close();
});

test('export: an SVG of the drawing with its colours, and a PNG', async () => {
  const { page, errors } = await openGraph(browser, small);
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
  assert.equal(svgDownload.suggestedFilename(), 'access-graph.svg');
  const svg = readFileSync(await svgDownload.path(), 'utf8');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/class="node /g) ?? []).length, (await drawnNodes(page)).length);
  assert.match(svg, /--k-error: (#cf222e|rgb\(207, 34, 46\))/);
  assert.ok(svg.includes('data-id="ClusterRole:secret-reader"'));
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  assert.equal(pngDownload.suggestedFilename(), 'access-graph.png');
  const png = readFileSync(await pngDownload.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  assert.ok(width > 1000, `PNG ${width} px wide`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('inside VS Code: the view state survives a reload, and every message posted passes the host validator', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // The API VS Code gives a webview; its state kept where a reload finds it, as VS Code keeps it.
  await page.addInitScript(`window.acquireVsCodeApi = () => ({
    postMessage: (m) => (window.__posted = [...(window.__posted || []), m]),
    getState: () => JSON.parse(sessionStorage.getItem('state') || 'null') ?? undefined,
    setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
  });`);
  await page.goto(pathToFileURL(small).href);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#namespace', 'shop');
  await page.check('#hide-system');
  await page.click('g.node[data-id="Role:shop/pod-reader"]');
  const before = await drawnNodes(page);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue('#namespace'), 'shop');
  assert.equal(await page.isChecked('#hide-system'), true);
  assert.deepEqual(await drawnNodes(page), before);
  assert.equal(await text(page, '#details h2'), 'Role shop/pod-reader');

  await page.dblclick('g.node[data-id="Role:shop/pod-reader"]');
  await page.click('#export-svg');
  await page.click('#export-png');
  await page.waitForFunction('(window.__posted || []).length === 3');
  const posted = await page.evaluate<unknown[]>('window.__posted');
  const valid = posted.map((m) => parseWebviewMessage(m));
  assert.deepEqual(valid[0], { type: 'open', nodeId: 'Role:shop/pod-reader' });
  assert.deepEqual(
    valid.slice(1).map((m) => m?.type === 'export' && m.format),
    ['svg', 'png'],
  );
  await page.close();
});
