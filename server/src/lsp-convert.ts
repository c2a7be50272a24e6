// The one place where core offsets become LSP positions and core findings become diagnostics.
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Location, type Position, type Range, type TextEdit } from 'vscode-languageserver/node';
import type { Finding, Severity } from './core/checks';
import { positionAt, type ParsedFile, type Span } from './core/manifest/parse';

const uris = new Map<string, string>();

/** The file: URI of a path (kept: diagnostics name the same few files again on every edit). */
export function fileUri(path: string): string {
  let uri = uris.get(path);
  if (uri === undefined) uris.set(path, (uri = pathToFileURL(path).href));
  return uri;
}

export function spanToRange(file: ParsedFile, span: Span): Range {
  return { start: positionAt(file.lineStarts, span.start), end: positionAt(file.lineStarts, span.end) };
}

/** The offset of an LSP position, clamped to the end of its line (before the line break). */
export function offsetAt(file: ParsedFile, p: Position): number {
  if (p.line >= file.lineStarts.length) return file.text.length;
  const next = file.lineStarts[p.line + 1];
  const end = next === undefined ? file.text.length : next - (file.text[next - 2] === '\r' ? 2 : 1);
  return Math.min(file.lineStarts[p.line] + Math.max(0, p.character), end);
}

export function rangeToSpan(file: ParsedFile, r: Range): Span {
  return { start: offsetAt(file, r.start), end: offsetAt(file, r.end) };
}

export function toLocation(file: ParsedFile, span: Span): Location {
  return { uri: fileUri(file.file), range: spanToRange(file, span) };
}

export function toTextEdit(file: ParsedFile, span: Span, newText: string): TextEdit {
  return { range: spanToRange(file, span), newText };
}

/** What a kubeid diagnostic carries in `data`: the check's own fix, if any, with the text it replaces. */
export interface DiagnosticData {
  fix?: { title: string; edit: TextEdit; replaces: string };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding, fileOf: (path: string) => ParsedFile | undefined): Diagnostic | undefined {
  const file = fileOf(f.file);
  if (!file) return undefined;
  const d: Diagnostic = {
    range: spanToRange(file, f.span),
    severity: SEVERITY[f.severity],
    code: f.check,
    source: 'kubeid',
    message: f.message,
  };
  const related = (f.related ?? []).flatMap((r) => {
    const rf = fileOf(r.file);
    return rf ? [{ location: { uri: fileUri(r.file), range: spanToRange(rf, r.span) }, message: r.message }] : [];
  });
  if (related.length) d.relatedInformation = related;
  if (f.fix) {
    const replaces = file.text.slice(f.fix.span.start, f.fix.span.end);
    d.data = { fix: { title: f.fix.title, edit: toTextEdit(file, f.fix.span, f.fix.replacement), replaces } } satisfies DiagnosticData;
  }
  return d;
}

/** Places in the workspace as LSP locations (places in files the model does not hold are left out). */
export function toLocations(
  fileOf: (path: string) => ParsedFile | undefined,
  places: ReadonlyArray<{ file: string; span: Span }>,
): Location[] {
  return places.flatMap((p) => {
    const f = fileOf(p.file);
    return f ? [toLocation(f, p.span)] : [];
  });
}
