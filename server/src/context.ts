// What every LSP feature module gets: the connection, the open documents, the workspace model
// and the settings. One owner (server.ts) creates it; features only read it.
import type { Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Settings } from './settings';
import type { WorkspaceModel } from './workspace-model';

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  model: WorkspaceModel;
  settings(): Settings;
  /** The file system path of a document URI (undefined for untitled documents). */
  pathOf(uri: string): string | undefined;
}

/** One LSP feature: the capabilities it declares and the handlers it registers. */
export interface Feature {
  capabilities: ServerCapabilities;
  register(ctx: ServerContext): void;
}
