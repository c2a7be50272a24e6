// textDocument/completion: RBAC-aware values at the cursor (verbs, apiGroups, resources, names,
// roleRef and subjects, service accounts) and snippets for new objects. The core does the work
// on the cached analysis; this edge converts spans and kinds.
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList } from 'vscode-languageserver/node';
import { documentFile, type Feature, type ServerContext } from '../context';
import { completions, type Candidate } from '../core/complete';
import type { ParsedFile } from '../core/manifest/parse';
import { offsetAt, toTextEdit } from '../lsp-convert';

const KIND: Record<Candidate['kind'], CompletionItemKind> = {
  verb: CompletionItemKind.Function,
  group: CompletionItemKind.Module,
  resource: CompletionItemKind.Class,
  name: CompletionItemKind.Value,
  url: CompletionItemKind.File,
  kind: CompletionItemKind.EnumMember,
  key: CompletionItemKind.Property,
  snippet: CompletionItemKind.Snippet,
  namespace: CompletionItemKind.Folder,
  role: CompletionItemKind.Interface,
  account: CompletionItemKind.Reference,
};

function toItem(f: ParsedFile, c: Candidate): CompletionItem {
  const item: CompletionItem = {
    label: c.label,
    kind: KIND[c.kind],
    sortText: c.sort,
    filterText: c.filter,
    textEdit: toTextEdit(f, c.edit.span, c.edit.text),
  };
  if (c.detail) item.detail = c.detail;
  if (c.description) item.labelDetails = { description: c.description };
  if (c.doc) item.documentation = { kind: 'markdown', value: c.doc };
  if (c.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
  if (c.more) item.additionalTextEdits = c.more.map((e) => toTextEdit(f, e.span, e.text));
  return item;
}

export const completion: Feature = {
  capabilities: { completionProvider: { triggerCharacters: ['"', "'", '[', ',', ' ', ':', '/', '-'] } },
  register(ctx: ServerContext) {
    ctx.connection.onCompletion(({ textDocument, position }): CompletionList => {
      try {
        const here = documentFile(ctx, textDocument.uri);
        if (!here) return { isIncomplete: false, items: [] };
        const items = completions(here.a.ctx.workspace, here.f, offsetAt(here.f, position), here.a.ctx.cluster).map((c) =>
          toItem(here.f, c),
        );
        return { isIncomplete: false, items };
      } catch (e) {
        // Half-typed YAML must never surface as an error in the editor.
        ctx.connection.console.error(`kubeid: completion failed: ${(e as Error).stack ?? String(e)}`);
        return { isIncomplete: false, items: [] };
      }
    });
  },
};
