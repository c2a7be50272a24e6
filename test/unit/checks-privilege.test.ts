// The least-privilege checks: each must fire at the exact element that grants, with a severity
// that follows who holds the grant, or stay silent — by the API server's own matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import { PRIVILEGE_CHECKS, contextFor, runChecks, type Finding } from '../../server/src/core/checks/index';

type Expected = [id: string, severity: string, text: string, ...messages: string[]];

function lint(yaml: string): { found: Finding[]; text: (f: { span: { start: number; end: number } }) => string } {
  const file = parseManifestText(yaml, 'in.yaml');
  return { found: runChecks(contextFor([file]), PRIVILEGE_CHECKS), text: (f) => yaml.slice(f.span.start, f.span.end) };
}

/** Each finding in order: id, severity and marked text exactly, message by substrings. */
function expect(yaml: string, expected: Expected[]): Finding[] {
  const { found, text } = lint(yaml);
  assert.deepEqual(
    found.map((f) => [f.check, f.severity, text(f)]),
    expected.map(([id, sev, t]) => [id, sev, t]),
  );
  found.forEach((f, i) => {
    for (const m of expected[i].slice(3)) assert.ok(f.message.includes(m), `finding ${i} (${f.check}): ${f.message}\n  lacks: ${m}`);
  });
  return found;
}

const HEAD = 'apiVersion: rbac.authorization.k8s.io/v1';
/** A ClusterRole named c with flow-style rules. */
const cr = (...rules: string[]): string =>
  [HEAD, 'kind: ClusterRole', 'metadata: {name: c}', 'rules:', ...rules.map((r) => `- ${r}`)].join('\n');
/** A Role r in namespace shop. */
const role = (...rules: string[]): string =>
  [HEAD, 'kind: Role', 'metadata: {name: r, namespace: shop}', 'rules:', ...rules.map((r) => `- ${r}`)].join('\n');
const crb = (subject = '{kind: User, name: jane}', roleName = 'c'): string =>
  [
    HEAD,
    'kind: ClusterRoleBinding',
    'metadata: {name: b}',
    `roleRef: {apiGroup: ${'rbac.authorization.k8s.io'}, kind: ClusterRole, name: ${roleName}}`,
    `subjects: [${subject}]`,
  ].join('\n');
const rb = (kind = 'ClusterRole', subject = '{kind: User, name: jane}', roleName = kind === 'Role' ? 'r' : 'c'): string =>
  [
    HEAD,
    'kind: RoleBinding',
    'metadata: {name: rb, namespace: shop}',
    `roleRef: {kind: ${kind}, name: ${roleName}}`,
    `subjects: [${subject}]`,
  ].join('\n');
const docs = (...d: string[]): string => d.join('\n---\n');

// --- wildcards ---------------------------------------------------------------------------------

test('wildcard-verbs: "*" in verbs, severity by who holds it; enumerated verbs are fine', () => {
  const rule = '{apiGroups: [""], resources: [configmaps], verbs: [get, "*"]}';
  expect(cr(rule), [['wildcard-verbs', 'hint', '"*"', 'ClusterRole c grants every verb on configmaps in the core group', 'not bound yet']]);
  expect(docs(cr(rule), rb()), [['wildcard-verbs', 'information', '"*"', 'Bound to User jane by RoleBinding shop/rb (in namespace shop)']]);
  expect(docs(cr(rule), crb()), [['wildcard-verbs', 'warning', '"*"', 'Bound to User jane by ClusterRoleBinding b (cluster-wide)']]);
  // Broad subjects raise a namespaced grant.
  expect(docs(cr(rule), rb('ClusterRole', '{kind: Group, name: "system:authenticated"}')), [
    ['wildcard-verbs', 'warning', '"*"', 'Group system:authenticated'],
  ]);
  expect(cr('{apiGroups: [""], resources: [configmaps], verbs: [get, list, watch, create, update, patch, delete]}'), []);
  // A non-resource rule.
  expect(docs(cr('{nonResourceURLs: ["/healthz"], verbs: ["*"]}'), crb()), [
    ['wildcard-verbs', 'warning', '"*"', 'every verb on the non-resource URLs /healthz', 'HTTP method'],
  ]);
});

test('wildcards: a rule that grants everything is an error at each "*", the specific checks leave it to them', () => {
  expect(docs(cr('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}'), crb()), [
    ['wildcard-api-groups', 'error', '"*"', 'every permission on every resource'],
    ['wildcard-resources', 'error', '"*"', 'every permission on every resource'],
    ['wildcard-verbs', 'error', '"*"', 'every permission on every resource'],
  ]);
});

test('wildcard-resources: "*" only; "*/scale" names one subresource and "pods/*" is a literal name', () => {
  expect(cr('{apiGroups: [apps], resources: [deployments, "*"], verbs: [get]}'), [
    ['wildcard-resources', 'hint', '"*"', 'get on every resource and subresource in apps', 'secrets, pods/exec'],
  ]);
  expect(cr('{apiGroups: [apps], resources: ["*/scale", "pods/*"], verbs: [get]}'), []);
});

test('wildcard-api-groups: "*" in apiGroups', () => {
  expect(docs(cr('{apiGroups: ["*"], resources: [deployments], verbs: [get]}'), crb()), [
    ['wildcard-api-groups', 'warning', '"*"', 'get on deployments in every API group', 'CRDs'],
  ]);
});

test('apiGroups: ["core"] grants nothing: no least-privilege finding at all', () => {
  expect(
    docs(
      cr(
        '{apiGroups: [core], resources: ["*"], verbs: ["*"]}',
        '{apiGroups: [core], resources: [secrets, pods/exec], verbs: [get, create]}',
      ),
      crb(),
    ),
    [],
  );
});

test('wildcard-non-resource-urls: "*" and "/*" match every path; other prefixes are a hint; RoleBindings never grant URLs', () => {
  expect(docs(cr('{nonResourceURLs: ["/*", "/healthz"], verbs: [get]}'), crb()), [
    ['wildcard-non-resource-urls', 'warning', '"/*"', 'get on every non-resource URL', '/debug/pprof'],
  ]);
  expect(docs(cr('{nonResourceURLs: ["/apis/*"], verbs: [get]}'), crb()), [
    ['wildcard-non-resource-urls', 'hint', '"/apis/*"', 'every path under /apis/'],
  ]);
  expect(docs(cr('{nonResourceURLs: ["/healthz", "/version"], verbs: [get]}'), crb()), []);
  expect(docs(cr('{nonResourceURLs: ["*"], verbs: [get]}'), rb()), [
    ['wildcard-non-resource-urls', 'hint', '"*"', 'bound only by RoleBinding shop/rb', 'never grants cluster-scoped requests'],
  ]);
});

// --- cluster-admin ------------------------------------------------------------------------------

test('cluster-admin-equivalent: rules that cover */*/* and every URL, at the resource rule with the URL rule related', () => {
  const text = docs(cr('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}', '{nonResourceURLs: ["*"], verbs: ["*"]}'), crb());
  const found = lint(text).found.filter((f) => f.check === 'cluster-admin-equivalent');
  assert.equal(found.length, 1);
  assert.equal(text.slice(found[0].span.start, found[0].span.end), '{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}');
  assert.equal(found[0].severity, 'error');
  assert.match(found[0].message, /ClusterRole c holds every permission.*as cluster-admin\. Bound to User jane by ClusterRoleBinding b/);
  assert.deepEqual(
    found[0].related?.map((r) => [text.slice(r.span.start, r.span.end), r.message]),
    [
      ['{nonResourceURLs: ["*"], verbs: ["*"]}', 'every non-resource URL'],
      ['c', 'ClusterRoleBinding b grants it'],
    ],
  );
  // Resources alone are not everything; the workspace's own cluster-admin is cluster-admin.
  const only = (t: string) => lint(t).found.filter((f) => f.check === 'cluster-admin-equivalent');
  assert.deepEqual(only(cr('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}')), []);
  assert.deepEqual(
    only(
      cr('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}', '{nonResourceURLs: ["*"], verbs: ["*"]}').replace(
        'name: c',
        'name: cluster-admin',
      ),
    ),
    [],
  );
});

test('binds-cluster-admin: at roleRef.name; a RoleBinding is full control of its namespace, lower', () => {
  const bind = (t: string) => lint(t).found.filter((f) => f.check === 'binds-cluster-admin');
  const check = (t: string, severity: string, ...messages: string[]) => {
    const found = bind(t);
    assert.equal(found.length, 1, t);
    assert.equal(t.slice(found[0].span.start, found[0].span.end), 'cluster-admin');
    assert.equal(found[0].severity, severity);
    for (const m of messages) assert.ok(found[0].message.includes(m), `${found[0].message}\n  lacks: ${m}`);
  };
  check(
    crb('{kind: Group, name: ops}', 'cluster-admin'),
    'error',
    'ClusterRoleBinding b grants ClusterRole cluster-admin to Group ops, cluster-wide',
  );
  check(rb('ClusterRole', '{kind: User, name: jane}', 'cluster-admin'), 'warning', 'in namespace shop: full control of it');
  check(rb('ClusterRole', '{kind: Group, name: "system:serviceaccounts"}', 'cluster-admin'), 'error');
  check(crb('{kind: ServiceAccount, name: x}', 'cluster-admin'), 'information', 'nobody yet');
  // A role of the workspace that holds as much.
  const full = docs(
    cr('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}', '{nonResourceURLs: ["*"], verbs: ["*"]}'),
    crb('{kind: User, name: jane}'),
  );
  const found = bind(full);
  assert.equal(found.length, 1);
  assert.match(found[0].message, /ClusterRole c, which holds every permission as cluster-admin does,/);
  assert.deepEqual(bind(crb('{kind: User, name: jane}', 'admin')), []);
  assert.deepEqual(bind(crb('{kind: User, name: jane}', 'missing')), []);
});

// --- secrets ------------------------------------------------------------------------------------

test('secrets-read: list and watch reveal every secret; RoleBinding → ClusterRole is lower than a ClusterRoleBinding', () => {
  const rule = '{apiGroups: [""], resources: [configmaps, secrets], verbs: [get, list, watch]}';
  expect(docs(cr(rule), crb('{kind: Group, name: "system:authenticated"}')), [
    [
      'secrets-read',
      'error',
      'secrets',
      'grants get, list, watch on secrets',
      'list and watch return every secret with its data',
      'Group system:authenticated by ClusterRoleBinding b (cluster-wide)',
    ],
  ]);
  expect(docs(cr(rule), rb()), [['secrets-read', 'warning', 'secrets', 'RoleBinding shop/rb (in namespace shop)']]);
  expect(cr(rule), [['secrets-read', 'information', 'secrets', 'not bound yet']]);
});

test('secrets-read: get by resourceNames is lower; "*" reaches secrets; other groups and names do not', () => {
  expect(docs(role('{apiGroups: [""], resources: [secrets], resourceNames: [db], verbs: [get]}'), rb('Role')), [
    ['secrets-read', 'information', 'secrets', 'only on the objects named "db"', 'Keep resourceNames'],
  ]);
  expect(docs(role('{apiGroups: [""], resources: [secrets], verbs: [get]}'), rb('Role')), [
    ['secrets-read', 'warning', 'secrets', 'get returns the data of any secret'],
  ]);
  expect(docs(role('{apiGroups: [""], resources: ["*"], verbs: [list]}'), rb('Role')), [
    ['secrets-read', 'warning', '"*"', 'list on secrets'],
    ['wildcard-resources', 'information', '"*"'],
  ]);
  expect(
    role(
      '{apiGroups: [apps], resources: [secrets], verbs: [get]}',
      '{apiGroups: [""], resources: [secret, Secrets, secrets/*], verbs: [get]}',
    ),
    [],
  );
  // resourceNames cannot restrict a list without a name: a create-only or deletecollection rule with names grants nothing here.
  expect(role('{apiGroups: [""], resources: [secrets], resourceNames: [db], verbs: [create, deletecollection]}'), []);
});

test('secrets-write: create yields service account tokens', () => {
  expect(docs(role('{apiGroups: [""], resources: [secrets], verbs: [create]}'), rb('Role')), [
    ['secrets-write', 'warning', 'secrets', 'kubernetes.io/service-account-token'],
  ]);
  expect(role('{apiGroups: [""], resources: [secrets], resourceNames: [db], verbs: [update, patch]}'), [
    ['secrets-write', 'hint', 'secrets', 'only on the objects named "db"'],
  ]);
  expect(role('{apiGroups: [""], resources: [secrets], verbs: [get]}'), [['secrets-read', 'information', 'secrets']]);
});

// --- workloads and pods -------------------------------------------------------------------------

test('workload-create: pods and every pod controller, marked at the list when several grant', () => {
  expect(docs(cr('{apiGroups: [apps], resources: [deployments, statefulsets, deployments/scale], verbs: [get, create]}'), rb()), [
    [
      'workload-create',
      'information',
      '[deployments, statefulsets, deployments/scale]',
      'create on deployments.apps, statefulsets.apps',
      'any service account of its namespace',
    ],
  ]);
  expect(role('{apiGroups: [""], resources: [pods], verbs: [create]}', '{apiGroups: [batch], resources: [cronjobs], verbs: ["*"]}'), [
    ['workload-create', 'hint', 'pods', 'create on pods'],
    ['workload-create', 'hint', 'cronjobs', 'create on cronjobs.batch'],
    ['wildcard-verbs', 'hint', '"*"'],
  ]);
  expect(
    role(
      '{apiGroups: [""], resources: [deployments, pods/status], verbs: [create]}',
      '{apiGroups: [apps], resources: [deployments], verbs: [update, patch]}',
    ),
    [],
  );
});

test('pod-exec: pods/exec and pods/attach, "*/exec" and "*" too; "pods/*" is a literal name', () => {
  expect(docs(role('{apiGroups: [""], resources: [pods/log, pods/exec], verbs: [get, create]}'), rb('Role')), [
    ['pod-exec', 'warning', 'pods/exec', 'Role shop/r grants create, get on pods/exec', 'service account token'],
  ]);
  expect(docs(cr('{apiGroups: [""], resources: ["*/exec", "*/attach"], verbs: [create]}'), crb()), [
    ['pod-exec', 'error', '["*/exec", "*/attach"]', 'create on pods/exec, pods/attach'],
  ]);
  // Every capability "*" reaches in the core group for create, in a Role (nothing cluster-scoped).
  expect(role('{apiGroups: [""], resources: ["*"], verbs: [create]}'), [
    ['pod-exec', 'information', '"*"'],
    ['pod-port-forward', 'hint', '"*"'],
    ['secrets-write', 'information', '"*"'],
    ['token-request', 'information', '"*"'],
    ['wildcard-resources', 'hint', '"*"'],
    ['workload-create', 'hint', '"*"', 'create on pods, replicationcontrollers'],
  ]);
  expect(role('{apiGroups: [""], resources: ["pods/*", pods/log, "*/*"], verbs: [create, get]}'), []);
  // By name: only the pods named, one step lower; get alone is the pre-1.35 WebSocket exec.
  expect(docs(role('{apiGroups: [""], resources: [pods/exec], resourceNames: [web-0], verbs: [get]}'), rb('Role')), [
    ['pod-exec', 'information', 'pods/exec', 'only on the objects named "web-0"', 'get alone suffices'],
  ]);
});

test('pod-port-forward and ephemeral-containers', () => {
  expect(docs(role('{apiGroups: [""], resources: [pods/portforward, pods/ephemeralcontainers], verbs: [create, patch]}'), rb('Role')), [
    ['pod-port-forward', 'information', 'pods/portforward', 'create on pods/portforward', 'NetworkPolicies'],
    ['ephemeral-containers', 'warning', 'pods/ephemeralcontainers', 'patch on pods/ephemeralcontainers'],
  ]);
  expect(role('{apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [get, create]}'), []);
});

// --- RBAC and identities ------------------------------------------------------------------------

test('rbac-escalate, rbac-bind: the verb on roles / clusterroles; bind on rolebindings is never checked', () => {
  expect(docs(cr('{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, bind]}'), crb()), [
    ['rbac-escalate', 'error', 'escalate', 'ClusterRole c grants escalate on clusterroles.rbac.authorization.k8s.io'],
    ['rbac-bind', 'error', 'bind', 'bind on clusterroles.rbac.authorization.k8s.io', 'cluster-admin included'],
  ]);
  expect(cr('{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings, clusterrolebindings], verbs: [bind, escalate]}'), []);
  // bind by name, in a namespace: lower, and it names the roles.
  expect(docs(cr('{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: [view], verbs: [bind]}'), rb()), [
    ['rbac-bind', 'information', 'bind', 'only on the objects named "view"', 'these roles'],
  ]);
  // escalate on clusterroles is cluster-scoped: a RoleBinding grants nothing of it.
  expect(docs(cr('{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: ["*"]}'), rb()), [
    ['rbac-write', 'hint', 'clusterroles'],
    ['rbac-bind', 'warning', '"*"'],
    ['rbac-escalate', 'information', '"*"', 'bound only by RoleBinding shop/rb'],
    ['wildcard-verbs', 'information', '"*"'],
  ]);
});

test('rbac-write: create, update, patch, delete on RBAC objects', () => {
  expect(docs(role('{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings, roles], verbs: [get, create]}'), rb('Role')), [
    [
      'rbac-write',
      'information',
      '[rolebindings, roles]',
      'create on roles.rbac.authorization.k8s.io, rolebindings.rbac.authorization.k8s.io',
    ],
  ]);
  expect(role('{apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [get, list, watch]}'), []);
});

test('impersonate: legacy on core users/groups/serviceaccounts, constrained impersonate:<mode> in authentication.k8s.io', () => {
  expect(docs(cr('{apiGroups: [""], resources: [users, groups], verbs: [impersonate]}'), crb()), [
    ['impersonate', 'error', 'impersonate', 'impersonate on users, groups', 'system:masters'],
  ]);
  expect(
    cr('{apiGroups: [authentication.k8s.io], resources: [users], verbs: ["impersonate:user-info", "impersonate-on:user-info:list"]}'),
    [['impersonate', 'information', '"impersonate:user-info"', 'Constrained impersonation also needs impersonate-on']],
  );
  expect(cr('{apiGroups: [authentication.k8s.io], resources: [userextras/scopes, uids], verbs: [impersonate]}'), [
    ['impersonate', 'information', 'impersonate', 'impersonate on uids.authentication.k8s.io, userextras/scopes.authentication.k8s.io'],
  ]);
  // Legacy impersonation checks users in the core group; impersonate-on alone is not impersonation.
  expect(
    cr(
      '{apiGroups: [authentication.k8s.io], resources: [users], verbs: [impersonate]}',
      '{apiGroups: [""], resources: [pods], verbs: ["impersonate-on:user-info:list"]}',
    ),
    [],
  );
  // A Role grants only service accounts (users and groups are cluster-scoped).
  expect(docs(role('{apiGroups: [""], resources: [users, serviceaccounts], verbs: [impersonate]}'), rb('Role')), [
    ['impersonate', 'warning', 'impersonate', 'impersonate on serviceaccounts'],
  ]);
  expect(role('{apiGroups: [""], resources: [users, groups], verbs: [impersonate]}'), []);
});

test('token-request: create on serviceaccounts/token', () => {
  expect(docs(role('{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}'), rb('Role')), [
    ['token-request', 'warning', 'serviceaccounts/token', 'any service account of the namespaces'],
  ]);
  expect(role('{apiGroups: [""], resources: [serviceaccounts/token], resourceNames: [builder], verbs: [create]}'), [
    ['token-request', 'hint', 'serviceaccounts/token', 'the service accounts named'],
  ]);
  expect(role('{apiGroups: [""], resources: [serviceaccounts], verbs: [get, create]}'), []);
});

// --- nodes, certificates, admission, volumes, namespaces ----------------------------------------

test('nodes-proxy and node-write: cluster-scoped, so never from a Role', () => {
  expect(docs(cr('{apiGroups: [""], resources: [nodes/proxy, nodes/metrics, nodes/status], verbs: [get, patch]}'), crb()), [
    ['nodes-proxy', 'error', 'nodes/proxy', 'get, patch on nodes/proxy', 'kubelet API'],
    ['node-write', 'warning', 'nodes/status', 'patch on nodes/status'],
  ]);
  expect(role('{apiGroups: [""], resources: [nodes/proxy, nodes], verbs: ["*"]}'), [['wildcard-verbs', 'hint', '"*"']]);
  expect(docs(cr('{apiGroups: [""], resources: [nodes], verbs: [delete]}'), rb()), [
    ['node-write', 'hint', 'nodes', 'bound only by RoleBinding shop/rb', 'never grants cluster-scoped requests'],
  ]);
});

test('csr-approve: approval and approve on signers together, in one rule or two', () => {
  const approval = '{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}';
  const text = docs(cr(approval, '{apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}'), crb());
  const found = expect(text, [
    [
      'csr-approve',
      'error',
      '{apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}',
      'approve on any signer',
      'system:masters',
    ],
  ]);
  assert.equal(found[0].related?.[0].message, 'update on certificatesigningrequests/approval');
  expect(cr(approval), []);
  expect(cr('{apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}'), []);
  // One signer by name: lower, unless it is the API server's client signer.
  expect(
    docs(
      cr(approval, '{apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [example.com/foo], verbs: [approve]}'),
      crb(),
    ),
    [
      [
        'csr-approve',
        'warning',
        '{apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [example.com/foo], verbs: [approve]}',
        'for these signers',
      ],
    ],
  );
  const both =
    '{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval, signers], resourceNames: [kubernetes.io/kube-apiserver-client], verbs: [update, approve]}';
  expect(docs(cr(both), crb()), [['csr-approve', 'error', both, 'system:masters']]);
});

test('admission-write, persistent-volume-create, namespace-write', () => {
  expect(
    docs(
      cr(
        '{apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations, validatingadmissionpolicies], verbs: [get, delete]}',
      ),
      crb(),
    ),
    [['admission-write', 'error', '[validatingwebhookconfigurations, validatingadmissionpolicies]', 'turn off the policies']],
  );
  expect(cr('{apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [get, list, watch]}'), []);
  expect(docs(cr('{apiGroups: [""], resources: [persistentvolumes, persistentvolumeclaims], verbs: [create]}'), crb()), [
    ['persistent-volume-create', 'warning', 'persistentvolumes', 'hostPath'],
  ]);
  // namespaces/NAME is checked in namespace NAME: a RoleBinding reaches its own namespace (not create).
  expect(docs(cr('{apiGroups: [""], resources: [namespaces], verbs: [create, delete]}'), rb()), [
    ['namespace-write', 'information', 'namespaces', 'create, delete on namespaces', 'deletes everything in it', 'own namespace'],
  ]);
  expect(docs(cr('{apiGroups: [""], resources: [namespaces], verbs: [create]}'), rb()), [
    ['namespace-write', 'hint', 'namespaces', 'bound only by RoleBinding'],
  ]);
  expect(cr('{apiGroups: [""], resources: [namespaces, namespaces/status], verbs: [get, list, watch]}'), []);
});

// --- aggregation, overrides, suppression --------------------------------------------------------

const AGG = [
  HEAD,
  'kind: ClusterRole',
  'metadata: {name: agg}',
  'aggregationRule:',
  '  clusterRoleSelectors:',
  '  - matchLabels: {team: ops}',
].join('\n');
const SOURCE = [
  HEAD,
  'kind: ClusterRole',
  'metadata: {name: src, labels: {team: ops}}',
  'rules:',
  '- {apiGroups: [""], resources: [secrets], verbs: [list]}',
].join('\n');

test('aggregated roles: the rule is reported where it is written, and on the selector that picks it up', () => {
  const text = docs(AGG, SOURCE, crb('{kind: User, name: jane}', 'agg'));
  const found = expect(text, [
    [
      'secrets-read',
      'error',
      'matchLabels: {team: ops}',
      'ClusterRole agg aggregates list on secrets from ClusterRole src',
      'Bound to User jane by ClusterRoleBinding b (cluster-wide)',
    ],
    ['secrets-read', 'error', 'secrets', 'ClusterRole src grants list on secrets', 'through aggregated ClusterRole agg'],
  ]);
  assert.deepEqual(
    found[0].related?.map((r) => [text.slice(r.span.start, r.span.end), r.message]),
    [
      ['{apiGroups: [""], resources: [secrets], verbs: [list]}', 'the rule, in ClusterRole src'],
      ['agg', 'ClusterRoleBinding b grants it'],
    ],
  );
  // The written rules of an aggregated role are replaced by the controller: they grant nothing.
  expect(AGG.replace('team: ops', 'team: none') + '\nrules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]', []);
});

test('aggregated roles: several sources under one selector make one finding; {} picking up cluster-admin is cluster-admin-equivalent alone', () => {
  const second = SOURCE.replace('name: src', 'name: src2').replace('verbs: [list]', 'verbs: [watch]');
  expect(docs(AGG, SOURCE, second), [
    [
      'secrets-read',
      'information',
      'matchLabels: {team: ops}',
      'ClusterRole agg aggregates list on secrets from ClusterRole src, and such grants from src2 (this selector picks them up)',
    ],
    ['secrets-read', 'information', 'secrets', 'ClusterRole src grants list on secrets'],
    ['secrets-read', 'information', 'secrets', 'ClusterRole src2 grants watch on secrets'],
  ]);
  const text = docs(AGG.replace('- matchLabels: {team: ops}', '- {}'), crb('{kind: Group, name: devs}', 'agg'));
  const all = lint(text).found;
  assert.deepEqual(
    all.map((f) => [f.check, f.severity, text.slice(f.span.start, f.span.end)]),
    [
      ['cluster-admin-equivalent', 'error', '{}'],
      ['binds-cluster-admin', 'error', 'agg'],
    ],
  );
  assert.match(all[0].message, /ClusterRole agg aggregates, from ClusterRole cluster-admin, every permission/);
});

test('aggregated roles: a workspace role labelled for the built-in edit reaches those bound to edit', () => {
  const labelled = SOURCE.replace('team: ops', 'rbac.authorization.k8s.io/aggregate-to-edit: "true"');
  expect(docs(labelled, rb('ClusterRole', '{kind: Group, name: devs}', 'edit')), [
    ['secrets-read', 'warning', 'secrets', 'to Group devs by RoleBinding shop/rb through aggregated ClusterRole edit (in namespace shop)'],
  ]);
});

test('a role replaced by a later one of the same name is not in effect', () => {
  expect(
    docs(cr('{apiGroups: [""], resources: [secrets], verbs: [get]}'), cr('{apiGroups: [""], resources: [configmaps], verbs: [get]}')),
    [],
  );
});

test('# kubeid-disable-next-line silences one check on the next line', () => {
  const text = [
    HEAD,
    'kind: Role',
    'metadata: {name: r, namespace: shop}',
    'rules:',
    '- apiGroups: [""]',
    '  resources:',
    '  # kubeid-disable-next-line secrets-read',
    '  - secrets',
    '  - pods/exec',
    '  verbs: [get, create]',
  ].join('\n');
  expect(text, [
    ['secrets-write', 'information', 'secrets'],
    ['pod-exec', 'information', 'pods/exec'],
  ]);
});

test('every privilege check has an id, a severity and a one-line summary', () => {
  assert.equal(PRIVILEGE_CHECKS.length, 23);
  for (const c of PRIVILEGE_CHECKS) assert.ok(c.summary.length > 20 && !c.summary.includes('\n'), c.id);
});
