// Go to definition (roleRef → Role/ClusterRole, subject and serviceAccountName → ServiceAccount;
// one found only in the connected cluster → its read-only live document),
// find references (role → bindings and aggregated roles, ServiceAccount → bindings and
// workloads), and document symbols (one per object, with its rules, subjects and roleRef).
import { SymbolKind, type DocumentSymbol, type Location } from 'vscode-languageserver/node';
import type { Feature, ServerContext } from '../context';
import { outline, type OutlineItem } from '../core/outline';
import type { ClusterRefs } from '../core/checks';
import { liveNameLine, liveYaml } from '../core/cluster/live';
import { definitionsOf, referencesTo, targetAt, type Target } from '../core/references';
import { offsetAt, spanToRange, toLocations } from '../lsp-convert';
import { liveObjectUri } from '../protocol';

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

/** A role or account found only in the connected cluster: its read-only live document (kubeid-live:), at its name. */
function liveDefinition(cluster: ClusterRefs | undefined, t: Target): Location[] | null {
  const object = cluster?.raw(t.kind, t.namespace, t.name);
  if (!object) return null;
  const line = liveNameLine(liveYaml(object));
  const uri = liveObjectUri({ kind: t.kind, ...(t.namespace ? { namespace: t.namespace } : {}), name: t.name });
  return [{ uri, range: { start: { line, character: 2 }, end: { line, character: 2 } } }];
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
      const places = toLocations(here.a.file, definitionsOf(here.a.ctx, target, from?.manifest));
      return places.length ? places : liveDefinition(here.a.ctx.cluster, target);
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
