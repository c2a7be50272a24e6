// Quick fixes for kubeid's diagnostics, keyed off their code (the check id): the check's own
// fix carried in Diagnostic.data, the fixes of server/src/core/fixes, suppression comments, and
// "Compare with cluster" for drift.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node';
import type { Feature, ServerContext } from '../context';
import { spanAt } from '../core/checks/locate';
import { quickFixes } from '../core/fixes';
import type { ParsedFile } from '../core/manifest/parse';
import { rangeToSpan, toTextEdit, type DiagnosticData } from '../lsp-convert';
import type { Analysis } from '../workspace-model';
import { LENS_COMMANDS } from './code-lens';

function actionsFor(a: Analysis, f: ParsedFile, uri: string, d: Diagnostic): CodeAction[] {
  if (d.source !== 'kubeid' || typeof d.code !== 'string') return [];
  const action = (title: string, edits: CodeAction['edit'], preferred?: boolean): CodeAction => {
    const out: CodeAction = { title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: edits };
    if (preferred) out.isPreferred = true;
    return out;
  };
  // A diagnostic may be older than the text (the user typed since it was published): offer its fix
  // only while the text it replaces is still there.
  const stored = (d.data as DiagnosticData | undefined)?.fix;
  const at = stored && rangeToSpan(f, stored.edit.range);
  const own = stored && at && f.text.slice(at.start, at.end) === stored.replaces ? stored : undefined;
  const out = own ? [action(own.title, { changes: { [uri]: [own.edit] } }, true)] : [];
  for (const fix of quickFixes(a.ctx, f, d.code, rangeToSpan(f, d.range))) {
    const edits = fix.edits.map((e) => toTextEdit(f, e.span, e.text));
    out.push(action(fix.title, { changes: { [uri]: edits } }, fix.preferred && !own));
  }
  if (d.code === 'drift') out.push(...compareAction(a, f, uri, d));
  return out;
}

/** A drift diagnostic (at the object's name): the live object and the file side by side. */
function compareAction(a: Analysis, f: ParsedFile, uri: string, d: Diagnostic): CodeAction[] {
  const at = rangeToSpan(f, d.range).start;
  const hit = a.ctx.objects.find(({ manifest: m }) => m.file === f.file && spanAt(m.node, ['metadata', 'name']).start === at);
  if (!hit) return [];
  const { kind, metadata } = hit.object;
  const args = [{ kind, ...(metadata.namespace ? { namespace: metadata.namespace } : {}), name: metadata.name, uri }];
  return [
    {
      title: 'Compare with cluster',
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      command: { title: 'Compare with cluster', command: LENS_COMMANDS.compareWithCluster, arguments: args },
    },
  ];
}

export const codeActions: Feature = {
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } },
  register(ctx: ServerContext) {
    ctx.connection.onCodeAction(({ textDocument, context }) => {
      if (context.only && !context.only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return null;
      const path = ctx.pathOf(textDocument.uri);
      const a = ctx.model.analysis();
      const f = path ? a.file(path) : undefined;
      if (!f) return null;
      // Two diagnostics of one check on a line offer the same suppression once.
      const seen = new Set<string>();
      return context.diagnostics
        .flatMap((d) => actionsFor(a, f, textDocument.uri, d))
        .filter((x) => {
          const key = JSON.stringify([x.title, x.edit]);
          return !seen.has(key) && !!seen.add(key);
        });
    });
  },
};
