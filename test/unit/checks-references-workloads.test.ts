// The workload checks: default-service-account-used and automount-unneeded, at the exact element,
// with the token rules (pod spec > ServiceAccount > mounted) and permissions beyond the baseline.
// And all checks over the example workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadManifestPaths } from '../../server/src/core/manifest/load';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import {
  ALL_CHECKS,
  REFERENCE_CHECKS,
  WORKLOAD_CHECKS,
  contextFor,
  runChecks,
  type Check,
  type CheckSettings,
  type Finding,
} from '../../server/src/core/checks/index';
import { repoPath } from '../helpers/repo';

type Expected = [id: string, severity: string, text: string, message: string];

function lint(yamls: string[], checks: readonly Check[] = WORKLOAD_CHECKS, settings?: CheckSettings) {
  const files = yamls.map((y, i) => parseManifestText(y, `f${i}.yaml`));
  const text = (file: string, span: { start: number; end: number }) => files.find((x) => x.file === file)!.text.slice(span.start, span.end);
  return runChecks(contextFor(files), checks, settings).map((f) => ({
    row: [f.check, f.severity, text(f.file, f.span), f.message] as Expected,
    start: f.span.start,
    related: (f.related ?? []).map((r) => `${r.file}:${text(r.file, r.span)}`),
  }));
}

function expect(yamls: string[], expected: Expected[], checks?: readonly Check[]): ReturnType<typeof lint> {
  const actual = lint(yamls, checks);
  assert.deepEqual(
    actual.map(({ row: [id, sev, text] }) => [id, sev, text]),
    expected.map(([id, sev, text]) => [id, sev, text]),
  );
  actual.forEach(({ row: [, , , message] }, i) =>
    assert.ok(message.includes(expected[i][3]), `finding ${i}: ${message}\n  lacks: ${expected[i][3]}`),
  );
  return actual;
}

const sa = (name: string, extra = '') => `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}, namespace: shop}${extra}`;
const deployment = (...specLines: string[]) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  replicas: 1',
    '  template:',
    '    spec:',
    ...specLines.map((l) => `      ${l}`),
    '      containers: [{name: web, image: web}]',
  ].join('\n');
const roleBinding = (name: string, roleRef: string, subjects: string, ns = 'shop') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: ${name}, namespace: ${ns}}\nroleRef: ${roleRef}\nsubjects: ${subjects}`;

test('default-service-account-used: a pod template without serviceAccountName, at the pod spec’s key', () => {
  const text = deployment();
  const [found] = expect(
    [text],
    [
      [
        'default-service-account-used',
        'information',
        'spec',
        'Deployment "web" names no serviceAccountName, so its pods run as ServiceAccount "default" of namespace "shop" with its API token mounted (neither the pod spec nor the ServiceAccount sets automountServiceAccountToken',
      ],
    ],
  );
  assert.equal(found.start, text.indexOf('    spec:') + 4); // the template's, not the Deployment's
  assert.match(
    found.row[3],
    /Create a ServiceAccount for this workload and set serviceAccountName, or set automountServiceAccountToken: false/,
  );
});

test('default-service-account-used: Pods and CronJobs, and an explicit serviceAccountName: default', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {containers: []}';
  const [p] = expect([pod], [['default-service-account-used', 'information', 'spec', 'Pod "p" names no serviceAccountName']]);
  assert.equal(p.start, pod.indexOf('spec'));
  const cron = [
    'apiVersion: batch/v1',
    'kind: CronJob',
    'metadata: {name: c, namespace: shop}',
    'spec:',
    '  schedule: "@daily"',
    '  jobTemplate:',
    '    spec:',
    '      template:',
    '        spec: {containers: []}',
  ].join('\n');
  const [c] = expect([cron], [['default-service-account-used', 'information', 'spec', 'CronJob "c"']]);
  assert.equal(c.start, cron.lastIndexOf('spec'));
  expect(
    [deployment('serviceAccountName: default')],
    [['default-service-account-used', 'information', 'default', 'names the "default" ServiceAccount']],
  );
});

test('default-service-account-used: silent with a named account, without token, or without pod spec', () => {
  const dsu = WORKLOAD_CHECKS.filter((c) => c.id === 'default-service-account-used');
  expect([sa('web'), deployment('serviceAccountName: web')], [], dsu);
  expect([deployment('automountServiceAccountToken: false')], []);
  // The default account turns automounting off, and the pod does not turn it back on.
  expect([sa('default', '\nautomountServiceAccountToken: false'), deployment()], []);
  expect(
    [sa('default', '\nautomountServiceAccountToken: false'), deployment('automountServiceAccountToken: true')],
    [
      ['default-service-account-used', 'information', 'spec', '(the pod spec sets automountServiceAccountToken: true)'],
      ['automount-unneeded', 'information', 'true', 'mounts the API token of ServiceAccount "default" in namespace "shop"'],
    ],
  );
  expect(['apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 1}'], []);
});

test('default-service-account-used: a warning when the default account holds permissions of its own', () => {
  const grant = roleBinding('default-edit', '{kind: ClusterRole, name: edit}', '[{kind: ServiceAccount, name: default}]');
  const [found] = expect(
    [grant, deployment()],
    [
      [
        'default-service-account-used',
        'warning',
        'spec',
        'That account holds permissions of its own (RoleBinding "default-edit" in "shop" → ClusterRole "edit"): every pod of "shop" that names no account gets them.',
      ],
    ],
  );
  assert.deepEqual(found.related, ['f0.yaml:default-edit']);
  // A grant every service account has anyway (system:discovery, via system:authenticated) is no permission of its own.
  const baseline = roleBinding('d', '{kind: ClusterRole, name: "system:discovery"}', '[{kind: ServiceAccount, name: default}]');
  expect([baseline, deployment()], [['default-service-account-used', 'information', 'spec', '']]);
});

test('automount-unneeded: a ServiceAccount without permissions that does not turn automounting off', () => {
  expect([sa('idle')], [['automount-unneeded', 'information', 'idle', 'leaves automountServiceAccountToken unset (mounted by default)']]);
  const [found] = expect(
    [sa('idle', '\nautomountServiceAccountToken: true'), deployment('serviceAccountName: idle')],
    [
      [
        'automount-unneeded',
        'information',
        'true',
        'ServiceAccount "idle" in namespace "shop" holds no permissions beyond what every service account of its namespace has',
      ],
    ],
  );
  assert.match(found.row[3], /\(1 workload of the workspace\)/);
  assert.deepEqual(found.related, ['f1.yaml:idle']);
  expect([sa('idle', '\nautomountServiceAccountToken: false')], []);
});

test('automount-unneeded: silent for accounts with permissions, wherever granted; baseline grants do not count', () => {
  const edit = '{kind: ClusterRole, name: edit}';
  expect([sa('app'), roleBinding('b', edit, '[{kind: ServiceAccount, name: app}]')], []);
  // By username, and from another namespace's RoleBinding.
  expect([sa('app'), roleBinding('b', edit, '[{kind: User, name: "system:serviceaccount:shop:app"}]')], []);
  expect([sa('app'), roleBinding('b', edit, '[{kind: ServiceAccount, name: app, namespace: shop}]', 'prod')], []);
  // A binding to a missing role shows intent: missing-role reports it.
  expect([sa('app'), roleBinding('b', '{kind: Role, name: later}', '[{kind: ServiceAccount, name: app}]')], []);
  // Grants to every service account of the namespace, or to roles every account has, are not the account's own.
  const fires: Expected[] = [['automount-unneeded', 'information', 'app', '']];
  expect([sa('app'), roleBinding('b', edit, '[{kind: Group, name: "system:serviceaccounts:shop"}]')], fires);
  expect([sa('app'), roleBinding('b', '{kind: ClusterRole, name: "system:basic-user"}', '[{kind: ServiceAccount, name: app}]')], fires);
  const empty = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: nothing, namespace: shop}\nrules: []';
  expect([sa('app'), empty, roleBinding('b', '{kind: Role, name: nothing}', '[{kind: ServiceAccount, name: app}]')], fires);
});

test('automount-unneeded: a pod spec mounting the token of an account without permissions, at its field', () => {
  const text = deployment('serviceAccountName: quiet', 'automountServiceAccountToken: true');
  const [found] = expect(
    [sa('quiet', '\nautomountServiceAccountToken: false'), text],
    [['automount-unneeded', 'information', 'true', 'Deployment "web" mounts the API token of ServiceAccount "quiet" in namespace "shop"']],
  );
  assert.equal(found.start, text.indexOf('true'));
  assert.deepEqual(found.related, ['f0.yaml:quiet']);
  // A missing account is missing-service-account's alone.
  expect(
    [deployment('serviceAccountName: ghost', 'automountServiceAccountToken: true')],
    [['missing-service-account', 'warning', 'ghost', '']],
    ALL_CHECKS,
  );
});

test('workload checks: severity settings and suppression comments', () => {
  const idle = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  namespace: shop\n  name: idle';
  const text = idle + '\n---\n' + deployment();
  assert.deepEqual(
    lint([text], WORKLOAD_CHECKS, { severity: { 'automount-unneeded': 'off', 'default-service-account-used': 'hint' } }).map((f) =>
      f.row.slice(0, 2),
    ),
    [['default-service-account-used', 'hint']],
  );
  const both: Expected[] = [
    ['automount-unneeded', 'information', 'idle', ''],
    ['default-service-account-used', 'information', 'spec', ''],
  ];
  expect([text], both);
  expect([text.replace('  name: idle', '  # kubeid-disable-next-line automount-unneeded\n  name: idle')], both.slice(1));
  expect([text.replace('    spec:', '    # kubeid-disable-next-line default-service-account-used\n    spec:')], both.slice(0, 1));
  expect(
    [text.replace('kind: Deployment', '# kubeid-disable default-service-account-used -- reviewed\nkind: Deployment')],
    both.slice(0, 1),
  );
});

test('the example workspace: only the nightly CronJob running as "default" is reported', async () => {
  const files = await loadManifestPaths([repoPath('example')]);
  const ctx = contextFor(files);
  assert.deepEqual(ctx.workspace.problems, []);
  assert.deepEqual(
    ctx.workspace.workloads.map((w) => [w.kind, w.namespace, w.name, w.serviceAccountName?.value]),
    [
      ['Deployment', 'shop', 'checkout', 'checkout'],
      ['CronJob', 'shop', 'order-report', undefined],
    ],
  );
  const where = (f: Finding): string[] => {
    const file = files.find((x) => x.file === f.file)!;
    return [f.check, f.severity, file.file.slice(file.file.indexOf('example/')), file.text.slice(f.span.start, f.span.end)];
  };
  // The references all resolve; the Deployment runs as checkout (which has its Role), the CronJob as default.
  assert.deepEqual(runChecks(ctx, [...REFERENCE_CHECKS, ...WORKLOAD_CHECKS]).map(where), [
    ['default-service-account-used', 'information', 'example/shop/workloads.yaml', 'spec'],
  ]);
  // With every check, the workloads file gets nothing more.
  const inWorkloads = runChecks(ctx, ALL_CHECKS)
    .map(where)
    .filter((row) => row[2] === 'example/shop/workloads.yaml');
  assert.deepEqual(inWorkloads, [['default-service-account-used', 'information', 'example/shop/workloads.yaml', 'spec']]);
});
