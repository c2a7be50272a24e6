// "kubeid: Show Access Graph": the graph webview in a panel. The data comes from the language
// server (kubeid/accessGraph), of the workspace or of the connected cluster as the user picks in
// the panel (remembered per panel), and again whenever the workspace or the snapshot changes. Every
// message from the webview is validated and resolved in the data sent (never a path the webview
// names): `open` reveals the manifest at the object's line, or a live object's read-only YAML;
// `checkAccess` opens the subject's access matrix, or kubeid's own answer when not connected.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { graphNode, type CompactGraph } from '../../server/src/core/graph/compact';
import { graphPage } from '../../server/src/core/graph/page';
import {
  parseWebviewMessage,
  type GraphNode,
  type GraphSourceKind,
  type HostToWebview,
  type WebviewToHost,
} from '../../server/src/core/graph/protocol';
import { accessGraphRequest, type AccessSubject } from '../../server/src/protocol';
import { OPEN_LIVE_OBJECT } from './live-object';

export const SHOW_ACCESS_GRAPH = 'kubeid.showAccessGraph';

class GraphPanel {
  /** The graph shown, as the server sent it (the webview's form). */
  private data: CompactGraph | undefined;
  /** The server's revision of the graph last sent: a change that leaves the graph as it was sends nothing. */
  private sent: string | undefined;
  /** Nodes to reveal once the graph is shown: the first of them it has. */
  private pending: string[] = [];
  /** A refresh running, and whether another was asked for meanwhile. */
  private refreshing: Promise<void> | undefined;
  private again = false;
  /** The source the user picked in this panel. */
  private source: GraphSourceKind = 'workspace';

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly client: LanguageClient,
    extensionUri: vscode.Uri,
  ) {
    const webview = panel.webview;
    webview.html = graphPage({
      nonce: randomBytes(18).toString('base64'),
      title: 'kubeid: Access Graph',
      script: {
        src: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
        cspSource: webview.cspSource,
      },
    });
    webview.onDidReceiveMessage((raw: unknown) => {
      const m = parseWebviewMessage(raw);
      if (m) void this.handle(m);
    });
  }

  /** Shows the panel, with `source` if given, and focuses the first of `nodeIds` that the graph has. */
  reveal(nodeIds: string[], source?: GraphSourceKind): void {
    this.panel.reveal();
    if (source && source !== this.source) {
      this.source = source;
      this.pending = nodeIds;
      // A new panel loads when its webview is ready; a shown one now.
      if (this.data) void this.load();
      return;
    }
    if (this.data) this.revealFirst(nodeIds);
    else this.pending = nodeIds;
  }

  private revealFirst(nodeIds: string[]): void {
    if (!nodeIds.length) return;
    const id = nodeIds.find((i) => this.data?.nodes.some((n) => n[0] === i));
    if (id) this.post({ type: 'reveal', nodeId: id });
    else void vscode.window.showInformationMessage(`kubeid: the access graph has no node for ${nodeIds.join(', ')}: no binding names it.`);
  }

  private post(m: HostToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private async handle(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.load();
      case 'open':
        return this.open(m.nodeId);
      case 'checkAccess':
        return this.checkAccess(m.nodeId);
      case 'source':
        this.source = m.source;
        return this.load();
      case 'export':
        return this.save(m.format, m.data);
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  /** Sent on every `ready`: the webview starts again each time the panel is shown. */
  private async load(): Promise<void> {
    this.sent = undefined;
    try {
      await this.send();
      this.revealFirst(this.pending);
      this.pending = [];
    } catch (e) {
      this.post({ type: 'error', message: `kubeid: the access graph could not be built: ${(e as Error).message}` });
    }
  }

  private async send(): Promise<void> {
    const data = await this.client.sendRequest(accessGraphRequest, { source: this.source, ...(this.sent ? { known: this.sent } : {}) });
    if (!data) return;
    const { revision, ...graph } = data;
    this.data = graph;
    this.sent = revision;
    // The webview draws the new graph in the view state it saved: focus, filters, zoom.
    this.post({ type: 'graph', data: graph });
  }

  /**
   * The workspace changed (the server's status says so after each analysis): a visible panel gets
   * the new graph; a hidden one gets it on `ready` when shown. Refreshes never overlap.
   */
  refresh(): void {
    if (!this.panel.visible || this.sent === undefined) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = this.send()
      .catch(() => undefined) // the graph shown stays; the next change tries again
      .finally(() => {
        this.refreshing = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private async open(nodeId: string): Promise<void> {
    const node = this.data && graphNode(this.data, nodeId);
    if (node?.origin === 'cluster') return openLive(node);
    if (!node?.file || node.origin !== 'workspace' || !node.line) {
      void vscode.window.showInformationMessage(
        node?.origin === 'default-policy'
          ? `kubeid: ${node.label} is part of the default cluster policy: it has no manifest.`
          : 'kubeid: no manifest to open.',
      );
      return;
    }
    const at = new vscode.Position(node.line - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(node.file), {
      selection: new vscode.Range(at, at),
      viewColumn: vscode.ViewColumn.One,
    });
  }

  /** Connected: the subject's access matrix as the cluster answers (kubeid.checkAccess); else kubeid's own reading of the workspace. */
  private async checkAccess(nodeId: string): Promise<void> {
    const node = this.data && graphNode(this.data, nodeId);
    const subject = node && subjectOf(node);
    if (!subject) return;
    const sources = this.data?.sources;
    const namespace = subject.namespace ?? sources?.namespace ?? 'default';
    if (sources?.context) {
      await vscode.commands.executeCommand('kubeid.checkAccess', { subject, namespace });
      return;
    }
    void vscode.window.showInformationMessage(
      `kubeid is not connected to a cluster: the effective permissions of ${node.label} are kubeid's own reading of the workspace manifests and the default policy; the cluster was not asked.`,
    );
    await vscode.commands.executeCommand('kubeid.effectivePermissions', { subject, namespace });
  }

  private async save(format: 'svg' | 'png', data: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `access-graph.${format}`) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
    });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data, 'base64'));
  }
}

/** A cluster's object: its read-only YAML. */
async function openLive(node: GraphNode): Promise<void> {
  await vscode.commands.executeCommand(OPEN_LIVE_OBJECT, {
    kind: node.kind,
    ...(node.namespace ? { namespace: node.namespace } : {}),
    name: node.name,
  });
}

function subjectOf(n: GraphNode): AccessSubject | undefined {
  if (n.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: n.name, namespace: n.namespace ?? 'default' };
  return n.kind === 'User' || n.kind === 'Group' ? { kind: n.kind, name: n.name } : undefined;
}

let current: GraphPanel | undefined;

/** Called when the language server has analysed a change of the workspace. */
export function refreshGraphPanel(): void {
  current?.refresh();
}

export function registerGraphPanel(context: vscode.ExtensionContext, client: LanguageClient): vscode.Disposable[] {
  return [
    // Arguments: a node id or a list of them (the first the graph has is focused), and the source to show.
    vscode.commands.registerCommand(SHOW_ACCESS_GRAPH, (nodeIds?: unknown, source?: unknown) => {
      const ids = (Array.isArray(nodeIds) ? nodeIds : [nodeIds]).filter((i): i is string => typeof i === 'string');
      if (!current) {
        const panel = vscode.window.createWebviewPanel('kubeid.accessGraph', 'kubeid: Access Graph', vscode.ViewColumn.Active, {
          enableScripts: true,
          localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
        });
        current = new GraphPanel(panel, client, context.extensionUri);
        panel.onDidDispose(() => (current = undefined));
      }
      current.reveal(ids, source === 'cluster' || source === 'workspace' ? source : undefined);
    }),
  ];
}
