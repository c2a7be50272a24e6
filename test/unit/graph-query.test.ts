// "who can VERB RESOURCE in NS" on the access graph: the RBAC engine's answer as paths through the
// graph's nodes, each step labelled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workspaceGraph } from '../../server/src/core/graph/build';
import { evaluatorOfGraph } from '../../server/src/core/graph/policy';
import { parseQuery, queryPaths } from '../../server/src/core/graph/query';
import { loadWorkspace } from '../../server/src/core/policy/workspace';
import { QueryError } from '../../server/src/core/request';
import { repoPath } from '../helpers/repo';

const FIXTURE = repoPath('test/fixtures/graph/rbac.yaml');

test('who can get pods in shop: each allowing subject with its binding, role and resource, every step labelled', async () => {
  const ws = await loadWorkspace([FIXTURE]);
  const r = queryPaths(ws.evaluator, ws.catalogue, 'who can get pods in shop');
  assert.equal(r.request, 'get pods in namespace "shop"');
  const web = r.paths.find((p) => p.subject === 'ServiceAccount:shop/web');
  assert.deepEqual(web, {
    subject: 'ServiceAccount:shop/web',
    nodes: ['ServiceAccount:shop/web', 'RoleBinding:shop/web-reads-pods', 'Role:shop/pod-reader', 'Resource:/pods'],
    steps: [
      { from: 'ServiceAccount:shop/web', to: 'RoleBinding:shop/web-reads-pods', label: 'subject 1 of RoleBinding shop/web-reads-pods' },
      { from: 'RoleBinding:shop/web-reads-pods', to: 'Role:shop/pod-reader', label: 'roleRef Role pod-reader' },
      { from: 'Role:shop/pod-reader', to: 'Resource:/pods', label: 'rule 1: get, list pods, pods/log (apiGroups "")' },
    ],
    summary: 'allowed by RoleBinding "web-reads-pods/shop" of Role "pod-reader" to ServiceAccount "web/shop"',
  });
  assert.equal(r.paths.find((p) => p.subject === 'User:jane')?.steps[0].label, 'subject 2 of RoleBinding shop/web-reads-pods');
  // system:masters first, outside RBAC; and every node of every path is a node of the graph.
  assert.deepEqual(r.paths[0], {
    subject: 'Group:system:masters',
    nodes: ['Group:system:masters'],
    steps: [],
    summary: 'system:masters: privileged-group authorizer, outside RBAC',
  });
  const g = workspaceGraph(ws, 'fixture');
  const nodes = new Set(g.nodes.map((n) => n.id));
  const edges = new Set(g.edges.map((e) => e.id));
  for (const p of r.paths) {
    for (const id of p.nodes) assert.ok(nodes.has(id), id);
    for (const s of p.steps) assert.ok(edges.has(`${s.from}->${s.to}`), `${s.from}->${s.to}`);
  }
  // A wildcard rule is drawn to its `*` resource node: the path ends there.
  const admin = r.paths.find((p) => p.nodes.includes('ClusterRole:cluster-admin'));
  assert.equal(admin?.nodes.at(-1), 'Resource:*/*');
});

test('a ClusterRole bound in a namespace says so; an aggregated rule names its source; a request elsewhere has no such path', async () => {
  const ws = await loadWorkspace([FIXTURE]);
  const ci = queryPaths(ws.evaluator, ws.catalogue, 'create deployments in shop').paths.find((p) => p.subject === 'Group:ci-bots');
  assert.deepEqual(
    ci?.steps.map((s) => s.label),
    [
      'subject 1 of RoleBinding shop/ci-deploys',
      'roleRef ClusterRole deployer, in namespace shop only',
      'rule 1: get, create, update deployments, statefulsets (apiGroups apps)',
    ],
  );
  assert.equal(ci?.nodes.at(-1), 'Resource:apps/deployments');
  assert.ok(!queryPaths(ws.evaluator, ws.catalogue, 'create deployments -n other').paths.some((p) => p.subject === 'Group:ci-bots'));

  const metrics = queryPaths(ws.evaluator, ws.catalogue, 'who can get /metrics').paths.find((p) => p.subject === 'User:prometheus');
  assert.deepEqual(metrics?.nodes, [
    'User:prometheus',
    'ClusterRoleBinding:prometheus',
    'ClusterRole:monitoring',
    'NonResourceURL:/metrics',
  ]);
  assert.equal(metrics?.steps[2].label, 'rule 1: get /metrics (aggregated from ClusterRole metrics-reader)');
});

test('a query it cannot read is an error, not paths; a resource by name and a subresource are read as kubectl reads them', async () => {
  const ws = await loadWorkspace([FIXTURE]);
  const bad = queryPaths(ws.evaluator, ws.catalogue, 'who can get');
  assert.deepEqual(bad.paths, []);
  assert.match(bad.error ?? '', /expected who can VERB TYPE/);
  assert.match(queryPaths(ws.evaluator, ws.catalogue, 'get pods in').error ?? '', /"in" needs a value/);
  assert.deepEqual(parseQuery('who can get pods/web in shop subresource log'), {
    verb: 'get',
    target: 'pods/web',
    namespace: 'shop',
    subresource: 'log',
  });
  assert.deepEqual(parseQuery('list nodes -A'), { verb: 'list', target: 'nodes', allNamespaces: true });
  assert.throws(() => parseQuery('get pods sideways'), QueryError);
  const logs = queryPaths(ws.evaluator, ws.catalogue, 'get pods/web in shop subresource log');
  assert.equal(logs.request, 'get pods/log "web" in namespace "shop"');
  assert.equal(logs.paths.find((p) => p.subject === 'User:jane')?.nodes.at(-1), 'Resource:/pods/log');
});

test('the engine rebuilt from the graph nodes (as in the webview) answers as the workspace evaluator does', async () => {
  const ws = await loadWorkspace([FIXTURE]);
  const g = workspaceGraph(ws, 'fixture');
  const fromGraph = evaluatorOfGraph(g.nodes);
  for (const q of [
    'get pods in shop',
    'create deployments in shop',
    'get /metrics',
    'list secrets -A',
    'get pods/web in shop subresource log',
  ]) {
    assert.deepEqual(queryPaths(fromGraph, ws.catalogue, q), queryPaths(ws.evaluator, ws.catalogue, q), q);
  }
});
