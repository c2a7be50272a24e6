// Completion as an editor asks for it: inline YAML with a `|` cursor marker, opened in a server
// whose workspace holds a few service accounts, roles and objects.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver-protocol';
import { startServer, type LspSession } from '../helpers/lsp';

const WORKSPACE = `apiVersion: v1
kind: ServiceAccount
metadata: {name: checkout, namespace: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: worker, namespace: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: ci}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: pipeline-config, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: config-reader, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-viewer}
rules:
  - apiGroups: [""]
    resources: ["nodes"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: oncall, namespace: shop}
subjects:
  - {kind: Group, name: "team:oncall", apiGroup: rbac.authorization.k8s.io}
  - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader}
`;

const ROLE_HEAD = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n  namespace: shop\nrules:\n';
const BINDING_HEAD = (kind: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: b\n${kind === 'RoleBinding' ? '  namespace: shop\n' : ''}`;

let s: LspSession;
let dir: string;
let docs = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeid-completion-'));
  writeFileSync(join(dir, 'rbac.yaml'), WORKSPACE);
  s = await startServer(dir);
  await s.until('the workspace loaded', () => s.statuses.some((st) => st.state === 'ready'));
});
after(() => s.stop());

/** Text and LSP position of the `|` marker. */
function marked(src: string): { text: string; position: { line: number; character: number } } {
  const at = src.indexOf('|');
  const before = src.slice(0, at).split('\n');
  return { text: src.slice(0, at) + src.slice(at + 1), position: { line: before.length - 1, character: before[before.length - 1].length } };
}

/** The completion items at the marker, sorted as the editor shows them. */
async function complete(src: string, ext = 'yaml'): Promise<CompletionItem[]> {
  const { text, position } = marked(src);
  const uri = await s.open(join(dir, `doc${docs++}.${ext}`), text);
  const list = await s.conn.sendRequest<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position });
  return [...(list?.items ?? [])].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const item = (items: CompletionItem[], label: string) => {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `${label} not among ${labels(items).slice(0, 30).join(', ')}`);
  return found;
};

/** The text after the item's edits, as the editor applies them. */
function apply(src: string, it: CompletionItem): string {
  const { text } = marked(src);
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [it.textEdit as TextEdit, ...(it.additionalTextEdits ?? [])].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  return edits.reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

test('verbs: the resource’s own verbs first, then the others, special verbs and "*"; those present are left out', async () => {
  const items = await complete(`${ROLE_HEAD}  - apiGroups: ["apps"]\n    resources: ["deployments/scale"]\n    verbs: ["get", "|"]\n`);
  const l = labels(items);
  assert.deepEqual(l.slice(0, 2), ['update', 'patch']); // deployments/scale serves get, update, patch; get is there already
  assert.ok(!l.includes('get'));
  for (const v of ['list', 'delete', 'bind', 'escalate', 'impersonate', 'use', 'approve', '*']) assert.ok(l.includes(v), v);
  assert.equal(l[l.length - 1], '*');
  assert.ok(l.indexOf('list') < l.indexOf('impersonate'));
  assert.equal(item(items, 'patch').textEdit!.newText, '"patch"'); // inside the quotes the user opened
});

test('verbs in half-typed YAML (an unclosed list) and right after `verbs:`', async () => {
  const open = await complete(`${ROLE_HEAD}  - apiGroups: [""]\n    resources: [pods]\n    verbs: [get, |\n`);
  assert.equal(labels(open)[0], 'list');
  const bare = await complete(`${ROLE_HEAD}  - apiGroups: [""]\n    resources: [pods]\n    verbs:|\n`);
  assert.equal(item(bare, 'get').textEdit!.newText, ' [get]');
  const star = item(bare, '*');
  assert.equal(star.textEdit!.newText, ' ["*"]'); // `*` alone would be a YAML alias
  const nonResource = await complete(
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\nrules:\n  - nonResourceURLs: [/healthz]\n    verbs: [|]\n`,
  );
  assert.deepEqual(labels(nonResource).slice(0, 2), ['get', 'post']);
  assert.ok(!labels(nonResource).includes('list'));
});

test('JSON manifests get JSON strings', async () => {
  const json = `{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "j", "namespace": "shop"},
 "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": [|]}]}`;
  assert.equal(item(await complete(json, 'json'), 'list').textEdit!.newText, '"list"');
});

test('apiGroups: every group, "" labelled core, the groups of the rule’s resources first', async () => {
  const items = await complete(`${ROLE_HEAD}  - apiGroups: [|]\n    resources: [deployments]\n    verbs: [get]\n`);
  assert.equal(labels(items)[0], 'apps');
  const core = item(items, '""');
  assert.equal(core.labelDetails?.description, 'core');
  assert.equal(core.textEdit!.newText, '""');
  for (const g of ['rbac.authorization.k8s.io', 'batch', 'networking.k8s.io', '*']) item(items, g);
});

test('resources: those of the rule’s groups; without groups, all, and choosing one fills its group in', async () => {
  const inApps = labels(await complete(`${ROLE_HEAD}  - apiGroups: ["apps"]\n    resources: ["|"]\n    verbs: [get]\n`));
  for (const r of ['deployments', 'deployments/scale', 'statefulsets', '*']) assert.ok(inApps.includes(r), r);
  assert.ok(!inApps.includes('pods') && !inApps.includes('secrets'));

  const src = `${ROLE_HEAD}  - resources: [dep|]\n    verbs: [get]\n`;
  const all = await complete(src);
  const deployments = all.find((i) => i.label === 'deployments' && i.labelDetails?.description === 'apps')!;
  assert.ok(deployments, 'deployments (apps)');
  assert.ok(labels(all).includes('pods/exec'));
  assert.equal(apply(src, deployments), `${ROLE_HEAD}  - apiGroups: ["apps"]\n    resources: [deployments]\n    verbs: [get]\n`);
  const empty = `${ROLE_HEAD}  - apiGroups: []\n    resources:\n      - |\n`;
  const pods = (await complete(empty)).find((i) => i.label === 'pods')!;
  assert.equal(apply(empty, pods), `${ROLE_HEAD}  - apiGroups: [""]\n    resources:\n      - pods\n`);
});

test('resourceNames: objects of the named resources in the Role’s namespace', async () => {
  const items = await complete(`${ROLE_HEAD}  - apiGroups: [""]\n    resources: [configmaps]\n    resourceNames: [|]\n    verbs: [get]\n`);
  assert.deepEqual(labels(items), ['app-config']);
  const sas = labels(
    await complete(`${ROLE_HEAD}  - apiGroups: [""]\n    resources: [serviceaccounts]\n    resourceNames: [|]\n    verbs: [impersonate]\n`),
  );
  assert.deepEqual(sas.sort(), ['checkout', 'worker']);
});

test('nonResourceURLs: the common endpoints and those of the default policy', async () => {
  const l = labels(
    await complete(
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\nrules:\n  - nonResourceURLs: ["|"]\n    verbs: [get]\n`,
    ),
  );
  for (const u of ['/healthz', '/livez', '/readyz', '/metrics', '/version', '/api', '/apis', '/openapi/*', '*'])
    assert.ok(l.includes(u), u);
});

test('roleRef: kinds by binding kind; names from the workspace and the default policy, Roles of the namespace only', async () => {
  assert.deepEqual(labels(await complete(`${BINDING_HEAD('RoleBinding')}roleRef:\n  kind: |\n`)), ['Role', 'ClusterRole']);
  assert.deepEqual(labels(await complete(`${BINDING_HEAD('ClusterRoleBinding')}roleRef:\n  kind: |\n`)), ['ClusterRole']);
  const roles = await complete(`${BINDING_HEAD('RoleBinding')}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: |\n`);
  assert.equal(labels(roles)[0], 'config-reader');
  assert.ok(!labels(roles).includes('node-viewer') && !labels(roles).includes('admin'));
  const cluster = await complete(
    `${BINDING_HEAD('RoleBinding')}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: |\n`,
  );
  const l = labels(cluster);
  assert.equal(l[0], 'node-viewer'); // the workspace's first
  assert.ok(l.indexOf('admin') < l.indexOf('system:basic-user'));
  assert.match(item(cluster, 'admin').detail!, /default policy/);
  assert.match(item(cluster, 'admin').detail!, /aggregated/);
  assert.ok(!l.includes('config-reader'));
});

test('subjects: kinds; service accounts of the namespace; groups and users seen and well known', async () => {
  const head = `${BINDING_HEAD('RoleBinding')}roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader}\nsubjects:\n`;
  assert.deepEqual(labels(await complete(`${head}  - kind: |\n`)).sort(), ['Group', 'ServiceAccount', 'User']);
  assert.deepEqual(labels(await complete(`${head}  - kind: ServiceAccount\n    name: |\n`)), ['checkout', 'worker', 'default']);
  assert.deepEqual(labels(await complete(`${head}  - kind: ServiceAccount\n    name: |\n    namespace: ci\n`)), ['builder', 'default']);
  const groups = labels(await complete(`${head}  - kind: Group\n    name: "|"\n`));
  for (const g of ['team:oncall', 'system:authenticated', 'system:serviceaccounts:shop', 'system:masters'])
    assert.ok(groups.includes(g), g);
  assert.ok(labels(await complete(`${head}  - kind: User\n    name: |\n`)).includes('alice'));
  const ns = labels(await complete(`${head}  - kind: ServiceAccount\n    name: x\n    namespace: |\n`));
  for (const n of ['ci', 'shop', 'default', 'kube-system']) assert.ok(ns.includes(n), n);
  const keys = labels(await complete(`${head}  - |\n`));
  assert.deepEqual(keys, ['kind', 'name', 'namespace', 'apiGroup']);
});

test('serviceAccountName in a pod template: the service accounts of the workload’s namespace', async () => {
  const deploy = (ns: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      serviceAccountName: |\n      containers: []\n`;
  assert.deepEqual(labels(await complete(deploy('ci'))), ['builder', 'default']);
  assert.deepEqual(labels(await complete(deploy('shop'))), ['checkout', 'worker', 'default']);
});

test('snippets for new objects in an empty document and after `---`', async () => {
  for (const src of ['|', `${WORKSPACE.split('---')[0]}---\n|`, 'Ro|']) {
    const items = await complete(src);
    assert.deepEqual(labels(items), ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount']);
    assert.equal(items[0].insertTextFormat, 2);
    assert.match(items[0].textEdit!.newText, /^apiVersion: rbac\.authorization\.k8s\.io\/v1\nkind: Role\n/);
  }
});

test('broken and half-typed YAML anywhere: a list (possibly empty), never an error', async () => {
  const src = `${ROLE_HEAD}  - apiGroups: [""\n    resources: [pods, "sec\n    verbs: {get\n  - - : [\n---\n]]: {\n`;
  const uri = await s.open(join(dir, 'broken.yaml'), src);
  const lines = src.split('\n');
  for (let line = 0; line < lines.length; line++) {
    for (let character = 0; character <= lines[line].length; character++) {
      const list = await s.conn.sendRequest<CompletionList | null>('textDocument/completion', {
        textDocument: { uri },
        position: { line, character },
      });
      assert.ok(Array.isArray(list?.items), `${line}:${character}`);
    }
  }
});
