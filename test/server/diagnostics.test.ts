// Diagnostics as an editor receives them: exact ranges, check ids as codes, settings, suppressions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { startServer } from '../helpers/lsp';
import { repoPath } from '../helpers/repo';

const ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: web
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pod"]
    verbs: ["get", "lst"]
`;

const text = (src: string, d: Diagnostic) => {
  const lines = src.split('\n');
  return lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
};

test('an open manifest gets diagnostics at the exact element, with the check id as code', async () => {
  const s = await startServer(repoPath('test/fixtures/e2e-workspace'));
  try {
    const uri = await s.open(repoPath('test/fixtures/e2e-workspace/web.yaml'), ROLE);
    const diags = await s.until('diagnostics', () => s.diagnostics.get(uri)?.length === 2 && s.diagnostics.get(uri));
    const byCode = new Map(diags.map((d) => [d.code, d]));
    assert.equal(text(ROLE, byCode.get('unknown-resource')!), '"pod"');
    assert.match(byCode.get('unknown-resource')!.message as string, /pods/);
    assert.equal(text(ROLE, byCode.get('unknown-verb')!), '"lst"');
    assert.match(byCode.get('unknown-verb')!.message as string, /list/);
    assert.ok(diags.every((d) => d.source === 'kubeid'));

    // Fixing the file clears them; a suppression comment silences one check.
    await s.change(
      uri,
      2,
      ROLE.replace('"pod"', '"pods"').replace(
        '    verbs: ["get", "lst"]',
        '    # kubeid-disable-next-line unknown-verb\n    verbs: ["get", "lst"]',
      ),
    );
    await s.until('diagnostics cleared', () => s.diagnostics.get(uri)?.length === 0);
  } finally {
    await s.stop();
  }
});

test('a check set to "off" in the settings reports nothing; broken YAML is a diagnostic, not a crash', async () => {
  const s = await startServer(repoPath('test/fixtures/e2e-workspace'), { checks: { 'unknown-verb': 'off', 'unknown-resource': 'error' } });
  try {
    const uri = await s.open(repoPath('test/fixtures/e2e-workspace/web.yaml'), ROLE + '---\nkind: [broken\n');
    const diags = await s.until('diagnostics', () => (s.diagnostics.get(uri)?.length ?? 0) > 0 && s.diagnostics.get(uri));
    assert.deepEqual(diags.map((d) => `${String(d.code)}:${d.severity}`).sort(), ['unknown-resource:1', 'yaml-syntax:1']);
  } finally {
    await s.stop();
  }
});
