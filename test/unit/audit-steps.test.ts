// Escalation steps through what already exists, over test/fixtures/audit/steps.yaml: exec into a
// running pod that mounts its service account's token, and adding oneself to an existing binding
// whose role one may bind; each with the near misses that must not be paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escalationFixture, shape } from '../helpers/escalation';

const searchFrom = escalationFixture('steps.yaml');

test('exec into a running pod takes its service account: any pod of the namespace, or the Pod named', async () => {
  for (const [user, binding] of [
    ['ella', 'ella-exec'],
    ['ned', 'ned-exec'],
  ]) {
    const r = await searchFrom(user);
    assert.deepEqual(shape(r), [['ServiceAccount x/x-admin', true, 'pod-exec → ServiceAccount x/x-admin']], user);
    const [step] = r.paths[0].steps;
    assert.equal(step.action, 'exec into a pod of Pod x/runner, which runs as ServiceAccount x/x-admin');
    assert.deepEqual(
      step.grants.map((g) => [g.permission, g.binding?.name]),
      [[`create pods/exec${user === 'ned' ? ' "runner"' : ''} in namespace x`, binding]],
    );
  }
});

test('exec near misses: pods of a Deployment by its name, a pod without a token, get alone, another namespace', async () => {
  for (const user of ['dora', 'gail', 'yuri']) assert.deepEqual(shape(await searchFrom(user)), [], user);
});

test('adding oneself to an existing binding: update on it and bind on its role', async () => {
  const uma = await searchFrom('uma');
  assert.deepEqual(shape(uma), [['cluster-admin (every permission)', true, 'binding-update → cluster-admin (every permission)']]);
  assert.equal(
    uma.paths[0].steps[0].action,
    'add itself to the subjects of ClusterRoleBinding admins, which grants ClusterRole cluster-admin',
  );
  assert.deepEqual(
    uma.paths[0].steps[0].grants.map((g) => g.permission),
    [
      'update clusterrolebindings.rbac.authorization.k8s.io "admins" at cluster scope',
      'bind clusterroles.rbac.authorization.k8s.io "cluster-admin" at cluster scope',
    ],
  );
  const rae = await searchFrom('rae');
  assert.deepEqual(shape(rae), [['Role secrets in namespace x', false, 'binding-update → Role secrets in namespace x']]);
  assert.deepEqual(
    rae.paths[0].steps[0].grants.map((g) => g.permission),
    [
      'patch rolebindings.rbac.authorization.k8s.io "secret-readers" in namespace x',
      'bind roles.rbac.authorization.k8s.io "secrets" in namespace x',
    ],
  );
});

test('binding update near misses: no bind on the role, bind but another binding, bind granted in another namespace', async () => {
  for (const user of ['pat', 'bob', 'rex']) assert.deepEqual(shape(await searchFrom(user)), [], user);
});
