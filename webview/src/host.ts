// Who the webview talks to: VS Code (postMessage, view state kept by setState) or, in the page
// `kubeid graph -o graph.html` writes, nobody (exports download, state lives in the page only).
import type { ExportFormat, HostToWebview, WebviewToHost } from '../../server/src/core/graph/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  /** In VS Code: manifests can be opened. */
  readonly editor: boolean;
  post(message: WebviewToHost): void;
  state(): unknown;
  saveState(state: unknown): void;
  /** Saves an export: the host's save dialog, or a download. */
  save(format: ExportFormat, data: string): void;
  onMessage(handler: (m: HostToWebview) => void): void;
}

export function connectHost(): Host {
  const onMessage = (handler: (m: HostToWebview) => void) =>
    window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
      if (typeof e.data === 'object' && e.data !== null && typeof e.data.type === 'string') handler(e.data);
    });
  if (typeof acquireVsCodeApi === 'function') {
    const vscode = acquireVsCodeApi();
    return {
      editor: true,
      post: (m) => vscode.postMessage(m),
      state: () => vscode.getState(),
      saveState: (s) => vscode.setState(s),
      save: (format, data) => vscode.postMessage({ type: 'export', format, data }),
      onMessage,
    };
  }
  let kept: unknown;
  return {
    editor: false,
    post: () => undefined,
    state: () => kept,
    saveState: (s) => (kept = s),
    save: (format, data) => download(format, data),
    onMessage,
  };
}

function download(format: ExportFormat, data: string): void {
  const blob =
    format === 'svg'
      ? new Blob([data], { type: 'image/svg+xml' })
      : new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: 'image/png' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `access-graph.${format}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
