// Extension entry point: starts the kubeid language server and shows its state in the status bar.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  serverStatusNotification,
  workspaceTrustNotification,
  type KubeidInitializationOptions,
  type ServerStatus,
} from '../../server/src/protocol';
import { ClusterView, PICKED_CONTEXT } from './cluster';
import { registerAuditCommand } from './audit-panel';
import { refreshGraphPanel, registerGraphPanel } from './graph-panel';
import { askIdentity, registerLensCommands } from './lens-commands';
import { registerLiveObjects } from './live-object';
import { openMatrixPanel } from './matrix-panel';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,json}') },
    // Cluster access (exec plugins included) happens in the server: it must know whether the workspace is trusted.
    initializationOptions: {
      trusted: vscode.workspace.isTrusted,
      ...context.workspaceState.get<KubeidInitializationOptions>(PICKED_CONTEXT),
    } satisfies KubeidInitializationOptions,
  };

  const status = vscode.window.createStatusBarItem('kubeid.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'kubeid';
  status.text = '$(loading~spin) kubeid';
  status.tooltip = 'kubeid: starting the language server';
  status.command = 'kubeid.showServerStatus';
  status.show();
  context.subscriptions.push(status);

  let last: ServerStatus | undefined;
  client = new LanguageClient('kubeid', 'kubeid', serverOptions, clientOptions);
  const cluster = new ClusterView(client, context.workspaceState);
  const live = {
    connected: () => cluster.connected(),
    namespace: () => cluster.namespace(),
    open: (a: Parameters<typeof openMatrixPanel>[2]) => openMatrixPanel(client!, context.extensionUri, a, askIdentity),
  };
  context.subscriptions.push(cluster, ...registerLensCommands(client, live));
  context.subscriptions.push(...registerGraphPanel(context, client));
  context.subscriptions.push(...registerAuditCommand(client, cluster));
  context.subscriptions.push(...registerLiveObjects(client, cluster.onDidChangeStatus));
  context.subscriptions.push(
    vscode.commands.registerCommand('kubeid.showServerStatus', () => {
      void vscode.window.showInformationMessage(describe(last));
    }),
  );
  cluster.listen(); // before start: the first status may come right after initialization
  await client.start();
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification(workspaceTrustNotification, { trusted: true })),
  );
  context.subscriptions.push(
    client.onNotification(serverStatusNotification, (s) => {
      last = s;
      const total = Object.values(s.objects).reduce((a, b) => a + b, 0);
      status.text = s.state === 'loading' ? '$(loading~spin) kubeid' : `$(shield) kubeid: ${total} RBAC objects`;
      status.tooltip = describe(s);
      if (s.state === 'ready') refreshGraphPanel();
    }),
  );
}

function describe(s: ServerStatus | undefined): string {
  if (!s) return 'kubeid: the language server is starting.';
  if (s.state === 'loading') return 'kubeid: reading the workspace manifests…';
  const kinds =
    Object.entries(s.objects)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ') || 'no RBAC objects';
  const problems = s.problems ? `; ${s.problems} document(s) could not be read` : '';
  return `kubeid: ${s.files} manifest file(s): ${kinds}${problems}.`;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
