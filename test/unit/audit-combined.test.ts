// Escalation over test/fixtures/audit/combined.yaml: a role bound for itself adds to what the
// subject held, so the next step may need both (and only then is it a path); other steps change
// identity, which never combines; impersonating a uid or user extras alone is no identity (spec §8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escalationFixture, shape } from '../helpers/escalation';

const searchFrom = escalationFixture('combined.yaml');

test('a bound role combines with what the subject held: the CSR it may create, approved with the role’s grants', async () => {
  const r = await searchFrom('hana');
  assert.deepEqual(shape(r), [
    [
      'cluster-admin (every permission)',
      true,
      'rbac-bind → ClusterRole csr-signer cluster-wide',
      'csr-approve → cluster-admin (every permission)',
    ],
  ]);
  // The create comes from her own binding, the approval and the signer from the binding she made.
  assert.deepEqual(
    r.paths[0].steps[1].grants.map((g) => [g.permission, g.binding?.name, g.role?.name]),
    [
      ['create certificatesigningrequests.certificates.k8s.io at cluster scope', 'hana-base', 'hana-base'],
      [
        'update certificatesigningrequests/approval.certificates.k8s.io at cluster scope',
        '(the binding made in the step before)',
        'csr-signer',
      ],
      [
        'approve signers.certificates.k8s.io "kubernetes.io/kube-apiserver-client" at cluster scope',
        '(the binding made in the step before)',
        'csr-signer',
      ],
    ],
  );
});

test('without the held grant the bound role is a gain, not cluster-admin; identities reached are not combined', async () => {
  assert.deepEqual(shape(await searchFrom('jack')), [
    ['ClusterRole csr-signer cluster-wide', false, 'rbac-bind → ClusterRole csr-signer cluster-wide'],
  ]);
  assert.deepEqual(shape(await searchFrom('kate')), [['ServiceAccount n/approver', false, 'workload-create → ServiceAccount n/approver']]);
});

test('impersonating a uid or user extras alone, legacy or constrained, is no identity; with a user, the user is the step', async () => {
  for (const user of ['otto', 'leo']) assert.deepEqual(shape(await searchFrom(user)), [], user);
  const r = await searchFrom('max');
  assert.deepEqual(shape(r), [['User root-user', true, 'impersonate → User root-user']]);
  assert.deepEqual(
    r.paths[0].steps[0].grants.map((g) => g.permission),
    ['impersonate users "root-user" at cluster scope'],
  );
});
