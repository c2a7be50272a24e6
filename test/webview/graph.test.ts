// The graph webview as users see it: the page `kubeid graph` writes, in headless chromium. Nodes
// and edges drawn, filters, search, focus, query highlighting, details, export; screenshots are
// kept in test-artifacts/ for review.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { webviewBundle } from '../../server/src/cli/graph';
import { RBAC_KINDS, refKey, snapshotPolicy, type KindState } from '../../server/src/core/cluster/snapshot';
import { buildGraph, clusterGraph, workspaceGraph } from '../../server/src/core/graph/build';
import { encodeGraph } from '../../server/src/core/graph/compact';
import { graphPage } from '../../server/src/core/graph/page';
import { parseWebviewMessage } from '../../server/src/core/graph/protocol';
import { collapseGroups, filterGraph, focusGraph } from '../../server/src/core/graph/view';
import { manifestsFromObjects, parseManifestText } from '../../server/src/core/manifest/parse';
import { buildWorkspace } from '../../server/src/core/policy/workspace';
import { generateCluster, namespaceName } from '../bench/synthetic';
import { embeddedGraph } from '../helpers/graph-page';
import { repoPath } from '../helpers/repo';
import { launch, openGraph, screenshot, writeDataPage, writeGraphPage } from './browser';

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
/**
 * The page's globals the tests look at, in `page.waitForFunction(() => …)`: a function, never a
 * string, which playwright polls with eval, and the page's CSP forbids eval.
 */
type PageGlobals = Record<string, unknown> & { document: { body: { dataset: Record<string, string | undefined> } } };
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
  await page.waitForFunction(() => (((globalThis as unknown as PageGlobals).__posted as unknown[] | undefined) ?? []).length === 3);
  const posted = await page.evaluate<unknown[]>('window.__posted');
  const valid = posted.map((m) => parseWebviewMessage(m));
  assert.deepEqual(valid[0], { type: 'open', nodeId: 'Role:shop/pod-reader' });
  assert.deepEqual(
    valid.slice(1).map((m) => m?.type === 'export' && m.format),
    ['svg', 'png'],
  );
  await page.close();
});

test('a graph of over 5,000 nodes is filtered, focused and laid out in a worker, under the page CSP', async () => {
  // A small synthetic cluster: about 6,000 nodes.
  const c = generateCluster(7, {
    namespaces: 80,
    rolesPerNamespace: 10,
    bindingsPerNamespace: 30,
    serviceAccountsPerNamespace: 5,
    clusterRoles: 300,
    aggregated: 10,
    clusterRoleBindings: 100,
    users: 3000,
    groups: 100,
  });
  const objects = [...c.serviceAccounts, ...c.roles, ...c.roleBindings, ...c.clusterRoles, ...c.clusterRoleBindings];
  // Built here as `kubeid graph` builds it, without the checks (no risk colours): they take long.
  const data = buildGraph(buildWorkspace([manifestsFromObjects(objects, 'cluster.json')]), { source: 'synthetic cluster' });
  const html = writeDataPage(data, 'worker');
  assert.ok(data.nodes.length > 5000, `${data.nodes.length} nodes`);

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // Counts the views the worker answers: the page's own Worker, watched.
  await page.addInitScript(`{
    const Real = window.Worker;
    window.__answers = 0;
    window.Worker = class extends Real {
      constructor(...a) { super(...a); this.addEventListener('message', (e) => e.data.type === 'view' && window.__answers++); }
    };
  }`);
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('body[data-ready="true"]');
  const answered = (n: number) =>
    page.waitForFunction((k) => {
      const w = globalThis as unknown as PageGlobals;
      return (w.__answers as number) >= k && !w.document.body.dataset.pending;
    }, n);
  const focus = (await status(page)).match(/2 hops around (\S+)|1 hop around (\S+)/);
  assert.ok(focus, await status(page));
  const ns = namespaceName(3);
  await page.selectOption('#namespace', ns);
  await answered(1);
  await page.fill('#search', `${ns}/`);
  await page.waitForSelector('#search-results li[data-id^="RoleBinding:"]');
  const binding = (await page.locator('#search-results li[data-id^="RoleBinding:"]').first().getAttribute('data-id'))!;
  await page.locator(`#search-results li[data-id="${binding}"]`).click();
  await answered(2);
  // The selection, made while the worker computed, is on the new drawing with the keyboard focus.
  assert.deepEqual(await ids(page, 'g.node.selected'), [binding]);
  assert.equal(await page.locator(':focus').getAttribute('data-id'), binding);
  await page.selectOption('#hops', '3');
  await answered(3);
  // What the worker drew is what the view functions give in node, run on the graph's JSON.
  const expected = collapseGroups(focusGraph(filterGraph(data, { namespace: ns }), binding, 3, 3000), () => false);
  assert.deepEqual(await drawnNodes(page), expected.nodes.map((n) => n.id).sort());
  assert.deepEqual(await drawnEdges(page), expected.edges.map((e) => e.id).sort());
  assert.match(await status(page), new RegExp(`3 hops around ${binding.slice('RoleBinding:'.length)}`));
  await screenshot(page, 'worker');
  assert.deepEqual(errors, []);
  await page.close();
});

test('inside VS Code: a graph sent again after a workspace change is drawn in the same focus, filters and zoom', async () => {
  const rbac = readFileSync(join(FIXTURE, 'rbac.yaml'), 'utf8');
  const graphOf = (text: string) =>
    encodeGraph(workspaceGraph(buildWorkspace([parseManifestText(text, 'rbac.yaml')], { defaults: false }), 'workspace'));
  // The page of the panel: no data inside, the graph comes from the host.
  const { page, errors, send } = await openPanel();
  await send(graphOf(rbac));
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#namespace', 'shop');
  await page.click('g.node[data-id="Role:shop/pod-reader"]');
  await page.click('#details button:text("Focus here")');
  await page.selectOption('#hops', '1');
  const box = (await page.locator('#canvas').boundingBox())!;
  await page.mouse.move(box.x + 300, box.y + 300);
  await page.mouse.wheel(0, -300);
  await page.waitForTimeout(400); // d3's wheel zoom ends 150 ms after the last wheel event
  const zoom = await page.locator('g.viewport').getAttribute('transform');
  assert.ok(zoom && !(await drawnNodes(page)).includes('RoleBinding:shop/newcomer-reads-pods'));

  // The workspace changed: a new binding of the focused role.
  const added = `${rbac}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: newcomer-reads-pods, namespace: shop}\nsubjects: [{kind: User, name: newcomer}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}\n`;
  await send(graphOf(added));
  await page.waitForSelector('g.node[data-id="RoleBinding:shop/newcomer-reads-pods"]');
  assert.equal(await page.inputValue('#namespace'), 'shop');
  assert.equal(await page.inputValue('#hops'), '1');
  assert.match(await status(page), /1 hop around shop\/pod-reader/);
  assert.equal(await page.locator('g.viewport').getAttribute('transform'), zoom);
  assert.equal(await text(page, '#details h2'), 'Role shop/pod-reader');
  assert.deepEqual(await ids(page, 'g.node.selected'), ['Role:shop/pod-reader']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard and screen readers: Tab reaches every control and the graph, search is a combobox, results are announced', async () => {
  const { page, errors } = await openGraph(browser, small);
  const reached: string[] = [];
  for (let i = 0; i < 30 && !reached.at(-1)?.includes(':'); i++) {
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    reached.push((await focused.getAttribute('id')) ?? (await focused.getAttribute('data-id')) ?? '?');
  }
  // Toolbar, filters, then one node of the graph (a roving tab stop: arrows move inside it).
  assert.deepEqual(reached.slice(0, -1), [
    'search',
    'query',
    'ask',
    'clear-query',
    'focus-mode',
    'hops',
    'fit',
    'export-svg',
    'export-png',
    'namespace',
    'kind-User',
    'kind-Group',
    'kind-ServiceAccount',
    'hide-system',
    'hide-defaults',
    'risk',
    'collapse-groups',
  ]);
  assert.match(reached.at(-1)!, /^[A-Za-z]+:/);
  await page.keyboard.press('Enter');
  assert.equal(await text(page, '#announce'), `Details of ${await text(page, '#details h2')}`);

  await page.fill('#search', 'pod');
  assert.equal(await page.getAttribute('#search', 'aria-expanded'), 'true');
  assert.equal(await page.getAttribute('#search', 'aria-activedescendant'), 'hit-0');
  await page.press('#search', 'ArrowDown');
  assert.equal(await page.getAttribute('#search', 'aria-activedescendant'), 'hit-1');
  assert.match(await text(page, '#announce'), /^\d+ nodes found$/);
  await page.press('#search', 'Escape');
  assert.equal(await page.getAttribute('#search', 'aria-expanded'), 'false');

  await page.fill('#query', 'who can get pods in shop');
  await page.press('#query', 'Enter');
  const paths = await page.locator('#paths > li').count();
  assert.ok(paths > 1);
  assert.equal(await text(page, '#announce'), `${paths} paths allow get pods in namespace "shop"`);
  await page.fill('#query', 'who can fly');
  await page.press('#query', 'Enter');
  assert.match(await text(page, '#announce'), /expected who can VERB TYPE/);
  assert.deepEqual(errors, []);
  await page.close();
});

// ---- a live cluster's graph ----

const RG = 'rbac.authorization.k8s.io';
const LIVE = [
  {
    apiVersion: `${RG}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'live-debugger' },
    rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }],
  },
  {
    apiVersion: `${RG}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'debuggers', namespace: 'shop' },
    subjects: [{ kind: 'ServiceAccount', name: 'debug-bot', namespace: 'shop' }],
    roleRef: { apiGroup: RG, kind: 'ClusterRole', name: 'live-debugger' },
  },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'debug-bot', namespace: 'shop' } },
];

/** The graph of a cluster holding `objects` (roles could not be read), as the language server and the CLI build it. */
function liveGraph(): ReturnType<typeof clusterGraph> {
  const kinds = new Map<string, KindState>();
  for (const ref of RBAC_KINDS.filter((r) => r.resource !== 'roles')) {
    const items = LIVE.filter((o) => o.kind === ref.kind).map(
      (o) => [`${(o.metadata as { namespace?: string }).namespace ?? ''}/${o.metadata.name}`, o] as const,
    );
    kinds.set(refKey(ref), { ref, items: new Map(items), resourceVersion: '1' });
  }
  const roles = RBAC_KINDS.find((r) => r.resource === 'roles')!;
  const unreadable = [{ ref: roles, code: 'forbidden' as const, reason: 'roles is forbidden' }];
  return clusterGraph(snapshotPolicy({ kinds, unreadable }), { context: 'prod', namespace: 'shop' });
}

/** The panel's page (no data inside: the host posts it) with VS Code's webview API recording what is posted. */
async function openPanel(): Promise<{
  page: Page;
  errors: string[];
  send: (data: unknown) => Promise<unknown>;
  posted: () => Promise<unknown[]>;
}> {
  const html = join(mkdtempSync(join(tmpdir(), 'kubeid-graph-panel-')), 'panel.html');
  writeFileSync(
    html,
    graphPage({ nonce: randomBytes(18).toString('base64'), title: 'panel', script: { inline: webviewBundle(repoPath('dist')) } }),
  );
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(`{
    let state;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => (window.__posted = [...(window.__posted || []), m]),
      getState: () => state,
      setState: (s) => (state = s),
    });
  }`);
  await page.goto(pathToFileURL(html).href);
  const posted = () => page.evaluate<unknown[]>('window.__posted || []');
  await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).__posted as unknown[] | undefined)?.length === 1);
  const send = (data: unknown) => page.evaluate(`window.postMessage(${JSON.stringify({ type: 'graph', data })}, '*')`);
  return { page, errors, send, posted };
}

test('inside VS Code, connected: the source picker names the context, picking posts a valid message, a partial snapshot is stated', async () => {
  const { page, errors, send, posted } = await openPanel();
  const ws = workspaceGraph(
    buildWorkspace([parseManifestText(readFileSync(join(FIXTURE, 'rbac.yaml'), 'utf8'), 'rbac.yaml')], { defaults: false }),
    'workspace',
  );
  await send(encodeGraph({ ...ws, sources: { shown: 'workspace', context: 'prod', namespace: 'shop' } }));
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue('#source'), 'workspace');
  assert.deepEqual(await page.locator('#source option').allTextContents(), ['workspace manifests', 'cluster (context prod)']);
  assert.equal(await page.locator('#source-note').count(), 0);
  await page.selectOption('#source', 'cluster');
  const sent = (await posted()).map((m) => parseWebviewMessage(m));
  assert.deepEqual(sent.at(-1), { type: 'source', source: 'cluster' });

  // The host answers with the cluster's graph: shown as such, with what the snapshot lacks.
  await send(encodeGraph(liveGraph()));
  await page.waitForSelector('g.node[data-id="ClusterRole:live-debugger"]');
  assert.equal(await page.inputValue('#source'), 'cluster');
  assert.match(
    await text(page, '#source-note'),
    /^ ?Partial snapshot: kubeid could not read roles\.rbac\.authorization\.k8s\.io \(roles is forbidden\)/,
  );
  assert.match(await status(page), /^cluster \(context prod\): /);
  assert.ok((await classes(page, 'g.node[data-id="ClusterRole:live-debugger"]')).includes('risk-warning'), 'coloured by the checks');
  await screenshot(page, 'live-source');
  assert.deepEqual(errors, []);
  await page.close();
});

test('inside VS Code: a live node opens by reference, and "Check access as this subject" posts a valid message, by mouse and keyboard', async () => {
  const { page, errors, send, posted } = await openPanel();
  await send(encodeGraph(liveGraph()));
  await page.waitForSelector('body[data-ready="true"]');
  const role = 'ClusterRole:live-debugger';
  await page.dblclick(`g.node[data-id="${role}"]`);
  assert.equal(await text(page, '#details .muted'), 'read from the cluster');
  await page.click('#details button:text("Open live object")');
  const account = 'ServiceAccount:shop/debug-bot';
  await page.click(`g.node[data-id="${account}"]`);
  await page.click('#details button:text("Check access as this subject")');
  await page.locator('#details button:text("Check access as this subject")').focus();
  await page.keyboard.press('Enter');
  // A binding is no subject: no such button.
  await page.click('g.node[data-id="RoleBinding:shop/debuggers"]');
  assert.equal(await page.locator('#details button:text("Check access as this subject")').count(), 0);
  const sent = (await posted()).slice(1).map((m) => parseWebviewMessage(m));
  assert.deepEqual(sent, [
    { type: 'open', nodeId: role },
    { type: 'open', nodeId: role },
    { type: 'checkAccess', nodeId: account },
    { type: 'checkAccess', nodeId: account },
  ]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page kubeid graph writes of a cluster: its source and partial snapshot stated, live objects not openable', async () => {
  const html = writeDataPage(liveGraph(), 'live');
  const { page, errors } = await openGraph(browser, html);
  assert.equal(await text(page, '#source-label'), 'Source: cluster (context prod)');
  assert.match(await text(page, '#source-note'), /Partial snapshot: /);
  await page.dblclick('g.node[data-id="ClusterRole:live-debugger"]');
  assert.equal(await status(page), 'ClusterRole live-debugger was read from the cluster: it has no manifest');
  await page.click('g.node[data-id="ServiceAccount:shop/debug-bot"]');
  assert.equal(await page.locator('#details button:text("Check access as this subject")').count(), 0, 'no host to ask');
  assert.equal(await page.locator('#details button:text("Open live object")').isDisabled(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a page whose embedded graph is damaged says so instead of staying blank', async () => {
  const html = readFileSync(small, 'utf8');
  const { text: data } = embeddedGraph(html)!;
  const damaged = {
    'cut short': [data.slice(0, (data.length >> 3) << 2), /^The access graph could not be shown: its data is not valid gzip \(.+\)$/],
    'not base64': ['%%%', /^The access graph could not be shown: its data is not base64$/],
    'not JSON': [gzipSync('{"nodes": [').toString('base64'), /^The access graph could not be shown: .*JSON/],
  } as const;
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-graph-damaged-'));
  for (const [name, [replacement, message]] of Object.entries(damaged)) {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html.replace(data, replacement));
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.locator('main').filter({ hasNotText: 'Loading' }).waitFor();
    assert.match(await text(page, 'main'), message, name);
    await page.close();
  }
});
