// Go to definition (roleRef → Role/ClusterRole, subject and serviceAccountName → ServiceAccount),
// find references (role → bindings and aggregated roles, ServiceAccount → bindings and
// workloads), and document symbols (one per object, with its rules, subjects and roleRef).
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { Feature, ServerContext } from '../context';
import { outline, type OutlineItem } from '../core/outline';
import { definitionsOf, referencesTo, targetAt } from '../core/references';
import { offsetAt, spanToRange, toLocations } from '../lsp-convert';

const SYMBOL: Record<OutlineItem['role'], SymbolKind> = {
  object: SymbolKind.Class,
  rule: SymbolKind.Property,
  subject: SymbolKind.Field,
  roleRef: SymbolKind.Interface,
};

function symbol(f: Parameters<typeof spanToRange>[0], item: OutlineItem): DocumentSymbol {
  const s: DocumentSymbol = {
    name: item.name,
    kind: SYMBOL[item.role],
    range: spanToRange(f, item.span),
    selectionRange: spanToRange(f, item.selection),
    children: item.children.map((c) => symbol(f, c)),
  };
  if (item.detail) s.detail = item.detail;
  return s;
}

export const navigation: Feature = {
  capabilities: { definitionProvider: true, referencesProvider: true, documentSymbolProvider: true },
  register(ctx: ServerContext) {
    /** The analysis, the file and the offset of a position in a document. */
    const at = (uri: string, position: { line: number; character: number }) => {
      const path = ctx.pathOf(uri);
      const a = ctx.model.analysis();
      const f = path ? a.file(path) : undefined;
      return f && { a, f, offset: offsetAt(f, position) };
    };

    ctx.connection.onDefinition(({ textDocument, position }) => {
      const here = at(textDocument.uri, position);
      const target = here && targetAt(here.a.ctx, here.f.file, here.offset);
      if (!here || !target) return null;
      const from = here.a.ctx.objects.find(
        ({ manifest: m }) => m.file === here.f.file && m.span.start <= here.offset && here.offset <= m.span.end,
      );
      return toLocations(here.a.file, definitionsOf(here.a.ctx, target, from?.manifest));
    });

    ctx.connection.onReferences(({ textDocument, position, context }) => {
      const here = at(textDocument.uri, position);
      const target = here && targetAt(here.a.ctx, here.f.file, here.offset);
      if (!here || !target) return null;
      const refs = referencesTo(here.a.ctx, target);
      return toLocations(here.a.file, context.includeDeclaration ? [...definitionsOf(here.a.ctx, target), ...refs] : refs);
    });

    ctx.connection.onDocumentSymbol(({ textDocument }) => {
      const path = ctx.pathOf(textDocument.uri);
      const f = path ? ctx.model.analysis().file(path) : undefined;
      return f ? outline(f).map((item) => symbol(f, item)) : null;
    });
  },
};
