// The access-matrix webview: what a subject may do, resources × verbs, as the API server answers,
// next to kubeid's reading of the cluster, disagreements with their cause; progress, Cancel, and a
// diff with another identity. The page is static (strict CSP, a nonce); its script builds the DOM
// from the JSON posted here, and every message it sends back is validated.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { accessMatrixRequest, type AccessMatrixParams, type AccessSubject } from '../../server/src/protocol';

export interface MatrixTarget {
  subject: AccessSubject;
  namespace: string;
}

/** Asks the user for another identity (the diff): provided by the extension. */
export type AskIdentity = (namespace: string) => Promise<MatrixTarget | undefined>;

/** What the page may say: anything else is ignored. */
type FromPage = { type: 'ready' } | { type: 'cancel' } | { type: 'rerun' } | { type: 'diff' };

function fromPage(m: unknown): FromPage | undefined {
  const type = typeof m === 'object' && m !== null ? (m as { type?: unknown }).type : undefined;
  return type === 'ready' || type === 'cancel' || type === 'rerun' || type === 'diff' ? { type } : undefined;
}

let runs = 0;

export function openMatrixPanel(client: LanguageClient, extensionUri: vscode.Uri, target: MatrixTarget, askIdentity: AskIdentity): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const panel = vscode.window.createWebviewPanel(
    'kubeid.accessMatrix',
    `Access: ${target.subject.name} in ${target.namespace}`,
    vscode.ViewColumn.Active,
    { enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: true },
  );
  panel.webview.html = page(panel.webview, vscode.Uri.joinPath(dist, 'matrix.js'));
  let running: vscode.CancellationTokenSource | undefined;
  const post = (m: object) => void panel.webview.postMessage(m);

  const run = async (diffWith?: MatrixTarget) => {
    running?.cancel();
    const cancel = (running = new vscode.CancellationTokenSource());
    const token = `kubeid-matrix-${++runs}`;
    const params: AccessMatrixParams = {
      ...target,
      ...(diffWith ? { diffWith: { subject: diffWith.subject } } : {}),
      workDoneToken: token,
    };
    post({ type: 'start', subject: target.subject, namespace: target.namespace, ...(diffWith ? { diffWith: diffWith.subject } : {}) });
    const progress = client.onProgress(WorkDoneProgress.type, token, (v) => {
      if (v.kind !== 'end') post({ type: 'progress', percentage: v.percentage ?? 0, message: v.message ?? '' });
    });
    try {
      const result = await client.sendRequest(accessMatrixRequest, params, cancel.token);
      if (running === cancel) post({ type: 'result', result });
    } catch (e) {
      if (running === cancel) post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      progress.dispose();
      if (running === cancel) running = undefined;
      cancel.dispose();
    }
  };

  panel.webview.onDidReceiveMessage(async (raw: unknown) => {
    const m = fromPage(raw);
    if (!m) return;
    if (m.type === 'ready' || m.type === 'rerun') await run();
    else if (m.type === 'cancel') running?.cancel();
    else {
      const other = await askIdentity(target.namespace);
      if (other) await run(other);
    }
  });
  panel.onDidDispose(() => running?.cancel());
}

function page(webview: vscode.Webview, script: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); }
  h1 { font-size: 1.3em; margin: 0.3em 0; }
  h2 { font-size: 1.1em; margin: 0.6em 0 0.2em; }
  section ul { max-height: 12em; overflow-y: auto; margin: 0.2em 0; }
  .toolbar { display: flex; gap: 0.6em; align-items: center; flex-wrap: wrap; margin: 0.5em 0; }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 0.3em 0.8em; cursor: pointer; }
  button:disabled { opacity: 0.5; cursor: default; }
  .note { color: var(--vscode-descriptionForeground); }
  .alert { color: var(--vscode-errorForeground); white-space: pre-wrap; }
  .warn { color: var(--vscode-editorWarning-foreground); }
  table { border-collapse: collapse; margin-top: 0.5em; }
  th, td { border: 1px solid var(--vscode-panel-border); padding: 0.15em 0.5em; text-align: center; }
  th.res, td.res { text-align: left; font-family: var(--vscode-editor-font-family); }
  thead th { position: sticky; top: 0; background: var(--vscode-editor-background); }
  td.yes { background: var(--vscode-diffEditor-insertedTextBackground); }
  td.error { color: var(--vscode-errorForeground); }
  td.na { color: var(--vscode-disabledForeground); }
  td.disagree { outline: 2px solid var(--vscode-editorWarning-foreground); outline-offset: -2px; font-weight: bold; }
  td.differs { outline: 2px dashed var(--vscode-focusBorder); outline-offset: -2px; }
  .hidden { display: none; }
</style>
</head>
<body>
<h1 id="title">Access matrix</h1>
<p id="subtitle" class="note"></p>
<div class="toolbar">
  <progress id="progress" max="100" value="0"></progress><span id="progress-text" class="note"></span>
  <button id="cancel">Cancel</button>
  <button id="rerun">Run again</button>
  <button id="diff">Diff with another identity…</button>
  <label><input type="checkbox" id="only-yes"> Only resources with a yes</label>
</div>
<p id="error" class="alert" role="alert"></p>
<p id="missing" class="warn"></p>
<p id="command" class="note"></p>
<section id="disagreements"></section>
<section id="diff-out"></section>
<table id="matrix"></table>
<script nonce="${nonce}" src="${webview.asWebviewUri(script).toString()}"></script>
</body>
</html>`;
}
