// The one place where core offsets become LSP positions and core findings become diagnostics.
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { Finding, Severity } from './core/checks';
import { positionAt, type ParsedFile, type Span } from './core/manifest/parse';

export function spanToRange(file: ParsedFile, span: Span): Range {
  return { start: positionAt(file.lineStarts, span.start), end: positionAt(file.lineStarts, span.end) };
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
    return rf ? [{ location: { uri: pathToFileURL(r.file).href, range: spanToRange(rf, r.span) }, message: r.message }] : [];
  });
  if (related.length) d.relatedInformation = related;
  return d;
}
