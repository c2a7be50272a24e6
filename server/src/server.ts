// Language server entry point (temporary skeleton: replaced by the real composition root).
import { createConnection, ProposedFeatures, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { serverStatusNotification } from './protocol';

const connection = createConnection(ProposedFeatures.all);
connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } }));
connection.onInitialized(() => {
  void connection.sendNotification(serverStatusNotification, { state: 'ready', files: 0, objects: {}, problems: 0 });
});
connection.listen();
