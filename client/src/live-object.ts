// Live objects of the connected cluster in the editor: read-only `kubeid-live:` documents served by
// the language server (kubeid/liveObject) and read again when the snapshot changes,
// "kubeid.openLiveObject" (also called by the graph and audit views) and "kubeid.compareWithCluster"
// (the drift lens and quick fix: the live object next to the file).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LIVE_SCHEME, liveObjectOf, liveObjectRequest, liveObjectUri, type LiveObjectParams } from '../../server/src/protocol';

/** An object to show: { kind, namespace?, name }; a ClusterRole or other cluster-scoped kind has no namespace. */
export type LiveObjectArgs = LiveObjectParams;

function valid(a: unknown): a is LiveObjectArgs {
  const o = a as Partial<LiveObjectArgs> | undefined;
  return (
    typeof o?.kind === 'string' &&
    !!o.kind &&
    typeof o.name === 'string' &&
    !!o.name &&
    (o.namespace === undefined || typeof o.namespace === 'string')
  );
}

/** Opens an object's read-only live YAML; the graph and audit views call it too. */
export const OPEN_LIVE_OBJECT = 'kubeid.openLiveObject';

const describe = (a: LiveObjectArgs): string => `${a.kind} ${a.namespace ? `${a.namespace}/` : ''}${a.name}`;

/**
 * `onStatus` fires on every cluster status (a changed snapshot, another context): the open live
 * documents are read again, so one stays the object as the cluster now has it.
 */
export function registerLiveObjects(client: LanguageClient, onStatus: vscode.Event<unknown>): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  /** The server's answer, or its message: a document that says why it is empty beats an error popup on navigation. */
  const fetch = (a: LiveObjectArgs) =>
    client.sendRequest(liveObjectRequest, a).then(
      (r) => ({ text: r.text, context: r.context }),
      (e: Error) => ({ error: e.message }),
    );
  /** Opens the live object, or says why it cannot (not connected, gone). */
  const open = async (a: LiveObjectArgs, comparable = false): Promise<{ uri: vscode.Uri; context: string } | undefined> => {
    const r = await fetch(a);
    if ('error' in r) {
      void vscode.window.showErrorMessage(`kubeid: ${r.error}`);
      return undefined;
    }
    return { uri: vscode.Uri.parse(liveObjectUri({ kind: a.kind, namespace: a.namespace, name: a.name, comparable })), context: r.context };
  };
  return [
    changed,
    onStatus(() => {
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === LIVE_SCHEME) changed.fire(d.uri);
    }),
    vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: async (uri) => {
        const a = liveObjectOf(uri.path, uri.query);
        if (!a) return `# kubeid: ${uri.toString()} names no object`;
        const r = await fetch(a);
        if ('error' in r) return `# kubeid: ${r.error}\n`;
        // The comparable form stays as close to a manifest as it can: no heading line.
        return a.comparable ? r.text : `# ${describe(a)}, live in context ${r.context} (read-only)\n${r.text}`;
      },
    }),
    vscode.commands.registerCommand(OPEN_LIVE_OBJECT, async (a?: unknown) => {
      if (!valid(a)) {
        void vscode.window.showErrorMessage('kubeid: Open Live Object needs { kind, namespace?, name }');
        return;
      }
      const live = await open(a);
      if (live) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(live.uri), { preview: true });
    }),
    vscode.commands.registerCommand('kubeid.compareWithCluster', async (a?: LiveObjectArgs & { uri: string }) => {
      if (!valid(a) || typeof a.uri !== 'string') return;
      const live = await open(a, true);
      const title = `${describe(a)}: cluster (${live?.context}) ↔ file`;
      if (live) await vscode.commands.executeCommand('vscode.diff', live.uri, vscode.Uri.parse(a.uri), title);
    }),
  ];
}
