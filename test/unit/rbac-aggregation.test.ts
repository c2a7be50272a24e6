import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateClusterRoles } from '../../server/src/core/rbac/aggregation';
import { RbacEvaluator } from '../../server/src/core/rbac/evaluator';
import { impersonatedUser } from '../../server/src/core/rbac/identity';
import type { ClusterRole, LabelSelector, PolicyRule } from '../../server/src/core/rbac/types';
import { clusterRole, clusterRoleBinding, policy, res, user } from '../helpers/policy';
import { defaultPolicy } from '../../server/src/core/policy/defaults';

const rule = (resource: string, verbs = ['get']): PolicyRule => ({ verbs, apiGroups: [''], resources: [resource] });
const labelled = (name: string, labels: Record<string, string>, rules: PolicyRule[]): ClusterRole => ({
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
});
const aggregated = (name: string, selectors: LabelSelector[], rules: PolicyRule[] = [], labels?: Record<string, string>): ClusterRole => ({
  kind: 'ClusterRole',
  metadata: { name, ...(labels ? { labels } : {}) },
  rules,
  aggregationRule: { clusterRoleSelectors: selectors },
});
const rulesOf = (roles: ClusterRole[], name: string) => roles.find((r) => r.metadata.name === name)!.rules.map((r) => r.resources![0]);

test('matchLabels selects roles; hand-written rules of the aggregated role are replaced', () => {
  const { clusterRoles } = aggregateClusterRoles([
    aggregated('monitoring', [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }], [rule('dead')]),
    labelled('b-metrics', { 'example.com/aggregate-to-monitoring': 'true' }, [rule('services')]),
    labelled('a-pods', { 'example.com/aggregate-to-monitoring': 'true' }, [rule('pods')]),
    labelled('other', { 'example.com/aggregate-to-monitoring': 'false' }, [rule('secrets')]),
  ]);
  assert.deepEqual(rulesOf(clusterRoles, 'monitoring'), ['pods', 'services'], 'sorted by role name, dead rule gone');
});

test('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
  const roles = [
    labelled('a', { tier: 'x' }, [rule('a')]),
    labelled('b', { tier: 'y' }, [rule('b')]),
    labelled('c', { other: '1' }, [rule('c')]),
  ];
  const run = (sel: LabelSelector) => rulesOf(aggregateClusterRoles([aggregated('agg', [sel]), ...roles]).clusterRoles, 'agg');
  assert.deepEqual(run({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }), ['a']);
  assert.deepEqual(run({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }), ['b', 'c']);
  assert.deepEqual(run({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }), ['a', 'b']);
  assert.deepEqual(run({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }), ['c']);
  assert.deepEqual(
    run({ matchLabels: { tier: 'y' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }),
    ['b'],
    'AND within one selector',
  );
});

test('selectors are ORed in order, rules deduplicated by exact equality', () => {
  const { clusterRoles } = aggregateClusterRoles([
    aggregated('agg', [{ matchLabels: { s: '2' } }, { matchLabels: { s: '1' } }]),
    labelled('one', { s: '1' }, [rule('pods'), rule('secrets')]),
    labelled('two', { s: '2' }, [rule('pods'), { verbs: ['get'], resources: ['pods'], apiGroups: [''] }, rule('pods', ['list'])]),
  ]);
  assert.deepEqual(
    clusterRoles.find((r) => r.metadata.name === 'agg')!.rules.map((r) => `${r.resources![0]}:${r.verbs.join(',')}`),
    ['pods:get', 'pods:list', 'secrets:get'],
  );
});

test('an empty selector selects every ClusterRole but itself', () => {
  const { clusterRoles } = aggregateClusterRoles([
    aggregated('everything', [{}], [rule('mine')]),
    labelled('x', {}, [rule('x')]),
    clusterRole('cluster-admin', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
  ]);
  assert.deepEqual(rulesOf(clusterRoles, 'everything'), ['*', 'x']);
});

test('aggregation is transitive to a fixed point (admin <- edit <- view)', () => {
  const { clusterRoles } = aggregateClusterRoles([
    aggregated('admin', [{ matchLabels: { 'to-admin': 'true' } }]),
    aggregated('edit', [{ matchLabels: { 'to-edit': 'true' } }], [], { 'to-admin': 'true' }),
    aggregated('view', [{ matchLabels: { 'to-view': 'true' } }], [], { 'to-edit': 'true' }),
    labelled('view-rules', { 'to-view': 'true' }, [rule('pods')]),
    labelled('edit-rules', { 'to-edit': 'true' }, [rule('pods', ['create'])]),
    labelled('admin-rules', { 'to-admin': 'true' }, [rule('rolebindings', ['create'])]),
  ]);
  const show = (name: string) => clusterRoles.find((r) => r.metadata.name === name)!.rules.map((r) => `${r.verbs[0]} ${r.resources![0]}`);
  assert.deepEqual(show('view'), ['get pods']);
  assert.deepEqual(show('edit'), ['create pods', 'get pods']);
  assert.deepEqual(show('admin'), ['create rolebindings', 'create pods', 'get pods']);
});

test('an invalid selector leaves the role as written and reports it', () => {
  const r = aggregateClusterRoles([
    aggregated('agg', [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }], [rule('kept')]),
    labelled('x', { a: '1' }, [rule('x')]),
  ]);
  assert.deepEqual(rulesOf(r.clusterRoles, 'agg'), ['kept']);
  assert.match(r.errors[0], /ClusterRole "agg": invalid aggregationRule: for 'in', 'notin' operators, values set can't be empty/);
});

test('the evaluator uses aggregated rules and says which role a rule came from', () => {
  const ev = new RbacEvaluator(
    policy({
      clusterRoles: [
        aggregated('monitoring', [{ matchLabels: { m: 'true' } }]),
        labelled('pods-reader', { m: 'true' }, [rule('pods', ['list'])]),
      ],
      clusterRoleBindings: [clusterRoleBinding('mon', { kind: 'ClusterRole', name: 'monitoring' }, [user('jane')])],
    }),
  );
  const d = ev.authorize(impersonatedUser({ user: 'jane' }), res('list', 'pods', { namespace: 'a' }));
  assert.equal(d.allowed, true);
  assert.equal(d.source?.aggregatedFrom, 'pods-reader');
  // A live cluster already stores aggregated rules: aggregation can be switched off.
  const live = new RbacEvaluator(
    policy({
      clusterRoles: [aggregated('monitoring', [{ matchLabels: { m: 'true' } }], [])],
      clusterRoleBindings: [clusterRoleBinding('mon', { kind: 'ClusterRole', name: 'monitoring' }, [user('jane')])],
    }),
    { aggregate: false },
  );
  assert.equal(live.authorize(impersonatedUser({ user: 'jane' }), res('list', 'pods', { namespace: 'a' })).allowed, false);
});

test('ClusterRoles that aggregate each other are reported: their rules depend on sync order', () => {
  const r = aggregateClusterRoles([
    aggregated('a', [{ matchLabels: { x: 'true' } }], [], { y: 'true' }),
    aggregated('b', [{ matchLabels: { y: 'true' } }], [rule('pods', ['*'])], { x: 'true' }),
  ]);
  assert.deepEqual(r.errors, [
    'ClusterRoles "a", "b" aggregate each other: their rules depend on the order the aggregation controller syncs them',
  ]);
});

test('the default policy aggregates without errors', () => {
  assert.deepEqual(new RbacEvaluator(defaultPolicy().policy).aggregationErrors, []);
});
