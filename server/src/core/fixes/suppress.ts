// Quick fixes that silence a check with the comments runChecks reads:
// `# kubeid-disable-next-line ID` above the line, `# kubeid-disable ID` for the YAML document.
import type { ParsedFile, Span } from '../manifest/parse';
import { indentOf, lineStart, type Edit } from './edit';
import type { QuickFix } from './index';

/** A directive line without a `-- reason`, to which another id can be added. */
const directive = (kind: string): RegExp => new RegExp(`^[ \\t]*#[ \\t]*kubeid-${kind}[ \\t]+[^\\s-][^#]*?(?=[ \\t]*\\r?$)`);

function lineAt(text: string, start: number): string {
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end);
}

/** Adds the id to the directive on the line at `start`, when there is one. */
function extend(text: string, start: number, kind: string, id: string): Edit | undefined {
  const line = lineAt(text, start);
  const m = directive(kind).exec(line);
  if (!m || /\s--(\s|$)/.test(line)) return undefined;
  const end = start + m[0].length;
  return { span: { start: end, end }, text: `, ${id}` };
}

export function disableForLine(f: ParsedFile, span: Span, id: string): QuickFix {
  const text = f.text;
  const start = lineStart(text, span.start);
  const above = start > 0 ? lineStart(text, start - 1) : -1;
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const edit = (above >= 0 && extend(text, above, 'disable-next-line', id)) || {
    span: { start, end: start },
    text: `${indentOf(text, start)}# kubeid-disable-next-line ${id}${nl}`,
  };
  return { title: `Disable ${id} for this line`, edits: [edit] };
}

export function disableForDocument(f: ParsedFile, span: Span, id: string): QuickFix {
  const text = f.text;
  // The document starts after the nearest `---` line above (or at the top of the file).
  let start = 0;
  for (let at = lineStart(text, span.start); ; at = lineStart(text, at - 1)) {
    if (/^---(\s|$)/.test(lineAt(text, at))) {
      const next = text.indexOf('\n', at);
      start = next < 0 ? text.length : next + 1;
      break;
    }
    if (at === 0) break;
  }
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const edit = extend(text, start, 'disable', id) ?? { span: { start, end: start }, text: `# kubeid-disable ${id}${nl}` };
  return { title: `Disable ${id} for this document`, edits: [edit] };
}
