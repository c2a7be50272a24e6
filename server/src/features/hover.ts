// textDocument/hover: a rule in plain words, a verb's or resource's meaning, a roleRef's rules,
// a subject's effective permissions (Markdown, from the core's describe/); when connected, roles and
// permissions are read over the live cluster with the workspace on top.
import type { Hover } from 'vscode-languageserver/node';
import { documentFile, type Feature, type ServerContext } from '../context';
import { hoverAt } from '../core/describe/hover';
import { offsetAt, spanToRange } from '../lsp-convert';

export const hover: Feature = {
  capabilities: { hoverProvider: true },
  register(ctx: ServerContext) {
    ctx.connection.onHover(({ textDocument, position }): Hover | null => {
      try {
        const here = documentFile(ctx, textDocument.uri);
        const h = here && hoverAt(here.a.ctx.workspace, here.f, offsetAt(here.f, position), here.a.ctx.cluster);
        return h ? { contents: { kind: 'markdown', value: h.markdown }, range: spanToRange(here.f, h.span) } : null;
      } catch (e) {
        ctx.connection.console.error(`kubeid: hover failed: ${(e as Error).stack ?? String(e)}`);
        return null;
      }
    });
  },
};
