// Privilege creep: a snapshot saved and read back, and the effective permissions each subject
// gained and lost between two states — equivalent rule sets compare equal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffPermissions, SnapshotError, takeSnapshot, workspaceOfSnapshot } from '../../server/src/core/audit/snapshot';
import { loadWorkspace } from '../../server/src/core/policy/workspace';
import { repoPath } from '../helpers/repo';

const before = () => loadWorkspace([repoPath('test/fixtures/audit/creep/before.yaml')]);
const after = () => loadWorkspace([repoPath('test/fixtures/audit/creep/after.yaml')]);

test('gained and lost per subject and scope; a rule split in two is no change', async () => {
  const changes = diffPermissions(await before(), await after());
  assert.deepEqual(
    changes.map((c) => [c.subject, c.namespace, c.gained, c.lost.length > 0]),
    [
      ['User jane', 'x', [['secrets', '[]', '[]', '[get]']], false],
      ['User kim', '', [], true],
      ['User lee', 'x', [['configmaps', '[]', '[]', '[*]']], false],
    ],
  );
  const kim = changes.find((c) => c.subject === 'User kim')!;
  assert.ok(
    kim.lost.some((r) => r[0] === 'pods' && r[3] === '[get list watch]'),
    JSON.stringify(kim.lost),
  );
  assert.deepEqual(
    kim.lostBy.map((b) => b.name),
    ['kim-view'],
  );
  const jane = changes.find((c) => c.subject === 'User jane')!;
  assert.deepEqual(
    jane.gainedBy.map((b) => [b.name, b.line]),
    [['jane-secrets', 22]],
  );
});

test('a snapshot read back evaluates as the manifests did', async () => {
  const snapshot = takeSnapshot(await before(), {
    source: { from: ['before.yaml'] },
    defaults: true,
    now: new Date('2026-01-02T03:04:05Z'),
  });
  assert.equal(snapshot.createdAt, '2026-01-02T03:04:05.000Z');
  assert.deepEqual(
    snapshot.objects.map((o) => o.kind),
    ['Role', 'RoleBinding', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  );
  const restored = workspaceOfSnapshot(JSON.stringify(snapshot), 'base.json');
  assert.deepEqual(diffPermissions(restored, await before()), []);
  assert.deepEqual(
    diffPermissions(restored, await after()).map((c) => [c.subject, c.namespace]),
    diffPermissions(await before(), await after()).map((c) => [c.subject, c.namespace]),
  );
});

test('a file that is not a snapshot gets a clear error', () => {
  assert.throws(
    () => workspaceOfSnapshot('{', 'x.json'),
    (e: Error) => e instanceof SnapshotError && e.message.startsWith('x.json: not a kubeid snapshot'),
  );
  assert.throws(() => workspaceOfSnapshot('{"kind":"Pod"}', 'x.json'), /kind KubeidSnapshot expected/);
  assert.throws(() => workspaceOfSnapshot('{"kind":"KubeidSnapshot","version":9,"objects":[]}', 'x.json'), /version 9 is not supported/);
});
