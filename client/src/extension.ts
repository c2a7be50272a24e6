// Extension entry point: starts the kubeid language server and shows its state in the status bar.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { serverStatusNotification, type ServerStatus } from '../../server/src/protocol';
import { refreshGraphPanel, registerGraphPanel } from './graph-panel';
import { registerLensCommands } from './lens-commands';

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
  context.subscriptions.push(...registerLensCommands(client));
  context.subscriptions.push(...registerGraphPanel(context, client));
  context.subscriptions.push(
    vscode.commands.registerCommand('kubeid.showServerStatus', () => {
      void vscode.window.showInformationMessage(describe(last));
    }),
  );
  await client.start();
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
