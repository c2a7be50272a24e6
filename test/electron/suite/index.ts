// Runs inside desktop VS Code's extension host (loaded by runTests in ../desktop.test.ts), with the
// fixture workspace open. A rejected promise fails the run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('kubeid.kubeid');
  assert.ok(ext, 'extension kubeid.kubeid is not loaded');
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is not open');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'rbac.yaml'));
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, 'yaml');
  await ext.activate();
  assert.ok(ext.isActive, 'kubeid did not activate');
  await vscode.commands.executeCommand('kubeid.showServerStatus');
}
