// Diagnostics as an editor receives them: exact ranges, check ids as codes, settings, suppressions,
// and the diagnostics of other files an edit changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { startServer, writeWorkspace } from '../helpers/lsp';
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

test('an edit of a role updates the diagnostics of a workload in another file that runs with it', async () => {
  const role = (rules: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: shop\nrules: ${rules}\n`;
  const binding =
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\n  namespace: shop\n' +
    'subjects:\n  - kind: ServiceAccount\n    name: default\n    namespace: shop\n' +
    'roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\n';
  const deployment =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n' +
    'spec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n';
  const rbac = `${role('[]')}---\n${binding}`;
  const dir = writeWorkspace({ 'rbac.yaml': rbac, 'app.yaml': deployment });
  const s = await startServer(dir);
  try {
    const app = pathToFileURL(join(dir, 'app.yaml')).href;
    const severity = (sev: number) => () =>
      s.diagnostics.get(app)?.find((d) => d.code === 'default-service-account-used' && d.severity === sev);
    await s.until('the workload runs as an account without permissions', severity(3));
    const uri = await s.open(join(dir, 'rbac.yaml'), rbac);
    await s.change(uri, 2, `${role('[{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]')}---\n${binding}`);
    const d = await s.until('the account now holds permissions', severity(2));
    assert.match(d.message as string, /holds permissions of its own \(RoleBinding "reader" in "shop"/);
  } finally {
    await s.stop();
  }
});
