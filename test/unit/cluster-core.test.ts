// The cluster core against an in-memory ClusterSource: snapshots (pagination, partial, 410),
// watches (events, relist on 410 Gone, back-off), the review scheduler, the access matrix and its
// causes, the diff of two identities, impersonation grants, discovery documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Catalogue } from '../../server/src/core/catalogue/catalogue';
import { resourcesFromAggregated, resourcesFromResourceLists } from '../../server/src/core/catalogue/discovery';
import { impersonationGrants, refusedGrants } from '../../server/src/core/cluster/impersonation';
import { computeMatrix, diffMatrices } from '../../server/src/core/cluster/matrix';
import { schedule } from '../../server/src/core/cluster/scheduler';
import { keepCurrent, loadSnapshot, missingRbac, RBAC_KINDS, snapshotPolicy } from '../../server/src/core/cluster/snapshot';
import { ClusterError } from '../../server/src/core/cluster/source';
import { RbacEvaluator } from '../../server/src/core/rbac/evaluator';
import { impersonatedUser } from '../../server/src/core/rbac/identity';
import type { ResourceAttributes } from '../../server/src/core/rbac/types';
import { FakeClusterSource, obj } from '../helpers/fake-cluster-source';
import { repoPath } from '../helpers/repo';

const RG = 'rbac.authorization.k8s.io';
const podReader = obj('pod-reader', undefined, { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
const janeReads = obj('jane-reads', undefined, {
  roleRef: { apiGroup: RG, kind: 'ClusterRole', name: 'pod-reader' },
  subjects: [{ kind: 'User', apiGroup: RG, name: 'jane' }],
});
const getPods = (ns = 'shop'): ResourceAttributes => ({
  resourceRequest: true,
  verb: 'get',
  namespace: ns,
  apiGroup: '',
  resource: 'pods',
  subresource: '',
  name: '',
});

test('a snapshot is read page by page and evaluated as the cluster stores it', async () => {
  const src = new FakeClusterSource();
  src.objects.set('clusterroles', [podReader, ...Array.from({ length: 9 }, (_, i) => obj(`r${i}`, undefined, { rules: [] }))]);
  src.objects.set('clusterrolebindings', [janeReads]);
  const pages: number[] = [];
  const snap = await loadSnapshot(src, {
    kinds: RBAC_KINDS,
    pageSize: 3,
    onProgress: (ref, n) => ref.resource === 'clusterroles' && pages.push(n),
  });
  assert.deepEqual(pages, [3, 6, 9, 10]);
  assert.deepEqual(
    src.calls.filter((c) => c.startsWith('list clusterroles')),
    ['list clusterroles ', 'list clusterroles 3', 'list clusterroles 6', 'list clusterroles 9'],
  );
  const sp = snapshotPolicy(snap);
  assert.deepEqual(sp.missing, []);
  assert.equal(missingRbac(sp.missing), undefined);
  assert.equal(sp.policy.clusterRoles.length, 10);
  assert.deepEqual(sp.policy.clusterRoles[0].source, { origin: 'cluster' });
  assert.equal(sp.evaluator.authorize(impersonatedUser({ user: 'jane' }), getPods()).allowed, true);
});

test('a kind the user may not list makes a partial snapshot that says what is missing; 401 ends the load', async () => {
  const src = new FakeClusterSource();
  src.objects.set('clusterroles', [podReader]);
  src.listErrors.set('rolebindings', { error: new ClusterError('forbidden', 'rolebindings is forbidden: User "jane" cannot list', 403) });
  const snap = await loadSnapshot(src, { kinds: RBAC_KINDS });
  assert.deepEqual(
    snap.unreadable.map((u) => [u.ref.resource, u.code]),
    [['rolebindings', 'forbidden']],
  );
  const sp = snapshotPolicy(snap);
  assert.match(
    missingRbac(sp.missing) ?? '',
    /could not read rolebindings\.rbac\.authorization\.k8s\.io \(rolebindings is forbidden.*\): .*not conclusive/,
  );

  src.listErrors.set('roles', { error: new ClusterError('unauthorized', 'Unauthorized', 401) });
  await assert.rejects(loadSnapshot(src, { kinds: RBAC_KINDS }), (e: unknown) => e instanceof ClusterError && e.code === 'unauthorized');
});

test('an expired continue token (410) restarts the list once from the beginning', async () => {
  const src = new FakeClusterSource();
  src.objects.set('roles', [obj('a', 'x'), obj('b', 'x'), obj('c', 'x')]);
  src.listErrors.set('roles', { error: new ClusterError('gone', 'continue token expired', 410), afterPages: 1, times: 1 });
  const snap = await loadSnapshot(src, { kinds: RBAC_KINDS, pageSize: 2 });
  assert.equal(snap.kinds.get('roles.rbac.authorization.k8s.io')?.items.size, 3);
  assert.deepEqual(
    src.calls.filter((c) => c.startsWith('list roles')),
    ['list roles ', 'list roles 2', 'list roles ', 'list roles 2'],
  );
});

test('watches apply events, relist on 410 Gone and back off after errors', async () => {
  const src = new FakeClusterSource();
  src.objects.set('clusterroles', [podReader]);
  const snap = await loadSnapshot(src, { kinds: RBAC_KINDS.slice(0, 1) });
  const added = obj('added', undefined, { rules: [] });
  (added.metadata as Record<string, unknown>).resourceVersion = '101';
  src.watchScripts.set('clusterroles', [
    {
      events: [
        { type: 'ADDED', object: added },
        { type: 'BOOKMARK', object: { metadata: { resourceVersion: '150' } } },
      ],
      then: new ClusterError('gone', 'too old', 410),
    },
    { events: [], then: new ClusterError('server', 'boom', 500) },
    { events: [{ type: 'DELETED', object: obj('pod-reader') }] },
  ]);
  src.objects.set('clusterroles', [podReader, obj('relisted', undefined, { rules: [] })]);
  src.rv = 200;
  const abort = new AbortController();
  const changes: string[] = [];
  const errors: number[] = [];
  const done = keepCurrent(src, snap, {
    signal: abort.signal,
    backoff: { initialMs: 5, maxMs: 50 },
    onChange: () => {
      changes.push([...snap.kinds.get('clusterroles.rbac.authorization.k8s.io')!.items.keys()].join(','));
      if (changes.length === 3) abort.abort();
    },
    onError: (_ref, _e, delay) => errors.push(delay),
  });
  await done;
  assert.deepEqual(changes, ['/pod-reader,/added', '/pod-reader,/relisted', '/relisted']);
  assert.deepEqual(errors, [5], 'one back-off after the 500');
  assert.deepEqual(
    src.calls.filter((c) => c.startsWith('watch')),
    ['watch clusterroles 100', 'watch clusterroles 200', 'watch clusterroles 200'],
    'the watch resumes from the bookmark-free relist version',
  );
});

test('a watch closed by the server resumes from the last bookmark; an empty one is retried after a back-off', async () => {
  const src = new FakeClusterSource();
  const snap = await loadSnapshot(src, { kinds: RBAC_KINDS.slice(0, 1) });
  const changed = obj('changed', undefined, { rules: [] });
  (changed.metadata as Record<string, unknown>).resourceVersion = '170';
  src.watchScripts.set('clusterroles', [
    { events: [{ type: 'BOOKMARK', object: { metadata: { resourceVersion: '150' } } }] },
    { events: [] },
    { events: [{ type: 'MODIFIED', object: changed }] },
  ]);
  const abort = new AbortController();
  const t0 = performance.now();
  await keepCurrent(src, snap, { signal: abort.signal, backoff: { initialMs: 40, maxMs: 100 }, onChange: () => abort.abort() });
  assert.deepEqual(
    src.calls.filter((c) => c.startsWith('watch')),
    ['watch clusterroles 100', 'watch clusterroles 150', 'watch clusterroles 150'],
  );
  assert.ok(performance.now() - t0 >= 35, 'the empty watch was not reopened at once');
  assert.equal(snap.kinds.get('clusterroles.rbac.authorization.k8s.io')!.resourceVersion, '170');
});

test('the scheduler keeps to its concurrency bound and its rate, and stops starting work when cancelled', async () => {
  let inFlight = 0;
  let most = 0;
  const starts: number[] = [];
  const t0 = performance.now();
  const results = await schedule(
    Array.from({ length: 40 }, (_, i) => i),
    async (i) => {
      starts.push(performance.now() - t0);
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return i * 2;
    },
    { concurrency: 4, ratePerSecond: 100, burst: 10 },
  );
  assert.deepEqual(
    results.map((r) => r.ok && r.value),
    Array.from({ length: 40 }, (_, i) => i * 2),
  );
  assert.equal(most, 4);
  // A token bucket of 10 refilled at 100/s: by time t, at most 10 + 100·t requests have started.
  starts.forEach((t, i) => assert.ok(i + 1 <= 10 + Math.ceil((t / 1000) * 100) + 1, `request ${i + 1} started at ${t.toFixed(1)} ms`));

  const abort = new AbortController();
  let ran = 0;
  const cancelled = await schedule(
    Array.from({ length: 50 }, (_, i) => i),
    async () => {
      if (++ran === 5) abort.abort();
      await new Promise((r) => setTimeout(r, 1));
    },
    { concurrency: 2, ratePerSecond: 1000, burst: 1000, signal: abort.signal },
  );
  assert.ok(ran <= 6, `${ran} tasks ran: none may start after the abort`);
  assert.equal(cancelled.filter((r) => !r.ok && r.error instanceof ClusterError && r.error.code === 'aborted').length, 50 - ran);
});

test('the access matrix compares the server with kubeid and names the likely cause of each difference', async () => {
  const resources = ['pods', 'secrets', 'nodes', 'configmaps', 'services'].map((p) => Catalogue.builtin().get('', p)!);
  const src = new FakeClusterSource();
  src.objects.set('clusterroles', [podReader]);
  src.objects.set('clusterrolebindings', [janeReads]);
  src.listErrors.set('rolebindings', { error: new ClusterError('forbidden', 'forbidden', 403) });
  const sp = snapshotPolicy(await loadSnapshot(src, { kinds: RBAC_KINDS }));
  const rbac = new RbacEvaluator(sp.policy, { aggregate: false });
  src.answer = (_s, a) => {
    const r = a as ResourceAttributes;
    if (r.resource === 'nodes' && r.verb === 'get') return { allowed: true, denied: false, reason: 'webhook said so', evaluationError: '' };
    if (r.resource === 'configmaps' && r.verb === 'get')
      return { allowed: true, denied: false, reason: 'RBAC: allowed by RoleBinding "x/shop"', evaluationError: '' };
    if (r.resource === 'pods' && r.verb === 'list')
      return { allowed: false, denied: true, reason: 'policy webhook denies', evaluationError: '' };
    if (r.resource === 'services') throw new ClusterError('timeout', 'create SelfSubjectAccessReview: no answer within 30 s');
    return { ...rbac.authorize(impersonatedUser({ user: 'jane' }), a), denied: false, evaluationError: '' };
  };
  const user = impersonatedUser({ user: 'jane' });
  const m = await computeMatrix(src, {
    resources,
    namespace: 'shop',
    subject: { kind: 'impersonate', as: { user: 'jane' } },
    user,
    verbs: ['get', 'list', 'create'],
    scheduler: { concurrency: 4, ratePerSecond: 1000, burst: 1000 },
    compare: { evaluator: sp.evaluator, missing: sp.missing },
  });
  const cell = (res: string, verb: string) => m.rows.find((r) => r.resource === res)!.cells[m.verbs.indexOf(verb)]!;
  assert.equal(cell('pods', 'get').server.answer, 'yes');
  assert.equal(cell('pods', 'get').cause, undefined, 'agreement has no cause');
  assert.equal(cell('pods', 'get').attrs.namespace, 'shop');
  assert.equal(cell('nodes', 'get').attrs.namespace, '', 'cluster-scoped resources are asked at cluster scope');
  assert.equal(cell('nodes', 'get').cause, 'unreadable-objects', 'rolebindings were unreadable: kubeid cannot say no');
  assert.equal(cell('nodes', 'get').kubeid?.answer, 'unknown');
  assert.equal(cell('pods', 'list').cause, 'explicit-deny');
  assert.equal(cell('services', 'get').cause, 'review-failed');
  assert.equal(cell('secrets', 'create').server.answer, 'no');
  assert.equal(cell('secrets', 'create').kubeid?.answer, 'unknown', 'a no on a partial snapshot is never confident');

  // With every RBAC kind read, the causes get specific.
  const full = { evaluator: sp.evaluator, missing: [] };
  const m2 = await computeMatrix(src, {
    resources,
    namespace: 'shop',
    subject: { kind: 'self' },
    user,
    verbs: ['get'],
    scheduler: { concurrency: 2, ratePerSecond: 1000, burst: 1000 },
    compare: full,
  });
  const c2 = (res: string) => m2.rows.find((r) => r.resource === res)!.cells[0]!;
  assert.equal(c2('nodes').cause, 'other-authorizer');
  assert.match(c2('nodes').explanation!, /webhook said so/);
  assert.equal(c2('configmaps').cause, 'changed');
  const node = impersonatedUser({ user: 'system:node:n1', groups: ['system:nodes'] });
  const m3 = await computeMatrix(src, {
    resources,
    namespace: 'shop',
    subject: { kind: 'self' },
    user: node,
    verbs: ['get'],
    scheduler: { concurrency: 2, ratePerSecond: 1000, burst: 1000 },
    compare: full,
  });
  assert.equal(m3.rows.find((r) => r.resource === 'nodes')!.cells[0]!.cause, 'node-authorizer');

  // Two identities: the cells where the server's answers differ.
  src.answer = () => ({ allowed: false, denied: false, reason: '', evaluationError: '' });
  const nobody = await computeMatrix(src, {
    resources,
    namespace: 'shop',
    subject: { kind: 'self' },
    user,
    verbs: ['get'],
    scheduler: { concurrency: 2, ratePerSecond: 1000, burst: 1000 },
  });
  assert.deepEqual(
    diffMatrices(m2, nobody).map((d) => `${d.resource} ${d.verb} ${d.a}→${d.b}`),
    ['pods get yes→no', 'nodes get yes→no', 'configmaps get yes→no', 'services get error→no'],
  );
});

test('a refused impersonation names the exact permission the caller lacks', () => {
  const as = { user: 'system:serviceaccount:shop:web', groups: ['devs'], uid: 'u1', extra: { scopes: ['a'] } };
  assert.deepEqual(
    impersonationGrants(as).map((g) => [g.kind, g.namespace, g.rule.apiGroups![0], g.rule.resources![0], g.rule.resourceNames![0]]),
    [
      ['serviceaccounts', 'shop', '', 'serviceaccounts', 'web'],
      ['groups', undefined, '', 'groups', 'devs'],
      ['uids', undefined, 'authentication.k8s.io', 'uids', 'u1'],
      ['userextras/scopes', undefined, 'authentication.k8s.io', 'userextras/scopes', 'a'],
    ],
  );
  assert.deepEqual(
    refusedGrants({ user: 'jane', groups: ['a', 'b'] }, { kind: 'groups', name: 'b' }).map((g) => g.rule.resourceNames),
    [['b']],
  );
});

test('discovery documents read as the built-in catalogue reads them', () => {
  const aggregated = resourcesFromAggregated(JSON.parse(readFileSync(repoPath('server/data/discovery/aggregated_v2.json'), 'utf8')));
  const core = resourcesFromResourceLists([
    { group: '', version: 'v1', list: JSON.parse(readFileSync(repoPath('server/data/discovery/api__v1.json'), 'utf8')) },
  ]);
  const fromDocs = new Catalogue([...core, ...aggregated.resources]).all();
  const builtin = Catalogue.builtin().all();
  assert.equal(fromDocs.length, builtin.length);
  assert.deepEqual(JSON.parse(JSON.stringify(fromDocs)), JSON.parse(JSON.stringify(builtin)));
  assert.deepEqual(aggregated.stale, []);
  const stale = resourcesFromAggregated({
    items: [{ metadata: { name: 'metrics.k8s.io' }, versions: [{ version: 'v1beta1', freshness: 'Stale', resources: [] }] }],
  });
  assert.deepEqual(stale.stale, ['metrics.k8s.io/v1beta1']);
});
