// Quick fixes over JSON-RPC: each one is applied to the text as an editor would, the fixed text is
// sent back, and the diagnostic it fixes must be gone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { applyTextEdits, startServer, writeWorkspace, type LspSession } from '../helpers/lsp';

const WORKSPACE = {
  'roles.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: web-reader, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list"]
`,
  'accounts.yaml': `apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
automountServiceAccountToken: false
`,
};

let dir: string;
let s: LspSession;
let n = 0;

before(async () => {
  dir = writeWorkspace(WORKSPACE);
  s = await startServer(dir);
  await s.until('ready', () => s.statuses.find((x) => x.state === 'ready'));
});
after(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** An open document and its text, version and latest diagnostics. */
async function open(text: string): Promise<{ uri: string; text: string; version: number }> {
  const uri = await s.open(join(dir, `doc-${++n}.yaml`), text);
  await s.until('diagnostics', () => s.diagnostics.get(uri));
  return { uri, text, version: 1 };
}

function diagnostic(doc: { uri: string }, code: string, nth = 0): Diagnostic {
  const d = (s.diagnostics.get(doc.uri) ?? []).filter((x) => x.code === code)[nth];
  assert.ok(d, `no ${code} diagnostic in ${JSON.stringify(s.diagnostics.get(doc.uri)?.map((x) => x.code))}`);
  return d;
}

async function actions(doc: { uri: string }, d: Diagnostic): Promise<CodeAction[]> {
  return s.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [d] } });
}

/** Applies the action titled `title` for the diagnostic and sends the new text; waits for the new diagnostics. */
async function apply(doc: { uri: string; text: string; version: number }, d: Diagnostic, title: string | RegExp): Promise<string> {
  const list = await actions(doc, d);
  const a = list.find((x) => (typeof title === 'string' ? x.title === title : title.test(x.title)));
  assert.ok(a, `no action ${String(title)} among ${JSON.stringify(list.map((x) => x.title))}`);
  assert.equal(a.kind, 'quickfix');
  doc.text = applyTextEdits(doc.text, a.edit!.changes![doc.uri]);
  s.diagnostics.delete(doc.uri);
  await s.change(doc.uri, ++doc.version, doc.text);
  await s.until('new diagnostics', () => s.diagnostics.get(doc.uri));
  return doc.text;
}

const codes = (doc: { uri: string }) => (s.diagnostics.get(doc.uri) ?? []).map((d) => String(d.code));

test('misspelt verb, resource and apiGroup: the "did you mean" is a preferred fix', async () => {
  const doc = await open(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: typos, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["pod"]
    verbs: ["gets", list]
  - apiGroups: ["core"]
    resources: ["configmaps"]
    verbs: [get]
  - apiGroups: [""]
    resources:
      - deployments
    verbs: [get]
`);
  const verb = diagnostic(doc, 'unknown-verb');
  assert.deepEqual(verb.data, { fix: { title: 'Change to "get"', edit: { range: verb.range, newText: '"get"' }, replaces: '"gets"' } });
  const [first] = await actions(doc, verb);
  assert.equal(first.title, 'Change to "get"');
  assert.equal(first.isPreferred, true);

  await apply(doc, verb, 'Change to "get"');
  await apply(doc, diagnostic(doc, 'unknown-resource'), 'Change to "pods"');
  await apply(doc, diagnostic(doc, 'wrong-api-group'), 'Change to ""');
  const text = await apply(doc, diagnostic(doc, 'wrong-api-group'), 'Add "apps" to apiGroups');
  assert.equal(
    text,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: typos, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", list]
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: [get]
  - apiGroups: ["", "apps"]
    resources:
      - deployments
    verbs: [get]
`,
  );
  assert.deepEqual(codes(doc), []);
});

test('wildcard verbs and resources: replaced by what the catalogue lists for the rule', async () => {
  const doc = await open(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: wild, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["*"]
  - apiGroups: ["apps"]
    resources:
      - "*"
    verbs:
      - get
      - list
`);
  await apply(doc, diagnostic(doc, 'wildcard-verbs'), /^Replace "\*" with the verbs/);
  const text = await apply(doc, diagnostic(doc, 'wildcard-resources'), /^Replace "\*" with the 5 resources of "apps"/);
  assert.equal(
    text,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: wild, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
  - apiGroups: ["apps"]
    resources:
      - "controllerrevisions"
      - "daemonsets"
      - "deployments"
      - "replicasets"
      - "statefulsets"
    verbs:
      - get
      - list
`,
  );
  assert.ok(!codes(doc).includes('wildcard-verbs') && !codes(doc).includes('wildcard-resources'), codes(doc).join());
});

test('a ClusterRoleBinding of a Role with a ServiceAccount subject without namespace: both fixed', async () => {
  const doc = await open(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: readers
subjects:
  - kind: ServiceAccount
    name: web
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: web-reader
`);
  await apply(doc, diagnostic(doc, 'invalid-subject'), 'Add namespace: shop to the ServiceAccount subject');
  const text = await apply(doc, diagnostic(doc, 'invalid-role-ref'), 'Make it a RoleBinding in namespace shop, where Role "web-reader" is');
  assert.equal(
    text,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: readers
  namespace: shop
subjects:
  - kind: ServiceAccount
    name: web
    namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: web-reader
`,
  );
  assert.deepEqual(codes(doc), []);
});

test('a pod template running as "default" with the token mounted: automountServiceAccountToken: false', async () => {
  const doc = await open(`apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: api
          image: nginx
`);
  const text = await apply(
    doc,
    diagnostic(doc, 'default-service-account-used'),
    /^Set automountServiceAccountToken: false in the pod spec/,
  );
  assert.match(text, /\n {6}containers:\n {8}- name: api\n {10}image: nginx\n {6}automountServiceAccountToken: false\n$/);
  assert.deepEqual(codes(doc), []);
});

test('every kubeid diagnostic can be disabled for its line or its document', async () => {
  const doc = await open(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: quiet, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["gets"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: quieter, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["pods", "pod"]
    verbs: ["get"]
`);
  let text = await apply(doc, diagnostic(doc, 'unknown-verb'), 'Disable unknown-verb for this line');
  assert.match(text, /\n {4}# kubeid-disable-next-line unknown-verb\n {4}verbs: \["gets"\]\n/);
  assert.deepEqual(codes(doc), ['unknown-resource']);
  text = await apply(doc, diagnostic(doc, 'unknown-resource'), 'Disable unknown-resource for this document');
  assert.match(text, /\n---\n# kubeid-disable unknown-resource\napiVersion/);
  assert.deepEqual(codes(doc), []);
});

test('a diagnostic older than the text does not offer its fix where the text has moved', async () => {
  const doc = await open(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: stale, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["lst"]
`);
  const verb = diagnostic(doc, 'unknown-verb');
  assert.ok((await actions(doc, verb)).some((a) => a.title === 'Change to "list"'));
  // The user types before the server republishes: the old range now covers other text.
  await s.change(doc.uri, ++doc.version, doc.text.replace('verbs: ["lst"]', 'verbs: ["get", "lst"]'));
  const titles = (await actions(doc, verb)).map((a) => a.title);
  assert.ok(!titles.includes('Change to "list"'), JSON.stringify(titles));
});
