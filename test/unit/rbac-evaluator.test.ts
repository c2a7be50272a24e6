import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RbacEvaluator } from '../../server/src/core/rbac/evaluator';
import { impersonatedUser, serviceAccountUser } from '../../server/src/core/rbac/identity';
import { clusterRole, clusterRoleBinding, group, policy, res, role, roleBinding, sa, url, user } from '../helpers/policy';

const podReader = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }];
const jane = impersonatedUser({ user: 'jane' });

test('a RoleBinding to a ClusterRole grants only in the binding namespace, never cluster-wide', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [
        clusterRole('pod-reader', [
          ...podReader,
          { verbs: ['get'], apiGroups: [''], resources: ['nodes'] },
          { verbs: ['get'], nonResourceURLs: ['/healthz'] },
        ]),
      ],
      roleBindings: [roleBinding('shop', 'read', { kind: 'ClusterRole', name: 'pod-reader' }, [user('jane')])],
    }),
  );
  assert.equal(ev.authorize(jane, res('list', 'pods', { namespace: 'shop' })).allowed, true);
  assert.equal(ev.authorize(jane, res('list', 'pods', { namespace: 'other' })).allowed, false);
  assert.equal(ev.authorize(jane, res('list', 'pods')).allowed, false, 'all-namespaces list is cluster scope');
  assert.equal(ev.authorize(jane, res('get', 'nodes')).allowed, false);
  assert.equal(ev.authorize(jane, url('get', '/healthz')).allowed, false);
  // RBAC does not know nodes are cluster-scoped: a review that carries a namespace consults RoleBindings there.
  assert.equal(ev.authorize(jane, res('get', 'nodes', { namespace: 'shop' })).allowed, true);
});

test('a ClusterRoleBinding grants in every namespace, at cluster scope and for non-resource URLs', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [clusterRole('r', [...podReader, { verbs: ['get'], nonResourceURLs: ['/healthz'] }])],
      clusterRoleBindings: [clusterRoleBinding('b', { kind: 'ClusterRole', name: 'r' }, [user('jane')])],
    }),
  );
  for (const ns of ['', 'a', 'kube-system']) assert.equal(ev.authorize(jane, res('list', 'pods', { namespace: ns })).allowed, true);
  assert.equal(ev.authorize(jane, url('get', '/healthz')).allowed, true);
});

test('a RoleBinding to a Role uses the Role of the binding namespace', () => {
  const ev = new RbacEvaluator(
    policy({
      roles: [role('other', 'reader', podReader)],
      roleBindings: [roleBinding('shop', 'rb', { kind: 'Role', name: 'reader' }, [user('jane')])],
    }),
  );
  const d = ev.authorize(jane, res('get', 'pods', { namespace: 'shop' }));
  assert.equal(d.allowed, false);
  assert.equal(d.reason, 'RBAC: role.rbac.authorization.k8s.io "reader" not found');
});

test('a ClusterRoleBinding to a Role contributes nothing and says why; it is never a deny', () => {
  const ev = new RbacEvaluator(
    policy({
      roles: [role('default', 'reader', podReader)],
      clusterRoles: [clusterRole('reader', podReader)],
      clusterRoleBindings: [clusterRoleBinding('bad', { kind: 'Role', name: 'reader' }, [user('jane')])],
    }),
  );
  const d = ev.authorize(jane, res('get', 'pods', { namespace: 'default' }));
  assert.equal(d.allowed, false);
  assert.equal(d.reason, 'RBAC: role.rbac.authorization.k8s.io "reader" not found');
  // Another binding still allows: the error is only part of the reason.
  const ok = new RbacEvaluator(
    policy({
      clusterRoles: [clusterRole('reader', podReader)],
      clusterRoleBindings: [
        clusterRoleBinding('bad', { kind: 'Role', name: 'reader' }, [user('jane')]),
        clusterRoleBinding('good', { kind: 'ClusterRole', name: 'reader' }, [user('jane')]),
      ],
    }),
  ).authorize(jane, res('get', 'pods', { namespace: 'default' }));
  assert.equal(ok.allowed, true);
  assert.equal(ok.reason, 'RBAC: allowed by ClusterRoleBinding "good" of ClusterRole "reader" to User "jane"');
});

test('missing roles and unknown roleRef kinds are errors in the reason, aggregated like the API server', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoleBindings: [
        clusterRoleBinding('a', { kind: 'ClusterRole', name: 'gone' }, [user('jane')]),
        clusterRoleBinding('b', { kind: 'ClusterRole', name: 'gone' }, [user('jane')]),
        clusterRoleBinding('c', { kind: 'Policy', name: 'x' }, [user('jane')]),
      ],
    }),
  );
  const d = ev.authorize(jane, res('get', 'pods'));
  assert.equal(d.allowed, false);
  assert.equal(d.reason, 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, unsupported role reference kind: "Policy"]');
  const single = new RbacEvaluator(
    policy({ clusterRoleBindings: [clusterRoleBinding('a', { kind: 'ClusterRole', name: 'gone' }, [user('jane')])] }),
  );
  assert.equal(single.authorize(jane, res('get', 'pods')).reason, 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found');
});

test('system:masters is allowed outside RBAC, and labelled so', () => {
  const ev = new RbacEvaluator(policy({}));
  const admin = impersonatedUser({ user: 'root', groups: ['system:masters'] });
  const d = ev.authorize(admin, res('delete', 'nodes', { name: 'n1' }));
  assert.equal(d.allowed, true);
  assert.equal(d.allowedBy, 'system:masters');
  assert.equal(ev.authorizeRbac(admin, res('delete', 'nodes')).allowed, false, 'RBAC alone does not allow');
});

test('subjects: exact user names, "*" is literal, kinds are case-sensitive', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [clusterRole('r', podReader)],
      clusterRoleBindings: [
        clusterRoleBinding('star', { kind: 'ClusterRole', name: 'r' }, [user('*')]),
        clusterRoleBinding('lower', { kind: 'ClusterRole', name: 'r' }, [{ kind: 'user', name: 'jane' }]),
      ],
    }),
  );
  assert.equal(ev.authorize(jane, res('get', 'pods')).allowed, false);
  assert.equal(ev.authorize(impersonatedUser({ user: '*' }), res('get', 'pods')).allowed, true);
  assert.equal(ev.authorize(impersonatedUser({ user: 'Jane' }), res('get', 'pods')).allowed, false);
});

test('service accounts: namespace defaults to the RoleBinding namespace; none in a ClusterRoleBinding never matches', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [clusterRole('r', podReader)],
      roleBindings: [
        roleBinding('shop', 'same-ns', { kind: 'ClusterRole', name: 'r' }, [sa('checkout')]),
        roleBinding('shop', 'other-ns', { kind: 'ClusterRole', name: 'r' }, [sa('builder', 'ci')]),
      ],
      clusterRoleBindings: [clusterRoleBinding('no-ns', { kind: 'ClusterRole', name: 'r' }, [sa('checkout')])],
    }),
  );
  const checkout = serviceAccountUser('shop', 'checkout');
  const d = ev.authorize(checkout, res('get', 'pods', { namespace: 'shop' }));
  assert.equal(d.allowed, true);
  assert.equal(d.reason, 'RBAC: allowed by RoleBinding "same-ns/shop" of ClusterRole "r" to ServiceAccount "checkout/shop"');
  assert.equal(
    ev.authorize(checkout, res('get', 'pods', { namespace: 'other' })).allowed,
    false,
    'the CRB subject without namespace matches nobody',
  );
  assert.equal(ev.authorize(serviceAccountUser('ci', 'builder'), res('get', 'pods', { namespace: 'shop' })).allowed, true);
  assert.equal(ev.authorize(serviceAccountUser('shop', 'builder'), res('get', 'pods', { namespace: 'shop' })).allowed, false);
});

test('service accounts belong to system:serviceaccounts, system:serviceaccounts:NS and system:authenticated', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [
        clusterRole('r', podReader),
        clusterRole('auth', [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'] }]),
      ],
      roleBindings: [roleBinding('shop', 'all-sa-of-shop', { kind: 'ClusterRole', name: 'r' }, [group('system:serviceaccounts:shop')])],
      clusterRoleBindings: [clusterRoleBinding('everyone', { kind: 'ClusterRole', name: 'auth' }, [group('system:authenticated')])],
    }),
  );
  const checkout = serviceAccountUser('shop', 'checkout');
  assert.deepEqual(checkout.groups, ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated']);
  assert.equal(ev.authorize(checkout, res('get', 'pods', { namespace: 'shop' })).allowed, true);
  assert.equal(ev.authorize(serviceAccountUser('ci', 'x'), res('get', 'pods', { namespace: 'shop' })).allowed, false);
  assert.equal(ev.authorize(checkout, res('create', 'selfsubjectaccessreviews', { group: 'authorization.k8s.io' })).allowed, true);
  assert.equal(
    ev.authorize(
      impersonatedUser({ user: 'system:anonymous' }),
      res('create', 'selfsubjectaccessreviews', { group: 'authorization.k8s.io' }),
    ).allowed,
    false,
  );
});

test('impersonated identities: requested groups are authoritative, anonymous is unauthenticated', () => {
  assert.deepEqual(impersonatedUser({ user: 'jane' }).groups, ['system:authenticated']);
  assert.deepEqual(impersonatedUser({ user: 'jane', groups: ['dev'] }).groups, ['dev', 'system:authenticated']);
  assert.deepEqual(impersonatedUser({ user: 'system:serviceaccount:shop:x', groups: ['dev'] }).groups, ['dev', 'system:authenticated']);
  assert.deepEqual(impersonatedUser({ user: 'system:anonymous' }).groups, ['system:unauthenticated']);
  assert.deepEqual(impersonatedUser({ user: 'jane', groups: ['system:unauthenticated'] }).groups, ['system:unauthenticated']);
  // Not a valid service-account username: an ordinary user without SA groups.
  assert.deepEqual(impersonatedUser({ user: 'system:serviceaccount:Shop:x' }).groups, ['system:authenticated']);
  assert.deepEqual(impersonatedUser({ user: 'system:serviceaccount:a:b:c' }).groups, ['system:authenticated']);
});

test('the reason names the first subject of the binding that matches', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [clusterRole('r', podReader)],
      clusterRoleBindings: [
        clusterRoleBinding('b', { kind: 'ClusterRole', name: 'r' }, [user('bob'), group('system:authenticated'), user('jane')]),
      ],
    }),
  );
  const d = ev.authorize(jane, res('get', 'pods'));
  assert.equal(d.reason, 'RBAC: allowed by ClusterRoleBinding "b" of ClusterRole "r" to Group "system:authenticated"');
  assert.equal(d.source?.subjectIndex, 1);
  assert.equal(d.source?.ruleIndex, 0);
});

test('ClusterRoleBindings are visited before RoleBindings, in input order', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [clusterRole('r', podReader)],
      roleBindings: [roleBinding('shop', 'rb', { kind: 'ClusterRole', name: 'r' }, [user('jane')])],
      clusterRoleBindings: [
        clusterRoleBinding('z', { kind: 'ClusterRole', name: 'r' }, [group('system:authenticated')]),
        clusterRoleBinding('a', { kind: 'ClusterRole', name: 'r' }, [user('jane')]),
      ],
    }),
  );
  assert.equal(
    ev.authorize(jane, res('get', 'pods', { namespace: 'shop' })).reason,
    'RBAC: allowed by ClusterRoleBinding "z" of ClusterRole "r" to Group "system:authenticated"',
  );
});

test('a binding without subjects matches nobody', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [clusterRole('r', podReader)],
      clusterRoleBindings: [clusterRoleBinding('empty', { kind: 'ClusterRole', name: 'r' }, [])],
    }),
  );
  assert.equal(ev.authorize(jane, res('get', 'pods')).allowed, false);
  assert.equal(ev.whoCan(res('get', 'pods')).entries.length, 1, 'only system:masters');
});

test('rulesFor: ClusterRoleBinding rules then RoleBinding rules of the namespace, no dedup, errors kept', () => {
  const ev = new RbacEvaluator(
    policy({
      roles: [role('shop', 'r', podReader)],
      clusterRoles: [clusterRole('c', podReader)],
      roleBindings: [
        roleBinding('shop', 'rb', { kind: 'Role', name: 'r' }, [user('jane')]),
        roleBinding('other', 'rb2', { kind: 'ClusterRole', name: 'c' }, [user('jane')]),
        roleBinding('shop', 'missing', { kind: 'Role', name: 'nope' }, [user('jane')]),
      ],
      clusterRoleBindings: [clusterRoleBinding('crb', { kind: 'ClusterRole', name: 'c' }, [user('jane')])],
    }),
  );
  const r = ev.rulesFor(jane, 'shop');
  assert.deepEqual(
    r.rules.map((x) => x.source.binding.metadata.name),
    ['crb', 'rb'],
  );
  assert.deepEqual(r.errors, ['role.rbac.authorization.k8s.io "nope" not found']);
  assert.deepEqual(
    ev.rulesFor(jane, '').rules.map((x) => x.source.binding.metadata.name),
    ['crb'],
  );
});

test('whoCan: system:masters first, every subject of every allowing binding, unmatched subjects apart', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [clusterRole('r', podReader), clusterRole('nothing', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }])],
      roleBindings: [
        roleBinding('shop', 'rb', { kind: 'ClusterRole', name: 'r' }, [sa('checkout'), user('jane')]),
        roleBinding('other', 'rb', { kind: 'ClusterRole', name: 'r' }, [user('eve')]),
        roleBinding('shop', 'secrets', { kind: 'ClusterRole', name: 'nothing' }, [user('mallory')]),
      ],
      clusterRoleBindings: [
        clusterRoleBinding('crb', { kind: 'ClusterRole', name: 'r' }, [group('ops'), sa('ghost')]),
        clusterRoleBinding('dangling', { kind: 'ClusterRole', name: 'gone' }, [user('x')]),
      ],
    }),
  );
  const r = ev.whoCan(res('list', 'pods', { namespace: 'shop' }));
  assert.deepEqual(
    r.entries.map((e) => `${e.subject.kind}:${e.subject.namespace ? e.subject.namespace + '/' : ''}${e.subject.name}`),
    ['Group:system:masters', 'Group:ops', 'ServiceAccount:shop/checkout', 'User:jane'],
  );
  assert.deepEqual(
    r.ignored.map((i) => i.subject.name),
    ['ghost'],
  );
  assert.deepEqual(r.errors, ['clusterrole.rbac.authorization.k8s.io "gone" not found']);
  assert.deepEqual(
    ev.whoCan(res('list', 'pods')).entries.map((e) => e.subject.name),
    ['system:masters', 'ops'],
  );
});
