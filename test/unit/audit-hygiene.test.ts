// Unused and dangling access, duplicate and redundant bindings (test/fixtures/audit/hygiene.yaml),
// and what the user owns reported apart from what Kubernetes or a vendor manages (managed.yaml).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hygiene, type AuditFinding } from '../../server/src/core/audit/hygiene';
import { managedBy } from '../../server/src/core/audit/objects';
import { audit } from '../../server/src/core/audit/report';
import { loadWorkspace } from '../../server/src/core/policy/workspace';
import { repoPath } from '../helpers/repo';

const rows = (found: AuditFinding[]) =>
  found.map((f) => [f.rule, f.severity, `${f.object?.kind} ${f.object?.namespace ?? ''}/${f.object?.name}`, f.object?.line]);

test('unused roles, dangling references, unused accounts, duplicates and redundant grants; each near miss stays silent', async () => {
  const ws = await loadWorkspace([repoPath('test/fixtures/audit/hygiene.yaml')]);
  const found = hygiene(ws, { namespaces: new Set(['h', 'prod']) });
  assert.deepEqual(rows(found), [
    ['unused-role', 'information', 'Role h/unused-role', 10],
    ['unused-role', 'information', 'ClusterRole /unused-cluster-role', 16],
    ['dangling-role-ref', 'warning', 'RoleBinding h/to-missing', 31],
    ['dangling-service-account', 'warning', 'RoleBinding h/ghost-and-default', 38],
    ['dangling-namespace', 'warning', 'RoleBinding gone/in-missing-ns', 46],
    ['unused-service-account', 'information', 'ServiceAccount h/idle', 53],
    ['duplicate-binding', 'warning', 'RoleBinding h/dup-2', 80],
    ['redundant-binding', 'information', 'RoleBinding h/erin-read', 106],
  ]);
  const redundant = found.find((f) => f.rule === 'redundant-binding')!;
  assert.equal(
    redundant.message,
    'RoleBinding h/erin-read grants User erin Role h/reader in namespace h, which RoleBinding h/erin-write (Role h/reader-writer) already grants it: remove User erin from RoleBinding h/erin-read.',
  );
});

test('a namespace is flagged missing only when the namespaces are known', async () => {
  const ws = await loadWorkspace([repoPath('test/fixtures/audit/hygiene.yaml')]);
  assert.ok(!hygiene(ws).some((f) => f.rule === 'dangling-namespace'));
  // Namespaces every cluster has are never missing.
  assert.ok(!hygiene(ws, { namespaces: new Set(['h', 'prod', 'gone']) }).some((f) => f.rule === 'dangling-namespace'));
});

test('owned versus managed: vendor name prefixes and labels, OpenShift namespaces, the bootstrapping label', async () => {
  const report = audit(await loadWorkspace([repoPath('test/fixtures/audit/managed.yaml')]));
  const unused = report.findings.filter((f) => f.rule === 'unused-role').map((f) => [f.object?.name, f.managedBy ?? 'owned']);
  assert.deepEqual(unused.sort(), [
    ['cloud-node-manager', 'Azure AKS'],
    ['eks:addon-manager', 'Amazon EKS'],
    ['gke-metrics', 'Google GKE'],
    ['mine', 'owned'],
    ['prometheus', 'OpenShift'],
    ['system:legacy-default', 'Kubernetes default policy'],
  ]);
  assert.deepEqual(report.summary.owned, { error: 0, warning: 0, information: 1, hint: 0 });
  assert.equal(managedBy({ kind: 'ClusterRole', metadata: { name: 'system:openshift:scc:privileged' } }), 'OpenShift');
  assert.equal(managedBy({ kind: 'ClusterRole', metadata: { name: 'gce:podsecuritypolicy:calico' } }), 'Google GKE');
  assert.equal(managedBy({ kind: 'ClusterRole', metadata: { name: 'gcp:cloud-provider' } }), 'Google GKE');
  assert.equal(managedBy({ kind: 'ClusterRole', metadata: { name: 'gkebackup' } }), undefined);
});
