// The access graph model on a fixture: nodes and edges, where each comes from, risk from the
// checks, filters, focus, collapsed API groups and search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadSnapshot, RBAC_KINDS, snapshotPolicy } from '../../server/src/core/cluster/snapshot';
import { clusterGraph, workspaceGraph } from '../../server/src/core/graph/build';
import { decodeGraph, encodeGraph } from '../../server/src/core/graph/compact';
import type { GraphData } from '../../server/src/core/graph/protocol';
import { collapseGroups, filterGraph, focusGraph, searchNodes, type GraphView } from '../../server/src/core/graph/view';
import { loadWorkspace } from '../../server/src/core/policy/workspace';
import { FakeClusterSource, obj } from '../helpers/fake-cluster-source';
import { repoPath } from '../helpers/repo';

const FIXTURE = repoPath('test/fixtures/graph/rbac.yaml');
const RG = 'rbac.authorization.k8s.io';

async function graph(): Promise<GraphData> {
  return workspaceGraph(await loadWorkspace([FIXTURE]), 'fixture');
}

const lines = readFileSync(FIXTURE, 'utf8').split('\n');
/** 1-based line of the object named `name` (its apiVersion line): where a double click lands. */
function objectLine(name: string): number {
  let i = lines.indexOf(`  name: ${name}`);
  while (!lines[i].startsWith('apiVersion:')) i--;
  return i + 1;
}
const lineOf = (text: string): number => lines.findIndex((l) => l.includes(text)) + 1;

const ids = (v: GraphView) => v.nodes.map((n) => n.id).sort();
const node = (g: GraphView, id: string) => g.nodes.find((n) => n.id === id);
const edge = (g: GraphView, id: string) => g.edges.find((e) => e.id === id);

test('the workspace objects become subject, binding, role and resource nodes with their source line', async () => {
  const g = await graph();
  const own = g.nodes.filter((n) => n.origin === 'workspace').map((n) => `${n.layer} ${n.id} :${n.line}`);
  const expected = [
    'binding ClusterRoleBinding:everyone-reads-secrets',
    'binding ClusterRoleBinding:prometheus',
    'binding RoleBinding:shop/ci-deploys',
    'binding RoleBinding:shop/dangling',
    'binding RoleBinding:shop/web-reads-pods',
    'role ClusterRole:deployer',
    'role ClusterRole:metrics-reader',
    'role ClusterRole:monitoring',
    'role ClusterRole:secret-reader',
    'role Role:shop/pod-reader',
    'subject ServiceAccount:shop/web',
  ].map((s) => `${s} :${objectLine(s.split(/[:/]/).at(-1)!)}`);
  assert.deepEqual(own.sort(), expected);
  assert.equal(objectLine('web'), 2);
  // Subjects named only by bindings, resources, and the default policy's objects.
  assert.deepEqual(node(g, 'User:jane'), { id: 'User:jane', kind: 'User', layer: 'subject', name: 'jane', label: 'jane' });
  assert.equal(node(g, 'Group:ci-bots')?.layer, 'subject');
  assert.deepEqual(node(g, 'Resource:apps/deployments'), {
    id: 'Resource:apps/deployments',
    kind: 'Resource',
    layer: 'resource',
    name: 'deployments',
    label: 'deployments.apps',
    apiGroup: 'apps',
  });
  assert.equal(node(g, 'ClusterRole:admin')?.origin, 'default-policy');
  assert.deepEqual(node(g, 'Role:shop/does-not-exist'), {
    id: 'Role:shop/does-not-exist',
    kind: 'Role',
    layer: 'role',
    name: 'does-not-exist',
    label: 'shop/does-not-exist',
    namespace: 'shop',
    missing: true,
  });
});

test('edges: subject → binding → role → resource, with the verbs, resource names and rules of each grant', async () => {
  const g = await graph();
  const from = (id: string) => g.edges.filter((e) => e.source === id || e.target === id).map((e) => e.id);
  assert.deepEqual(from('RoleBinding:shop/web-reads-pods'), [
    'ServiceAccount:shop/web->RoleBinding:shop/web-reads-pods',
    'User:jane->RoleBinding:shop/web-reads-pods',
    'RoleBinding:shop/web-reads-pods->Role:shop/pod-reader',
  ]);
  const grants = g.edges.filter((e) => e.source === 'Role:shop/pod-reader');
  assert.deepEqual(
    grants.map((e) => [e.target, e.kind, e.verbs, e.resourceNames, e.rules]),
    [
      ['Resource:/pods', 'grants', ['get', 'list'], undefined, [0]],
      ['Resource:/pods/log', 'grants', ['get', 'list'], undefined, [0]],
      ['Resource:/configmaps', 'grants', ['get'], ['app'], [1]],
    ],
  );
  // An aggregated ClusterRole grants its sources' rules, and says where each rule comes from.
  assert.ok(edge(g, 'ClusterRole:monitoring->NonResourceURL:/metrics'));
  assert.deepEqual(node(g, 'ClusterRole:monitoring')?.rules, [
    { verbs: ['get'], nonResourceURLs: ['/metrics'], aggregatedFrom: 'metrics-reader' },
  ]);
  assert.deepEqual(node(g, 'RoleBinding:shop/ci-deploys')?.roleRef, {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    name: 'deployer',
  });
  assert.deepEqual(node(g, 'RoleBinding:shop/ci-deploys')?.subjects, [
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ci-bots' },
  ]);
});

test('findings of the checks colour the objects and the edges of the rule or subject they point at', async () => {
  const g = await graph();
  const risky = g.edges.filter((e) => e.risk).map((e) => `${e.id} ${e.risk}`);
  assert.deepEqual(risky.sort(), [
    'ClusterRole:deployer->Resource:apps/deployments information',
    'ClusterRole:deployer->Resource:apps/statefulsets information',
    'ClusterRole:secret-reader->Resource:/secrets error',
    'Group:system:authenticated->ClusterRoleBinding:everyone-reads-secrets warning',
    'RoleBinding:shop/dangling->Role:shop/does-not-exist warning',
  ]);
  const nodes = g.nodes.filter((n) => n.risk).map((n) => `${n.id} ${n.risk} ${n.findings?.map((f) => f.check).join(',')}`);
  assert.deepEqual(nodes.sort(), [
    'ClusterRole:deployer information workload-create',
    'ClusterRole:secret-reader error secrets-read',
    'ClusterRoleBinding:everyone-reads-secrets warning all-authenticated-subject',
    'RoleBinding:shop/dangling warning missing-role',
  ]);
  assert.equal(node(g, 'ClusterRole:secret-reader')?.findings?.[0].line, lineOf('resources: ["secrets"]'));
});

test('filters: hidden system: subjects and default policy take the bindings and roles only they reached', async () => {
  const g = await graph();
  const noDefaults = filterGraph(g, { hideDefaults: true });
  assert.ok(!noDefaults.nodes.some((n) => n.origin === 'default-policy'));
  assert.ok(!node(noDefaults, 'Resource:coordination.k8s.io/leases'), 'granted by default roles only');
  assert.ok(node(noDefaults, 'Resource:/secrets'));

  const noSystem = filterGraph(g, { hideDefaults: true, hideSystem: true });
  for (const gone of [
    'Group:system:authenticated',
    'ClusterRoleBinding:everyone-reads-secrets',
    'ClusterRole:secret-reader',
    'Resource:/secrets',
  ]) {
    assert.equal(node(noSystem, gone), undefined, gone);
  }
  assert.ok(node(noSystem, 'ClusterRole:deployer'));
  assert.ok(noSystem.edges.every((e) => node(noSystem, e.source) && node(noSystem, e.target)));

  const users = filterGraph(g, { hideDefaults: true, subjectKinds: ['User'] });
  assert.deepEqual(
    users.nodes.filter((n) => n.layer === 'subject').map((n) => n.id),
    ['User:prometheus', 'User:jane', 'User:bob'],
  );
  assert.equal(node(users, 'RoleBinding:shop/ci-deploys'), undefined);
  assert.equal(node(users, 'Resource:apps/deployments'), undefined);

  const other = filterGraph(g, { hideDefaults: true, namespace: 'other' });
  assert.ok(!other.nodes.some((n) => n.namespace === 'shop'));
  assert.equal(node(other, 'User:jane'), undefined, 'jane is bound in shop only');
  assert.ok(node(other, 'User:prometheus'), 'a ClusterRoleBinding applies in every namespace');
});

test('the risk filter keeps risky grants with who reaches them and what they reach', async () => {
  const g = await graph();
  assert.deepEqual(ids(filterGraph(g, { minRisk: 'error' })), [
    'ClusterRole:secret-reader',
    'ClusterRoleBinding:everyone-reads-secrets',
    'Group:system:authenticated',
    'Resource:/secrets',
  ]);
  assert.deepEqual(ids(filterGraph(g, { minRisk: 'warning' })), [
    'ClusterRole:secret-reader',
    'ClusterRoleBinding:everyone-reads-secrets',
    'Group:system:authenticated',
    'Resource:/secrets',
    'Role:shop/does-not-exist',
    'RoleBinding:shop/dangling',
    'User:bob',
  ]);
});

test('focus: the nodes N hops around one, stopping at a limit', async () => {
  const g = filterGraph(await graph(), { hideDefaults: true });
  assert.deepEqual(ids(focusGraph(g, 'Role:shop/pod-reader', 1)), [
    'Resource:/configmaps',
    'Resource:/pods',
    'Resource:/pods/log',
    'Role:shop/pod-reader',
    'RoleBinding:shop/web-reads-pods',
  ]);
  const two = focusGraph(g, 'Role:shop/pod-reader', 2);
  assert.deepEqual(
    ids(two).filter((id) => !ids(focusGraph(g, 'Role:shop/pod-reader', 1)).includes(id)),
    ['ServiceAccount:shop/web', 'User:jane'],
  );
  assert.ok(two.edges.every((e) => node(two, e.source) && node(two, e.target)));
  const capped = focusGraph(await graph(), 'Resource:/pods', 2, 5);
  assert.equal(capped.nodes.length, 5);
  assert.equal(capped.truncated, true);
  assert.deepEqual(focusGraph(g, 'User:nobody', 2), { nodes: [], edges: [] });
});

test('collapsed API groups stand for their resources, with the edges merged', async () => {
  const g = focusGraph(await graph(), 'Role:shop/pod-reader', 1);
  const c = collapseGroups(g, (group) => group !== '');
  assert.deepEqual(ids(c), ['ApiGroup:', 'Role:shop/pod-reader', 'RoleBinding:shop/web-reads-pods']);
  assert.equal(node(c, 'ApiGroup:')?.label, 'core');
  const merged = edge(c, 'Role:shop/pod-reader->ApiGroup:');
  assert.deepEqual(
    [merged?.verbs, merged?.rules],
    [
      ['get', 'list'],
      [0, 1],
    ],
  );
  assert.equal(
    collapseGroups(g, () => true),
    g,
  );
});

test('search finds nodes by name: exact first, then prefix, then substring', async () => {
  const g = await graph();
  assert.deepEqual(
    searchNodes(g.nodes, 'pod-reader').map((n) => n.id),
    ['Role:shop/pod-reader'],
  );
  const web = searchNodes(g.nodes, 'WEB').map((n) => n.id);
  assert.deepEqual(web.slice(0, 2), ['ServiceAccount:shop/web', 'RoleBinding:shop/web-reads-pods']);
  assert.deepEqual(searchNodes(g.nodes, '   '), []);
});

test("a cluster graph: the cluster's own default-policy objects are marked, hidden with the default policy, never risk-coloured", async () => {
  const src = new FakeClusterSource();
  // As the API server keeps its default policy: labelled.
  const metadata = { name: 'cluster-admin', resourceVersion: '1', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } };
  // cluster-admin (a risky role, but the default policy is not reported) and a role of the user's.
  src.objects.set('clusterroles', [
    obj('cluster-admin', undefined, { metadata, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }),
    obj('deployer', undefined, { rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }] }),
  ]);
  src.objects.set('clusterrolebindings', [
    obj('cluster-admin', undefined, {
      metadata,
      roleRef: { apiGroup: RG, kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'Group', apiGroup: RG, name: 'system:masters' }],
    }),
    obj('ci-deploys', undefined, {
      roleRef: { apiGroup: RG, kind: 'ClusterRole', name: 'deployer' },
      subjects: [{ kind: 'User', apiGroup: RG, name: 'ci' }],
    }),
  ]);
  const g = clusterGraph(snapshotPolicy(await loadSnapshot(src, { kinds: RBAC_KINDS })), { context: 'test' });
  const admins = ['ClusterRole:cluster-admin', 'ClusterRoleBinding:cluster-admin'];
  for (const id of admins) {
    assert.equal(node(g, id)?.origin, 'cluster', id);
    assert.equal(node(g, id)?.defaultPolicy, true, id);
    assert.equal(node(g, id)?.risk, undefined, `${id} is not reported`);
  }
  assert.equal(node(g, 'ClusterRole:deployer')?.defaultPolicy, undefined);
  assert.ok(node(g, 'ClusterRole:deployer')?.risk, 'the user’s own wildcard role is');
  const shown = filterGraph(g, { hideDefaults: true });
  for (const id of [...admins, 'Group:system:masters']) assert.equal(node(shown, id), undefined, id);
  assert.ok(node(shown, 'ClusterRole:deployer'));
  // The page carries the mark.
  assert.equal(decodeGraph(encodeGraph(g)).nodes.find((n) => n.id === 'ClusterRole:cluster-admin')?.defaultPolicy, true);
});
