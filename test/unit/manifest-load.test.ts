import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadManifestPaths } from '../../server/src/core/manifest/load';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}
const fixtures = path.join(repoRoot(), 'test/fixtures/manifest');
const sa = (name: string): string => `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}}\n`;

/** A temporary folder tree; node_modules and .git cannot live in the committed fixtures. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'kubeid-load-'));
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(root, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

test('folders are read recursively and in sorted order, skipping node_modules, .git, dot-folders and other extensions', async (t) => {
  const root = tree({
    'b.yaml': sa('b'),
    'a.yml': sa('a'),
    'sub/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'c' } }),
    'sub/deeper/d.YAML': sa('d'),
    'notes.txt': sa('not-read'),
    'node_modules/pkg/x.yaml': sa('in-node-modules'),
    '.git/y.yaml': sa('in-git'),
    '.github/workflows/ci.yaml': sa('in-dot-folder'),
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const files = await loadManifestPaths([root]);
  assert.deepEqual(
    files.map((f) => path.relative(root, f.file)),
    ['a.yml', 'b.yaml', path.join('sub', 'c.json'), path.join('sub', 'deeper', 'd.YAML')],
  );
  assert.deepEqual(
    files.flatMap((f) => f.manifests.map((m) => m.name)),
    ['a', 'b', 'c', 'd'],
  );
  assert.deepEqual(
    files.flatMap((f) => f.problems),
    [],
  );
});

test('a file named explicitly is read whatever its extension; a file named twice is read once', async (t) => {
  const root = tree({ 'rbac.txt': sa('txt'), 'x.yaml': sa('x') });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const files = await loadManifestPaths([path.join(root, 'rbac.txt'), root, path.join(root, 'x.yaml')]);
  assert.deepEqual(
    files.map((f) => path.basename(f.file)),
    ['rbac.txt', 'x.yaml'],
  );
  assert.equal(files[0].manifests[0].name, 'txt');
});

test('a missing path is an unreadable problem with the OS reason, and the other paths still load', async () => {
  const missing = path.join(fixtures, 'does-not-exist.yaml');
  const files = await loadManifestPaths([missing, path.join(fixtures, 'shop-rbac.yaml')]);
  assert.equal(files.length, 2);
  assert.equal(files[0].file, missing);
  assert.deepEqual(
    files[0].problems.map((p) => [p.code, p.line, p.column]),
    [['unreadable', 1, 1]],
  );
  assert.match(files[0].problems[0].message, /no such file or directory/);
  assert.doesNotMatch(files[0].problems[0].message, /ENOENT/);
  assert.equal(files[1].manifests.length, 3);
});

test('"-" reads stdin under the name <stdin>', async () => {
  const files = await loadManifestPaths(['-'], { readStdin: () => Promise.resolve(sa('from-stdin')) });
  assert.equal(files.length, 1);
  assert.equal(files[0].file, '<stdin>');
  assert.equal(files[0].manifests[0].name, 'from-stdin');
  assert.equal(files[0].manifests[0].file, '<stdin>');
  const failing = await loadManifestPaths(['-'], { readStdin: () => Promise.reject(new Error('stdin closed')) });
  assert.equal(failing[0].problems[0].code, 'unreadable');
});

test('a file over maxBytes is refused from its size, without parsing', async (t) => {
  const root = tree({ 'big.yaml': sa('big') + '#' + 'x'.repeat(5000) + '\n' });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const files = await loadManifestPaths([root], { maxBytes: 1000 });
  assert.equal(files.length, 1);
  assert.deepEqual(files[0].manifests, []);
  assert.equal(files[0].text, '');
  assert.equal(files[0].problems[0].code, 'too-large');
  assert.match(files[0].problems[0].message, /1000 bytes limit/);
});

test('a symlink loop in a folder does not recurse forever', { skip: process.platform === 'win32' }, async (t) => {
  const root = tree({ 'a/x.yaml': sa('x') });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  symlinkSync(root, path.join(root, 'a', 'loop'));
  const files = await loadManifestPaths([root]);
  assert.deepEqual(
    files.flatMap((f) => f.manifests.map((m) => m.name)),
    ['x'],
  );
});
