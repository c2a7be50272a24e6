// kubeid lint: the language server's checks over manifest files, for terminals and CI.
import { bool, list, parseArgs, str, UsageError } from './args';
import { InputError, json, type Io } from './common';
import { toSarif, type Rule } from './sarif';
import { ALL_CHECKS, contextFor, runChecks, type CheckSettings, type Finding, type Severity } from '../core/checks';
import { problemFindings, problemSeverity } from '../core/checks/run';
import { loadManifestPaths } from '../core/manifest/load';
import { positionAt, type ParsedFile, type ProblemCode } from '../core/manifest/parse';

const FLAGS = [
  { name: 'output', short: 'o', type: 'string' as const },
  { name: 'fail-on', type: 'string' as const },
  { name: 'severity', type: 'list' as const },
  { name: 'no-defaults', type: 'boolean' as const },
];

/** One finding as printed: lines and columns from 1, columns in characters, end exclusive. */
export interface LintFinding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

/** What each manifest problem means, as a rule. An `unreadable` path stops the run instead (exit 2). */
const PROBLEMS: Record<ProblemCode, string> = {
  'yaml-syntax': 'The document is not valid YAML or JSON.',
  'alias-limit': 'The document expands too many YAML aliases (an alias bomb).',
  'too-large': 'The file is over the size limit, or the document nests too deeply.',
  binary: 'The file looks binary.',
  unreadable: 'The file cannot be read.',
  'not-an-object': 'A Kubernetes object needs both apiVersion and kind.',
  'invalid-field': 'A field of the wrong type, or a removed API version.',
};

/** Every rule a finding can carry: the checks, then the manifest problems. */
export const RULES: readonly Rule[] = [
  ...ALL_CHECKS.map((c) => ({ id: c.id, summary: c.summary, severity: c.severity })),
  ...Object.entries(PROBLEMS).map(([id, summary]) => ({ id, summary, severity: problemSeverity(id as ProblemCode) })),
];

const LEVELS: Record<string, Severity | 'off'> = {
  error: 'error',
  warning: 'warning',
  information: 'information',
  info: 'information',
  hint: 'hint',
  off: 'off',
};
const FAIL_ON: Record<string, readonly Severity[]> = { error: ['error'], warning: ['error', 'warning'], never: [] };

/** --fail-on: the severities that make the exit code 1 (default: errors). */
export function failOnLevels(value: string | undefined): readonly Severity[] {
  const levels = FAIL_ON[value ?? 'error'];
  if (!levels) throw new UsageError(`invalid argument "${value}" for --fail-on: must be error, warning or never`);
  return levels;
}

export async function lint(argv: string[], io: Io, version: string): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const format = str(a, 'output') || 'text';
  if (!['text', 'json', 'sarif'].includes(format)) {
    throw new UsageError(`unknown output format "${format}", allowed formats are: text, json, sarif`);
  }
  const failOn = failOnLevels(str(a, 'fail-on'));
  const settings = severities(list(a, 'severity'));
  if (a.positionals.length === 0) throw new UsageError('kubeid lint needs at least one PATH: a file, a folder or - for stdin');

  const files = await loadManifestPaths(a.positionals, { readStdin: () => io.readStdin() });
  const unreadable = files.flatMap((f) => f.problems).filter((p) => p.code === 'unreadable');
  if (unreadable.length) throw new InputError(unreadable.map((p) => p.message).join('\nerror: '));
  if (files.length === 0) io.err('Warning: no .yaml, .yml or .json files found\n');

  const ctx = contextFor(files, { defaults: !bool(a, 'no-defaults') });
  const found = [...runChecks(ctx, ALL_CHECKS, settings), ...problemFindings(ctx.workspace.problems, settings)];
  const findings = sorted(found, new Map(files.map((f) => [f.file, f])));

  if (format === 'json') json(io, findings);
  else if (format === 'sarif') json(io, toSarif(findings, RULES, { version, cwd: process.cwd() }));
  else text(io, findings);
  return findings.some((f) => failOn.includes(f.severity)) ? 1 : 0;
}

/** --severity ID=LEVEL, repeatable; ids and levels are checked so a typo does not silently do nothing. */
function severities(args: string[]): CheckSettings {
  const severity: Record<string, Severity | 'off'> = {};
  for (const arg of args) {
    const [id, level] = arg.split('=', 2);
    if (!RULES.some((r) => r.id === id)) throw new UsageError(`unknown check "${id}" in --severity ${arg}`);
    if (level === undefined || !(level in LEVELS)) {
      throw new UsageError(`invalid argument "${arg}" for --severity: want ID=LEVEL, LEVEL one of error, warning, information, hint, off`);
    }
    severity[id] = LEVELS[level];
  }
  return { severity };
}

/** Findings with 1-based positions, by file, line and column. */
function sorted(found: Finding[], files: Map<string, ParsedFile>): LintFinding[] {
  const out = found.map((f) => {
    const file = files.get(f.file);
    const start = position(file, f.span.start);
    const end = position(file, f.span.end);
    return { rule: f.check, severity: f.severity, file: f.file, ...start, endLine: end.line, endColumn: end.column, message: f.message };
  });
  const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.endLine - b.endLine ||
      a.endColumn - b.endColumn ||
      cmp(a.rule, b.rule),
  );
}

/** 1-based line and column of an offset, the column counted in characters (code points). */
function position(file: ParsedFile | undefined, offset: number): { line: number; column: number } {
  if (!file) return { line: 1, column: 1 };
  const p = positionAt(file.lineStarts, offset);
  const start = file.lineStarts[p.line];
  return { line: p.line + 1, column: [...file.text.slice(start, start + p.character)].length + 1 };
}

function text(io: Io, findings: LintFinding[]): void {
  for (const f of findings) {
    io.out(`${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message.replace(/\s*\n\s*/g, ' ')} [${f.rule}]\n`);
  }
  const count = (word: string, n: number): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  io.err(`${count('error', errors)}, ${count('warning', warnings)}, ${count('info', findings.length - errors - warnings)}\n`);
}
