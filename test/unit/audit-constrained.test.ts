// Escalation through constrained impersonation (test/fixtures/audit/constrained.yaml, spec §8.3):
// impersonate:<mode> on the identity and impersonate-on:<mode>:<verb> on each request made as it,
// so the requestor gains only what both allow; neither alone is a step, system:masters never a target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escalationFixture, shape } from '../helpers/escalation';

const searchFrom = escalationFixture('constrained.yaml');

const asBuilder = (user: string) => `ServiceAccount ci/builder (constrained to impersonate-on:serviceaccount of User ${user})`;

test('one hop: impersonate:serviceaccount on builder, and impersonate-on:serviceaccount:list on secrets, gains listing them', async () => {
  const r = await searchFrom('alice');
  assert.deepEqual(shape(r), [[asBuilder('alice'), false, `constrained-impersonate → ${asBuilder('alice')}`]]);
  const step = r.paths[0].steps[0];
  assert.equal(
    step.action,
    'impersonate ServiceAccount ci/builder (constrained, serviceaccount mode: only requests allowed by impersonate-on:serviceaccount:<verb>)',
  );
  assert.deepEqual(
    step.grants.map((g) => [g.permission, g.role?.name]),
    [['impersonate:serviceaccount serviceaccounts.authentication.k8s.io "builder" in namespace ci', 'alice']],
  );
});

test('two hops: as builder, with impersonate-on:serviceaccount:create on pods, a pod run as deployer (cluster-admin)', async () => {
  const r = await searchFrom('bob');
  assert.deepEqual(shape(r), [
    ['ServiceAccount ci/deployer', true, `constrained-impersonate → ${asBuilder('bob')}`, 'workload-create → ServiceAccount ci/deployer'],
  ]);
  // The pod is created as builder, and bob's impersonate-on rule lets that request through.
  assert.deepEqual(
    r.paths[0].steps[1].grants.map((g) => [g.permission, g.binding?.name]),
    [['create pods in namespace ci, and impersonate-on:serviceaccount:create pods in namespace ci for User bob (Role bob)', 'builder']],
  );
});

test('impersonate:<mode> alone, impersonate-on alone, or impersonate-on not covering a request the target may make: no step', async () => {
  for (const user of ['carol', 'dave', 'erin']) assert.deepEqual(shape(await searchFrom(user)), [], user);
});

test('user-info mode reaches a group, never system:masters', async () => {
  const ops = 'Group ops (constrained to impersonate-on:user-info of User gina)';
  assert.deepEqual(shape(await searchFrom('gina')), [[ops, false, `constrained-impersonate → ${ops}`]]);
});

test('a node username is impersonated in arbitrary-node mode (resource nodes), not in user-info mode', async () => {
  const node = 'User system:node:worker-1 (constrained to impersonate-on:arbitrary-node of User hank)';
  const r = await searchFrom('hank');
  assert.deepEqual(shape(r), [[node, false, `constrained-impersonate → ${node}`]]);
  assert.deepEqual(
    r.paths[0].steps[0].grants.map((g) => g.permission),
    ['impersonate:arbitrary-node nodes.authentication.k8s.io "worker-1" at cluster scope'],
  );
  assert.deepEqual(shape(await searchFrom('ivy')), []);
});
