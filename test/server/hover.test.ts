// Hover as an editor asks for it: inline YAML with a `|` cursor marker, Markdown contents.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { startServer, type LspSession } from '../helpers/lsp';

const WORKSPACE = `apiVersion: v1
kind: ServiceAccount
metadata: {name: checkout, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: config-reader, namespace: shop}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: checkout-config, namespace: shop}
subjects:
  - {kind: ServiceAccount, name: checkout}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader}
`;

let s: LspSession;
let dir: string;
let docs = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeid-hover-'));
  writeFileSync(join(dir, 'rbac.yaml'), WORKSPACE);
  s = await startServer(dir);
  await s.until('the workspace loaded', () => s.statuses.some((st) => st.state === 'ready'));
});
after(() => s.stop());

/** The hover's Markdown at the `|` marker, or null. */
async function hover(src: string): Promise<string | null> {
  const at = src.indexOf('|');
  const before = src.slice(0, at).split('\n');
  const uri = await s.open(join(dir, `doc${docs++}.yaml`), src.slice(0, at) + src.slice(at + 1));
  const position = { line: before.length - 1, character: before[before.length - 1].length };
  const h = await s.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  return h ? (h.contents as MarkupContent).value : null;
}

const ROLE = (rule: string, kind = 'Role') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: r\n${kind === 'Role' ? '  namespace: shop\n' : ''}rules:\n${rule}`;
const BINDING = (body: string, kind = 'RoleBinding') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: b\n${kind === 'RoleBinding' ? '  namespace: shop\n' : ''}${body}`;

test('a rule in plain words, with its risk: secrets that list reveals', async () => {
  const md = (await hover(ROLE('  - apiGroups: [""]\n    reso|urces: ["secrets"]\n    verbs: ["get", "list", "watch"]\n')))!;
  assert.match(md, /Grants\*\* `get`, `list`, `watch` on `secrets` in the group `""` \(core\), in namespace `shop`/);
  assert.match(md, /get, list, watch on secrets ⇒ list and watch return every secret with its data/);
});

test('wildcards: what `*` reaches, workload creation, cluster-admin equivalence', async () => {
  const pods = (await hover(ROLE('  - apiGroups: ["", apps]\n    resources: ["*"]\n    verbs: [cre|ate]\n', 'ClusterRole')))!;
  assert.match(pods, /\*\*create\*\*: create objects/);
  const rule = (await hover(ROLE('  - apiG|roups: ["", apps]\n    resources: ["*"]\n    verbs: [create]\n', 'ClusterRole')))!;
  assert.match(rule, /every resource/);
  assert.match(rule, /`\*` also reaches every subresource/);
  assert.match(rule, /A pod can run as any service account of its namespace/);
  assert.match(rule, /create on pods\/exec, pods\/attach ⇒ Exec and attach run commands/);
  assert.match(rule, /every namespace and cluster-wide through a ClusterRoleBinding/);
  const all = (await hover(ROLE('  - apiGroups: ["*"]\n    resources: ["*"]\n    ve|rbs: ["*"]\n', 'ClusterRole')))!;
  assert.match(all, /equivalent to cluster-admin/);
  const named = (await hover(ROLE('  - apiGroups: [""]\n    resources: [secrets]\n    resourceNames: [db]\n    verbs: [get, |list]\n')))!;
  assert.match(named, /\*\*list\*\*/);
  const namedRule = (await hover(
    ROLE('  - apiGroups: [""]\n    resources: [secrets, pods]\n    resourceNames: [d|b]\n    verbs: [get, create]\n'),
  ))!;
  assert.match(namedRule, /only the objects named `db`/);
  assert.match(namedRule, /get on secrets, only on the objects named "db" ⇒ Reading a secret returns its data/);
  assert.doesNotMatch(namedRule, /run as any service account/); // create with resourceNames allows nothing
  assert.match(namedRule, /resourceNames cannot limit `create`/);
});

test('a verb or a resource: its meaning', async () => {
  const verb = (await hover(ROLE('  - apiGroups: [""]\n    resources: [pods]\n    verbs: [g|et, escalate]\n')))!;
  assert.match(verb, /\*\*get\*\*: read one object by name/);
  assert.match(verb, /Served by `pods`/);
  const special = (await hover(ROLE('  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [roles]\n    verbs: [esc|alate]\n')))!;
  assert.match(special, /special verb: create or update a role with permissions the user does not hold/);
  const useless = (await hover(ROLE('  - apiGroups: [""]\n    resources: [pods/log]\n    verbs: [get, dele|te]\n')))!;
  assert.match(useless, /Not a verb of `pods\/log` \(they serve get\): it grants nothing here/);
  const pods = (await hover(ROLE('  - apiGroups: [""]\n    resources: [po|ds]\n    verbs: [get]\n')))!;
  assert.match(pods, /kind `Pod`/);
  assert.match(pods, /namespaced/);
  assert.match(pods, /subresources: .*exec/);
  const exec = (await hover(ROLE('  - apiGroups: [""]\n    resources: ["pods/ex|ec"]\n    verbs: [create]\n')))!;
  assert.match(exec, /subresource `exec` of `pods`/);
  const nodes = (await hover(ROLE('  - apiGroups: [""]\n    resources: [no|des]\n    verbs: [get]\n', 'ClusterRole')))!;
  assert.match(nodes, /cluster-scoped/);
});

test('a roleRef: the role’s rules; an aggregated ClusterRole’s rules with where each came from', async () => {
  const own = (await hover(BINDING('roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: config-re|ader\n')))!;
  assert.match(own, /\*\*Role `config-reader`\*\* — rbac\.yaml:5/);
  assert.match(own, /\| configmaps \| \[\] \| \[\] \| \[get list watch\] \|/);
  const admin = (await hover(BINDING('roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  na|me: admin\n')))!;
  assert.match(admin, /default policy · aggregated from \d+ ClusterRoles; this binding grants its rules in namespace `shop`/);
  assert.match(admin, /\| From \|/);
  assert.match(admin, /system:aggregate-to-edit/);
  assert.match(admin, /rolebindings\.rbac\.authorization\.k8s\.io/);
  const missing = (await hover(BINDING('roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: nowh|ere\n')))!;
  assert.match(missing, /not found/);
});

test('a subject: its effective permissions in the namespace, as kubectl auth can-i --list', async () => {
  const sa = (await hover(BINDING('subjects:\n  - kind: ServiceAccount\n    name: check|out\nroleRef: {kind: Role, name: x}\n')))!;
  assert.match(sa, /\*\*ServiceAccount `shop\/checkout`\*\* — effective permissions in namespace `shop`/);
  assert.match(sa, /\| configmaps \| \[\] \| \[\] \| \[get list watch\] \|/);
  assert.match(sa, /selfsubjectaccessreviews\.authorization\.k8s\.io/); // system:basic-user, for every authenticated identity
  assert.match(sa, /RoleBinding "checkout-config\/shop" of Role "config-reader"/);
  const group = (await hover(
    BINDING(
      'subjects:\n  - kind: Group\n    name: system:unauthen|ticated\nroleRef: {kind: ClusterRole, name: nothing-here}\n',
      'ClusterRoleBinding',
    ),
  ))!;
  assert.match(group, /A member of group `system:unauthenticated`/);
  assert.match(group, /\/healthz/);
  assert.doesNotMatch(group, /selfsubjectaccessreviews/);
  const masters = (await hover(
    BINDING('subjects:\n  - {kind: Group, na|me: system:masters}\nroleRef: {kind: ClusterRole, name: view}\n', 'ClusterRoleBinding'),
  ))!;
  assert.match(masters, /privileged-group authorizer/);
  const deploy = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: chec|kout\n`;
  assert.match((await hover(deploy))!, /ServiceAccount `shop\/checkout`/);
});

test('no hover where there is nothing to say, and none that fails on broken YAML', async () => {
  assert.equal(await hover(BINDING('subjects: []\nroleRef: {kind: Role, name: x}\n').replace('name: b', 'name: |b')), null);
  assert.equal(await hover('foo: |bar\n'), null);
  const broken = (await hover(ROLE('  - apiGroups: [""\n    resources: [secrets\n    verbs: [li|st, watch\n')))!;
  assert.match(broken, /\*\*list\*\*/);
});
