// The kubeid/audit request the "kubeid: Audit Access" command sends: the audit of the workspace, or
// of the connected cluster's snapshot (the Kubernetes API test server), as a self-contained HTML
// page whose links (command URIs) open the manifest or the live object, and as problems located in
// the workspace files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditResult } from '../../server/src/protocol';
import { startTestApiServer } from '../helpers/apiserver/index';
import { clusterSettled, startServer, writeWorkspace, type LspSession } from '../helpers/lsp';
import { repoPath } from '../helpers/repo';

/** The index a link of the page carries: `command:kubeid.openAuditLink?[i]`. */
function linkIndexes(html: string): number[] {
  return [...html.matchAll(/href="command:kubeid\.openAuditLink\?([^"]+)"/g)].map(
    (m) => (JSON.parse(decodeURIComponent(m[1])) as number[])[0],
  );
}

let dir: string;
let s: LspSession;

before(async () => {
  dir = writeWorkspace({ 'paths.yaml': readFileSync(repoPath('test/fixtures/audit/paths.yaml'), 'utf8') });
  s = await startServer(dir);
  await s.until('ready', () => s.statuses.find((x) => x.state === 'ready'));
});
after(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('kubeid/audit: the report page and the problems at the objects that grant', async () => {
  const r: AuditResult = await s.conn.sendRequest('kubeid/audit', {});
  assert.equal(r.summary, '8 errors, 1 warning, 4 infos');
  assert.ok(r.html.startsWith('<!DOCTYPE html>') && r.html.includes("default-src 'none'") && !r.html.includes('<script'));
  assert.ok(r.html.includes('User mallory'));
  const mallory = r.problems.find((p) => p.message.startsWith('User mallory'));
  assert.deepEqual(
    [mallory?.rule, mallory?.severity, mallory?.file, mallory?.line],
    ['escalation-cluster-admin', 'error', join(dir, 'paths.yaml'), 12],
  );
  // The default policy's findings come marked, with no file of the workspace.
  const managed = r.problems.filter((p) => p.managedBy);
  assert.ok(managed.length > 0 && managed.every((p) => p.file === undefined));
  const two: AuditResult = await s.conn.sendRequest('kubeid/audit', { hops: 2 });
  assert.ok(!two.problems.some((p) => p.message.startsWith('User mallory can become cluster-admin')));
});

test('kubeid/audit: links to the manifest at each object, by index into the answer', async () => {
  const r: AuditResult = await s.conn.sendRequest('kubeid/audit', {});
  assert.equal(r.audited, 'the workspace');
  const indexes = linkIndexes(r.html);
  assert.ok(indexes.length > 0 && indexes.every((i) => r.links[i] !== undefined));
  // mallory's first grant: the RoleBinding at line 12, linked from the path's step.
  const i = r.links.findIndex((l) => 'file' in l && l.file === join(dir, 'paths.yaml') && l.line === 12);
  assert.ok(indexes.includes(i));
  assert.ok(
    r.links.every((l) => 'file' in l),
    'no live object in a workspace audit',
  );
});

test('kubeid/audit of the connected cluster: its objects, linked as live objects; not connected, a clear error', async (t) => {
  const api = await startTestApiServer({ from: [repoPath('test/fixtures/e2e-audit/rbac.yaml')] });
  const home = mkdtempSync(join(tmpdir(), 'kubeid-home-'));
  const kubeconfig = api.writeKubeconfig(home);
  const folder = writeWorkspace({ 'readme.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n' });
  const env = { ...process.env, KUBECONFIG: '', HOME: home };
  const connected = await startServer(folder, { kubeconfig }, { initializationOptions: { trusted: true }, env });
  const offline = await startServer(folder, { kubeconfig: join(home, 'none') }, { initializationOptions: { trusted: true }, env });
  t.after(async () => {
    await connected.stop();
    await offline.stop();
    await api.stop();
  });
  const settled = await clusterSettled(connected);
  assert.equal(settled.state, 'ready', settled.message);

  const r: AuditResult = await connected.conn.sendRequest('kubeid/audit', { source: 'cluster' });
  assert.equal(r.audited, 'context admin');
  assert.match(r.summary, /^1 error/);
  assert.ok(r.html.includes('User mallory') && r.html.includes('create pods in namespace build'));
  const i = r.links.findIndex((l) => 'kind' in l && l.kind === 'RoleBinding' && l.namespace === 'build' && l.name === 'mallory-pods');
  assert.ok(i >= 0 && linkIndexes(r.html).includes(i), 'the binding of the path links to the live object');
  // Live objects are in no file: nothing for the Problems view to place.
  assert.ok(r.problems.length > 0 && r.problems.every((p) => p.file === undefined));
  // The workspace, on the same server: not the cluster's objects.
  const ws: AuditResult = await connected.conn.sendRequest('kubeid/audit', { source: 'workspace' });
  assert.ok(!ws.html.includes('User mallory'));

  await assert.rejects(offline.conn.sendRequest('kubeid/audit', { source: 'cluster' }), /kubeid is not connected to a cluster/);
});
