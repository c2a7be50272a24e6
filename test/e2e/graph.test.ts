// Real editor: "kubeid: Show Access Graph" from the command palette in code-server, then a double
// click on a node opens its manifest at the object's line.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
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
    editor = await Editor.start(fixtureWorkspace);
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
});
