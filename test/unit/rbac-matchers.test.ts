import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleAllows } from '../../server/src/core/rbac/matchers';
import type { PolicyRule } from '../../server/src/core/rbac/types';
import { res, url } from '../helpers/policy';

const allows = (rule: PolicyRule, attrs: Parameters<typeof ruleAllows>[0]) => ruleAllows(attrs, rule);

test('matching is exact and case-sensitive: no lower-casing, plurals or short names', () => {
  const rule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  assert.equal(allows(rule, res('get', 'pods')), true);
  assert.equal(allows(rule, res('GET', 'pods')), false);
  assert.equal(allows(rule, res('get', 'Pods')), false);
  assert.equal(allows(rule, res('get', 'pod')), false);
  assert.equal(allows(rule, res('get', 'po')), false);
  assert.equal(allows({ verbs: ['GET'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods')), false);
});

test('apiGroups: missing matches nothing, "" is only the core group, "core" is not the core group', () => {
  assert.equal(allows({ verbs: ['get'], resources: ['pods'] }, res('get', 'pods')), false);
  assert.equal(allows({ verbs: ['get'], apiGroups: [], resources: ['pods'] }, res('get', 'pods')), false);
  assert.equal(
    allows({ verbs: ['get'], apiGroups: [''], resources: ['deployments'] }, res('get', 'deployments', { group: 'apps' })),
    false,
  );
  assert.equal(allows({ verbs: ['get'], apiGroups: ['core'], resources: ['pods'] }, res('get', 'pods')), false);
  assert.equal(
    allows({ verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, res('get', 'deployments', { group: 'apps' })),
    true,
  );
});

test('resources: "*" matches subresources, "pods" does not match pods/status', () => {
  assert.equal(allows({ verbs: ['*'], apiGroups: [''], resources: ['*'] }, res('create', 'pods', { subresource: 'exec' })), true);
  assert.equal(allows({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods', { subresource: 'status' })), false);
  assert.equal(
    allows({ verbs: ['get'], apiGroups: [''], resources: ['pods/status'] }, res('get', 'pods', { subresource: 'status' })),
    true,
  );
  assert.equal(allows({ verbs: ['get'], apiGroups: [''], resources: ['pods/status'] }, res('get', 'pods')), false);
});

test('resources: "*/scale" is the scale subresource of any resource; "pods/*" and "*/*" are literal', () => {
  const scale = { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] };
  assert.equal(allows(scale, res('update', 'deployments', { group: 'apps', subresource: 'scale' })), true);
  assert.equal(allows(scale, res('update', 'statefulsets', { group: 'apps', subresource: 'scale' })), true);
  assert.equal(allows(scale, res('update', 'deployments', { group: 'apps' })), false);
  assert.equal(allows(scale, res('update', 'deployments', { group: 'apps', subresource: 'xscale' })), false);
  const podsStar = { verbs: ['create'], apiGroups: [''], resources: ['pods/*'] };
  assert.equal(allows(podsStar, res('create', 'pods', { subresource: 'exec' })), false);
  assert.equal(allows(podsStar, res('create', 'pods', { subresource: '*' })), true);
  const starStar = { verbs: ['get'], apiGroups: [''], resources: ['*/*'] };
  assert.equal(allows(starStar, res('get', 'pods', { subresource: 'log' })), false);
  assert.equal(allows(starStar, res('get', 'pods', { subresource: '*' })), true);
  assert.equal(allows(starStar, res('get', 'pods')), false);
});

test('resourceNames never allow requests without a name (create, list, deletecollection)', () => {
  const named = {
    verbs: ['get', 'create', 'list', 'deletecollection'],
    apiGroups: [''],
    resources: ['configmaps'],
    resourceNames: ['app-config'],
  };
  assert.equal(allows(named, res('get', 'configmaps', { name: 'app-config' })), true);
  assert.equal(allows(named, res('get', 'configmaps', { name: 'other' })), false);
  assert.equal(allows(named, res('create', 'configmaps')), false);
  assert.equal(allows(named, res('list', 'configmaps')), false);
  assert.equal(allows(named, res('deletecollection', 'configmaps')), false);
  // A list with fieldSelector metadata.name=app-config carries the name and is allowed.
  assert.equal(allows(named, res('list', 'configmaps', { name: 'app-config' })), true);
  assert.equal(
    allows(
      { verbs: ['create'], apiGroups: [''], resources: ['pods/exec'], resourceNames: ['web-0'] },
      res('create', 'pods', { subresource: 'exec', name: 'web-0' }),
    ),
    true,
  );
});

test('wildcards in the request are literal: verb "*" needs a "*" rule', () => {
  const enumerated = { verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], apiGroups: ['*'], resources: ['*'] };
  assert.equal(allows(enumerated, res('*', 'pods')), false);
  assert.equal(allows({ verbs: ['*'], apiGroups: [''], resources: ['pods'] }, res('*', 'pods')), true);
  assert.equal(allows({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', '*')), false);
  assert.equal(allows({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods', { group: '*' })), false);
});

test('non-resource URLs: exact, "*" suffix is a prefix match with every trailing star trimmed', () => {
  const r = (u: string) => ({ verbs: ['get'], nonResourceURLs: [u] });
  assert.equal(allows(r('/apis/*'), url('get', '/apis/')), true);
  assert.equal(allows(r('/apis/*'), url('get', '/apis/v1/foo')), true);
  assert.equal(allows(r('/apis/*'), url('get', '/apis')), false);
  assert.equal(allows(r('/api*'), url('get', '/apis')), true);
  assert.equal(allows(r('/api*'), url('get', '/api/v1')), true);
  assert.equal(allows(r('/'), url('get', '/')), true);
  assert.equal(allows(r('/'), url('get', '/healthz')), false);
  assert.equal(allows(r('/*'), url('get', '/healthz')), true);
  assert.equal(allows(r('*'), url('get', 'anything')), true);
  assert.equal(allows(r('/healthz**'), url('get', '/healthz/etcd')), true);
  assert.equal(allows(r('/version'), url('get', '/version/')), false);
  assert.equal(allows(r('/healthz'), url('post', '/healthz')), false);
});

test('resource and non-resource halves are independent', () => {
  assert.equal(allows({ verbs: ['get'], apiGroups: ['*'], resources: ['*'] }, url('get', '/healthz')), false);
  assert.equal(allows({ verbs: ['get'], nonResourceURLs: ['*'] }, res('get', 'pods')), false);
  assert.equal(allows({ verbs: [], nonResourceURLs: ['*'] }, url('get', '/healthz')), false);
});
