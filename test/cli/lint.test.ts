// kubeid lint and kubeid lsp as users run them: the bundled dist/cli.js, its output and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { repoPath, repoRoot } from '../helpers/repo';
import { runKubeid as kubeid } from '../helpers/cli';

const DIR = 'test/fixtures/lint';
const ROLES = `${DIR}/roles.yaml`;
const WARNINGS = `${DIR}/warnings.yaml`;
const BROKEN = `${DIR}/broken.yaml`;
const CLEAN = `${DIR}/clean.yaml`;
const FIELDS = `${DIR}/fields.yaml`;

/** A finding of -o json. */
interface Row {
  rule: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: string };
}

const rows = (out: string): Row[] => JSON.parse(out) as Row[];

/** The text a finding points at: lines and columns from 1, columns in characters (code points). */
function marked(file: string, f: { line: number; column: number; endLine: number; endColumn: number }): string {
  assert.equal(f.endLine, f.line, 'single-line findings in these fixtures');
  const line = readFileSync(repoPath(file), 'utf8').split('\n')[f.line - 1];
  return [...line].slice(f.column - 1, f.endColumn - 1).join('');
}

test('text: file:line:col: severity: message [id], one per line; the summary on stderr', () => {
  const r = kubeid(['lint', ROLES]);
  assert.equal(r.code, 1, 'errors fail by default');
  const lines = r.out.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => /^(.+?:\d+:\d+: \w+): .* \[([a-z-]+)\]$/.exec(l)?.slice(1).join(' ')),
    [
      `${ROLES}:3:66: error invalid-name`,
      `${ROLES}:6:17: warning unknown-resource`,
      `${ROLES}:7:20: warning unknown-verb`,
      `${ROLES}:19:9: error invalid-role-ref`,
    ],
  );
  assert.match(lines[2], /"lst": not a Kubernetes API verb.*Did you mean "list"\?/);
  assert.equal(r.err, '2 errors, 2 warnings, 0 infos\n');
  assert.deepEqual(kubeid(['lint', CLEAN]), { code: 0, out: '', err: '0 errors, 0 warnings, 0 infos\n' });
});

test('json: one array of {rule, severity, file, line, column, endLine, endColumn, message} at the exact element', () => {
  const r = kubeid(['lint', ROLES, '-o', 'json']);
  assert.equal(r.code, 1);
  assert.equal(r.err, '');
  const findings = rows(r.out);
  for (const f of findings) {
    assert.deepEqual(Object.keys(f), ['rule', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'message']);
    assert.equal(f.file, ROLES);
  }
  const at = (rule: string) =>
    marked(
      ROLES,
      findings.find((f) => f.rule === rule)!,
    );
  assert.equal(at('unknown-verb'), '"lst"');
  assert.equal(at('unknown-resource'), '"pod"');
  assert.equal(at('invalid-role-ref'), 'Role');
  // After "🚀" on the same line: one character, two UTF-16 units.
  const name = findings.find((f) => f.rule === 'invalid-name')!;
  assert.equal(at('invalid-name'), 'Shop_NS');
  assert.deepEqual([name.line, name.column, name.endLine, name.endColumn], [3, 66, 3, 73]);
  assert.deepEqual(
    findings.map((f) => [f.rule, f.severity]),
    [
      ['invalid-name', 'error'],
      ['unknown-resource', 'warning'],
      ['unknown-verb', 'warning'],
      ['invalid-role-ref', 'error'],
    ],
  );
  assert.deepEqual(rows(kubeid(['lint', CLEAN, '-o', 'json']).out), []);
});

test('folders are read recursively, findings ordered by file, line and column', () => {
  const r = kubeid(['lint', DIR, '-o', 'json']);
  const findings = rows(r.out);
  assert.deepEqual([...new Set(findings.map((f) => f.file))], [BROKEN, FIELDS, ROLES, WARNINGS]);
  const sorted = [...findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  assert.deepEqual(findings, sorted);
  assert.equal(kubeid(['lint', DIR, '-o', 'json']).out, r.out, 'the same output every time');
});

test('--no-defaults leaves out the default cluster policy, the baseline of reference checks', () => {
  assert.equal(kubeid(['lint', CLEAN]).out, '', 'ClusterRole "view" is a default role');
  const rules = (JSON.parse(kubeid(['lint', CLEAN, '-o', 'sarif']).out).runs[0].tool.driver.rules as SarifRule[]).map((r) => r.id);
  const r = kubeid(['lint', CLEAN, '--no-defaults', '-o', 'json']);
  // missing-role is the check that reads the defaults (while it is being added: only when it exists).
  const expected = rules.includes('missing-role') ? [['missing-role', 23, 9]] : [];
  assert.deepEqual(
    rows(r.out).map((f) => [f.rule, f.line, f.column]),
    expected,
  );
});

test('sarif: SARIF 2.1.0 with the rules, levels, rule indexes and relative URIs', () => {
  const r = kubeid(['lint', DIR, '-o', 'sarif', '--severity', 'unknown-verb=information']);
  assert.equal(r.code, 1);
  const log = JSON.parse(r.out);
  assert.match(log.$schema, /sarif-schema-2\.1\.0\.json$/);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  const driver = run.tool.driver as { name: string; version: string; informationUri: string; rules: SarifRule[] };
  assert.equal(driver.name, 'kubeid');
  assert.equal(`kubeid ${driver.version}\n`, kubeid(['version']).out);
  assert.match(driver.informationUri, /^https:\/\//);
  const ids = driver.rules.map((rule) => rule.id);
  assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
  for (const id of ['invalid-role-ref', 'unknown-verb', 'wrong-api-group', 'yaml-syntax', 'invalid-field']) assert.ok(ids.includes(id), id);
  for (const rule of driver.rules) {
    assert.ok(rule.shortDescription.text.length > 0, rule.id);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level), rule.id);
  }
  const level = (id: string) => driver.rules[ids.indexOf(id)].defaultConfiguration.level;
  assert.deepEqual([level('invalid-role-ref'), level('unknown-verb'), level('invalid-field')], ['error', 'warning', 'warning']);
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(repoRoot).href + '/');

  const json = rows(kubeid(['lint', DIR, '-o', 'json', '--severity', 'unknown-verb=information']).out);
  assert.equal(run.results.length, json.length, 'the same findings as -o json');
  run.results.forEach((res: any, i: number) => {
    const f = json[i];
    assert.equal(res.ruleId, f.rule);
    assert.equal(driver.rules[res.ruleIndex].id, res.ruleId, 'ruleIndex points at the rule');
    assert.equal(
      res.level,
      ({ error: 'error', warning: 'warning', information: 'note', hint: 'note' } as Record<string, string>)[f.severity],
    );
    assert.equal(res.message.text, f.message);
    assert.equal(res.locations.length, 1);
    const { artifactLocation, region } = res.locations[0].physicalLocation;
    assert.deepEqual(artifactLocation, { uri: f.file, uriBaseId: '%SRCROOT%' });
    assert.deepEqual(region, { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
  });
  assert.ok(run.results.some((res: any) => res.ruleId === 'unknown-verb' && res.level === 'note'));
  assert.ok(run.results.some((res: any) => res.ruleId === 'yaml-syntax' && res.level === 'error'));

  // Outside the current directory: an absolute file URI, no base.
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-lint-'));
  const outside = join(dir, 'role.yaml');
  writeFileSync(outside, readFileSync(repoPath(WARNINGS)));
  const res = JSON.parse(kubeid(['lint', outside, '-o', 'sarif']).out).runs[0].results[0];
  assert.deepEqual(res.locations[0].physicalLocation.artifactLocation, { uri: pathToFileURL(outside).href });
});

test('--fail-on error|warning|never sets the exit code', () => {
  assert.equal(kubeid(['lint', WARNINGS]).code, 0, 'warnings pass by default');
  assert.equal(kubeid(['lint', WARNINGS, '--fail-on', 'warning']).code, 1);
  assert.equal(kubeid(['lint', WARNINGS, '--fail-on=error']).code, 0);
  assert.equal(kubeid(['lint', ROLES, '--fail-on', 'never']).code, 0);
  assert.equal(kubeid(['lint', CLEAN, '--fail-on', 'warning']).code, 0);
  assert.deepEqual(kubeid(['lint', ROLES, '--fail-on', 'info']), {
    code: 2,
    out: '',
    err: 'error: invalid argument "info" for --fail-on: must be error, warning or never\n',
  });
});

test('--severity ID=LEVEL overrides a check, off drops it; unknown ids and levels are usage errors', () => {
  const up = kubeid(['lint', WARNINGS, '--severity', 'wrong-api-group=error']);
  assert.equal(up.code, 1);
  assert.match(up.out, /^test\/fixtures\/lint\/warnings\.yaml:7:17: error: .* \[wrong-api-group\]\n$/);
  assert.equal(up.err, '1 error, 0 warnings, 0 infos\n');
  assert.deepEqual(kubeid(['lint', WARNINGS, '--fail-on', 'warning', '--severity', 'wrong-api-group=off']), {
    code: 0,
    out: '',
    err: '0 errors, 0 warnings, 0 infos\n',
  });
  const two = rows(kubeid(['lint', ROLES, '-o', 'json', '--severity', 'unknown-verb=hint', '--severity=invalid-name=off']).out);
  assert.deepEqual(
    two.map((f) => `${f.rule}:${f.severity}`),
    ['unknown-resource:warning', 'unknown-verb:hint', 'invalid-role-ref:error'],
  );
  assert.equal(kubeid(['lint', BROKEN, '--severity', 'yaml-syntax=off']).code, 0, 'manifest problems are rules too');
  assert.deepEqual(kubeid(['lint', ROLES, '--severity', 'unknown-verbs=off']), {
    code: 2,
    out: '',
    err: 'error: unknown check "unknown-verbs" in --severity unknown-verbs=off\n',
  });
  assert.equal(kubeid(['lint', ROLES, '--severity', 'unknown-verb=loud']).code, 2);
  assert.equal(kubeid(['lint', ROLES, '--severity', 'unknown-verb']).code, 2);
});

test('broken YAML is a finding (exit 1), not bad input', () => {
  const r = kubeid(['lint', BROKEN, CLEAN]);
  assert.equal(r.code, 1);
  assert.match(r.out, /^test\/fixtures\/lint\/broken\.yaml:\d+:\d+: error: YAML syntax error: .* \[yaml-syntax\]\n$/);
  assert.equal(r.err, '1 error, 0 warnings, 0 infos\n');
  const bomb = rows(kubeid(['lint', 'test/fixtures/manifest/lol.yaml', '-o', 'json']).out);
  assert.deepEqual(
    bomb.map((f) => `${f.rule}:${f.severity}`),
    ['alias-limit:error'],
  );
});

test('fields of the wrong type and removed API versions are invalid-field warnings at the field', () => {
  const r = kubeid(['lint', FIELDS, '-o', 'json']);
  assert.equal(r.code, 0);
  const findings = rows(r.out);
  assert.deepEqual(
    findings.map((f) => [f.rule, f.severity, marked(FIELDS, f)]),
    [
      ['invalid-field', 'warning', 'rbac.authorization.k8s.io/v1beta1'],
      ['invalid-field', 'warning', '7'],
    ],
  );
  assert.equal(kubeid(['lint', FIELDS, '--fail-on', 'warning']).code, 1);
});

test('bad usage and unreadable paths exit 2 with one line each', () => {
  assert.deepEqual(kubeid(['lint', 'nope/missing.yaml', CLEAN]), {
    code: 2,
    out: '',
    err: 'error: cannot read nope/missing.yaml: no such file or directory\n',
  });
  assert.equal(kubeid(['lint']).code, 2);
  assert.match(kubeid(['lint']).err, /at least one PATH/);
  assert.match(kubeid(['lint', CLEAN, '-o', 'xml']).err, /allowed formats are: text, json, sarif/);
  assert.equal(kubeid(['lint', CLEAN, '--frm', 'x']).code, 2);
  assert.match(kubeid(['--help']).out, /kubeid lint PATH\.\.\./);
});

test('- reads stdin', () => {
  const yaml =
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: x}\nrules: [{apiGroups: [""], resources: [pods], verbs: [gets]}]\n';
  const r = kubeid(['lint', '-'], yaml);
  assert.equal(r.code, 0);
  assert.match(r.out, /^<stdin>:4:54: warning: .*"gets".* \[unknown-verb\]\n$/);
  const sarif = JSON.parse(kubeid(['lint', '-', '-o', 'sarif'], yaml).out);
  assert.deepEqual(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation, { description: { text: 'standard input' } });
});

test('kubeid lsp --stdio answers initialize and publishes diagnostics for an opened document', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-lsp-'));
  const child = spawn(process.execPath, [repoPath('dist/cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published = new Promise<Diagnostic[]>((resolve) =>
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      if (p.uri === uri && p.diagnostics.length) resolve(p.diagnostics);
    }),
  );
  conn.onRequest(() => null);
  conn.listen();
  const uri = pathToFileURL(join(dir, 'role.yaml')).href;
  try {
    const init = await conn.sendRequest<{ capabilities: { textDocumentSync?: unknown } }>('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      capabilities: {},
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
    });
    assert.ok(init.capabilities.textDocumentSync !== undefined);
    await conn.sendNotification('initialized', {});
    const text = readFileSync(repoPath(WARNINGS), 'utf8');
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no diagnostics within 20 s')), 20_000).unref());
    const diags = await Promise.race([published, timeout]);
    assert.deepEqual(
      diags.map((d) => [d.code, d.range.start.line, d.range.start.character]),
      [['wrong-api-group', 6, 16]],
    );
    await conn.sendRequest('shutdown');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await conn.sendNotification('exit');
    assert.equal(await exited, 0);
  } finally {
    conn.dispose();
    child.kill();
  }
});
