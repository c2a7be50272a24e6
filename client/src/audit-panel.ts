// "kubeid: Audit Access": asks the language server for the audit of the workspace or, when
// connected, of the cluster (the user picks), shows the report in a webview that runs no script
// (its own strict CSP), and puts the findings on what the workspace owns in the Problems view. The
// report's links are command URIs of one command, which opens the link of that index from the
// answer: the manifest at the object, or the live object (read-only, kubeid.openLiveObject).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { OPEN_LIVE_OBJECT } from './live-object';
import { auditRequest, OPEN_AUDIT_LINK_COMMAND, type AuditLink, type AuditParams, type AuditProblem } from '../../server/src/protocol';

const SEVERITY: Record<AuditProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function registerAuditCommand(client: LanguageClient, cluster: { connected(): boolean }): vscode.Disposable[] {
  const problems = vscode.languages.createDiagnosticCollection('kubeid-audit');
  let panel: vscode.WebviewPanel | undefined;
  let links: AuditLink[] = [];
  const command = vscode.commands.registerCommand('kubeid.auditAccess', async () => {
    const source = await pickSource(cluster.connected());
    if (!source) return;
    let result;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `kubeid: auditing ${source === 'cluster' ? 'the cluster' : 'access'}…` },
        () => client.sendRequest(auditRequest, { source }),
      );
    } catch (e) {
      void vscode.window.showErrorMessage(`kubeid audit: ${(e as Error).message}`);
      return;
    }
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
      panel = vscode.window.createWebviewPanel('kubeid.audit', 'kubeid audit', vscode.ViewColumn.Active, {
        enableScripts: false,
        // Links run this one command, with an index into `links`: nothing else a page could name.
        enableCommandUris: [OPEN_AUDIT_LINK_COMMAND],
      });
      panel.onDidDispose(() => (panel = undefined));
    }
    links = result.links;
    panel.title = `kubeid audit: ${result.audited}`;
    // The page carries its CSP (default-src 'none'; inline styles only): nothing runs, nothing loads.
    panel.webview.html = result.html;
    panel.reveal();
    void vscode.window.showInformationMessage(`kubeid audit of ${result.audited}: ${result.summary}`);
  });
  const open = vscode.commands.registerCommand(OPEN_AUDIT_LINK_COMMAND, async (index: unknown) => {
    const link = typeof index === 'number' && Number.isInteger(index) ? links[index] : undefined;
    if (!link) return;
    if ('file' in link) {
      const line = Math.max(0, (link.line ?? 1) - 1);
      // Beside the report, not over it.
      const column = panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
      await vscode.window.showTextDocument(vscode.Uri.file(link.file), {
        viewColumn: column,
        selection: new vscode.Range(line, 0, line, 0),
      });
    } else {
      await vscode.commands.executeCommand(OPEN_LIVE_OBJECT, link);
    }
  });
  return [command, open, problems];
}

/** The workspace, unless connected to a cluster: then the user's choice. */
async function pickSource(connected: boolean): Promise<AuditParams['source'] | undefined> {
  if (!connected) return 'workspace';
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Workspace manifests', description: 'the RBAC objects of the workspace files', source: 'workspace' as const },
      { label: 'Connected cluster', description: "the kube context's RBAC objects, as kubeid last read them", source: 'cluster' as const },
    ],
    { title: 'kubeid: Audit Access', placeHolder: 'What to audit' },
  );
  return picked?.source;
}
