// Real editor: "kubeid: Show Access Graph" from the command palette in code-server, then a double
// click on a node opens its manifest at the object's line. Connected to the Kubernetes API test
// server: the panel's source picker shows the cluster's graph, a live node opens by reference, and
// "Check access as this subject" opens the subject's access matrix.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver/index';
import { Editor, fixtureWorkspace, missingPrerequisite, slow } from './harness';

const missing = missingPrerequisite();
const skip = missing && process.env.KUBEID_SKIP_E2E === '1' ? `KUBEID_SKIP_E2E=1: ${missing}` : false;

/** 1-based line of the object named `name` in the fixture (its apiVersion line). */
function objectLine(name: string): number {
  const lines = readFileSync(path.join(fixtureWorkspace, 'rbac.yaml'), 'utf8').split('\n');
  let i = lines.indexOf(`  name: ${name}`);
  while (!lines[i].startsWith('apiVersion:')) i--;
  return i + 1;
}

void describe('the access graph in code-server', { skip, timeout: 5 * slow }, () => {
  let editor: Editor | undefined;

  before(async () => {
    // A kubeconfig that does not exist: never connected, whatever the machine has.
    editor = await Editor.start(fixtureWorkspace, { settings: { 'kubeid.kubeconfig': path.join(tmpdir(), 'kubeid-e2e-no-kubeconfig') } });
  });
  afterEach(async (t) => {
    await editor?.screenshot(`graph ${t.name}`);
  });
  after(async () => {
    await editor?.close();
  });

  void it('opens from the command palette and double-clicks through to a manifest', async () => {
    const e = editor!;
    await e.quickOpen('rbac.yaml');
    await e.statusItem('kubeid.status').getByText('kubeid: 5 RBAC objects').waitFor({ timeout: slow });
    await e.runCommand('kubeid: Show Access Graph');
    // The webview: an iframe holding the page's iframe.
    const graph = e.page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await graph.locator('body[data-ready="true"]').waitFor({ timeout: slow });
    await graph.locator('#search').fill('node-viewer');
    await graph.locator('#search-results li[data-id="ClusterRole:node-viewer"]').click();
    const node = graph.locator('g.node[data-id="ClusterRole:node-viewer"]');
    await node.waitFor({ timeout: slow });
    assert.equal(await graph.locator('path.edge[data-id="ClusterRoleBinding:checkout-node-viewer->ClusterRole:node-viewer"]').count(), 1);
    assert.equal(await graph.locator('#details h2').textContent(), 'ClusterRole node-viewer');
    await e.screenshot('graph panel');
    // Double-click: the manifest opens with the cursor on the object's first line.
    await node.dblclick();
    const line = objectLine('node-viewer');
    await e.page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line}, Col 1` }).waitFor({ timeout: slow });
    await e.page.locator('.tab.active', { hasText: 'rbac.yaml' }).waitFor({ timeout: slow });
  });

  void it('not connected, "Check access as this subject" opens kubeid\'s own answer and says the cluster was not asked', async () => {
    const e = editor!;
    await e.page.locator('.tab', { hasText: 'kubeid: Access Graph' }).click();
    const graph = e.page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await graph.locator('body[data-ready="true"]').waitFor({ timeout: slow });
    assert.equal(await graph.locator('#source').count(), 0, 'no cluster to pick');
    assert.equal(await graph.locator('#source-label').textContent(), 'Source: workspace manifests');
    await graph.locator('#search').fill('checkout');
    await graph.locator('#search-results li[data-id="ServiceAccount:shop/checkout"]').click();
    await graph.locator('#details button', { hasText: 'Check access as this subject' }).click();
    await e.page.locator('.notification-toast', { hasText: 'the cluster was not asked' }).waitFor({ timeout: slow });
    const header =
      '# Effective permissions of ServiceAccount shop/checkout in namespace shop, offline (the workspace manifests on the default cluster policy)';
    const deadline = Date.now() + slow;
    while (!(await e.text().catch(() => '')).includes(header)) {
      if (Date.now() > deadline) assert.fail(`the effective permissions did not open: ${await e.text().catch(() => '')}`);
      await new Promise((r) => setTimeout(r, 250)); // polling for the document to open
    }
  });
});

const RG = 'rbac.authorization.k8s.io';

void describe('the access graph of a connected cluster in code-server', { skip, timeout: 5 * slow }, () => {
  let api: TestApiServer | undefined;
  let editor: Editor | undefined;

  before(async () => {
    api = await startTestApiServer({
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        {
          apiVersion: `${RG}/v1`,
          kind: 'Role',
          metadata: { name: 'live-deployer', namespace: 'shop' },
          rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }],
        },
        {
          apiVersion: `${RG}/v1`,
          kind: 'RoleBinding',
          metadata: { name: 'jane-deploys', namespace: 'shop' },
          roleRef: { apiGroup: RG, kind: 'Role', name: 'live-deployer' },
          subjects: [{ kind: 'User', apiGroup: RG, name: 'jane' }],
        },
      ],
    });
    const kubeconfig = api.writeKubeconfig(mkdtempSync(path.join(tmpdir(), 'kubeid-e2e-kube-')), { namespace: 'shop' });
    editor = await Editor.start(fixtureWorkspace, { settings: { 'kubeid.kubeconfig': kubeconfig } });
  });
  afterEach(async (t) => {
    await editor?.screenshot(`graph-live ${t.name}`);
  });
  after(async () => {
    await editor?.close();
    await api?.stop();
  });

  void it('the source picker shows the cluster; a live node opens by reference; "Check access as this subject" opens the matrix', async () => {
    const e = editor!;
    await e.quickOpen('rbac.yaml');
    await e.statusItem('kubeid.cluster').getByText('admin / shop').waitFor({ timeout: slow });
    await e.runCommand('kubeid: Show Access Graph');
    const graph = e.page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await graph.locator('body[data-ready="true"]').waitFor({ timeout: slow });
    await graph.locator('#source option', { hasText: 'cluster (context admin)' }).waitFor({ state: 'attached', timeout: slow });
    assert.equal(await graph.locator('#source').inputValue(), 'workspace');
    await graph.locator('#source').selectOption('cluster');
    await graph.locator('#status', { hasText: /^cluster \(context admin\): / }).waitFor({ timeout: slow });
    assert.equal(await graph.locator('#source').inputValue(), 'cluster');

    await graph.locator('#search').fill('live-deployer');
    await graph.locator('#search-results li[data-id="Role:shop/live-deployer"]').click();
    const role = graph.locator('g.node[data-id="Role:shop/live-deployer"]');
    await role.waitFor({ timeout: slow });
    assert.equal(await graph.locator('#details .muted').first().textContent(), 'read from the cluster');
    await role.dblclick();
    // The read-only YAML of the live object opens in a tab.
    await e.page.locator('.tab', { hasText: 'live-deployer' }).waitFor({ timeout: slow });
    assert.match(await e.text(), /kind: Role\n[\s\S]*name: live-deployer/);
    await e.page.locator('.tab', { hasText: 'kubeid: Access Graph' }).click();

    await graph.locator('g.node[data-id="User:jane"]').click();
    await graph.locator('#details button', { hasText: 'Check access as this subject' }).click();
    const deadline = Date.now() + slow;
    let found = false;
    while (!found && Date.now() < deadline) {
      for (const f of e.page.frames())
        if (
          await f
            .locator('#title', { hasText: 'Access of User jane in namespace shop' })
            .count()
            .catch(() => 0)
        )
          found = true;
      if (!found) await new Promise((r) => setTimeout(r, 250)); // polling for the matrix webview to appear
    }
    assert.ok(found, 'the access matrix of User jane opened');
  });

  void it('the cluster graph follows a watch event: a binding created in the cluster joins the focus around its role', async () => {
    const e = editor!;
    // The matrix of the test above closed, the graph shown again: a hidden panel is not refreshed.
    await e.page.locator('.tab', { hasText: 'Access: jane' }).locator('.codicon-close').click();
    await e.page.locator('.tab', { hasText: 'kubeid: Access Graph' }).click();
    const graph = e.page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await graph.locator('g.node[data-id="Role:shop/live-deployer"]').waitFor({ timeout: slow });
    assert.equal(await graph.locator('g.node[data-id="RoleBinding:shop/kim-deploys"]').count(), 0);
    api!.apply({
      apiVersion: `${RG}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'kim-deploys', namespace: 'shop' },
      roleRef: { apiGroup: RG, kind: 'Role', name: 'live-deployer' },
      subjects: [{ kind: 'User', apiGroup: RG, name: 'kim' }],
    });
    await graph.locator('g.node[data-id="RoleBinding:shop/kim-deploys"]').waitFor({ timeout: slow });
    assert.equal(await graph.locator('#source').inputValue(), 'cluster', 'still the cluster');
  });
});
