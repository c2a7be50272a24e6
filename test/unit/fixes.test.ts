// The quick-fix core: layout-keeping YAML edits, and the fixes by check id, on plain text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextFor } from '../../server/src/core/checks/index';
import { appendItem, replaceItem, scalarText, setEntry, type Edit } from '../../server/src/core/fixes/edit';
import { quickFixes } from '../../server/src/core/fixes/index';
import { nodeAt, parseManifestText, type YMap, type YSeq } from '../../server/src/core/manifest/parse';

const apply = (text: string, edits: readonly Edit[]): string =>
  [...edits].sort((a, b) => b.span.start - a.span.start).reduce((t, e) => t.slice(0, e.span.start) + e.text + t.slice(e.span.end), text);

function at(text: string, path: Array<string | number>) {
  const f = parseManifestText(text, 'x.yaml');
  return { f, node: nodeAt(f.manifests[0].node, path)! };
}

test('scalarText keeps the quotes of the text replaced and quotes what YAML would misread', () => {
  assert.equal(scalarText('gets', 'get'), 'get');
  assert.equal(scalarText('"gets"', 'get'), '"get"');
  assert.equal(scalarText("'gets'", "it's"), "'it''s'");
  for (const v of ['*', '', 'true', 'no', '1.5', 'a: b', '-x', 'a #b', ' x']) assert.equal(scalarText('plain', v), JSON.stringify(v));
});

test('replaceItem: one item becomes several, in flow and block sequences', () => {
  const flow = 'kind: X\napiVersion: v1\nverbs: ["*", get]\n';
  const { f, node } = at(flow, ['verbs']);
  const seq = node as YSeq;
  assert.equal(
    apply(flow, [replaceItem(f.text, seq, seq.items[0], ['list', 'watch'])!]),
    'kind: X\napiVersion: v1\nverbs: ["list", "watch", get]\n',
  );
  const block = 'kind: X\napiVersion: v1\nverbs:\n  - "*"\n  - get\n';
  const b = at(block, ['verbs']);
  const bseq = b.node as YSeq;
  assert.equal(
    apply(block, [replaceItem(b.f.text, bseq, bseq.items[0], ['list', 'watch'])!]),
    'kind: X\napiVersion: v1\nverbs:\n  - "list"\n  - "watch"\n  - get\n',
  );
  assert.equal(replaceItem(b.f.text, bseq, bseq.items[0], []), undefined);
});

test('appendItem adds after the last item, keeping the layout (CRLF included)', () => {
  const flow = 'kind: X\napiVersion: v1\ng: [""]\n';
  const a = at(flow, ['g']);
  assert.equal(apply(flow, [appendItem(a.f.text, a.node as YSeq, 'apps')!]), 'kind: X\napiVersion: v1\ng: ["", "apps"]\n');
  const block = 'kind: X\r\napiVersion: v1\r\ng:\r\n  - core # a comment\r\nz: 1\r\n';
  const b = at(block, ['g']);
  assert.equal(
    apply(block, [appendItem(b.f.text, b.node as YSeq, 'apps')!]),
    'kind: X\r\napiVersion: v1\r\ng:\r\n  - core # a comment\r\n  - apps\r\nz: 1\r\n',
  );
});

test('setEntry replaces a value, fills an empty one, or adds the entry to a block, flow or JSON map', () => {
  const block = 'kind: X\napiVersion: v1\nspec:\n  a: 1\n  b:\n    c: 2\n';
  const b = at(block, ['spec']);
  assert.equal(apply(block, [setEntry(b.f.text, b.node as YMap, 'd', 'false')!]), block + '  d: false\n');
  assert.equal(apply(block, [setEntry(b.f.text, b.node as YMap, 'a', 'false')!]), block.replace('a: 1', 'a: false'));
  const empty = 'kind: X\napiVersion: v1\nspec:\n  a:\n';
  const e = at(empty, ['spec']);
  assert.equal(apply(empty, [setEntry(e.f.text, e.node as YMap, 'a', 'false')!]), 'kind: X\napiVersion: v1\nspec:\n  a: false\n');
  const flow = 'kind: X\napiVersion: v1\nmeta: {name: a}\n';
  const fl = at(flow, ['meta']);
  assert.equal(
    apply(flow, [setEntry(fl.f.text, fl.node as YMap, 'namespace', 'shop')!]),
    'kind: X\napiVersion: v1\nmeta: {name: a, namespace: shop}\n',
  );
  const json = '{"kind": "X", "apiVersion": "v1", "meta": {"name": "a"}}';
  const j = at(json, ['meta']);
  assert.equal(
    apply(json, [setEntry(j.f.text, j.node as YMap, 'namespace', '"shop"')!]),
    json.replace('"a"}', '"a", "namespace": "shop"}'),
  );
});

const ROLE = (rule: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: shop}
rules:
${rule}`;

function fixes(texts: string[], id: string, needle: string, file = 'f0.yaml') {
  const files = texts.map((t, i) => parseManifestText(t, i === 0 ? file : `f${i}.yaml`));
  const f = files[0];
  const start = f.text.indexOf(needle);
  assert.ok(start >= 0, needle);
  return quickFixes(contextFor(files), f, id, { start, end: start + needle.length }).map((x) => ({
    title: x.title,
    text: apply(f.text, x.edits),
  }));
}

test('wildcard verbs: the verbs of subresources; nothing when a resource is unknown or every group is named', () => {
  const [exec] = fixes(
    [ROLE('  - apiGroups: [""]\n    resources: ["pods/exec", "pods/log"]\n    verbs: ["*"]\n')],
    'wildcard-verbs',
    '"*"',
  );
  assert.match(exec.text, /verbs: \["get", "create"\]/);
  assert.equal(
    fixes([ROLE('  - apiGroups: ["example.com"]\n    resources: ["widgets"]\n    verbs: ["*"]\n')], 'wildcard-verbs', '"*"').length,
    2,
  );
  assert.equal(fixes([ROLE('  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n')], 'wildcard-verbs', '"*"').length, 2);
});

test('wildcard resources: only for known groups and short lists, only resources serving the verbs', () => {
  const [core] = fixes([ROLE('  - apiGroups: [""]\n    resources: ["*"]\n    verbs: ["impersonate"]\n')], 'wildcard-resources', '"*"');
  assert.match(core.text, /resources: \["users", "groups"\]/);
  assert.equal(fixes([ROLE('  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["get"]\n')], 'wildcard-resources', '"*"').length, 2);
});

test('suppressions: a next-line directive already above gets the id; JSON and read problems get none', () => {
  const text = ROLE('  - apiGroups: [""]\n    resources: ["pods"]\n    # kubeid-disable-next-line unknown-resource\n    verbs: ["gets"]\n');
  const [line, doc] = fixes([text], 'unknown-verb', '"gets"');
  assert.match(line.text, /# kubeid-disable-next-line unknown-resource, unknown-verb\n {4}verbs/);
  assert.match(doc.text, /^# kubeid-disable unknown-verb\napiVersion/);
  const json = '{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"}, "rules": []}';
  assert.deepEqual(fixes([json], 'unknown-verb', '"rules"', 'f0.json'), []);
  assert.deepEqual(fixes([text], 'yaml-syntax', 'rules'), []);
});

test('a ClusterRoleBinding of a Role that exists in two namespaces: one fix per namespace, none preferred', () => {
  const crb = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
subjects: [{kind: User, name: alice}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
`;
  const other = ROLE('  []\n').replace('namespace: shop', 'namespace: web');
  const got = fixes([crb, ROLE('  []\n'), other], 'invalid-role-ref', 'kind: Role').filter((x) => x.title.startsWith('Make'));
  assert.deepEqual(
    got.map((x) => x.title),
    ['Make it a RoleBinding in namespace shop, where Role "r" is', 'Make it a RoleBinding in namespace web, where Role "r" is'],
  );
  assert.match(got[1].text, /kind: RoleBinding\nmetadata: \{name: b, namespace: web\}/);
});
