// Language server composition root: connection, workspace model, and the status it reports.
// (Diagnostics, completion, hover... come with the language-server issue.)
import { fileURLToPath } from 'node:url';
import { createConnection, FileChangeType, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { serverStatusNotification } from './protocol';
import { WorkspaceModel } from './workspace-model';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const model = new WorkspaceModel();
let folders: string[] = [];

const fsPath = (uri: string): string | undefined => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);

connection.onInitialize((params) => {
  folders = (params.workspaceFolders ?? []).map((f) => fsPath(f.uri)).filter((p): p is string => p !== undefined);
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } };
});

let pending: NodeJS.Timeout | undefined;
function publishStatus(): void {
  // Coalesce bursts of changes (a git checkout touches many files at once).
  clearTimeout(pending);
  pending = setTimeout(() => void connection.sendNotification(serverStatusNotification, model.status()), 100);
}

connection.onInitialized(async () => {
  await connection.sendNotification(serverStatusNotification, { state: 'loading', files: 0, objects: {}, problems: 0 });
  try {
    await model.loadFolders(folders);
  } catch (e) {
    connection.console.error(`kubeid: reading the workspace failed: ${(e as Error).message}`);
  }
  for (const d of documents.all()) trackDocument(d);
  await connection.sendNotification(serverStatusNotification, model.status());
});

function trackDocument(d: TextDocument): void {
  const path = fsPath(d.uri);
  if (path) model.setText(path, d.getText());
}

documents.onDidChangeContent((e) => {
  trackDocument(e.document);
  publishStatus();
});
documents.onDidClose((e) => {
  const path = fsPath(e.document.uri);
  if (path) void model.revert(path).then(publishStatus);
});

connection.onDidChangeWatchedFiles(async (params) => {
  for (const change of params.changes) {
    const path = fsPath(change.uri);
    if (!path || documents.get(change.uri)) continue; // open documents follow the editor's text
    if (change.type === FileChangeType.Deleted) model.delete(path);
    else await model.update(path);
  }
  publishStatus();
});

documents.listen(connection);
connection.listen();
