// The extension's side of the live cluster: a status-bar item with the kube context and namespace,
// "kubeid: Switch Context" and "kubeid: Who Am I" (which offers the identity in the access graph). The
// language server holds the connection; this module only shows what it reports and asks it questions.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  clusterStatusNotification,
  contextsRequest,
  switchContextRequest,
  whoamiRequest,
  type ClusterStatus,
  type WhoAmIResult,
} from '../../server/src/protocol';
import { splitServiceAccountUsername } from '../../server/src/core/rbac/identity';
import { SHOW_ACCESS_GRAPH } from './graph-panel';

/** Where the context and namespace picked in this workspace are remembered (sent back in initializationOptions). */
export const PICKED_CONTEXT = 'kubeid.cluster.picked';

const WHOAMI = vscode.Uri.from({ scheme: 'kubeid-whoami', path: '/Who Am I.md' });

export class ClusterView implements vscode.Disposable {
  private last?: ClusterStatus;
  private readonly item = vscode.window.createStatusBarItem('kubeid.cluster', vscode.StatusBarAlignment.Left, 9);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private whoamiText = '';
  private readonly whoamiChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly statusChanged = new vscode.EventEmitter<ClusterStatus>();
  /** Every status the server reports: a watch event that changed the snapshot sends one too. */
  readonly onDidChangeStatus = this.statusChanged.event;

  constructor(
    private readonly client: LanguageClient,
    private readonly state: vscode.Memento,
  ) {
    this.item.name = 'kubeid: kube context';
    this.item.command = 'kubeid.switchContext';
    this.disposables.push(
      this.whoamiChanged,
      this.statusChanged,
      vscode.commands.registerCommand('kubeid.switchContext', () => this.switchContext()),
      vscode.commands.registerCommand('kubeid.whoami', () => this.whoami()),
      vscode.workspace.registerTextDocumentContentProvider(WHOAMI.scheme, {
        onDidChange: this.whoamiChanged.event,
        provideTextDocumentContent: () => this.whoamiText,
      }),
    );
  }

  /** After the client started: follow the server's cluster status. */
  listen(): void {
    this.disposables.push(this.client.onNotification(clusterStatusNotification, (s) => this.show(s)));
  }

  /** Connected to a cluster whose reviews can be asked (ready, or partial). */
  connected(): boolean {
    return this.last?.state === 'ready' || this.last?.state === 'partial';
  }

  namespace(): string | undefined {
    return this.last?.namespace;
  }

  private show(s: ClusterStatus): void {
    this.last = s;
    this.statusChanged.fire(s);
    const where = `${s.context ?? ''}${s.namespace ? ` / ${s.namespace}` : ''}`;
    const icon = { off: '$(cloud)', loading: '$(sync~spin)', ready: '$(cloud)', partial: '$(warning)', error: '$(error)' }[s.state];
    this.item.text = s.state === 'off' ? '$(cloud) no kube context' : `${icon} ${where}`;
    this.item.backgroundColor = s.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const lines = [
      s.context
        ? `kube context ${s.context}${s.cluster ? ` (cluster ${s.cluster.name}, ${s.cluster.server})` : ''}`
        : 'kubeid: no kube context',
      ...(s.namespace ? [`namespace ${s.namespace}`] : []),
      ...(s.user ? [`user ${s.user}: ${s.auth ?? ''}`] : []),
      { off: 'not connected', loading: 'reading the cluster…', ready: 'connected', partial: 'connected, partial snapshot', error: 'error' }[
        s.state
      ],
      ...(s.message ? [s.message] : []),
      'Click to switch context or namespace.',
    ];
    this.item.tooltip = lines.join('\n');
    this.item.show();
  }

  private async switchContext(): Promise<void> {
    const list = await this.client.sendRequest(contextsRequest);
    if (!list.contexts.length) {
      void vscode.window.showWarningMessage(`kubeid: no kube context${list.error ? `: ${list.error}` : ''}`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      list.contexts.map((c) => ({
        label: `${c.name === list.current ? '$(check) ' : ''}${c.name}`,
        description: `cluster ${c.cluster}, user ${c.user}`,
        detail: c.namespace ? `namespace ${c.namespace}` : undefined,
        name: c.name,
      })),
      { title: 'kubeid: kube context', placeHolder: `current: ${list.current ?? 'none'}` },
    );
    if (!picked) return;
    let status = this.last;
    if (picked.name !== list.current || status?.state === 'error') {
      status = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `kubeid: connecting to ${picked.name}…` },
        () => this.client.sendRequest(switchContextRequest, { context: picked.name }),
      );
      if (status.state === 'error' || status.state === 'off') {
        void vscode.window.showErrorMessage(`kubeid: ${picked.name}: ${status.message ?? status.state}`);
        return;
      }
    }
    const { namespaces } = await this.client.sendRequest(contextsRequest);
    const namespace = await pickNamespace(namespaces, status?.namespace);
    if (namespace && namespace !== status?.namespace) status = await this.client.sendRequest(switchContextRequest, { namespace });
    await this.state.update(PICKED_CONTEXT, { context: status?.context, namespace: status?.namespace });
  }

  private async whoami(): Promise<void> {
    let r: WhoAmIResult;
    try {
      r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'kubeid: who am I' }, () =>
        this.client.sendRequest(whoamiRequest, {}),
      );
    } catch (e) {
      void vscode.window.showErrorMessage(`kubeid: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.whoamiText = whoamiMarkdown(r);
    this.whoamiChanged.fire(WHOAMI);
    const doc = await vscode.workspace.openTextDocument(WHOAMI);
    await vscode.window.showTextDocument(doc, { preview: true });
    // Not awaited: the toast stays until the user acts on it or closes it.
    void vscode.window.showInformationMessage(`kubeid: you are ${r.user.name} in context ${r.context}`, SHOW_IN_GRAPH).then((pick) => {
      if (pick === SHOW_IN_GRAPH) void vscode.commands.executeCommand(SHOW_ACCESS_GRAPH, identityNodes(r.user), 'cluster');
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

const SHOW_IN_GRAPH = 'Show in Access Graph';

/** The graph nodes of an identity, the user itself first, then its groups: bindings may name either. */
function identityNodes(user: WhoAmIResult['user']): string[] {
  const sa = splitServiceAccountUsername(user.name);
  return [sa ? `ServiceAccount:${sa.namespace}/${sa.name}` : `User:${user.name}`, ...user.groups.map((g) => `Group:${g}`)];
}

/** A quick pick of the cluster's namespaces that also takes a typed name. */
export function pickNamespace(namespaces: readonly string[], current: string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick();
    const items = namespaces.map((n) => ({ label: n, description: n === current ? 'current' : undefined }));
    qp.title = 'kubeid: namespace';
    qp.placeholder = `a namespace (current: ${current ?? 'default'})`;
    qp.items = items;
    qp.activeItems = items.filter((i) => i.label === current);
    qp.onDidChangeValue((v) => {
      const typed = v.trim();
      qp.items = typed && !namespaces.includes(typed) ? [{ label: typed }, ...items] : items;
    });
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]?.label);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/** Markdown text of a whoami answer; every value in code spans so that nothing in it is read as markup. */
function whoamiMarkdown(r: WhoAmIResult): string {
  const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
  const table = (rows: string[][]) => {
    const [head, ...body] = rows;
    return [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => ' --- |').join('')}`,
      ...body.map((row) => `| ${row.map(code).join(' | ')} |`),
    ].join('\n');
  };
  return [
    `# Who am I: ${code(r.user.name)}`,
    '',
    `Context ${code(r.context)}, cluster ${code(r.cluster.name)} at ${code(r.cluster.server)}, kubeconfig user ${code(r.kubeconfigUser)}.`,
    '',
    ...(r.warning ? [`> **Warning:** ${r.warning}`, ''] : []),
    table([
      ['Attribute', 'Value'],
      ['Username', r.user.name],
      ...(r.user.uid ? [['UID', r.user.uid]] : []),
      ['Groups', r.user.groups.join(', ')],
      ...Object.entries(r.user.extra ?? {}).map(([k, v]) => [`Extra: ${k}`, v.join(', ')]),
    ]),
    '',
    `**Authenticates with:** ${r.auth.description}`,
    '',
    `**Answered by:** ${r.via}`,
    '',
    `## What ${code(r.user.name)} may do in namespace ${code(r.namespace)}`,
    '',
    'As `kubectl auth can-i --list` (SelfSubjectRulesReview):',
    '',
    ...(r.rulesIncomplete ? [`> The list may be incomplete: ${r.rulesIncomplete}`, ''] : []),
    table(r.rules),
    '',
  ].join('\n');
}
