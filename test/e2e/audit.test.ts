// Real editor: "kubeid: Audit Access" from the command palette in code-server on a workspace where
// a user can become cluster-admin in one step: the report shows the summary and the path, its link
// opens the binding's manifest at the object, and the finding on the workspace's binding is in the
// Problems view under its file.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { Editor, missingPrerequisite, root, slow } from './harness';

const workspace = path.join(root, 'test/fixtures/e2e-audit');
/** 1-based line of the object named `name` in the fixture (its apiVersion line): where its finding is put. */
function objectLine(name: string): number {
  const lines = readFileSync(path.join(workspace, 'rbac.yaml'), 'utf8').split('\n');
  let i = lines.indexOf(`  name: ${name}`);
  while (!lines[i].startsWith('apiVersion:')) i--;
  return i + 1;
}

const missing = missingPrerequisite();
const skip = missing && process.env.KUBEID_SKIP_E2E === '1' ? `KUBEID_SKIP_E2E=1: ${missing}` : false;

void describe('the audit in code-server', { skip, timeout: 5 * slow }, () => {
  let editor: Editor | undefined;

  before(async () => {
    editor = await Editor.start(workspace);
  });
  afterEach(async (t) => {
    await editor?.screenshot(`audit ${t.name}`);
  });
  after(async () => {
    await editor?.close();
  });

  void it('runs from the command palette: report with summary and path, a link to the manifest, owned finding in Problems', async () => {
    const e = editor!;
    await e.quickOpen('rbac.yaml');
    await e.statusItem('kubeid.status').getByText('kubeid: 4 RBAC objects').waitFor({ timeout: slow });
    await e.runCommand('kubeid: Audit Access');
    // The webview: an iframe holding the page's iframe.
    const report = e.page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await report.locator('h1', { hasText: 'kubeid audit' }).waitFor({ timeout: slow });
    const summary = await report.locator('p', { hasText: 'What you own:' }).first().textContent();
    assert.match(summary ?? '', /What you own: 1 error/);
    // mallory's path: create pods in build, run as the cluster-admin account.
    const step = report.locator('li', { hasText: 'create pods in namespace build, with pods that run as ServiceAccount build/deployer' });
    await step.first().waitFor({ timeout: slow });
    await e.screenshot('audit panel');

    // The link of the step's binding: the manifest opens beside the report, the cursor on the object.
    await report.locator('a', { hasText: 'RoleBinding build/mallory-pods' }).first().click();
    await e.page
      .locator('[id="status.editor.selection"]', { hasText: `Ln ${objectLine('mallory-pods')}, Col 1` })
      .waitFor({ timeout: slow });
    await e.page.locator('.tab.active', { hasText: 'rbac.yaml' }).first().waitFor({ timeout: slow });

    // The Problems view: the escalation finding, under rbac.yaml (its binding).
    await e.page.keyboard.press('Control+Shift+M');
    const problems = e.page.locator('.markers-panel');
    await problems.locator('.monaco-list-row', { hasText: 'rbac.yaml' }).first().waitFor({ timeout: slow });
    await problems.locator('.monaco-list-row', { hasText: 'User mallory' }).first().waitFor({ timeout: slow });
    const row = await problems.locator('.monaco-list-row', { hasText: 'User mallory' }).first().textContent();
    assert.match(row ?? '', /kubeid audit/);
    assert.match(row ?? '', /escalation-cluster-admin/);
    // On mallory's RoleBinding, the first grant of the path.
    assert.ok(row?.includes(`[Ln ${objectLine('mallory-pods')}, Col 1]`), row ?? '');
  });
});
