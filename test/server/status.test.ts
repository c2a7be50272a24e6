// The language server over JSON-RPC (stdio), as an editor drives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { ServerStatus } from '../../server/src/protocol';
import { repoPath } from '../helpers/repo';

async function startServer(folder: string) {
  const child = spawn(process.execPath, [repoPath('dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn: MessageConnection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const statuses: ServerStatus[] = [];
  const waiters: Array<() => void> = [];
  conn.onNotification('kubeid/serverStatus', (s: ServerStatus) => {
    statuses.push(s);
    waiters.splice(0).forEach((w) => w());
  });
  conn.onRequest(() => null);
  conn.listen();
  const uri = pathToFileURL(folder).href;
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: uri, capabilities: {}, workspaceFolders: [{ uri, name: 'ws' }] });
  await conn.sendNotification('initialized', {});
  /** Waits for a status that satisfies `pred`; fails after 20 s showing the last status seen. */
  const until = async (pred: (s: ServerStatus) => boolean): Promise<ServerStatus> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const hit = statuses.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such status; last: ${JSON.stringify(statuses.at(-1))}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, left);
      });
    }
  };
  const stop = async () => {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    conn.dispose();
    child.kill();
  };
  return { conn, until, stop, statuses };
}

test('the server reads the workspace manifests and reports what it found', async () => {
  const s = await startServer(repoPath('example'));
  try {
    const ready = await s.until((x) => x.state === 'ready');
    assert.deepEqual(ready.objects, { ServiceAccount: 4, Role: 2, RoleBinding: 4, ClusterRole: 5, ClusterRoleBinding: 2 });
    assert.equal(ready.files, 4);
    assert.equal(ready.problems, 0);
  } finally {
    await s.stop();
  }
});

test('an edited document updates the model before it is saved; broken YAML is counted, not fatal', async () => {
  const s = await startServer(repoPath('example'));
  try {
    await s.until((x) => x.state === 'ready');
    const uri = pathToFileURL(repoPath('example/extra.yaml')).href;
    const text =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: extra, namespace: shop}\nrules: []\n---\nkey: [unclosed\n';
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const updated = await s.until((x) => x.objects.Role === 3);
    assert.equal(updated.problems, 1);
    assert.equal(updated.files, 5);
  } finally {
    await s.stop();
  }
});
