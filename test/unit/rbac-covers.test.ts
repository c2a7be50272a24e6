import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBindingWrite, checkRoleWrite, covers } from '../../server/src/core/rbac/covers';
import { RbacEvaluator } from '../../server/src/core/rbac/evaluator';
import { impersonatedUser } from '../../server/src/core/rbac/identity';
import type { PolicyRule } from '../../server/src/core/rbac/types';
import { clusterRole, clusterRoleBinding, policy, role, roleBinding, user } from '../helpers/policy';

const ok = (owner: PolicyRule[], servant: PolicyRule[]) => covers(owner, servant).covered;

test('a star in the servant is only covered by a star in the owner', () => {
  const enumerated = [
    {
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'],
      apiGroups: ['', 'apps'],
      resources: ['pods', 'deployments'],
    },
  ];
  assert.equal(ok(enumerated, [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }]), false);
  assert.equal(ok(enumerated, [{ verbs: ['get'], apiGroups: ['*'], resources: ['pods'] }]), false);
  assert.equal(ok(enumerated, [{ verbs: ['get'], apiGroups: [''], resources: ['*'] }]), false);
  assert.equal(ok([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]), true);
});

test('subresources: "*" covers pods/status, "pods" does not, "*/scale" covers foo/scale', () => {
  assert.equal(
    ok([{ verbs: ['get'], apiGroups: [''], resources: ['*'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods/status'] }]),
    true,
  );
  assert.equal(
    ok([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods/status'] }]),
    false,
  );
  assert.equal(
    ok([{ verbs: ['get'], apiGroups: [''], resources: ['*/scale'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['foo/scale'] }]),
    true,
  );
});

test('resourceNames: an owner without names covers named servants, never the reverse', () => {
  const any = [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }];
  const named = [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'] }];
  assert.equal(ok(any, named), true);
  assert.equal(ok(named, any), false);
  assert.equal(ok(named, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }]), true);
  assert.equal(ok(named, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['c'] }]), false);
});

test('non-resource URLs are covered by prefix, and never by resource rules', () => {
  assert.equal(ok([{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/v1'] }]), true);
  assert.equal(ok([{ verbs: ['get'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]), false);
  assert.equal(ok([{ verbs: ['get'], nonResourceURLs: ['*'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]), false);
});

test('a resource rule without apiGroups grants nothing and is trivially covered', () => {
  assert.equal(ok([], [{ verbs: ['*'], resources: ['*'] }]), true);
});

test('writing a Role needs escalate or every permission it grants; the refusal reads like the API server', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [
        clusterRole('rbac-writer', [
          { verbs: ['create'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'] },
          { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
        ]),
      ],
      roleBindings: [roleBinding('shop', 'w', { kind: 'ClusterRole', name: 'rbac-writer' }, [user('jane')])],
    }),
  );
  const jane = impersonatedUser({ user: 'jane' });
  assert.equal(checkRoleWrite(ev, jane, role('shop', 'ok', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }])).allowed, true);
  const refused = checkRoleWrite(
    ev,
    jane,
    role('shop', 'too-much', [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }]),
  );
  assert.equal(refused.allowed, false);
  assert.equal(
    refused.message,
    'roles.rbac.authorization.k8s.io "too-much" is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
  );
  assert.equal(
    checkRoleWrite(ev, jane, role('other', 'ok', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }])).allowed,
    false,
    'RoleBinding rules of shop do not count in other',
  );
});

test('the escalate verb allows writing any role; bind allows binding any role', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [
        clusterRole('escalator', [{ verbs: ['escalate', 'bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'] }]),
        clusterRole('cluster-admin', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
      ],
      clusterRoleBindings: [clusterRoleBinding('e', { kind: 'ClusterRole', name: 'escalator' }, [user('jane')])],
    }),
  );
  const jane = impersonatedUser({ user: 'jane' });
  assert.equal(checkRoleWrite(ev, jane, clusterRole('big', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])).via, 'escalate');
  assert.equal(
    checkBindingWrite(ev, jane, clusterRoleBinding('x', { kind: 'ClusterRole', name: 'cluster-admin' }, [user('jane')])).via,
    'bind',
  );
  const bob = impersonatedUser({ user: 'bob' });
  const refused = checkBindingWrite(ev, bob, clusterRoleBinding('x', { kind: 'ClusterRole', name: 'cluster-admin' }, [user('bob')]));
  assert.equal(refused.allowed, false);
  assert.match(
    refused.message!,
    /^clusterrolebindings.rbac.authorization.k8s.io "x" is forbidden: user "bob" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}$/,
  );
  assert.equal(
    checkBindingWrite(
      ev,
      impersonatedUser({ user: 'root', groups: ['system:masters'] }),
      clusterRoleBinding('x', { kind: 'ClusterRole', name: 'cluster-admin' }, []),
    ).via,
    'system:masters',
  );
});

test('an aggregationRule needs full authority', () => {
  const ev = new RbacEvaluator(
    // Every verb but escalate (which would allow any role write) on everything.
    policy({
      clusterRoles: [
        clusterRole('almost', [{ verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'], apiGroups: ['*'], resources: ['*'] }]),
      ],
      clusterRoleBindings: [clusterRoleBinding('a', { kind: 'ClusterRole', name: 'almost' }, [user('jane')])],
    }),
  );
  const r = checkRoleWrite(
    ev,
    impersonatedUser({ user: 'jane' }),
    clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } }),
  );
  assert.equal(r.allowed, false);
  assert.equal(
    r.message,
    'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
  );
});
