// Real-editor tests: the packaged extension in code-server, driven through chromium.
// Needs `npm run build` and `npm run setup:e2e`; KUBEID_SKIP_E2E=1 skips them where that is impossible.
import * as assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Editor, fixtureWorkspace, missingPrerequisite, slow } from './harness';

const missing = missingPrerequisite();
const skip = missing && process.env.KUBEID_SKIP_E2E === '1' ? `KUBEID_SKIP_E2E=1: ${missing}` : false;

void describe('kubeid in code-server', { skip, timeout: 5 * slow }, () => {
  let editor: Editor | undefined;

  // Fails every test below with the prerequisite message when code-server or chromium is missing.
  before(async () => {
    editor = await Editor.start(fixtureWorkspace);
  });
  afterEach(async (t) => {
    await editor?.screenshot(t.name);
  });
  after(async () => {
    await editor?.close();
  });

  void it('activates on a YAML file and shows its status bar item', async () => {
    await editor!.quickOpen('rbac.yaml');
    const item = editor!.statusItem('kubeid.status');
    // "kubeid" with a spinner while the server starts, then "kubeid: <N> RBAC objects".
    await item.getByText('kubeid:').waitFor({ timeout: slow });
  });

  void it('counts the 5 RBAC objects of the workspace in the status bar', async () => {
    const item = editor!.statusItem('kubeid.status');
    const expected = 'kubeid: 5 RBAC objects';
    const seen = await item
      .getByText(expected)
      .waitFor({ timeout: 30_000 }) // the server is ready already (previous test): it will not change
      .then(
        () => expected,
        () => item.innerText(),
      );
    assert.equal(seen.trim(), expected);
  });

  void it('"kubeid: Show Language Server Status" shows the server status', async () => {
    await editor!.statusItem('kubeid.status').getByText('kubeid:').waitFor({ timeout: slow });
    await editor!.runCommand('kubeid: Show Language Server Status');
    await editor!.page.locator('.notification-toast', { hasText: 'manifest file(s)' }).waitFor({ timeout: slow });
  });
});
