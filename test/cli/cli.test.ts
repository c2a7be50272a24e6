// The kubeid CLI as users run it: the bundled dist/cli.js, its output and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKubeid as kubeid } from '../helpers/cli';

const FIXTURE = 'test/fixtures/cli/rbac.yaml';

test('can-i answers yes / no with exit codes 0 / 1, like kubectl auth can-i', () => {
  assert.deepEqual(kubeid(['can-i', 'get', 'pods', '-n', 'shop', '--as', 'system:serviceaccount:shop:web', '--from', FIXTURE]), {
    code: 0,
    out: 'yes\n',
    err: '',
  });
  assert.deepEqual(kubeid(['can-i', 'delete', 'pods', '-n', 'shop', '--as', 'system:serviceaccount:shop:web', '--from', FIXTURE]), {
    code: 1,
    out: 'no\n',
    err: '',
  });
  assert.equal(kubeid(['can-i', 'get', 'pods', '-n', 'other', '--as', 'system:serviceaccount:other:web', '--from', FIXTURE]).out, 'no\n');
  assert.deepEqual(kubeid(['can-i', 'get', 'pods', '-n', 'shop', '--as', 'system:serviceaccount:shop:web', '--from', FIXTURE, '-q']), {
    code: 0,
    out: '',
    err: '',
  });
});

test('a missing role is part of the reason, never a deny', () => {
  const r = kubeid(['can-i', 'delete', 'nodes', '--as', 'jane', '--from', FIXTURE]);
  assert.equal(r.code, 1);
  assert.equal(r.out, 'no - RBAC: clusterrole.rbac.authorization.k8s.io "does-not-exist" not found\n');
});

test('-o json gives the decision, the reason and where the grant comes from', () => {
  const r = kubeid(['can-i', 'get', 'configmaps/app', '-n', 'shop', '--as', 'jane', '--from', FIXTURE, '-o', 'json']);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out) as Record<string, any>;
  assert.equal(j.allowed, true);
  assert.equal(j.reason, 'RBAC: allowed by RoleBinding "readers/shop" of Role "pod-reader" to User "jane"');
  assert.deepEqual(j.request, {
    resourceRequest: true,
    verb: 'get',
    namespace: 'shop',
    apiGroup: '',
    resource: 'configmaps',
    subresource: '',
    name: 'app',
  });
  assert.deepEqual(j.provenance.role, { kind: 'Role', name: 'pod-reader', namespace: 'shop', origin: 'workspace', file: FIXTURE, line: 1 });
  assert.deepEqual(j.provenance.binding, {
    kind: 'RoleBinding',
    name: 'readers',
    namespace: 'shop',
    origin: 'workspace',
    file: FIXTURE,
    line: 15,
  });
  assert.equal(j.provenance.ruleIndex, 1);
  assert.deepEqual(j.errors, ['clusterrole.rbac.authorization.k8s.io "does-not-exist" not found']);
  // Without the name the resourceNames rule cannot allow.
  assert.equal(kubeid(['can-i', 'get', 'configmaps', '-n', 'shop', '--as', 'jane', '--from', FIXTURE]).code, 1);
});

test('a cluster-scoped type ignores -n with a warning: a RoleBinding cannot grant it', () => {
  const r = kubeid(['can-i', 'get', 'nodes', '-n', 'shop', '--as', 'bob', '--from', FIXTURE]);
  assert.equal(r.code, 1, 'kubectl would send -n shop and the RoleBinding would say yes; the real request cannot');
  assert.equal(r.err, "Warning: resource 'nodes' is not namespace scoped; -n shop ignored\n");
  assert.equal(kubeid(['can-i', 'get', 'pods', '--subresource', 'log', '-n', 'shop', '--as', 'bob', '--from', FIXTURE]).code, 1);
});

test('the default cluster policy is included unless --no-defaults', () => {
  const args = ['can-i', 'create', 'selfsubjectaccessreviews.authorization.k8s.io', '--as', 'jane', '--from', FIXTURE];
  assert.equal(kubeid(args).code, 0);
  assert.equal(kubeid([...args, '--no-defaults']).code, 1);
  assert.equal(kubeid(['can-i', 'get', '/version', '--as', 'system:anonymous', '--from', FIXTURE]).out, 'yes\n');
});

test("identities: --as-group replaces a service account's groups; system:masters is allowed outside RBAC", () => {
  assert.equal(
    kubeid(['can-i', 'get', 'pods', '-n', 'shop', '--as', 'system:serviceaccount:shop:web', '--as-group', 'devs', '--from', FIXTURE]).code,
    1,
  );
  const m = kubeid([
    'can-i',
    'delete',
    'nodes',
    '--as',
    'root',
    '--as-group',
    'system:masters',
    '--from',
    FIXTURE,
    '--no-defaults',
    '-o',
    'json',
  ]);
  assert.equal(m.code, 0);
  const j = JSON.parse(m.out) as Record<string, unknown>;
  assert.equal(j.allowedBy, 'system:masters');
  assert.match(j.reason as string, /privileged-group authorizer, outside RBAC/);
});

test("can-i --list prints kubectl's table for the identity and namespace", () => {
  const r = kubeid(['can-i', '--list', '--as', 'jane', '-n', 'shop', '--from', FIXTURE, '--no-defaults']);
  assert.equal(r.code, 0);
  assert.equal(
    r.out,
    [
      'Resources    Non-Resource URLs   Resource Names   Verbs',
      'pods/log     []                  []               [get list]',
      'pods         []                  []               [get list]',
      'configmaps   []                  [app]            [get update]',
      '',
    ].join('\n'),
  );
  assert.match(r.err, /does-not-exist/);
  const j = JSON.parse(
    kubeid(['can-i', '--list', '--as', 'bob', '-n', 'shop', '--from', FIXTURE, '--no-defaults', '-o', 'json']).out,
  ) as Record<string, any>;
  assert.deepEqual(
    j.nonResourceRules.map((r: { nonResourceURLs: string[] }) => r.nonResourceURLs),
    [['/healthz', '/metrics']],
  );
  assert.equal(j.resourceRules[0].provenance.binding.name, 'node-readers-in-shop');
});

test('who-can lists each subject with the binding and role that allow it', () => {
  const r = kubeid(['who-can', 'get', 'pods', '-n', 'shop', '--from', FIXTURE, '--no-defaults']);
  assert.equal(r.code, 0);
  assert.equal(
    r.out,
    [
      'KIND    SUBJECT                       BINDING                        ROLE',
      'Group   system:masters                (privileged group, not RBAC)   -',
      'Group   system:serviceaccounts:shop   RoleBinding/shop/readers       Role/shop/pod-reader',
      'User    jane                          RoleBinding/shop/readers       Role/shop/pod-reader',
      '',
    ].join('\n'),
  );
  const nodes = kubeid(['who-can', 'get', 'nodes', '--from', FIXTURE, '--no-defaults', '-o', 'json']);
  const j = JSON.parse(nodes.out) as Record<string, any>;
  assert.deepEqual(
    j.subjects.map((s: { subject: { name: string } }) => s.subject.name),
    ['system:masters'],
  );
  assert.deepEqual(j.ignored, [
    {
      subject: { kind: 'ServiceAccount', apiGroup: '', name: 'ghost' },
      binding: 'ClusterRoleBinding/broken-sa',
      why: 'a ServiceAccount subject of a ClusterRoleBinding needs a namespace',
    },
  ]);
  assert.match(nodes.err, /matches nobody/);
});

test('--from reads folders and stdin', () => {
  assert.equal(kubeid(['can-i', 'get', 'pods', '-n', 'shop', '--as', 'jane', '--from', 'test/fixtures/cli']).code, 0);
  const yaml =
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\nsubjects: [{kind: User, name: amy}]\nroleRef: {kind: ClusterRole, name: view}\n';
  assert.equal(kubeid(['can-i', 'list', 'pods', '-n', 'any', '--as', 'amy', '--from', '-'], yaml).code, 0);
});

test('bad input: one line naming the problem, exit code 2', () => {
  const flag = kubeid(['can-i', 'get', 'pods', '--as', 'jane', '--frm', FIXTURE]);
  assert.deepEqual(flag, { code: 2, out: '', err: 'error: unknown flag: --frm\n' });
  const missing = kubeid(['can-i', 'get', 'pods', '--as', 'jane', '--from', 'nope/missing.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /^error: nope\/missing\.yaml:\d+:\d+: .*no such file or directory\n$/);
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-cli-'));
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [unclosed\n');
  const b = kubeid(['can-i', 'get', 'pods', '--as', 'jane', '--from', broken]);
  assert.equal(b.code, 2);
  assert.match(b.err, new RegExp(`^error: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .+\\n$`));
  const bomb = kubeid(['can-i', 'get', 'pods', '--as', 'jane', '--from', 'test/fixtures/manifest/lol.yaml']);
  assert.equal(bomb.code, 2);
  assert.match(bomb.err, /lol\.yaml:\d+:\d+: .*alias/i);
  assert.equal(kubeid(['can-i', 'get', 'pods', '--from', FIXTURE]).code, 2, '--as is required offline');
  assert.match(kubeid(['can-i', 'get', 'pods', '--as-group', 'g', '--from', FIXTURE]).err, /--as-group requires --as/);
  assert.deepEqual(kubeid(['can-i', 'get', 'pods', '--as', 'jane', '--kubeconfig', 'no/such/kubeconfig']), {
    code: 2,
    out: '',
    err: 'error: kubeconfig no/such/kubeconfig does not exist\n',
  });
  assert.equal(kubeid(['frobnicate']).code, 2);
  assert.equal(
    kubeid(['can-i', 'get', '/healthz', '--subresource', 'x', '--as', 'jane', '--from', FIXTURE]).err,
    'error: --subresource can not be used with NonResourceURL\n',
  );
});
