// The reference checks: missing-role and missing-service-account, each at the exact name, with
// the cases that must fire and those that must not (default policy, namespaces, built-in accounts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { manifestsFromObjects, parseManifestText } from '../../server/src/core/manifest/parse';
import {
  ALL_CHECKS,
  REFERENCE_CHECKS,
  VALIDATION_CHECKS,
  contextFor,
  runChecks,
  type Check,
  type CheckSettings,
} from '../../server/src/core/checks/index';
import type { WorkspaceOptions } from '../../server/src/core/policy/workspace';
import { repoPath } from '../helpers/repo';

type Expected = [id: string, severity: string, text: string, message: string];

interface Options {
  checks?: readonly Check[];
  settings?: CheckSettings;
  workspace?: WorkspaceOptions;
}

function lint(yamls: string[], opts: Options = {}): Array<Expected & { related: string[] }> {
  const files = yamls.map((y, i) => parseManifestText(y, `f${i}.yaml`));
  const text = (file: string, span: { start: number; end: number }) => files.find((x) => x.file === file)!.text.slice(span.start, span.end);
  return runChecks(contextFor(files, opts.workspace), opts.checks ?? REFERENCE_CHECKS, opts.settings).map((f) =>
    Object.assign([f.check, f.severity, text(f.file, f.span), f.message] as Expected, {
      related: (f.related ?? []).map((r) => `${r.file}:${text(r.file, r.span)}`),
    }),
  );
}

function expect(yamls: string[], expected: Expected[], opts: Options = {}): Array<{ related: string[] }> {
  const actual = lint(yamls, opts);
  assert.deepEqual(
    actual.map(([id, sev, text]) => [id, sev, text]),
    expected.map(([id, sev, text]) => [id, sev, text]),
  );
  actual.forEach(([, , , message], i) =>
    assert.ok(message.includes(expected[i][3]), `finding ${i}: ${message}\n  lacks: ${expected[i][3]}`),
  );
  return actual;
}

const role = (name: string, ns: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: ${name}, namespace: ${ns}}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]`;
const clusterRole = (name: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ${name}}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]`;
const sa = (name: string, ns?: string) =>
  `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}}`;
/** A binding; ns undefined: none written. */
function binding(kind: string, ns: string | undefined, roleRef: string, subjects = '[{kind: Group, name: g}]'): string {
  const meta = ns === undefined ? '{name: b}' : `{name: b, namespace: ${ns}}`;
  return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata: ${meta}\nroleRef: ${roleRef}\nsubjects: ${subjects}`;
}
const pod = (ns: string | undefined, spec: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: p${ns ? `, namespace: ${ns}` : ''}}\nspec: ${spec}`;

test('missing-role: a RoleBinding → Role that exists nowhere, at roleRef.name, with what the API server does', () => {
  expect(
    [binding('RoleBinding', 'shop', '{kind: Role, name: nope}')],
    [
      [
        'missing-role',
        'warning',
        'nope',
        'Role "nope" in namespace "shop" does not exist (neither in the workspace nor in the default cluster policy): RoleBinding "b" grants nothing',
      ],
    ],
  );
  const [[, , , message]] = lint([binding('RoleBinding', 'shop', '{kind: Role, name: nope}')]);
  assert.match(message, /lookup fails \(role\.rbac\.authorization\.k8s\.io "nope" not found\) for every request it would match/);
  assert.match(message, /only a user allowed to bind roles "nope" in "shop" \(or a member of system:masters\)/);
  assert.match(message, /Create the Role, or fix roleRef\.name\./);
});

test('missing-role: a RoleBinding looks for its Role in its own namespace', () => {
  const [found] = expect(
    [role('reader', 'shop'), binding('RoleBinding', 'ci', '{kind: Role, name: reader}')],
    [
      [
        'missing-role',
        'warning',
        'reader',
        'A Role "reader" exists in namespace "shop": a RoleBinding can only reference a Role of its own namespace',
      ],
    ],
  );
  assert.deepEqual(found.related, ['f0.yaml:reader']);
  // Same namespace: found. No namespace written on the binding: it is chosen at apply time, not reported.
  expect([role('reader', 'shop'), binding('RoleBinding', 'shop', '{kind: Role, name: reader}')], []);
  expect([role('reader', 'shop'), binding('RoleBinding', undefined, '{kind: Role, name: reader}')], []);
  expect([role('reader', 'default'), binding('RoleBinding', undefined, '{kind: Role, name: reader}')], []);
});

test('missing-role: ClusterRoles of the default policy and of the workspace exist; without defaults, view does not', () => {
  expect([binding('RoleBinding', 'shop', '{kind: ClusterRole, name: view}')], []);
  expect([binding('ClusterRoleBinding', undefined, '{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}')], []);
  expect([clusterRole('mine'), binding('ClusterRoleBinding', undefined, '{kind: ClusterRole, name: mine}')], []);
  // An aggregated ClusterRole with no rules of its own still exists.
  const aggregated =
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agg}\naggregationRule: {clusterRoleSelectors: [{matchLabels: {a: b}}]}';
  expect([aggregated, binding('ClusterRoleBinding', undefined, '{kind: ClusterRole, name: agg}')], []);
  expect(
    [binding('RoleBinding', 'shop', '{kind: ClusterRole, name: view}')],
    [['missing-role', 'warning', 'view', 'ClusterRole "view" does not exist']],
    { workspace: { defaults: false } },
  );
});

test('missing-role: "did you mean", and the other kind under the same name', () => {
  expect(
    [binding('ClusterRoleBinding', undefined, '{kind: ClusterRole, name: veiw}')],
    [['missing-role', 'warning', 'veiw', 'Did you mean "view"?']],
  );
  expect(
    [binding('RoleBinding', 'shop', '{kind: Role, name: edit}')],
    [['missing-role', 'warning', 'edit', 'A ClusterRole "edit" exists: set roleRef.kind: ClusterRole.']],
  );
  const [found] = expect(
    [role('checkout', 'shop'), binding('RoleBinding', 'shop', '{kind: ClusterRole, name: checkout}')],
    [['missing-role', 'warning', 'checkout', 'A Role "checkout" exists: set roleRef.kind: Role.']],
  );
  assert.deepEqual(found.related, ['f0.yaml:checkout']);
  const [close] = expect(
    [role('checkout', 'shop'), binding('RoleBinding', 'shop', '{kind: Role, name: chekout}')],
    [['missing-role', 'warning', 'chekout', 'Did you mean "checkout"?']],
  );
  assert.deepEqual(close.related, ['f0.yaml:checkout']);
});

test('missing-role: roleRefs the API server rejects are invalid-role-ref’s alone (ClusterRoleBinding → Role included)', () => {
  expect(
    [
      binding('ClusterRoleBinding', undefined, '{kind: Role, name: nope}'),
      binding('RoleBinding', 'shop', '{apiGroup: rbac.authorization.k8s.io/v1, kind: Role, name: nope}'),
      binding('RoleBinding', 'shop', '{kind: role, name: nope}'),
      binding('RoleBinding', 'shop', '{kind: Role, name: ""}'),
      binding('RoleBinding', 'shop', '{kind: Role, name: "a/b"}'),
      binding('RoleBinding', 'shop', '[]'),
    ],
    [
      ['invalid-role-ref', 'error', 'Role', ''],
      ['invalid-role-ref', 'error', 'rbac.authorization.k8s.io/v1', ''],
      ['invalid-role-ref', 'error', 'role', ''],
      ['invalid-role-ref', 'error', '""', ''],
      ['invalid-role-ref', 'error', '"a/b"', ''],
    ],
    { checks: [...VALIDATION_CHECKS, ...REFERENCE_CHECKS] },
  );
});

test('missing-role: block style points at the name value; severity settings and suppressions apply', () => {
  const text = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'metadata:',
    '  name: b',
    '  namespace: shop',
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: ClusterRole',
    '  name: "not-yet-created"',
    'subjects: []',
  ].join('\n');
  expect([text], [['missing-role', 'warning', '"not-yet-created"', 'ClusterRole "not-yet-created" does not exist']]);
  expect([text], [['missing-role', 'error', '"not-yet-created"', '']], { settings: { severity: { 'missing-role': 'error' } } });
  expect([text.replace('  name: "not', '  # kubeid-disable-next-line missing-role -- created by the operator\n  name: "not')], []);
  expect(['# kubeid-disable missing-role\n' + text], []);
});

test('missing-service-account: a subject without namespace in a RoleBinding is in the binding’s namespace', () => {
  const subject = '[{kind: ServiceAccount, name: builder}]';
  expect([sa('builder', 'shop'), binding('RoleBinding', 'shop', '{kind: ClusterRole, name: view}', subject)], []);
  expect(
    [sa('builder', 'ci'), binding('RoleBinding', 'shop', '{kind: ClusterRole, name: view}', subject)],
    [
      [
        'missing-service-account',
        'warning',
        'builder',
        'ServiceAccount "builder" in namespace "shop" (the RoleBinding\'s: the subject names none) does not exist',
      ],
    ],
  );
  const [[, , , message]] = lint([sa('builder', 'ci'), binding('RoleBinding', 'shop', '{kind: ClusterRole, name: view}', subject)]);
  assert.match(message, /whoever may create ServiceAccounts in "shop" can create it and receive what RoleBinding "b" grants/);
  assert.match(message, /exists in namespace "ci": name that namespace in the subject/);
});

test('missing-service-account: explicit namespaces, did you mean, related places', () => {
  const [found] = expect(
    [
      sa('deployer', 'ci'),
      binding('ClusterRoleBinding', undefined, '{kind: ClusterRole, name: edit}', '[{kind: ServiceAccount, name: deployr, namespace: ci}]'),
    ],
    [['missing-service-account', 'warning', 'deployr', 'Did you mean "deployer"?']],
  );
  assert.deepEqual(found.related, ['f0.yaml:deployer']);
  const [elsewhere] = expect(
    [
      sa('deployer', 'ci'),
      binding('RoleBinding', 'shop', '{kind: ClusterRole, name: edit}', '[{kind: ServiceAccount, name: deployer, namespace: dev}]'),
    ],
    [['missing-service-account', 'warning', 'deployer', 'A ServiceAccount "deployer" exists in namespace "ci"']],
  );
  assert.deepEqual(elsewhere.related, ['f0.yaml:deployer']);
});

test('missing-service-account: "default" exists in every namespace, the controllers’ accounts in kube-system', () => {
  const subjects =
    '[{kind: ServiceAccount, name: default, namespace: anywhere}, {kind: ServiceAccount, name: deployment-controller, namespace: kube-system},' +
    ' {kind: ServiceAccount, name: generic-garbage-collector, namespace: kube-system}, {kind: ServiceAccount, name: deployment-controller, namespace: shop}]';
  const doc = binding('ClusterRoleBinding', undefined, '{kind: ClusterRole, name: view}', subjects);
  const expected: Expected[] = [['missing-service-account', 'warning', 'deployment-controller', 'in namespace "shop" does not exist']];
  const [found] = expect([doc], expected);
  assert.equal(found.related.length, 0);
  // The cluster creates them whether or not kubeid evaluates the default policy.
  const checks = REFERENCE_CHECKS.filter((c) => c.id === 'missing-service-account');
  expect([doc], expected, { workspace: { defaults: false }, checks });
});

test('missing-service-account: subjects the API server rejects, or whose namespace is unknown, are left to invalid-subject', () => {
  expect(
    [
      binding(
        'ClusterRoleBinding',
        undefined,
        '{kind: ClusterRole, name: view}',
        '[{kind: ServiceAccount, name: nobody}, {kind: ServiceAccount, name: nobody, namespace: shop, apiGroup: v1},' +
          ' {kind: ServiceAccount, name: "system:serviceaccount:shop:x", namespace: shop}, {kind: serviceaccount, name: y, namespace: shop},' +
          ' {kind: User, name: nobody}]',
      ),
    ],
    [],
  );
});

test('missing-service-account: a workload’s serviceAccountName, and the deprecated serviceAccount', () => {
  expect([sa('web', 'shop'), pod('shop', '{serviceAccountName: web, containers: []}')], []);
  expect([pod('shop', '{serviceAccountName: default, containers: []}')], []);
  expect(
    [sa('web', 'shop'), pod('shop', '{serviceAccountName: wbe, containers: []}')],
    [
      [
        'missing-service-account',
        'warning',
        'wbe',
        'Pod "p" runs as ServiceAccount "wbe" in namespace "shop", which does not exist (neither in the workspace nor among the accounts every cluster has): the API server refuses the Pod until it is created (ServiceAccount admission: "error looking up service account shop/wbe: serviceaccount "wbe" not found"). Did you mean "web"?',
      ],
    ],
  );
  const deployment = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: d, namespace: shop}',
    'spec:',
    '  template:',
    '    spec:',
    '      serviceAccount: legacy',
    '      containers: []',
  ].join('\n');
  expect([deployment], [['missing-service-account', 'warning', 'legacy', 'the API server refuses its pods until it is created']]);
  assert.match(lint([deployment])[0][3], /serviceAccount is the deprecated name of serviceAccountName/);
  expect(
    [sa('web', 'dev'), pod('shop', '{serviceAccountName: web}')],
    [['missing-service-account', 'warning', 'web', 'a pod can only run as an account of its own namespace']],
  );
});

test('missing-service-account: a workload without namespace is reported only when no account of that name exists anywhere', () => {
  expect([sa('web', 'shop'), pod(undefined, '{serviceAccountName: web}')], []);
  expect([sa('web'), pod(undefined, '{serviceAccountName: web}')], []);
  expect([pod(undefined, '{serviceAccountName: web}')], [['missing-service-account', 'warning', 'web', 'in namespace "default"']]);
});

test('the default policy read as workspace manifests references nothing missing', () => {
  const dir = repoPath('server/data/bootstrap-policy');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parseManifestText(readFileSync(`${dir}/${f}`, 'utf8'), f));
  assert.deepEqual(runChecks(contextFor(files, { defaults: false }), REFERENCE_CHECKS), []);
  assert.deepEqual(runChecks(contextFor(files), REFERENCE_CHECKS), []);
});

test('malformed bindings and workloads, and objects of a cluster: no exception', () => {
  const text = [
    binding('RoleBinding', 'shop', '[]', '[null, 1, {kind: ServiceAccount, name: [a]}, {kind: ServiceAccount, name: x, namespace: 3}]'),
    binding('RoleBinding', 'shop', '{kind: Role, name: {a: 1}}', 'nope'),
    'apiVersion: v1\nkind: Pod\nmetadata: []\nspec: {serviceAccountName: [x], automountServiceAccountToken: yes}',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: []}',
    'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {template: {spec: null}}}}',
  ].join('\n---\n');
  assert.deepEqual(
    lint([text], { checks: ALL_CHECKS }).filter(([id]) => id.startsWith('missing-')),
    [],
  );
  const cluster = manifestsFromObjects(
    [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'b', namespace: 'shop' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gone' },
        subjects: [{ kind: 'ServiceAccount', name: 'ghost' }],
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { serviceAccountName: 'ghost', containers: [] } },
    ],
    'cluster',
  );
  const found = runChecks(contextFor([cluster]), REFERENCE_CHECKS);
  assert.deepEqual(
    found.map((f) => [f.check, f.file]),
    [
      ['missing-role', 'cluster'],
      ['missing-service-account', 'cluster'],
      ['missing-service-account', 'cluster'],
    ],
  );
});
