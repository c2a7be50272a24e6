// Drift between workspace manifests and the live cluster (core/cluster/drift.ts and the `drift`
// check): what must be reported (rules, aggregation, roleRef, subjects, selected labels, token
// automount) and what must not (order the authorizer ignores, API-server defaults, server-set
// metadata, labels no selector reads, rules the aggregation controller writes, objects the cluster lacks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_CHECKS, contextFor, runChecks } from '../../server/src/core/checks/index';
import { clusterRefs, RBAC_KINDS, refKey, snapshotPolicy, type Snapshot } from '../../server/src/core/cluster/snapshot';
import { liveYaml } from '../../server/src/core/cluster/live';
import { parseManifestText } from '../../server/src/core/manifest/parse';

const RG = 'rbac.authorization.k8s.io';
const SERVER_SET = {
  uid: '1f0c',
  resourceVersion: '4711',
  creationTimestamp: '2026-01-01T00:00:00Z',
  generation: 3,
  managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:rules': {} } }],
  annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"ClusterRole"}' },
};

/** A snapshot holding these objects, as the API server lists them (server-set metadata included). */
function snapshot(objects: Array<Record<string, unknown>>): Snapshot {
  const snap: Snapshot = { kinds: new Map(), unreadable: [] };
  for (const ref of RBAC_KINDS) {
    const items = new Map<string, Record<string, unknown>>();
    for (const o of objects.filter((x) => x.kind === ref.kind)) {
      const m = { ...SERVER_SET, ...(o.metadata as { name: string; namespace?: string }) };
      items.set(`${m.namespace ?? ''}/${m.name}`, { apiVersion: ref.group ? `${ref.group}/v1` : 'v1', ...o, metadata: m });
    }
    snap.kinds.set(refKey(ref), { ref, items, resourceVersion: '1' });
  }
  return snap;
}

/** The drift messages of a workspace file against live objects. */
function drift(yaml: string, live: Array<Record<string, unknown>>): string[] {
  const ctx = { ...contextFor([parseManifestText(yaml, 'f.yaml')]), cluster: clusterRefs(snapshotPolicy(snapshot(live)), 'prod') };
  return runChecks(ctx, CLUSTER_CHECKS).map((f) => {
    assert.equal(f.severity, 'information');
    assert.equal(yaml.slice(f.span.start, f.span.end), (/name: ([\w.-]+)/.exec(yaml.slice(f.span.start - 6)) ?? [])[1], 'at the name');
    return f.message;
  });
}

const ROLE = `apiVersion: ${RG}/v1
kind: ClusterRole
metadata:
  name: reader
  labels: {team: a, rbac.example.com/aggregate-to-view: "true"}
rules:
  - apiGroups: [""]
    resources: [pods, services]
    verbs: [get, list]
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get]
`;
const liveRole = (rules: unknown[], labels: Record<string, string> = { team: 'a', 'rbac.example.com/aggregate-to-view': 'true' }) => ({
  kind: 'ClusterRole',
  metadata: { name: 'reader', labels },
  rules,
});
const SAME_RULES = [
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
  { apiGroups: [''], resources: ['services', 'pods'], verbs: ['list', 'get'] },
];
const AGGREGATOR = {
  kind: 'ClusterRole',
  metadata: { name: 'view-all' },
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-view': 'true' } }] },
  rules: [],
};

test('the same rules in another order, server-set metadata and an unselected label are not drift', () => {
  assert.deepEqual(drift(ROLE, [liveRole(SAME_RULES, { team: 'b', 'rbac.example.com/aggregate-to-view': 'true' }), AGGREGATOR]), []);
});

test('a changed verb is reported at the name, with the rule, both values and the context', () => {
  const live = liveRole([SAME_RULES[1], { ...SAME_RULES[0], verbs: ['get', 'watch'] }]);
  assert.deepEqual(drift(ROLE, [live]), [
    'ClusterRole "reader" differs from the live object in context "prod": rules[1].verbs: [get] here, [get watch] in the cluster. "Compare with cluster" shows both.',
  ]);
});

test('a rule only in the file and one only in the cluster are both reported', () => {
  assert.match(drift(ROLE, [liveRole([SAME_RULES[1]])])[0], /: rules\[1\] is not in the cluster\./);
  const more = { apiGroups: [''], resources: ['secrets'], verbs: ['get'] };
  assert.match(
    drift(ROLE, [liveRole([...SAME_RULES, more])])[0],
    /: the cluster has one more rule \(verbs \[get\], apiGroups \[""\], resources \[secrets\]\)\./,
  );
});

test('a label an aggregation selector reads is drift; the aggregated rules the controller writes are not', () => {
  const live = liveRole(SAME_RULES, { team: 'a' });
  assert.match(drift(ROLE, [live, AGGREGATOR])[0], /labels\.rbac\.example\.com\/aggregate-to-view: "true" here, absent in the cluster/);
  const aggregated = `apiVersion: ${RG}/v1
kind: ClusterRole
metadata: {name: view-all}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {rbac.example.com/aggregate-to-view: "true"}}]
`;
  assert.deepEqual(drift(aggregated, [{ ...AGGREGATOR, rules: SAME_RULES }]), [], 'controller-filled rules');
  const other = { ...AGGREGATOR, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { other: 'x' } }] } };
  assert.match(drift(aggregated, [other])[0], /aggregationRule: 1 selector\(s\) here, 1 selector\(s\) in the cluster/);
});

const BINDING = `apiVersion: ${RG}/v1
kind: RoleBinding
metadata: {name: readers, namespace: shop}
roleRef: {kind: ClusterRole, name: reader}
subjects:
  - {kind: User, name: jane}
  - {kind: ServiceAccount, name: bot}
`;
const liveBinding = (subjects: unknown[], roleName = 'reader') => ({
  kind: 'RoleBinding',
  metadata: { name: 'readers', namespace: 'shop' },
  roleRef: { apiGroup: RG, kind: 'ClusterRole', name: roleName },
  subjects,
});

test('a binding as the API server defaults it (roleRef and User apiGroup), subjects in another order, is not drift', () => {
  const live = liveBinding([
    { kind: 'ServiceAccount', name: 'bot' },
    { kind: 'User', apiGroup: RG, name: 'jane' },
  ]);
  assert.deepEqual(drift(BINDING, [live]), []);
});

test('another roleRef, a missing and an extra subject are drift', () => {
  const live = liveBinding(
    [
      { kind: 'User', apiGroup: RG, name: 'jane' },
      { kind: 'Group', apiGroup: RG, name: 'devs' },
    ],
    'edit',
  );
  const [message] = drift(BINDING, [live]);
  assert.match(
    message,
    /^RoleBinding "readers" differs from the live object in context "prod": roleRef: ClusterRole reader here, ClusterRole edit in the cluster/,
  );
  assert.match(message, /subjects\[1\] \(ServiceAccount bot\) is not bound in the cluster/);
  assert.match(message, /the cluster also binds Group devs/);
});

test('automountServiceAccountToken: unset and true differ; the object missing from the cluster is no drift', () => {
  const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bot, namespace: shop}\nautomountServiceAccountToken: false\n';
  const live = { kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'shop' } };
  assert.match(drift(sa, [live])[0], /automountServiceAccountToken: false here, unset in the cluster/);
  assert.deepEqual(drift(sa, [{ ...live, automountServiceAccountToken: false }]), []);
  assert.deepEqual(drift(sa, []), []);
});

test('liveYaml leaves out managedFields and the last-applied copy, keeps the rest, name first; comparable also server-set fields', () => {
  const text = liveYaml({ apiVersion: `${RG}/v1`, kind: 'ClusterRole', metadata: { ...SERVER_SET, name: 'reader' }, rules: SAME_RULES });
  assert.doesNotMatch(text, /managedFields|last-applied|f:rules/);
  assert.match(text, /^apiVersion: rbac.authorization.k8s.io\/v1\nkind: ClusterRole\nmetadata:\n {2}name: reader\n {2}uid: 1f0c\n/);
  assert.match(text, /resources:\n\s+- deployments/);
  const comparable = liveYaml(
    { kind: 'Pod', metadata: { ...SERVER_SET, name: 'web', labels: { a: 'b' } }, status: { phase: 'Running' } },
    true,
  );
  assert.equal(comparable, 'kind: Pod\nmetadata:\n  name: web\n  labels:\n    a: b\n', 'comparable: no server-set metadata, no status');
});
