// SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, Azure DevOps): one run, every
// rule kubeid has, one result per finding.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LintFinding } from './lint';
import type { Severity } from '../core/checks';
import { STDIN_NAME } from '../core/manifest/load';

export interface Rule {
  id: string;
  summary: string;
  severity: Severity;
}

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';
const INFORMATION_URI = 'https://example.invalid/kubeid'; // package.json's repository
const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** A finding as SARIF takes it: without a file (an object no file holds) it has no location; without columns, its line. */
export type SarifFinding = Pick<LintFinding, 'rule' | 'severity' | 'message'> & Partial<Omit<LintFinding, 'rule' | 'severity' | 'message'>>;

export function toSarif(findings: readonly SarifFinding[], rules: readonly Rule[], opts: { version: string; cwd: string }) {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kubeid',
            version: opts.version,
            informationUri: INFORMATION_URI,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(opts.cwd).href.replace(/\/?$/, '/') } },
        columnKind: 'unicodeCodePoints',
        results: findings.map((f) => ({
          ruleId: f.rule,
          ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: f.file
            ? [
                {
                  physicalLocation: {
                    artifactLocation: artifact(f.file, opts.cwd),
                    region: { startLine: f.line ?? 1, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
                  },
                },
              ]
            : [],
        })),
      },
    ],
  };
}

/** Under the current directory: a relative URI on %SRCROOT%; elsewhere an absolute file URI. */
function artifact(file: string, cwd: string) {
  if (file === STDIN_NAME) return { description: { text: 'standard input' } };
  const rel = relative(cwd, resolve(cwd, file));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { uri: pathToFileURL(resolve(cwd, file)).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}
