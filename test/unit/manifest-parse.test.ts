import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { nodeAt, parseManifestText, positionAt } from '../../server/src/core/manifest/parse';
import type { ParsedFile, YNode } from '../../server/src/core/manifest/parse';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}
const fixture = (name: string): string => readFileSync(path.join(repoRoot(), 'test/fixtures/manifest', name), 'utf8');
const slice = (f: ParsedFile, n: YNode | undefined): string => (n ? f.text.slice(n.span.start, n.span.end) : '<missing>');

test('multi-document YAML: every object comes back with its document index, name and namespace', () => {
  const f = parseManifestText(fixture('shop-rbac.yaml'), 'shop-rbac.yaml');
  assert.deepEqual(f.problems, []);
  assert.deepEqual(
    f.manifests.map((m) => [m.doc, m.item, m.apiVersion, m.kind, m.name, m.namespace]),
    [
      [0, undefined, 'v1', 'ServiceAccount', 'checkout', 'shop'],
      [1, undefined, 'rbac.authorization.k8s.io/v1', 'Role', 'pod-reader', 'shop'],
      [2, undefined, 'rbac.authorization.k8s.io/v1', 'RoleBinding', 'checkout-reads-pods', 'shop'],
    ],
  );
  const role = f.manifests[1];
  assert.deepEqual(role.value.rules, [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }]);
  assert.ok(f.text.slice(role.span.start, role.span.end).startsWith('apiVersion: rbac.authorization.k8s.io/v1\nkind: Role'));
  assert.equal(f.manifests[0].value.automountServiceAccountToken, false);
});

test('kind: List and typed lists (RoleList): each item is its own manifest with its item index', () => {
  const f = parseManifestText(
    [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: ServiceAccount',
      '  metadata: {name: a, namespace: x}',
      '- 42',
      '- apiVersion: v1',
      '  kind: ServiceAccount',
      '  metadata: {name: b}',
      '',
    ].join('\n'),
    'list.yaml',
  );
  assert.deepEqual(
    f.manifests.map((m) => [m.doc, m.item, m.kind, m.name]),
    [
      [0, 0, 'ServiceAccount', 'a'],
      [0, 2, 'ServiceAccount', 'b'],
    ],
  );
  assert.equal(f.manifests[1].namespace, undefined);
  // A non-object item is reported where it is, the others are kept.
  assert.equal(f.problems.length, 1);
  assert.equal(f.problems[0].code, 'not-an-object');
  assert.equal(f.problems[0].line, 7);
  assert.match(f.problems[0].message, /items\[1\]/);

  const json = parseManifestText(fixture('role-list.json'), 'role-list.json');
  assert.deepEqual(json.problems, []);
  assert.deepEqual(
    json.manifests.map((m) => [m.item, m.kind, m.name, m.namespace]),
    [
      [0, 'Role', 'a', 'one'],
      [1, 'Role', 'b', 'two'],
    ],
  );
});

test('JSON is parsed with positions: spans slice the quoted JSON strings', () => {
  const f = parseManifestText(fixture('role-list.json'), 'role-list.json');
  const verbs = nodeAt(f.manifests[0].node, ['rules', 0, 'verbs']);
  assert.equal(verbs?.type, 'seq');
  assert.equal(slice(f, verbs), '["get", "*"]');
  assert.equal(slice(f, nodeAt(f.manifests[0].node, ['rules', 0, 'verbs', 1])), '"*"');
  assert.equal(slice(f, nodeAt(f.manifests[1].node, ['metadata', 'name'])), '"b"');
  // JSON numbers/booleans/null keep their types.
  const g = parseManifestText('{"apiVersion": "v1", "kind": "X", "n": 1.5, "b": true, "z": null}', 'x.json');
  assert.deepEqual(g.manifests[0].value, { apiVersion: 'v1', kind: 'X', n: 1.5, b: true, z: null });
});

test('quoted "*" spans include the quotes, in flow and block sequences; key spans cover the key', () => {
  const text = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata: {name: star}',
    'rules:',
    '- verbs: ["get", "*"]',
    '  resources:',
    '    - "*"',
    "    - 'pods'",
    '',
  ].join('\n');
  const f = parseManifestText(text, 'star.yaml');
  const node = f.manifests[0].node;
  assert.equal(slice(f, nodeAt(node, ['rules', 0, 'verbs', 1])), '"*"');
  assert.equal(slice(f, nodeAt(node, ['rules', 0, 'resources', 0])), '"*"');
  assert.equal(slice(f, nodeAt(node, ['rules', 0, 'resources', 1])), "'pods'");
  assert.equal(slice(f, nodeAt(node, ['rules', 0, 'verbs'])), '["get", "*"]');
  const rule = nodeAt(node, ['rules', 0]);
  assert.ok(rule?.type === 'map');
  const resources = rule.entries.find((e) => e.key === 'resources')!;
  assert.equal(text.slice(resources.keySpan.start, resources.keySpan.end), 'resources');
  // The position of the flow "*" is line 5 (0-based 4), column of the opening quote.
  assert.deepEqual(positionAt(f.lineStarts, nodeAt(node, ['rules', 0, 'verbs', 1])!.span.start), { line: 4, character: 17 });
});

test('comments are all kept with their spans, including ones at document ends; # in strings is not one', () => {
  const text = [
    '# top',
    'apiVersion: v1 # inline',
    'kind: ConfigMap',
    'data:',
    '  a: "# not a comment"',
    '  b: |',
    '    # block text',
    '# end of doc 1',
    '---',
    '# kubeid-disable-next-line K001',
    'apiVersion: v1',
    'kind: X',
    '# last',
  ].join('\n');
  const f = parseManifestText(text, 'c.yaml');
  assert.deepEqual(
    f.comments.map((c) => c.text),
    [' top', ' inline', ' end of doc 1', ' kubeid-disable-next-line K001', ' last'],
  );
  for (const c of f.comments) assert.equal(text.slice(c.span.start, c.span.end), '#' + c.text);
  assert.equal(f.manifests.length, 2);
});

test('a syntax error in document 3 of 5 is one problem on the right line; the other four are kept', () => {
  const docs = [
    'apiVersion: v1\nkind: A\nmetadata: {name: one}\n',
    'apiVersion: v1\nkind: B\nmetadata: {name: two}\n',
    'apiVersion: v1\nkind: C\nmetadata:\n  name: [three\n  labels: {}\n',
    'apiVersion: v1\nkind: D\nmetadata: {name: four}\n',
    'apiVersion: v1\nkind: E\nmetadata: {name: five}\n',
  ];
  const f = parseManifestText(docs.join('---\n'), 'five.yaml');
  assert.deepEqual(
    f.manifests.map((m) => [m.doc, m.name]),
    [
      [0, 'one'],
      [1, 'two'],
      [3, 'four'],
      [4, 'five'],
    ],
  );
  assert.equal(f.problems.length, 1);
  const p = f.problems[0];
  assert.equal(p.code, 'yaml-syntax');
  assert.equal(p.file, 'five.yaml');
  // Document 3 starts on line 9; the unclosed flow sequence is on line 12, found at line 13.
  assert.ok(p.line >= 12 && p.line <= 13, `line ${p.line}`);
  assert.ok(p.column >= 1);
  assert.ok(!p.message.includes('\n'), 'one-line message');
  assert.match(p.message, /YAML syntax error: .*(sequence|\])/i);
});

test('the billion-laughs alias bomb gives alias-limit quickly, and other documents survive', () => {
  const text = fixture('lol.yaml') + '---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: fine}\n';
  const t0 = performance.now();
  const f = parseManifestText(text, 'lol.yaml');
  const ms = performance.now() - t0;
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  assert.deepEqual(
    f.problems.map((p) => p.code),
    ['alias-limit'],
  );
  assert.match(f.problems[0].message, /alias/);
  assert.deepEqual(
    f.manifests.map((m) => m.name),
    ['fine'],
  );
});

test('maxNodes bounds what aliases may expand to', () => {
  const big = Array.from({ length: 100 }, (_, i) => `k${i}: v`).join(', ');
  const text = `base: &b {${big}}\nuse: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\napiVersion: v1\nkind: X\n`;
  assert.equal(parseManifestText(text, 'x.yaml').manifests.length, 1);
  const f = parseManifestText(text, 'x.yaml', { maxNodes: 1000 });
  assert.deepEqual(
    f.problems.map((p) => p.code),
    ['alias-limit'],
  );
  assert.equal(f.manifests.length, 0);
});

test('aliases and << merge keys are resolved like YAML 1.1 manifests expect', () => {
  const text = [
    'defaults: &defaults',
    '  apiGroups: [""]',
    '  verbs: [get]',
    'extra: &extra',
    '  verbs: [list]',
    '  resourceNames: [x]',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    'metadata: {name: m, namespace: n}',
    'rules:',
    '- <<: *defaults',
    '  resources: [pods]',
    '- <<: [*extra, *defaults]',
    '  resources: [secrets]',
    '- <<: *defaults',
    '  verbs: [watch]',
    '- *extra',
    '',
  ].join('\n');
  const f = parseManifestText(text, 'merge.yaml');
  assert.deepEqual(f.problems, []);
  const rules = f.manifests[0].value.rules;
  assert.deepEqual(rules, [
    { apiGroups: [''], verbs: ['get'], resources: ['pods'] },
    { verbs: ['list'], resourceNames: ['x'], apiGroups: [''], resources: ['secrets'] },
    { apiGroups: [''], verbs: ['watch'] },
    { verbs: ['list'], resourceNames: ['x'] },
  ]);
  // Same data as yaml's own toJS with merge keys on.
  assert.deepEqual(f.manifests[0].value, parseAllDocuments(text, { merge: true })[0].toJS());
  // An alias node is positioned at the alias, not at the anchor.
  assert.equal(slice(f, nodeAt(f.manifests[0].node, ['rules', 3])), '*extra');
});

test('plain values follow the YAML 1.2 core schema, as yaml toJS gives them', () => {
  const text = 'apiVersion: v1\nkind: X\na: yes\nb: no\nc: on\nd: 010\ne: 0x1F\nf: 1e3\ng: ~\nh:\ni: "true"\nj: True\nk: 1.0\n12: twelve\n';
  const f = parseManifestText(text, 'x.yaml');
  const v = f.manifests[0].value;
  assert.equal(v.a, 'yes');
  assert.equal(v.b, 'no');
  assert.equal(v.c, 'on');
  assert.equal(v.d, 10);
  assert.equal(v.e, 31);
  assert.equal(v.g, null);
  assert.equal(v.h, null);
  assert.equal(v.i, 'true');
  assert.equal(v.j, true);
  assert.equal(v['12'], 'twelve');
  assert.deepEqual(v, parseAllDocuments(text)[0].toJS());
});

test('non-Kubernetes YAML and JSON, scalar and sequence documents are ignored without problems', () => {
  const workflow = 'name: CI\non:\n  push:\n    branches: [main]\njobs:\n  build:\n    runs-on: ubuntu-latest\n';
  const pkg = '{"name": "x", "version": "1.0.0", "scripts": {"test": "node --test"}}';
  for (const [text, file] of [
    [workflow, 'ci.yml'],
    [pkg, 'package.json'],
    ['just a string\n', 's.yaml'],
    ['- a\n- b\n', 'l.yaml'],
    ['', 'empty.yaml'],
    ['# only a comment\n', 'c.yaml'],
  ]) {
    const f = parseManifestText(text, file);
    assert.deepEqual(f.manifests, [], file);
    assert.deepEqual(f.problems, [], file);
  }
  // A missing metadata.name is not a parse problem; validation deals with it.
  const noName = parseManifestText('apiVersion: v1\nkind: ServiceAccount\n', 'sa.yaml');
  assert.equal(noName.manifests[0].name, '');
  assert.deepEqual(noName.problems, []);
});

test('an object with kind and metadata but no apiVersion is reported as not-an-object', () => {
  const f = parseManifestText('kind: Role\nmetadata: {name: r}\nrules: []\n', 'r.yaml');
  assert.equal(f.manifests.length, 0);
  assert.deepEqual(
    f.problems.map((p) => [p.code, p.line]),
    [['not-an-object', 1]],
  );
  assert.match(f.problems[0].message, /apiVersion/);
});

test('too-large input is refused without parsing, naming the limit', () => {
  const text = 'apiVersion: v1\nkind: X\ndata: "' + 'x'.repeat(2000) + '"\n';
  const f = parseManifestText(text, 'big.yaml', { maxBytes: 1024 });
  assert.deepEqual(f.manifests, []);
  assert.deepEqual(
    f.problems.map((p) => [p.code, p.line, p.column]),
    [['too-large', 1, 1]],
  );
  assert.match(f.problems[0].message, /1 KiB limit/);
  // Multi-byte characters count as bytes, not UTF-16 units.
  assert.equal(parseManifestText('a: "' + 'é'.repeat(600) + '"', 'u.yaml', { maxBytes: 1024 }).problems[0]?.code, 'too-large');
});

test('binary input (a NUL in the first 8000 characters) is refused', () => {
  const f = parseManifestText('apiVersion: v1\nkind: X\n\0\x01\x02', 'blob.yaml');
  assert.deepEqual(f.manifests, []);
  assert.deepEqual(
    f.problems.map((p) => [p.code, p.line]),
    [['binary', 3]],
  );
  assert.match(f.problems[0].message, /8000/);
});

test('broken alias use and duplicate keys are problems, never exceptions', () => {
  const unknown = parseManifestText('apiVersion: v1\nkind: X\na: *nope\n', 'a.yaml');
  assert.deepEqual(
    unknown.problems.map((p) => [p.code, p.line, p.column]),
    [['yaml-syntax', 3, 4]],
  );
  assert.match(unknown.problems[0].message, /\*nope/);
  const cyclic = parseManifestText('apiVersion: v1\nkind: X\na: &x [*x]\n', 'c.yaml');
  assert.equal(cyclic.problems[0]?.code, 'yaml-syntax');
  const dup = parseManifestText('apiVersion: v1\nkind: X\nmetadata: {name: a}\nkind: Y\n', 'd.yaml');
  assert.deepEqual(
    dup.problems.map((p) => [p.code, p.line, p.column]),
    [['yaml-syntax', 4, 1]],
  );
  assert.match(dup.problems[0].message, /duplicate key "kind"/);
  assert.equal(dup.manifests.length, 0);
});

test('absurd nesting is refused with a problem instead of overflowing the stack', () => {
  for (const text of ['['.repeat(5000) + ']'.repeat(5000), '- '.repeat(3000) + 'x']) {
    const f = parseManifestText(text, 'deep.yaml');
    assert.equal(f.problems.length, 1);
    assert.equal(f.problems[0].code, 'too-large');
    assert.match(f.problems[0].message, /256 levels/);
  }
  // Aliases nesting each other deeply are caught as well.
  const chain = [
    'a0: &a0 [x]',
    ...Array.from({ length: 300 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`),
    'apiVersion: v1',
    'kind: X',
  ].join('\n');
  assert.equal(parseManifestText(chain, 'chain.yaml').problems[0]?.code, 'alias-limit');
});

test('positionAt handles \\n, \\r\\n and offsets past the end; nodeAt follows keys and indexes', () => {
  const text = 'apiVersion: v1\r\nkind: X\r\nitems:\r\n  - a\r\n  - b\r\n';
  const f = parseManifestText(text, 'crlf.yaml');
  assert.deepEqual(positionAt(f.lineStarts, 0), { line: 0, character: 0 });
  assert.deepEqual(positionAt(f.lineStarts, text.indexOf('kind')), { line: 1, character: 0 });
  assert.deepEqual(positionAt(f.lineStarts, text.indexOf('b\r')), { line: 4, character: 4 });
  assert.deepEqual(positionAt([0, 10], 50), { line: 1, character: 40 });
  const node = f.manifests[0].node;
  assert.equal(slice(f, nodeAt(node, ['items', 1])), 'b');
  assert.equal(nodeAt(node, ['items', 2]), undefined);
  assert.equal(nodeAt(node, ['kind', 'x']), undefined);
  assert.equal(nodeAt(node, ['nope']), undefined);
  assert.equal(nodeAt(node, []), node);
});
