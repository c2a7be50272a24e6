// Language server composition root: connection, workspace model, settings, and the features.
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DidChangeConfigurationNotification,
  FileChangeType,
  ProposedFeatures,
  type ServerCapabilities,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ClusterConnection } from './cluster-connection';
import type { Feature, ServerContext } from './context';
import { auditFeature } from './features/audit';
import { clusterFeature } from './features/cluster';
import { codeActions } from './features/code-actions';
import { codeLens } from './features/code-lens';
import { completion } from './features/completion';
import { DiagnosticsPublisher } from './features/diagnostics';
import { accessGraphFeature } from './features/graph';
import { hover } from './features/hover';
import { navigation } from './features/navigation';
import { serverStatusNotification, type KubeidInitializationOptions } from './protocol';
import { parseSettings, type Settings } from './settings';
import { WorkspaceModel } from './workspace-model';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const model = new WorkspaceModel();
const diagnostics = new DiagnosticsPublisher(connection);
let folders: string[] = [];
let settings: Settings = parseSettings(undefined);
let canPullConfiguration = false;
/** The live cluster; `cluster.snapshot()` is its RBAC for the rest of the server. */
const cluster = new ClusterConnection(connection);
// References resolve against the cluster's snapshot too: a new one re-runs the checks.
cluster.onChange = () => {
  const refs = model.setCluster(cluster.references());
  // Discovery too: the cluster's CRDs and aggregated APIs join the catalogue of completion and checks.
  if (model.setDiscovery(cluster.discovered()) || refs) scheduleRefresh();
};

const fsPath = (uri: string): string | undefined => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);

/** Every request-handling feature; each declares its capabilities and registers its handlers. */
const features: Feature[] = [
  navigation,
  codeLens,
  codeActions,
  completion,
  hover,
  accessGraphFeature(cluster),
  auditFeature(cluster),
  clusterFeature(cluster),
];
const ctx: ServerContext = { connection, documents, model, settings: () => settings, pathOf: fsPath };
for (const f of features) f.register(ctx);

connection.onInitialize((params) => {
  folders = (params.workspaceFolders ?? []).map((f) => fsPath(f.uri)).filter((p): p is string => p !== undefined);
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  cluster.initialize(folders, params.initializationOptions as KubeidInitializationOptions | undefined);
  const capabilities = Object.assign({}, ...features.map((f) => f.capabilities)) as ServerCapabilities;
  return { capabilities: { ...capabilities, textDocumentSync: TextDocumentSyncKind.Incremental } };
});

async function pullSettings(): Promise<void> {
  if (!canPullConfiguration) return;
  settings = parseSettings(await connection.workspace.getConfiguration('kubeid'));
}

/** The document edited since the last round: its diagnostics are published first. */
let edited: string | undefined;

async function refresh(): Promise<void> {
  const first = edited;
  edited = undefined;
  try {
    if (!(await diagnostics.publish(model.analysis(), settings.checks, first))) return; // a newer round took over
  } catch (e) {
    // A bug in one check must not take the server down: report it and keep serving.
    connection.console.error(`kubeid: computing diagnostics failed: ${(e as Error).stack ?? String(e)}`);
  }
  void connection.sendNotification(serverStatusNotification, model.status());
}

let pending: NodeJS.Timeout | undefined;
/** Set once the settings and the workspace are read: the first round follows, and covers every change before it. */
let initialized = false;
/** Coalesce bursts of changes: a git checkout touching many files waits longer than typing, which is analysed incrementally. */
function scheduleRefresh(delay = 150): void {
  if (!initialized) return;
  clearTimeout(pending);
  pending = setTimeout(() => void refresh(), delay);
}

connection.onInitialized(async () => {
  await connection.sendNotification(serverStatusNotification, { state: 'loading', files: 0, objects: {}, problems: 0 });
  if (canPullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  try {
    await pullSettings();
    cluster.configure(settings);
    await model.loadFolders(folders);
  } catch (e) {
    connection.console.error(`kubeid: reading the workspace failed: ${(e as Error).message}`);
  }
  for (const d of documents.all()) trackDocument(d);
  initialized = true;
  await refresh();
});

connection.onDidChangeConfiguration(async () => {
  await pullSettings();
  cluster.configure(settings);
  scheduleRefresh();
});

function trackDocument(d: TextDocument): void {
  const path = fsPath(d.uri);
  if (!path) return;
  model.setText(path, d.getText());
  edited = path;
}

documents.onDidChangeContent((e) => {
  trackDocument(e.document);
  // A timer, unlike setImmediate, still lets the changes already received go first (vscode-jsonrpc
  // handles one message per turn of the event loop), and adds next to nothing to an edit's latency.
  scheduleRefresh(2);
});
documents.onDidClose((e) => {
  const path = fsPath(e.document.uri);
  if (path) void model.revert(path).then(() => scheduleRefresh());
});

connection.onDidChangeWatchedFiles(async (params) => {
  for (const change of params.changes) {
    const path = fsPath(change.uri);
    if (!path || documents.get(change.uri)) continue; // open documents follow the editor's text
    if (change.type === FileChangeType.Deleted) model.delete(path);
    else await model.update(path);
  }
  scheduleRefresh();
});

connection.onShutdown(() => cluster.dispose());

documents.listen(connection);
connection.listen();
