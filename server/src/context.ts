// What every LSP feature module gets: the connection, the open documents, the workspace model
// and the settings. One owner (server.ts) creates it; features only read it.
import type { Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseManifestText, type ParsedFile } from './core/manifest/parse';
import type { Settings } from './settings';
import type { Analysis, WorkspaceModel } from './workspace-model';

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

/** The analysis and the current text of a document (parsed here when the model does not hold it, e.g. untitled). */
export function documentFile(ctx: ServerContext, uri: string): { a: Analysis; f: ParsedFile } | undefined {
  const doc = ctx.documents.get(uri);
  const path = ctx.pathOf(uri);
  const a = ctx.model.analysis();
  const held = path ? a.file(path) : undefined;
  if (held && (!doc || held.text === doc.getText())) return { a, f: held };
  return doc ? { a, f: parseManifestText(doc.getText(), path ?? uri) } : undefined;
}
