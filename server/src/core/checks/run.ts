// Runs checks over a workspace: severity settings, inline suppression comments, stable order.
import { positionAt, type ManifestProblem, type ParsedFile, type ProblemCode, type Span } from '../manifest/parse';
import type { Check, CheckContext, Finding, Severity } from './check';

export interface CheckSettings {
  /** Per check id: a severity, or 'off' to drop its findings. */
  severity?: Record<string, Severity | 'off'>;
}

export function runChecks(ctx: CheckContext, checks: readonly Check[], settings: CheckSettings = {}): Finding[] {
  const byCheck = new Map<string, Finding[]>();
  for (const check of checks) if (settings.severity?.[check.id] !== 'off') byCheck.set(check.id, check.run(ctx));
  return settle(ctx, byCheck, settings);
}

/**
 * Each check's findings as reported: severity settings, suppression comments, marks trimmed, in a
 * stable order; only those in the files `only` when given.
 */
export function settle(
  ctx: CheckContext,
  byCheck: ReadonlyMap<string, readonly Finding[]>,
  settings: CheckSettings = {},
  only?: ReadonlySet<string>,
): Finding[] {
  const files = new Map(ctx.workspace.files.map((f) => [f.file, f]));
  const kept: Finding[] = [];
  for (const [id, findings] of byCheck) {
    const level = settings.severity?.[id];
    if (level === 'off') continue;
    for (const found of findings) {
      if (only && !only.has(found.file)) continue;
      const f = level ? { ...found, severity: level } : found;
      const file = files.get(f.file);
      if (file && file.comments.length > 0 && suppressionsOf(file).suppresses(f)) continue;
      kept.push(file ? trimmed(f, files) : f);
    }
  }
  return kept.sort(
    (a, b) => compare(a.file, b.file) || a.span.start - b.span.start || a.span.end - b.span.end || compare(a.check, b.check),
  );
}

/** Severity of a manifest problem as a finding: unreadable input is an error, a field of the wrong type a warning. */
export function problemSeverity(code: ProblemCode): Severity {
  return code === 'invalid-field' ? 'warning' : 'error';
}

/**
 * Problems reading the manifests (broken YAML, alias bombs, wrong field types...) as findings with
 * their code as check id; severity settings apply as to checks. One without a span is at offset 0.
 */
export function problemFindings(problems: readonly ManifestProblem[], settings: CheckSettings = {}): Finding[] {
  const out: Finding[] = [];
  for (const p of problems) {
    const severity = settings.severity?.[p.code] ?? problemSeverity(p.code);
    if (severity === 'off') continue;
    out.push({ check: p.code, severity, message: p.message, file: p.file, span: p.span ?? { start: 0, end: 0 } });
  }
  return out;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Block collections end after their last line break: mark up to the last character that shows. */
function trimmed(f: Finding, files: Map<string, ParsedFile>): Finding {
  const trim = (file: string, span: Span): Span => {
    const text = files.get(file)?.text;
    let end = span.end;
    while (text !== undefined && end > span.start && /\s/.test(text[end - 1])) end--;
    return end === span.end ? span : { start: span.start, end };
  };
  const out = { ...f, span: trim(f.file, f.span) };
  if (f.related) out.related = f.related.map((r) => ({ ...r, span: trim(r.file, r.span) }));
  return out;
}

interface Suppressions {
  suppresses(f: Finding): boolean;
}

/** A directive's ids; undefined = every check. `# kubeid-disable a, b -- why` */
interface Directive {
  ids?: Set<string>;
  /** Offsets the directive covers: a line, or a YAML document. */
  start: number;
  end: number;
}

const DIRECTIVE = /^\s*kubeid-(disable-next-line|disable)(?:\s+(.*?))?\s*$/;

const suppressions = new WeakMap<ParsedFile, Suppressions>();

function suppressionsOf(file: ParsedFile): Suppressions {
  let s = suppressions.get(file);
  if (!s) suppressions.set(file, (s = readSuppressions(file)));
  return s;
}

function readSuppressions(file: ParsedFile): Suppressions {
  const { text, lineStarts } = file;
  const lineOf = (offset: number): number => positionAt(lineStarts, offset).line;
  const lineText = (line: number): string => text.slice(lineStarts[line], lineStarts[line + 1] ?? text.length);
  let docs: number[] | undefined; // read only for a `kubeid-disable` comment: it scans every line
  const directives: Directive[] = [];
  for (const c of file.comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    const list = (m[2] ?? '').split(/\s--\s|^--\s?/)[0];
    const names = list.split(/[\s,]+/).filter(Boolean);
    const ids = names.length ? new Set(names) : undefined;
    if (m[1] === 'disable') {
      // The `---` document the comment is in.
      docs ??= documentStarts(file);
      const i = docs.findLastIndex((s) => s <= c.span.start);
      directives.push({ ids, start: docs[i] ?? 0, end: docs[i + 1] ?? text.length + 1 });
      continue;
    }
    // The next line that is not only a comment.
    let line = lineOf(c.span.start) + 1;
    while (line < lineStarts.length && /^\s*#/.test(lineText(line))) line++;
    if (line >= lineStarts.length) continue;
    directives.push({ ids, start: lineStarts[line], end: lineStarts[line + 1] ?? text.length + 1 });
  }
  return {
    suppresses: (f) => directives.some((d) => f.span.start >= d.start && f.span.start < d.end && (!d.ids || d.ids.has(f.check))),
  };
}

/**
 * Offsets where YAML documents start: 0 and every `---` line (markers are never content, by the
 * YAML spec). Comments between a `...` end marker and the next document belong to that document.
 */
function documentStarts(file: ParsedFile): number[] {
  const starts = [0];
  let afterEnd: number | undefined; // just after a `...` line, while only comments and blank lines follow
  file.lineStarts.forEach((at, i) => {
    const line = file.text.slice(at, file.lineStarts[i + 1] ?? file.text.length);
    if (/^---(\s|$)/.test(line)) {
      if (at > 0) starts.push(afterEnd ?? at);
      afterEnd = undefined;
    } else if (/^\.\.\.(\s|$)/.test(line)) {
      afterEnd = file.lineStarts[i + 1] ?? file.text.length;
    } else if (afterEnd !== undefined && !/^\s*(#.*)?$/.test(line.trimEnd())) {
      starts.push(afterEnd); // a bare document after `...`
      afterEnd = undefined;
    }
  });
  return starts;
}
