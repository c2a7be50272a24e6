// "kubeid: Audit Access": asks the language server for the audit of the workspace, shows the
// report in a webview that runs no script and loads nothing (its own strict CSP), and puts the
// findings on what the workspace owns in the Problems view.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { auditRequest, type AuditProblem } from '../../server/src/protocol';

const SEVERITY: Record<AuditProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function registerAuditCommand(client: LanguageClient): vscode.Disposable[] {
  const problems = vscode.languages.createDiagnosticCollection('kubeid-audit');
  let panel: vscode.WebviewPanel | undefined;
  const command = vscode.commands.registerCommand('kubeid.auditAccess', async () => {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'kubeid: auditing access…' },
      () => client.sendRequest(auditRequest, {}),
    );
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const p of result.problems) {
      if (!p.file || p.managedBy) continue;
      const line = Math.max(0, (p.line ?? 1) - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), p.message, SEVERITY[p.severity]);
      d.source = 'kubeid audit';
      d.code = p.rule;
      (byFile.get(p.file) ?? byFile.set(p.file, []).get(p.file)!).push(d);
    }
    problems.clear();
    for (const [file, list] of byFile) problems.set(vscode.Uri.file(file), list);
    if (!panel) {
      panel = vscode.window.createWebviewPanel('kubeid.audit', 'kubeid audit', vscode.ViewColumn.Active, { enableScripts: false });
      panel.onDidDispose(() => (panel = undefined));
    }
    // The page carries its CSP (default-src 'none'; inline styles only): nothing runs, nothing loads.
    panel.webview.html = result.html;
    panel.reveal();
    void vscode.window.showInformationMessage(`kubeid audit: ${result.summary}`);
  });
  return [command, problems];
}
