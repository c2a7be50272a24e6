// The embedded default cluster policy behaves as a real cluster's does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RbacEvaluator } from '../../server/src/core/rbac/evaluator';
import { impersonatedUser, serviceAccountUser } from '../../server/src/core/rbac/identity';
import { defaultPolicy } from '../../server/src/core/policy/defaults';
import { mergePolicies } from '../../server/src/core/policy/merge';
import { clusterRoleBinding, policy, res, roleBinding, url, user } from '../helpers/policy';

const defaults = defaultPolicy().policy;
const ev = new RbacEvaluator(defaults);

test('the default policy loads: cluster-admin, admin/edit/view, system roles and bindings', () => {
  const names = new Set(defaults.clusterRoles.map((r) => r.metadata.name));
  for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:node'])
    assert.ok(names.has(n), n);
  assert.ok(defaults.clusterRoleBindings.some((b) => b.metadata.name === 'cluster-admin'));
  assert.ok(defaults.roles.some((r) => r.metadata.namespace === 'kube-system'));
  assert.ok(defaults.clusterRoles.every((r) => r.source?.origin === 'default-policy'));
});

test('every authenticated user may create self reviews and read discovery; anonymous only the public info', () => {
  const jane = impersonatedUser({ user: 'jane' });
  assert.equal(ev.authorize(jane, res('create', 'selfsubjectaccessreviews', { group: 'authorization.k8s.io' })).allowed, true);
  assert.equal(ev.authorize(jane, url('get', '/apis')).allowed, true);
  assert.equal(ev.authorize(jane, res('list', 'pods', { namespace: 'default' })).allowed, false);
  const anon = impersonatedUser({ user: 'system:anonymous' });
  assert.equal(ev.authorize(anon, url('get', '/version')).allowed, true);
  assert.equal(ev.authorize(anon, url('get', '/apis')).allowed, false);
});

test('system:masters is bound to cluster-admin by the default policy too', () => {
  const root = impersonatedUser({ user: 'root', groups: ['system:masters'] });
  assert.equal(
    ev.authorizeRbac(root, res('delete', 'nodes')).reason,
    'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
  );
});

test('admin, edit and view are aggregated from the aggregate-to-* roles', () => {
  const alice = impersonatedUser({ user: 'alice' });
  const bound = (role: string) =>
    new RbacEvaluator(
      mergePolicies(defaults, policy({ roleBindings: [roleBinding('shop', 'b', { kind: 'ClusterRole', name: role }, [user('alice')])] })),
    );
  const view = bound('view');
  const viewGet = view.authorize(alice, res('get', 'pods', { namespace: 'shop' }));
  assert.equal(viewGet.allowed, true);
  assert.equal(viewGet.source?.aggregatedFrom, 'system:aggregate-to-view');
  assert.equal(view.authorize(alice, res('get', 'secrets', { namespace: 'shop' })).allowed, false, 'view never reads secrets');
  const edit = bound('edit');
  assert.equal(edit.authorize(alice, res('create', 'deployments', { namespace: 'shop', group: 'apps' })).allowed, true);
  assert.equal(edit.authorize(alice, res('create', 'pods', { namespace: 'shop', subresource: 'exec' })).allowed, true);
  assert.equal(edit.authorize(alice, res('impersonate', 'serviceaccounts', { namespace: 'shop' })).allowed, true);
  assert.equal(
    edit.authorize(alice, res('create', 'rolebindings', { namespace: 'shop', group: 'rbac.authorization.k8s.io' })).allowed,
    false,
    'edit cannot write RBAC',
  );
  const admin = bound('admin');
  assert.equal(
    admin.authorize(alice, res('create', 'rolebindings', { namespace: 'shop', group: 'rbac.authorization.k8s.io' })).allowed,
    true,
  );
  assert.equal(admin.authorize(alice, res('get', 'pods', { namespace: 'shop' })).allowed, true, 'admin includes view through edit');
  assert.equal(
    admin.authorize(alice, res('create', 'rolebindings', { namespace: 'other', group: 'rbac.authorization.k8s.io' })).allowed,
    false,
  );
});

test('controller service accounts in kube-system get their roles', () => {
  const gc = serviceAccountUser('kube-system', 'generic-garbage-collector');
  assert.equal(ev.authorize(gc, res('delete', 'pods', { namespace: 'shop' })).allowed, true);
  assert.equal(
    ev.authorize(serviceAccountUser('shop', 'generic-garbage-collector'), res('delete', 'pods', { namespace: 'shop' })).allowed,
    false,
  );
});

test('a manifest with the name of a default object replaces it', () => {
  const merged = mergePolicies(
    defaults,
    policy({ clusterRoleBindings: [clusterRoleBinding('cluster-admin', { kind: 'ClusterRole', name: 'cluster-admin' }, [user('alice')])] }),
  );
  const e = new RbacEvaluator(merged);
  assert.equal(e.authorize(impersonatedUser({ user: 'alice' }), res('delete', 'nodes')).allowed, true);
  assert.equal(e.authorizeRbac(impersonatedUser({ user: 'x', groups: ['system:masters'] }), res('delete', 'nodes')).allowed, false);
  assert.equal(merged.clusterRoleBindings.length, defaults.clusterRoleBindings.length);
});
