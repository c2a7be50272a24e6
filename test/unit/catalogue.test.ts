import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Catalogue, parseTypeArg, resourcesFromCrd, type ApiResource } from '../../server/src/core/catalogue/catalogue.js';

const cat = Catalogue.builtin();
const where = (r: ApiResource | undefined) => r && `${r.plural}.${r.group}`;

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

test('builtin.generated.ts is up to date with server/data/discovery', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-data.mjs', '--check'], { cwd: repoRoot(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr || r.stdout);
});

test('pods: namespaced, with the subresources RBAC rules name', () => {
  const pods = cat.get('', 'pods')!;
  assert.equal(pods.namespaced, true);
  assert.equal(pods.kind, 'Pod');
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  const subs = pods.subresources.map((s) => s.name);
  for (const s of ['exec', 'attach', 'portforward', 'log', 'status', 'eviction', 'binding', 'ephemeralcontainers', 'proxy', 'resize']) {
    assert.ok(subs.includes(s), `pods/${s}`);
  }
  assert.deepEqual(pods.subresources.find((s) => s.name === 'exec')!.verbs, ['create', 'get']);
  assert.deepEqual(pods.subresources.find((s) => s.name === 'log')!.verbs, ['get']);
});

test('scope: nodes, namespaces, clusterroles are cluster-scoped; roles, deployments are namespaced', () => {
  assert.equal(cat.get('', 'nodes')!.namespaced, false);
  assert.equal(cat.get('', 'namespaces')!.namespaced, false);
  assert.equal(cat.get('rbac.authorization.k8s.io', 'clusterroles')!.namespaced, false);
  assert.equal(cat.get('rbac.authorization.k8s.io', 'clusterrolebindings')!.namespaced, false);
  assert.equal(cat.get('rbac.authorization.k8s.io', 'roles')!.namespaced, true);
  assert.equal(cat.get('apps', 'deployments')!.namespaced, true);
});

test('subresources of other resources: serviceaccounts/token, deployments/scale, csr/approval', () => {
  assert.deepEqual(cat.get('', 'serviceaccounts')!.subresources, [{ name: 'token', verbs: ['create'] }]);
  assert.deepEqual(
    cat.get('apps', 'deployments')!.subresources.map((s) => s.name),
    ['scale', 'status'],
  );
  assert.ok(cat.get('certificates.k8s.io', 'certificatesigningrequests')!.subresources.some((s) => s.name === 'approval'));
  assert.deepEqual(
    cat.get('', 'namespaces')!.subresources.map((s) => s.name),
    ['finalize', 'status'],
  );
});

test('versions are merged across group versions, preferred first', () => {
  const hpa = cat.get('autoscaling', 'horizontalpodautoscalers')!;
  assert.deepEqual(hpa.versions, ['v2', 'v1']);
  assert.equal(hpa.preferredVersion, 'v2');
  assert.deepEqual(cat.get('certificates.k8s.io', 'clustertrustbundles')!.versions, ['v1', 'v1beta1']);
  // only in non-preferred versions of its group
  const pg = cat.get('scheduling.k8s.io', 'podgroups')!;
  assert.deepEqual(pg.versions, ['v1beta1', 'v1alpha3']);
  assert.equal(pg.preferredVersion, 'v1beta1');
  assert.deepEqual(cat.get('apps', 'deployments')!.verbs, [
    'create',
    'delete',
    'deletecollection',
    'get',
    'list',
    'patch',
    'update',
    'watch',
  ]);
});

test('groups keep discovery priority order, core first', () => {
  const groups = cat.groups();
  assert.equal(groups[0], '');
  assert.equal(new Set(groups).size, groups.length);
  assert.ok(groups.indexOf('apps') < groups.indexOf('events.k8s.io'));
  assert.ok(groups.includes('rbac.authorization.k8s.io'));
  assert.equal(cat.byKind('apps', 'Deployment')?.plural, 'deployments');
  assert.equal(cat.byKind('', 'Deployment'), undefined);
});

test('resolve: names, short names, kinds and group suffixes as kubectl maps them', () => {
  const cases: [string, string][] = [
    ['po', 'pods.'],
    ['pod', 'pods.'],
    ['pods', 'pods.'],
    ['Pod', 'pods.'],
    ['PODS', 'pods.'],
    ['deploy', 'deployments.apps'],
    ['deployment', 'deployments.apps'],
    ['deployments.apps', 'deployments.apps'],
    ['deployments.v1.apps', 'deployments.apps'],
    ['deploy.apps', 'deployments.apps'],
    ['events', 'events.'], // core outranks events.k8s.io
    ['ev', 'events.'],
    ['events.events.k8s.io', 'events.events.k8s.io'],
    ['ingresses', 'ingresses.networking.k8s.io'],
    ['ing', 'ingresses.networking.k8s.io'],
    ['hpa', 'horizontalpodautoscalers.autoscaling'],
    ['HorizontalPodAutoscaler', 'horizontalpodautoscalers.autoscaling'],
    ['horizontalpodautoscalers.v1.autoscaling', 'horizontalpodautoscalers.autoscaling'],
    ['cj', 'cronjobs.batch'],
    ['cronjobs.batch', 'cronjobs.batch'],
    ['jobs.batch', 'jobs.batch'],
    ['csr', 'certificatesigningrequests.certificates.k8s.io'],
    ['crds', 'customresourcedefinitions.apiextensions.k8s.io'],
    ['sa', 'serviceaccounts.'],
    ['ns', 'namespaces.'],
    ['svc', 'services.'],
    ['clusterrolebindings', 'clusterrolebindings.rbac.authorization.k8s.io'],
    ['roles.rbac.authorization.k8s.io', 'roles.rbac.authorization.k8s.io'],
    // kubectl also accepts a prefix of the group name (DefaultRESTMapper / shortcut expander)
    ['storageclasses.storage', 'storageclasses.storage.k8s.io'],
    ['deployments.app', 'deployments.apps'],
    ['hpa.autoscal', 'horizontalpodautoscalers.autoscaling'],
  ];
  for (const [arg, want] of cases) assert.equal(where(cat.resolve(arg)), want, arg);
});

test('resolve: unknown types, wrong groups and versions do not resolve', () => {
  for (const arg of [
    'widgets',
    'users',
    'groups',
    'crb', // not a short name in discovery
    'deployments.batch',
    'pods.apps',
    'deployments.v2.apps',
    'deployments.pps',
    'deployments.k8s.io',
    'events.k8s',
    'certificates.k8s.io',
    '*',
    '',
  ]) {
    assert.equal(cat.resolve(arg), undefined, arg);
  }
});

test('parseTypeArg: TYPE/NAME, known types normalised, unknown taken literally', () => {
  const pods = parseTypeArg('Pods/web-0', cat);
  assert.deepEqual({ ...pods, known: undefined }, { group: '', resource: 'pods', name: 'web-0', known: undefined });
  assert.equal(pods.known, cat.get('', 'pods'));
  const dep = parseTypeArg('deploy.apps/api/v2', cat);
  assert.equal(dep.resource, 'deployments');
  assert.equal(dep.group, 'apps');
  assert.equal(dep.name, 'api/v2');
  assert.deepEqual(parseTypeArg('widgets.example.com', cat), { group: 'example.com', resource: 'widgets', name: '' });
  assert.deepEqual(parseTypeArg('Widgets.Example.com/x', cat), {
    group: 'Example.com',
    resource: 'Widgets',
    name: 'x',
  });
  assert.deepEqual(parseTypeArg('users', cat), { group: '', resource: 'users', name: '' });
  assert.deepEqual(parseTypeArg('*', cat), { group: '', resource: '*', name: '' });
  assert.deepEqual(parseTypeArg('*/foo', cat), { group: '', resource: '*', name: 'foo' });
});

const crd = (scope: string, versions: unknown[], names: Record<string, unknown> = {}) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', scope, names: { plural: 'widgets', kind: 'Widget', ...names }, versions },
});

test('resourcesFromCrd: namespaced CRD with status, scale, short names and categories', () => {
  const [w] = resourcesFromCrd(
    crd(
      'Namespaced',
      [
        { name: 'v1alpha1', served: true, storage: false },
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas' } },
        },
        { name: 'v1beta1', served: false, storage: false, subresources: { status: {} } },
      ],
      { singular: 'widget', shortNames: ['wd'], categories: ['all', 'example'] },
    ),
  );
  assert.deepEqual(w, {
    group: 'example.com',
    versions: ['v1', 'v1alpha1'],
    preferredVersion: 'v1',
    kind: 'Widget',
    plural: 'widgets',
    singular: 'widget',
    shortNames: ['wd'],
    categories: ['all', 'example'],
    namespaced: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [
      { name: 'scale', verbs: ['get', 'patch', 'update'] },
      { name: 'status', verbs: ['get', 'patch', 'update'] },
    ],
  });
});

test('resourcesFromCrd: cluster scope, default singular, nothing served, not a CRD', () => {
  const [w] = resourcesFromCrd(
    crd('Cluster', [
      { name: 'v2beta1', served: true },
      { name: 'v1', served: true },
    ]),
  );
  assert.equal(w.namespaced, false);
  assert.equal(w.singular, 'widget');
  assert.deepEqual(w.versions, ['v1', 'v2beta1']); // GA before beta
  assert.deepEqual(w.subresources, []);
  assert.deepEqual(resourcesFromCrd(crd('Namespaced', [{ name: 'v1', served: false }])), []);
  assert.deepEqual(resourcesFromCrd({ kind: 'ConfigMap', spec: {} }), []);
  assert.deepEqual(resourcesFromCrd(null), []);
  assert.deepEqual(resourcesFromCrd('widgets'), []);
});

test('withResources: CRDs resolve, and shadow built-ins only by exact group+plural', () => {
  const events = resourcesFromCrd({
    ...crd('Namespaced', [{ name: 'v1', served: true }], {
      plural: 'events',
      kind: 'Event',
      shortNames: ['po', 'ev', 'xev'],
    }),
  });
  const widgets = resourcesFromCrd(crd('Namespaced', [{ name: 'v1', served: true }], { shortNames: ['wd'] }));
  const c = cat.withResources([...events, ...widgets]);
  assert.equal(c.all().length, cat.all().length + 2);
  assert.equal(where(c.resolve('events')), 'events.', 'core still wins');
  assert.equal(where(c.resolve('po')), 'pods.', 'a CRD short name does not steal po');
  assert.equal(where(c.resolve('ev')), 'events.');
  assert.equal(where(c.resolve('xev')), 'events.example.com');
  assert.equal(where(c.resolve('events.example.com')), 'events.example.com');
  assert.equal(where(c.resolve('wd')), 'widgets.example.com');
  assert.equal(where(c.resolve('Widget')), 'widgets.example.com');
  assert.equal(c.groups().at(-1), 'example.com');
  // the shared built-in catalogue is untouched
  assert.equal(cat.resolve('widgets'), undefined);
  assert.equal(Catalogue.builtin(), cat);

  // same group+plural replaces the built-in in place
  const mine: ApiResource = { ...cat.get('apps', 'deployments')!, namespaced: false, shortNames: [] };
  const d = cat.withResources([mine]);
  assert.equal(d.all().length, cat.all().length);
  assert.equal(d.get('apps', 'deployments'), mine);
  assert.equal(d.resolve('deploy'), undefined);
  assert.equal(d.resolve('deployments'), mine);
});

test('resolve: several groups match → PriorityRESTMapper picks by group order, then version order', () => {
  const r = (group: string, plural: string, versions: string[], shortNames: string[] = []): ApiResource => ({
    group,
    versions,
    preferredVersion: versions[0],
    kind: plural,
    plural,
    singular: plural.slice(0, -1),
    shortNames,
    categories: [],
    namespaced: true,
    verbs: [],
    subresources: [],
  });
  const c = new Catalogue([r('b.io', 'things', ['v1']), r('a.io', 'things', ['v1'], ['th']), r('', 'pods', ['v1'])]);
  assert.deepEqual(c.groups(), ['', 'b.io', 'a.io']);
  assert.equal(where(c.resolve('things')), 'things.b.io');
  assert.equal(where(c.resolve('thing')), 'things.b.io');
  // the short name expands to its own group, so a.io wins here
  assert.equal(where(c.resolve('th')), 'things.a.io');
  assert.equal(where(c.resolve('things.a')), 'things.a.io');
  // two resources of one group-version answering to the same name: ambiguous, like kubectl
  const amb = new Catalogue([r('x.io', 'foos', ['v1']), { ...r('x.io', 'bars', ['v1']), singular: 'foos' }]);
  assert.equal(amb.resolve('foos'), undefined);
  // ...but a match in the preferred version beats one only in a later version
  const ver = new Catalogue([r('x.io', 'foos', ['v1', 'v1beta1']), { ...r('x.io', 'bars', ['v1beta1']), singular: 'foos' }]);
  assert.equal(where(ver.resolve('foos')), 'foos.x.io');
});
