// The subject checks: binding subjects that stand for many or unintended identities, marked at the
// subject's name, saying what the binding grants them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import { SUBJECT_CHECKS, contextFor, runChecks, type Finding } from '../../server/src/core/checks/index';

type Expected = [id: string, severity: string, text: string, ...messages: string[]];

function expect(yaml: string, expected: Expected[]): Finding[] {
  const found = runChecks(contextFor([parseManifestText(yaml, 'in.yaml')]), SUBJECT_CHECKS);
  assert.deepEqual(
    found.map((f) => [f.check, f.severity, yaml.slice(f.span.start, f.span.end)]),
    expected.map(([id, sev, t]) => [id, sev, t]),
  );
  found.forEach((f, i) => {
    for (const m of expected[i].slice(3)) assert.ok(f.message.includes(m), `finding ${i} (${f.check}): ${f.message}\n  lacks: ${m}`);
  });
  return found;
}

const HEAD = 'apiVersion: rbac.authorization.k8s.io/v1';
const binding = (kind: string, roleRef: string, ...subjects: string[]): string =>
  [
    HEAD,
    `kind: ${kind}`,
    `metadata: {name: b${kind === 'RoleBinding' ? ', namespace: shop' : ''}}`,
    `roleRef: {kind: ${roleRef.split('/')[0]}, name: ${roleRef.split('/')[1]}}`,
    'subjects:',
    ...subjects.map((s) => `- ${s}`),
  ].join('\n');
const SECRET_READER = [
  HEAD,
  'kind: ClusterRole',
  'metadata: {name: reader}',
  'rules:',
  '- {apiGroups: [""], resources: [secrets], verbs: [get, list]}',
].join('\n');

test('anonymous-subject: User system:anonymous and Group system:unauthenticated, lower in a RoleBinding', () => {
  const found = expect(
    [
      SECRET_READER,
      '---',
      binding(
        'ClusterRoleBinding',
        'ClusterRole/reader',
        '{kind: Group, name: "system:unauthenticated"}',
        '{kind: Group, name: "system:anonymous"}',
      ),
      '---',
      binding(
        'RoleBinding',
        'ClusterRole/reader',
        '{kind: User, name: "system:anonymous"}',
        '{kind: User, name: "system:unauthenticated"}',
      ),
    ].join('\n'),
    [
      [
        'anonymous-subject',
        'error',
        '"system:unauthenticated"',
        'ClusterRoleBinding b grants ClusterRole reader to every unauthenticated request',
        'in every namespace and at cluster scope: get, list secrets',
        'without credentials',
      ],
      [
        'anonymous-subject',
        'warning',
        '"system:anonymous"',
        'RoleBinding shop/b grants ClusterRole reader to every anonymous request',
        'in namespace shop',
      ],
    ],
  );
  assert.equal(found[0].related?.[0].message, 'ClusterRole reader, the role it grants');
});

test('all-authenticated-subject: Group system:authenticated; lower in a RoleBinding and when the role is missing', () => {
  expect(binding('ClusterRoleBinding', 'ClusterRole/view', '{kind: Group, name: "system:authenticated"}'), [
    [
      'all-authenticated-subject',
      'warning',
      '"system:authenticated"',
      'every authenticated user and every service account of every namespace',
    ],
  ]);
  expect(binding('RoleBinding', 'ClusterRole/view', '{kind: Group, name: "system:authenticated"}'), [
    ['all-authenticated-subject', 'information', '"system:authenticated"', 'in namespace shop'],
  ]);
  expect(binding('ClusterRoleBinding', 'ClusterRole/nope', '{kind: Group, name: "system:authenticated"}'), [
    [
      'all-authenticated-subject',
      'information',
      '"system:authenticated"',
      'nothing yet (clusterrole.rbac.authorization.k8s.io "nope" not found)',
    ],
  ]);
  // Case-sensitive, and a User of that name is no one.
  expect(
    binding(
      'ClusterRoleBinding',
      'ClusterRole/view',
      '{kind: Group, name: "System:Authenticated"}',
      '{kind: User, name: "system:authenticated"}',
    ),
    [],
  );
});

test('all-service-accounts-subject: every service account, or those of one namespace (lower)', () => {
  expect(
    binding(
      'ClusterRoleBinding',
      'ClusterRole/view',
      '{kind: Group, name: "system:serviceaccounts"}',
      '{kind: Group, name: "system:serviceaccounts:ci"}',
      '{kind: Group, name: "system:serviceaccount"}',
    ),
    [
      ['all-service-accounts-subject', 'warning', '"system:serviceaccounts"', 'every service account of every namespace'],
      ['all-service-accounts-subject', 'information', '"system:serviceaccounts:ci"', 'every service account of namespace ci'],
    ],
  );
  expect(binding('RoleBinding', 'ClusterRole/view', '{kind: Group, name: "system:serviceaccounts:shop"}'), [
    ['all-service-accounts-subject', 'hint', '"system:serviceaccounts:shop"'],
  ]);
});

test('default-service-account-bound: a ServiceAccount named default, or a User with its username', () => {
  expect(
    [
      binding('RoleBinding', 'Role/app', '{kind: ServiceAccount, name: default}', '{kind: ServiceAccount, name: default-x}'),
      '---',
      binding(
        'ClusterRoleBinding',
        'ClusterRole/view',
        '{kind: User, name: "system:serviceaccount:ci:default"}',
        '{kind: ServiceAccount, name: default}',
      ),
    ].join('\n'),
    [
      [
        'default-service-account-bound',
        'hint',
        'default',
        'the default service account of namespace shop',
        'nothing yet',
        'serviceAccountName',
      ],
      ['default-service-account-bound', 'warning', '"system:serviceaccount:ci:default"', 'the default service account of namespace ci'],
    ],
  );
});

test('# kubeid-disable-next-line on a subject', () => {
  const text = [
    binding('ClusterRoleBinding', 'ClusterRole/view', '{kind: Group, name: "system:authenticated"}'),
    '---',
    binding('ClusterRoleBinding', 'ClusterRole/view', '{kind: Group, name: "system:authenticated"}')
      .replace('name: b', 'name: b2')
      .replace('subjects:', 'subjects:\n# kubeid-disable-next-line all-authenticated-subject -- public docs'),
  ].join('\n');
  assert.equal(runChecks(contextFor([parseManifestText(text, 'in.yaml')]), SUBJECT_CHECKS).length, 1);
});
