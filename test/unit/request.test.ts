import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalogue } from '../../server/src/core/catalogue/catalogue';
import { buildRequest, QueryError } from '../../server/src/core/request';

const cat = Catalogue.builtin();
const build = (verb: string, target: string, opts: { namespace?: string; subresource?: string; allNamespaces?: boolean } = {}) =>
  buildRequest({ verb, target, ...opts }, cat);

test('TYPE is resolved as kubectl resolves it, and the namespace defaults to "default"', () => {
  assert.deepEqual(build('get', 'po').attrs, {
    resourceRequest: true,
    verb: 'get',
    namespace: 'default',
    apiGroup: '',
    resource: 'pods',
    subresource: '',
    name: '',
  });
  assert.deepEqual(build('update', 'deploy/web', { namespace: 'shop', subresource: 'scale' }).attrs, {
    resourceRequest: true,
    verb: 'update',
    namespace: 'shop',
    apiGroup: 'apps',
    resource: 'deployments',
    subresource: 'scale',
    name: 'web',
  });
  const jobs = build('list', 'jobs.batch').attrs;
  assert.equal(jobs.resourceRequest && jobs.apiGroup, 'batch');
});

test('a cluster-scoped type is asked at cluster scope; -n is ignored with a warning', () => {
  const r = build('get', 'nodes', { namespace: 'shop' });
  assert.equal(r.attrs.resourceRequest && r.attrs.namespace, '');
  assert.deepEqual(r.warnings, ["resource 'nodes' is not namespace scoped; -n shop ignored"]);
  const crb = build('create', 'clusterrolebindings', { namespace: 'shop' });
  assert.deepEqual(crb.warnings, [
    "resource 'clusterrolebindings' is not namespace scoped in group 'rbac.authorization.k8s.io'; -n shop ignored",
  ]);
  assert.deepEqual(build('get', 'nodes').warnings, [], 'no warning without -n');
});

test('namespaces/NAME is checked in namespace NAME, as the API server sets it', () => {
  const r = build('get', 'namespaces/shop', { namespace: 'other' });
  assert.equal(r.attrs.resourceRequest && r.attrs.namespace, 'shop');
  assert.equal(r.attrs.resourceRequest && r.attrs.name, 'shop');
  const list = build('list', 'namespaces');
  assert.equal(list.attrs.resourceRequest && list.attrs.namespace, '');
});

test('-A asks at cluster scope', () => {
  const r = build('list', 'pods', { allNamespaces: true, namespace: 'shop' });
  assert.equal(r.attrs.resourceRequest && r.attrs.namespace, '');
});

test('unknown types are taken literally in the group their suffix names, with a warning', () => {
  const r = build('get', 'widgets.example.com/w1', { namespace: 'shop' });
  assert.deepEqual(r.attrs, {
    resourceRequest: true,
    verb: 'get',
    namespace: 'shop',
    apiGroup: 'example.com',
    resource: 'widgets',
    subresource: '',
    name: 'w1',
  });
  assert.match(r.warnings[0], /no resource type 'widgets\.example\.com'/);
  // users and groups are what impersonation checks name: no warning, as in kubectl.
  assert.deepEqual(build('impersonate', 'users/jane').warnings, []);
});

test('non-resource URLs; --subresource cannot go with one', () => {
  assert.deepEqual(build('get', '/healthz').attrs, { resourceRequest: false, verb: 'get', path: '/healthz' });
  assert.throws(() => build('get', '/healthz', { subresource: 'x' }), QueryError);
});

test('TYPE/NAME where NAME is a subresource name warns that it names an object', () => {
  const r = build('get', 'pods/log', { namespace: 'shop' });
  assert.equal(r.attrs.resourceRequest && r.attrs.name, 'log');
  assert.match(r.warnings[0], /use: pods --subresource log/);
});

test('unknown verbs are warnings, as in kubectl', () => {
  assert.deepEqual(build('gets', 'pods').warnings, ["verb 'gets' is not a known verb"]);
});
