// The kubeid/audit request the "kubeid: Audit Access" command sends: the workspace's audit as a
// self-contained HTML page and as problems located in the workspace files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditResult } from '../../server/src/protocol';
import { startServer, writeWorkspace, type LspSession } from '../helpers/lsp';
import { repoPath } from '../helpers/repo';

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
