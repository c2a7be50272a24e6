// Escalation paths over the fixture workspace test/fixtures/audit/paths.yaml: paths of one, two and
// three steps with each step's grants (binding, role, rule and their lines), near misses that must
// not be paths, the hop limit, and who can become cluster-admin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EscalationGraph, type SubjectEscalation } from '../../server/src/core/audit/escalation';
import { audit } from '../../server/src/core/audit/report';
import { loadWorkspace, type Workspace } from '../../server/src/core/policy/workspace';
import { repoPath } from '../helpers/repo';

const FILE = repoPath('test/fixtures/audit/paths.yaml');
let cached: Workspace | undefined;
const workspace = async (): Promise<Workspace> => (cached ??= await loadWorkspace([FILE]));

async function searchFrom(kind: 'User' | 'ServiceAccount', name: string, hops = 3): Promise<SubjectEscalation> {
  const g = new EscalationGraph(await workspace());
  const root = g.subjects().find((n) => n.ref.key === `${kind}:${name}`);
  assert.ok(root, `${kind} ${name} is a subject`);
  return g.search(root, hops);
}

/** Each path as its target and the kinds and targets of its steps. */
const shape = (r: SubjectEscalation) =>
  r.paths.map((p) => [p.target.label, p.clusterAdmin, ...p.steps.map((s) => `${s.kind} → ${s.to.label}`)]);

test('three steps: pods in a run as a-runner, which binds secret-reader in b, which reads the token of cluster-admin b-deployer', async () => {
  const r = await searchFrom('User', 'mallory');
  assert.deepEqual(shape(r), [
    [
      'ServiceAccount b/b-deployer',
      true,
      'workload-create → ServiceAccount a/a-runner',
      'rbac-bind → ClusterRole secret-reader in namespace b',
      'secrets-read → ServiceAccount b/b-deployer',
    ],
  ]);
  const [pods, bind, secret] = r.paths[0].steps;
  assert.equal(pods.action, 'create pods in namespace a, with pods that run as ServiceAccount a/a-runner');
  assert.deepEqual(
    pods.grants.map((g) => [g.permission, g.binding?.name, g.binding?.line, g.role?.name, g.ruleIndex, g.ruleLine]),
    [['create pods in namespace a', 'mallory-pods', 12, 'pod-creator', 0, 8]],
  );
  // Creating the RoleBinding and bind on the ClusterRole, both from Role b/binder.
  assert.deepEqual(
    bind.grants.map((g) => [g.permission, g.binding?.name, g.role?.name, g.ruleIndex, g.ruleLine]),
    [
      ['create rolebindings.rbac.authorization.k8s.io in namespace b', 'a-runner-binds', 'binder', 0, 24],
      ['bind clusterroles.rbac.authorization.k8s.io "secret-reader" in namespace b', 'a-runner-binds', 'binder', 1, 27],
    ],
  );
  // The last step is granted by the binding the step before creates, of the real role.
  assert.deepEqual(
    secret.grants.map((g) => [g.permission, g.binding?.name, g.binding?.file, g.role?.name, g.role?.line]),
    [['list secrets in namespace b', '(the binding made in the step before)', undefined, 'secret-reader', 41]],
  );
  assert.equal(secret.action, 'read Secret b/deployer-token, the token of ServiceAccount b/b-deployer');
});

test('two steps: impersonating ci-bot (by name), then a TokenRequest for c-admin (by name)', async () => {
  const r = await searchFrom('User', 'trent');
  assert.deepEqual(shape(r), [['ServiceAccount c/c-admin', true, 'impersonate → User ci-bot', 'token-request → ServiceAccount c/c-admin']]);
  assert.deepEqual(
    r.paths[0].steps.map((s) => s.grants.map((g) => g.permission)),
    [['impersonate users "ci-bot" at cluster scope'], ['create serviceaccounts/token "c-admin" in namespace c']],
  );
});

test('one step: CSR approval for the client signer, admission webhooks, nodes/proxy, rewriting one’s own role', async () => {
  assert.deepEqual(shape(await searchFrom('User', 'oscar')), [
    ['cluster-admin (every permission)', true, 'csr-approve → cluster-admin (every permission)'],
  ]);
  assert.deepEqual(
    (await searchFrom('User', 'oscar')).paths[0].steps[0].grants.map((g) => g.permission),
    [
      'create certificatesigningrequests.certificates.k8s.io at cluster scope',
      'update certificatesigningrequests/approval.certificates.k8s.io at cluster scope',
      'approve signers.certificates.k8s.io "kubernetes.io/kube-apiserver-client" at cluster scope',
    ],
  );
  assert.deepEqual(shape(await searchFrom('User', 'wendy')), [
    [
      'admission control (intercept or change any object written)',
      false,
      'admission-write → admission control (intercept or change any object written)',
    ],
  ]);
  // nina reaches the DaemonSet's account through the kubelet, and from there a cluster-admin token.
  assert.deepEqual(shape(await searchFrom('User', 'nina')), [
    ['ServiceAccount b/b-deployer', true, 'nodes-proxy → ServiceAccount e/node-agent', 'secrets-read → ServiceAccount b/b-deployer'],
  ]);
  assert.deepEqual(shape(await searchFrom('ServiceAccount', 'f/f-op')), [
    ['every permission in namespace f', false, 'rbac-escalate → every permission in namespace f'],
  ]);
});

test('near misses are not paths: resourceNames, wrong namespace, missing verb, impersonating nobody, another signer, escalate without update', async () => {
  for (const user of ['rita', 'walt', 'mike', 'victor', 'quinn', 'g-op']) {
    assert.deepEqual(shape(await searchFrom('User', user)), [], user);
  }
});

test('the hop limit: with 2 steps mallory has no way to cluster-admin, only to what a-runner holds', async () => {
  assert.deepEqual(shape(await searchFrom('User', 'mallory', 2)), [
    ['ServiceAccount a/a-runner', false, 'workload-create → ServiceAccount a/a-runner'],
    [
      'ClusterRole secret-reader in namespace b',
      false,
      'workload-create → ServiceAccount a/a-runner',
      'rbac-bind → ClusterRole secret-reader in namespace b',
    ],
  ]);
  assert.deepEqual(shape(await searchFrom('User', 'mallory', 1)), [
    ['ServiceAccount a/a-runner', false, 'workload-create → ServiceAccount a/a-runner'],
  ]);
});

test('who can become cluster-admin: the workspace’s subjects by steps, the default policy’s apart', async () => {
  const report = audit(await workspace());
  assert.deepEqual(
    report.clusterAdmins.filter((c) => !c.managedBy).map((c) => [c.subject.label, c.hops]),
    [
      ['ServiceAccount b/b-deployer', 0],
      ['ServiceAccount c/c-admin', 0],
      ['ServiceAccount e/node-agent', 1],
      ['User ci-bot', 1],
      ['User oscar', 1],
      ['ServiceAccount a/a-runner', 2],
      ['User nina', 2],
      ['User trent', 2],
      ['User mallory', 3],
    ],
  );
  // The controllers of the default policy are reported, and marked managed.
  const managed = report.clusterAdmins.filter((c) => c.managedBy);
  assert.ok(managed.some((c) => c.subject.label === 'ServiceAccount kube-system/clusterrole-aggregation-controller' && c.hops === 1));
  assert.ok(managed.every((c) => c.managedBy === 'Kubernetes default policy'));
  const mallory = report.findings.find((f) => f.message.startsWith('User mallory'));
  assert.equal(mallory?.rule, 'escalation-cluster-admin');
  assert.equal(mallory?.severity, 'error');
  assert.equal(mallory?.managedBy, undefined);
  assert.deepEqual([mallory?.object?.name, mallory?.object?.line], ['mallory-pods', 12]);
});
