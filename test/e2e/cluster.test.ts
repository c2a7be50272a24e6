// Real-editor test of the live cluster: code-server with `kubeid.kubeconfig` pointing at the
// Kubernetes API test server shows the context and namespace in the status bar, resolves roleRefs
// against the cluster (a diagnostic that comes and goes with the cluster's objects), "kubeid: Check
// Access As…" opens the access matrix webview with the server's answers, and an object that differs
// from the cluster opens next to its live version.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver/index';
import { Editor, fixtureWorkspace, missingPrerequisite, slow } from './harness';

const missing = missingPrerequisite();
const skip = missing && process.env.KUBEID_SKIP_E2E === '1' ? `KUBEID_SKIP_E2E=1: ${missing}` : false;
const RG = 'rbac.authorization.k8s.io';

void describe('kubeid in code-server, connected to a cluster', { skip, timeout: 5 * slow }, () => {
  let api: TestApiServer | undefined;
  let editor: Editor | undefined;

  before(async () => {
    api = await startTestApiServer({
      tokens: { 'jane-token-e2e-51c0b9a7': { user: 'jane' } },
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
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
        // The workspace's node-viewer grants get, list and watch: drift.
        {
          apiVersion: `${RG}/v1`,
          kind: 'ClusterRole',
          metadata: { name: 'node-viewer' },
          rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
        },
      ],
    });
    const kubeconfig = api.writeKubeconfig(mkdtempSync(join(tmpdir(), 'kubeid-e2e-kube-')), { namespace: 'shop' });
    editor = await Editor.start(fixtureWorkspace, { copy: true, settings: { 'kubeid.kubeconfig': kubeconfig } });
  });
  afterEach(async (t) => {
    await editor?.screenshot(`cluster-${t.name}`);
  });
  after(async () => {
    await editor?.close();
    await api?.stop();
  });

  void it('shows the kube context and namespace in the status bar', async () => {
    await editor!.quickOpen('rbac.yaml');
    await editor!.statusItem('kubeid.cluster').getByText('admin / shop').waitFor({ timeout: slow });
  });

  void it('a roleRef resolves against the cluster: its warning names the context and goes when the role is created there', async () => {
    const { page, activeEditor } = editor!;
    // Two bindings whose Roles are not in the workspace: "deployer" is in the cluster, "log-reader" nowhere.
    const binding = (name: string, role: string) =>
      `apiVersion: ${RG}/v1\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: shop\n` +
      `subjects:\n  - kind: User\n    apiGroup: ${RG}\n    name: jane\nroleRef:\n  apiGroup: ${RG}\n  kind: Role\n  name: ${role}\n`;
    writeFileSync(
      join(editor!.workspace, 'cluster-refs.yaml'),
      `${binding('jane-deploys-too', 'deployer')}---\n${binding('jane-reads-logs', 'log-reader')}`,
    );
    await editor!.quickOpen('cluster-refs.yaml');
    const squiggle = activeEditor.locator('.squiggly-warning');
    await squiggle.first().waitFor({ timeout: slow });
    assert.equal(await squiggle.count(), 1, 'only the role that the cluster lacks too is flagged');
    // The subjects' code lenses push the lines below them down when they arrive.
    await activeEditor.locator('.codelens-decoration', { hasText: 'Check access as jane' }).first().waitFor({ timeout: slow });
    const { box } = await editor!.squiggleOnLine(squiggle, 'name: log-reader');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'missing-role' }).first();
    await hover.waitFor({ timeout: slow });
    assert.match(
      (await hover.innerText()).replace(/\s+/g, ' '),
      /neither in the workspace, nor in the cluster \(context "admin"\), nor in the default cluster policy/,
    );
    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');

    // Created in the cluster: the watch brings it into the snapshot and the warning goes.
    api!.apply({
      apiVersion: `${RG}/v1`,
      kind: 'Role',
      metadata: { name: 'log-reader', namespace: 'shop' },
      rules: [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }],
    });
    await squiggle.first().waitFor({ state: 'detached', timeout: slow });
  });

  void it('"kubeid: Who Am I" shows the identity and offers it in the access graph of the cluster', async () => {
    const { page } = editor!;
    await editor!.runCommand('kubeid: Who Am I');
    await page.locator('.tab', { hasText: 'Who Am I.md' }).waitFor({ timeout: slow });
    assert.match(await editor!.text(), /^# Who am I: `kubeid-admin`/);
    const toast = page.locator('.notification-toast', { hasText: 'you are kubeid-admin in context admin' });
    await toast.getByRole('button', { name: 'Show in Access Graph' }).click();
    // kubeid-admin has no binding of its own: the graph focuses its first group that one names.
    const graph = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await graph.locator('g.node[data-id="Group:system:masters"]').waitFor({ timeout: slow });
    assert.equal(await graph.locator('#source').inputValue(), 'cluster');
    await page.locator('.tab', { hasText: 'kubeid: Access Graph' }).locator('.codicon-close').click();
  });

  void it('"kubeid: Check Access As…" opens the access matrix with the server\'s answers', async () => {
    const page = editor!.page;
    await editor!.runCommand('kubeid: Check Access As…');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'User' }).first().waitFor({ timeout: slow });
    await input.fill('User');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'User name' }).waitFor({ timeout: slow });
    await input.fill('jane');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'namespace' }).waitFor({ timeout: slow });
    assert.equal(await input.inputValue(), 'shop', 'the namespace of the context is proposed');
    await page.keyboard.press('Enter');

    const frame = await matrixFrame(editor!);
    const row = (resource: string) =>
      frame.locator('#matrix tr', { has: frame.locator('td.res', { hasText: new RegExp(`^${resource}$`) }) });
    await row('deployments.apps').waitFor({ timeout: slow });
    assert.equal(await frame.locator('#title').innerText(), 'Access of User jane in namespace shop');
    const cells = async (resource: string) => (await row(resource).locator('td').allInnerTexts()).slice(1);
    assert.deepEqual(await cells('deployments.apps'), ['✓', '✓', '✓', '✓', '✓', '✓', '✓', '✓']);
    assert.deepEqual(await cells('secrets'), ['✗', '✗', '✗', '✗', '✗', '✗', '✗', '✗']);
    assert.match(await frame.locator('#disagreements').innerText(), /Server and kubeid agree on every cell/);
  });

  void it('Cancel stops the matrix; "Diff with another identity…" lists where the server answers differ', async () => {
    const page = editor!.page;
    const frame = await matrixFrame(editor!);
    api!.fault({ path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', delayMs: 300 });
    try {
      await frame.locator('#rerun').click();
      await frame.locator('#progress-text', { hasText: /^[1-9]\d*\/\d+ reviews$/ }).waitFor({ timeout: slow });
      await frame.locator('#cancel').click();
      await frame.locator('#subtitle', { hasText: /Cancelled: \d+ reviews were not sent/ }).waitFor({ timeout: slow });
    } finally {
      api!.clearFaults();
    }

    await frame.locator('#diff').click();
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'ServiceAccount' }).first().waitFor({ timeout: slow });
    await input.fill('ServiceAccount');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'ServiceAccount name' }).waitFor({ timeout: slow });
    await input.fill('web');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'namespace' }).waitFor({ timeout: slow });
    await page.keyboard.press('Enter');
    const diff = frame.locator('#diff-out');
    await diff.locator('h2', { hasText: 'User jane versus ServiceAccount shop/web' }).waitFor({ timeout: slow });
    assert.match(await diff.innerText(), /delete deployments\.apps: User jane yes, ServiceAccount shop\/web no/);
    assert.ok((await frame.locator('td.differs').count()) >= 8, 'the cells that differ are marked');
  });

  void it('the "Check access as …" code lens opens the live matrix of its subject when connected', async () => {
    // The webview has the focus (its keys stay in its iframe): click the file's tab.
    await editor!.page.locator('.tab', { hasText: 'rbac.yaml' }).click();
    await editor!.activeEditor.locator('.codelens-decoration a', { hasText: 'Check access as checkout' }).first().click();
    const frame = await matrixFrame(editor!, 'Access of ServiceAccount shop/checkout in namespace shop');
    await frame.locator('#matrix td.res', { hasText: /^secrets$/ }).waitFor({ timeout: slow });
  });

  void it('an object that differs from the cluster gets "Compare with cluster", which opens the live object next to the file and follows the cluster', async () => {
    await editor!.page.locator('.tab', { hasText: 'rbac.yaml' }).click();
    await editor!.goTo(39, 9); // node-viewer's name: its lens scrolls into view
    await editor!.activeEditor.locator('.codelens-decoration a', { hasText: 'Compare with cluster' }).first().click({ timeout: slow });
    const diff = editor!.page.locator('.monaco-diff-editor');
    await diff.waitFor({ timeout: slow });
    await editor!.page.locator('.tab', { hasText: 'ClusterRole node-viewer: cluster (admin) ↔ file' }).waitFor({ timeout: slow });
    const live = diff.locator('.editor.original');
    await live.locator('.view-line', { hasText: 'name: node-viewer' }).waitFor({ timeout: slow });
    // The live side as a manifest: what differs is what matters, not the server's bookkeeping.
    assert.equal(await live.locator('.view-line', { hasText: /uid:|resourceVersion:/ }).count(), 0);
    // The verbs are the live side's last lines: shown once its editor is scrolled to its end.
    await live.locator('.view-line', { hasText: 'name: node-viewer' }).click();
    await editor!.page.keyboard.press('Control+End');
    const verb = (v: string) => live.locator('.view-line', { hasText: new RegExp(`^\\s*-\\s+${v}\\s*$`) });
    await verb('get').waitFor({ timeout: slow });
    assert.equal(await verb('list').count(), 0, 'the cluster grants get only');

    // Changed in the cluster: the open live side follows the watch event.
    api!.apply({
      apiVersion: `${RG}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'node-viewer' },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }],
    });
    await verb('list').waitFor({ timeout: slow });
  });
});

/** The document of an access-matrix webview (VS Code nests it in two iframes), with that title once given. */
async function matrixFrame(editor: Editor, title?: string): Promise<Frame> {
  const deadline = Date.now() + slow;
  while (Date.now() < deadline) {
    for (const f of editor.page.frames()) {
      const found = title ? f.locator('#title', { hasText: title }) : f.locator('#matrix');
      if (await found.count().catch(() => 0)) return f;
    }
    await new Promise((r) => setTimeout(r, 250)); // polling for the frame to appear
  }
  throw new Error('the access matrix webview did not open');
}
