// Desktop VS Code tests through @vscode/test-electron. VS Code is downloaded from its update
// service; where that is unreachable the test skips and the real-editor tests are test/e2e
// (code-server), which run offline.
import * as path from 'node:path';
import { test } from 'node:test';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const root = path.resolve(__dirname, '../../..');

void test('kubeid in desktop VS Code (test-electron)', { timeout: 15 * 60_000 }, async (t) => {
  let vscodeExecutablePath: string;
  try {
    // `timeout` is an idle timeout: a closed network fails in well under a minute.
    vscodeExecutablePath = await downloadAndUnzipVSCode({ cachePath: path.join(root, '.vscode-test'), timeout: 15_000 });
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    t.skip(`desktop VS Code could not be downloaded here (${reason}); real-editor tests ran in code-server instead`);
    return;
  }
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(__dirname, 'suite/index.js'),
    launchArgs: [path.join(root, 'test/fixtures/e2e-workspace'), '--disable-extensions', '--disable-workspace-trust'],
  });
});
