// The cursor core: which object and YAML path the cursor is in, in clean and half-typed YAML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cursorAt, type Cursor } from '../../server/src/core/cursor/cursor.js';
import { formatPath } from '../../server/src/core/cursor/path.js';
import { parseManifestText } from '../../server/src/core/manifest/parse.js';

/** The cursor at the `|` marker of `src` (the marker removed). */
function at(src: string): Cursor & { where: string } {
  const offset = src.indexOf('|');
  assert.ok(offset >= 0, 'no | marker');
  const text = src.slice(0, offset) + src.slice(offset + 1);
  const c = cursorAt(parseManifestText(text, 'x.yaml'), offset);
  return { ...c, where: `${c.at} ${formatPath(c.path)}` };
}

const ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: web
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "li|st"]
  - apiGroups:
      - apps
    resources:
      - deployments
    verbs:
      - get
      - up
`;

test('a value in a clean document: path, prefix, quote, token range and the other items', () => {
  const c = at(ROLE);
  assert.equal(c.where, 'value rules[0].verbs[1]');
  assert.equal(c.prefix, 'li');
  assert.equal(c.token, 'list');
  assert.equal(c.quote, '"');
  assert.equal(ROLE.replace('|', '').slice(c.range.start, c.range.end), '"list"');
  assert.deepEqual(c.siblings, ['get']);
  assert.equal(c.flow, true);
  assert.equal(c.manifest?.kind, 'Role');
});

test('block sequences, keys, and empty values', () => {
  assert.equal(at(ROLE.replace('li|st', 'list').replace('      - up', '      - up|')).where, 'value rules[1].verbs[1]');
  assert.equal(at(ROLE.replace('li|st', 'list').replace('      - apps', '      - ap|ps')).where, 'value rules[1].apiGroups[0]');
  const key = at(ROLE.replace('li|st', 'list').replace('    resources: ["pods"]', '    reso|urces: ["pods"]'));
  assert.equal(key.where, 'key rules[0]');
  assert.equal(key.key, 'resources');
  assert.equal(at(ROLE.replace('li|st', 'list').replace('  namespace: shop', '  namespace: |')).where, 'value metadata.namespace');
  assert.equal(at(ROLE.replace('li|st', 'list').replace('  name: web', '  name: web\n  |')).where, 'key metadata');
});

test('half-typed YAML: an unclosed flow list, a dash under rules, a blank line inside a rule', () => {
  const head = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: x\nrules:\n';
  const open = at(`${head}  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [get, |\n`);
  assert.equal(open.where, 'value rules[0].verbs[1]');
  assert.deepEqual(open.siblings, ['get']);
  assert.equal(at(`${head}  - apiGroups: [apps]\n    verbs: [get, "wa|\n    resources: [pods]\n`).prefix, 'wa');
  assert.equal(at(`${head}  - apiGroups: [""]\n  - |\n`).where, 'value rules[1]');
  assert.equal(at(`${head}  - apiGroups: [""]\n    |\n`).where, 'key rules[0]');
  assert.equal(at(`${head}  - apiGroups: [""]\n    verbs: |\n`).where, 'value rules[0].verbs');
  // Indentless sequences, as kubectl writes them.
  assert.equal(at(`${head}- apiGroups: [""]\n  resources:\n  - pods\n  - |\n`).where, 'value rules[0].resources[1]');
});

test('bindings, workloads, Lists and several documents', () => {
  const rb = `---\nkind: RoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: b, namespace: shop}\nroleRef:\n  kind: Role\n  name: |\nsubjects:\n- kind: ServiceAccount\n  name: checkout\n`;
  assert.equal(at(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n${rb}`).where, 'value roleRef.name');
  assert.equal(at(rb.replace('name: |', 'name: x').replace('name: checkout', 'name: che|ck')).where, 'value subjects[0].name');
  assert.equal(
    at(rb.replace('name: |', 'name: x').replace('- kind: ServiceAccount', '- kind: Ser|viceAccount')).where,
    'value subjects[0].kind',
  );
  const deploy = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      serviceAccountName: |\n`;
  assert.equal(at(deploy).where, 'value spec.template.spec.serviceAccountName');
  const list = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata: {name: c}\n  rules:\n  - verbs: [w|]\n`;
  const c = at(list);
  assert.equal(c.where, 'value rules[0].verbs[0]');
  assert.equal(c.object?.entries.find((e) => e.key === 'kind')?.value.type, 'scalar');
});

test('an empty document and after `---`: a key at the top level', () => {
  assert.equal(at('|').where, 'key ');
  assert.equal(at('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\nRo|').where, 'key ');
  assert.equal(at('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\nRo|').object, undefined);
});

test('JSON manifests: the same paths', () => {
  const json =
    '{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"},\n "rules": [{"apiGroups": [""], "verbs": ["get", "|"]}]}';
  const c = at(json);
  assert.equal(c.where, 'value rules[0].verbs[1]');
  assert.equal(c.json, false); // x.yaml; a .json file sets it
});

test('never throws on odd input', () => {
  for (const src of ['|', '- |', '[|', '{a: |', 'a: [b, {c: |', '"unclosed |', 'a:\n\t- |', '|\0', ': |', '? |', '&a |', 'a: *b|']) {
    assert.doesNotThrow(() => at(src), src);
  }
});
