// The workload model: every pod-owning kind, where its pod spec is, the service account fields as
// the API server reads them, and whether the token is mounted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestsFromObjects, parseManifestText } from '../../server/src/core/manifest/parse';
import { serviceAccountOf, tokenMount, workloadsFromFiles, type Workload } from '../../server/src/core/manifest/workloads';
import { buildWorkspace } from '../../server/src/core/policy/workspace';
import type { ServiceAccount } from '../../server/src/core/rbac/types';

/** An object of that kind whose pod spec, at `path`, holds the given flow-style fields. */
function object(apiVersion: string, kind: string, path: string[], fields: string, ns = 'shop'): string {
  const lines = [`apiVersion: ${apiVersion}`, `kind: ${kind}`, `metadata: {name: ${kind.toLowerCase()}${ns ? `, namespace: ${ns}` : ''}}`];
  path.forEach((key, i) => lines.push(`${'  '.repeat(i)}${key}:`));
  lines.push(`${'  '.repeat(path.length)}${fields}`);
  return lines.join('\n');
}

const TEMPLATE = ['spec', 'template', 'spec'];
const KINDS: Array<[string, string, string[]]> = [
  ['v1', 'Pod', ['spec']],
  ['v1', 'ReplicationController', TEMPLATE],
  ['apps/v1', 'Deployment', TEMPLATE],
  ['apps/v1', 'ReplicaSet', TEMPLATE],
  ['apps/v1', 'StatefulSet', TEMPLATE],
  ['apps/v1', 'DaemonSet', TEMPLATE],
  ['batch/v1', 'Job', TEMPLATE],
  ['batch/v1', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
];

function workloads(text: string): { list: Workload[]; text: string } {
  return { list: workloadsFromFiles([parseManifestText(text, 'w.yaml')]), text };
}

const slice = (text: string, span: { start: number; end: number } | undefined): string | undefined =>
  span && text.slice(span.start, span.end);

test('every pod-owning kind, with its pod spec, serviceAccountName and automount field at their positions', () => {
  const text = KINDS.map(([api, kind, path]) =>
    object(api, kind, path, `serviceAccountName: sa-${kind.toLowerCase()}\n${'  '.repeat(path.length)}automountServiceAccountToken: false`),
  ).join('\n---\n');
  const { list } = workloads(text);
  assert.deepEqual(
    list.map((w) => [w.kind, w.name, w.namespace, w.namespaceWritten, w.podSpecPath.join('.'), serviceAccountOf(w)]),
    KINDS.map(([, kind, path]) => [kind, kind.toLowerCase(), 'shop', true, path.join('.'), `sa-${kind.toLowerCase()}`]),
  );
  for (const w of list) {
    assert.equal(slice(text, w.serviceAccountName?.span), `sa-${w.kind.toLowerCase()}`);
    assert.equal(slice(text, w.serviceAccountName?.keySpan), 'serviceAccountName');
    assert.equal(w.serviceAccountName?.key, 'serviceAccountName');
    assert.equal(w.automountServiceAccountToken?.value, false);
    assert.equal(slice(text, w.automountServiceAccountToken?.span), 'false');
    assert.equal(slice(text, w.podSpecKey), 'spec');
    assert.ok(w.podSpec && w.file === 'w.yaml' && w.manifest.kind === w.kind);
  }
});

test('CronJob: the pod template is at spec.jobTemplate.spec.template.spec, not spec.template.spec', () => {
  const text = [
    'apiVersion: batch/v1',
    'kind: CronJob',
    'metadata: {name: report, namespace: shop}',
    'spec:',
    '  template: {spec: {serviceAccountName: wrong-place}}',
    '  jobTemplate:',
    '    spec:',
    '      template:',
    '        spec: {serviceAccountName: reporter, containers: []}',
  ].join('\n');
  const [w] = workloads(text).list;
  assert.equal(w.serviceAccountName?.value, 'reporter');
  assert.equal(w.podSpecKey!.start, text.lastIndexOf('spec: {serviceAccountName: reporter'));
});

test('the deprecated serviceAccount field counts when serviceAccountName is unset or empty', () => {
  const pod = (fields: string) => object('v1', 'Pod', ['spec'], fields);
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ['{serviceAccount: legacy}', 'legacy', 'serviceAccount'],
    ['{serviceAccountName: "", serviceAccount: legacy}', 'legacy', 'serviceAccount'],
    ['{serviceAccountName: null, serviceAccount: legacy}', 'legacy', 'serviceAccount'],
    // Both set: serviceAccountName wins (Convert_v1_PodSpec_To_core_PodSpec).
    ['{serviceAccountName: current, serviceAccount: legacy}', 'current', 'serviceAccountName'],
    ['{containers: []}', undefined, undefined],
    ['{serviceAccount: ""}', undefined, undefined],
  ];
  for (const [fields, value, key] of cases) {
    const text = pod(fields);
    const [w] = workloads(text).list;
    assert.equal(w.serviceAccountName?.value, value, fields);
    assert.equal(w.serviceAccountName?.key, key, fields);
    if (value) assert.equal(slice(text, w.serviceAccountName?.span), value);
    assert.equal(serviceAccountOf(w), value ?? 'default', fields);
  }
});

test('fields of the wrong type are left out, as the API server would refuse them', () => {
  const [w] = workloads(object('v1', 'Pod', ['spec'], '{serviceAccountName: 3, automountServiceAccountToken: "false"}')).list;
  assert.equal(w.serviceAccountName, undefined);
  assert.equal(w.automountServiceAccountToken, undefined);
  assert.equal(serviceAccountOf(w), 'default');
  const [x] = workloads(object('v1', 'Pod', ['spec'], '{automountServiceAccountToken: null}')).list;
  assert.equal(x.automountServiceAccountToken, undefined);
});

test('namespace: "default" when none is written (or the given default), like the RBAC objects', () => {
  const text = object('apps/v1', 'Deployment', TEMPLATE, '{containers: []}', '');
  const [w] = workloads(text).list;
  assert.deepEqual([w.namespace, w.namespaceWritten], ['default', false]);
  const [v] = workloadsFromFiles([parseManifestText(text, 'w.yaml')], { defaultNamespace: 'dev' });
  assert.equal(v.namespace, 'dev');
});

test('other kinds, removed versions and kinds of other groups are not workloads; List items are', () => {
  const text = [
    object('apps/v1beta1', 'Deployment', TEMPLATE, '{}'),
    object('extensions/v1beta1', 'DaemonSet', TEMPLATE, '{}'),
    object('batch/v1beta1', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec'], '{}'),
    object('example.com/v1', 'Pod', ['spec'], '{}'),
    object('v1', 'PodTemplate', ['template', 'spec'], '{}'),
    object('v1', 'Service', ['spec'], '{}'),
    'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {serviceAccountName: x}}',
  ].join('\n---\n');
  assert.deepEqual(
    workloads(text).list.map((w) => [w.kind, w.name, serviceAccountOf(w)]),
    [['Pod', 'a', 'x']],
  );
});

test('a workload without pod spec is kept, without spec; a null spec keeps its key', () => {
  const text = [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {replicas: 1}',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\nspec:\n  template:\n    spec:',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec: [1]',
  ].join('\n---\n');
  const [a, b, c] = workloads(text).list;
  assert.deepEqual([a.podSpec, a.podSpecKey], [undefined, undefined]);
  assert.equal(b.podSpec, undefined);
  assert.equal(slice(text, b.podSpecKey), 'spec');
  assert.equal(c.podSpec, undefined);
  assert.equal(serviceAccountOf(a), 'default');
});

test('token mounted: the pod spec decides when set, else the ServiceAccount, else true', () => {
  const sa = (automount?: boolean): ServiceAccount => ({
    kind: 'ServiceAccount',
    metadata: { name: 'x', namespace: 'shop' },
    ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
  });
  const pod = (fields: string) => workloads(object('v1', 'Pod', ['spec'], fields)).list[0];
  const unset = pod('{serviceAccountName: x}');
  const off = pod('{serviceAccountName: x, automountServiceAccountToken: false}');
  const on = pod('{serviceAccountName: x, automountServiceAccountToken: true}');
  assert.deepEqual(tokenMount(unset, undefined), { mounted: true, by: 'default' });
  assert.deepEqual(tokenMount(unset, sa()), { mounted: true, by: 'default' });
  assert.deepEqual(tokenMount(unset, sa(false)), { mounted: false, by: 'service-account' });
  assert.deepEqual(tokenMount(unset, sa(true)), { mounted: true, by: 'service-account' });
  assert.deepEqual(tokenMount(off, sa(true)), { mounted: false, by: 'pod' });
  assert.deepEqual(tokenMount(on, sa(false)), { mounted: true, by: 'pod' });
});

test('the workspace exposes its workloads; objects of a cluster are read the same way', () => {
  const ws = buildWorkspace([parseManifestText(object('apps/v1', 'Deployment', TEMPLATE, '{serviceAccountName: web}'), 'd.yaml')], {
    defaults: false,
  });
  assert.deepEqual(
    ws.workloads.map((w) => [w.kind, w.namespace, serviceAccountOf(w)]),
    [['Deployment', 'shop', 'web']],
  );
  const cluster = manifestsFromObjects(
    [
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'c', namespace: 'ops' },
        spec: { jobTemplate: { spec: { template: { spec: { serviceAccount: 'old', automountServiceAccountToken: true } } } } },
      },
    ],
    'cluster',
  );
  const [w] = workloadsFromFiles([cluster]);
  assert.deepEqual([w.kind, w.namespace, serviceAccountOf(w), w.serviceAccountName?.key], ['CronJob', 'ops', 'old', 'serviceAccount']);
  assert.deepEqual(tokenMount(w, undefined), { mounted: true, by: 'pod' });
});
