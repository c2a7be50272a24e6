// The reference checks against a connected cluster's snapshot (CheckContext.cluster): an account or
// Role found in the cluster is not missing, a missing one names the context, a kind the cluster
// refused to list gives a conditional finding, and another snapshot re-runs every check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REFERENCE_CHECKS, contextFor, runChecks, type CheckContext } from '../../server/src/core/checks/index';
import { checkIncrementally } from '../../server/src/core/checks/incremental';
import { clusterRefs, RBAC_KINDS, refKey, snapshotPolicy, type Snapshot } from '../../server/src/core/cluster/snapshot';
import { parseManifestText } from '../../server/src/core/manifest/parse';

const RG = 'rbac.authorization.k8s.io';
const YAML = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: live-bot
  containers: [{name: c, image: nginx}]
---
apiVersion: ${RG}/v1
kind: RoleBinding
metadata: {name: deployers, namespace: shop}
roleRef: {apiGroup: ${RG}, kind: Role, name: live-deployer}
subjects: [{kind: User, apiGroup: ${RG}, name: jane}]
`;

/** A snapshot holding these objects; `refused` kinds are unreadable (403). */
function snapshot(objects: Array<Record<string, unknown>>, refused: string[] = []): Snapshot {
  const snap: Snapshot = { kinds: new Map(), unreadable: [] };
  for (const ref of RBAC_KINDS) {
    if (refused.includes(ref.resource)) {
      snap.unreadable.push({ ref, code: 'forbidden', reason: `${ref.resource} is forbidden` });
      continue;
    }
    const items = new Map<string, Record<string, unknown>>();
    for (const o of objects.filter((x) => x.kind === ref.kind)) {
      const m = o.metadata as { name: string; namespace?: string };
      items.set(`${m.namespace ?? ''}/${m.name}`, { apiVersion: ref.group ? `${ref.group}/v1` : 'v1', ...o });
    }
    snap.kinds.set(refKey(ref), { ref, items, resourceVersion: '1' });
  }
  return snap;
}

const LIVE = [
  { kind: 'ServiceAccount', metadata: { name: 'live-bot', namespace: 'shop' } },
  {
    kind: 'Role',
    metadata: { name: 'live-deployer', namespace: 'shop' },
    rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }],
  },
];

function context(snap?: Snapshot): CheckContext {
  const ctx = contextFor([parseManifestText(YAML, 'f.yaml')]);
  return snap ? { ...ctx, cluster: clusterRefs(snapshotPolicy(snap), 'prod') } : ctx;
}

/** [check, severity, message], by check. */
const findings = (ctx: CheckContext) =>
  runChecks(ctx, REFERENCE_CHECKS)
    .map((f) => [f.check, f.severity, f.message] as const)
    .sort((a, b) => a[0].localeCompare(b[0]));

test('a Role and an account that exist only in the cluster are not missing when connected', () => {
  assert.deepEqual(
    findings(context()).map(([id]) => id),
    ['missing-role', 'missing-service-account'],
  );
  assert.deepEqual(findings(context(snapshot(LIVE))), []);
});

test('when connected, a missing reference names the context the cluster was read from', () => {
  const out = findings(context(snapshot([])));
  assert.equal(out.length, 2);
  assert.match(
    out[0][2],
    /^Role "live-deployer" in namespace "shop" does not exist \(neither in the workspace, nor in the cluster \(context "prod"\), nor/,
  );
  assert.match(out[1][2], /which does not exist \(neither in the workspace, nor in the cluster \(context "prod"\), nor among the accounts/);
  assert.ok(out.every(([, severity]) => severity === 'warning'));
});

test('a kind the cluster refused to list gives a conditional finding, not a claim that the object does not exist', () => {
  const out = findings(context(snapshot([], ['roles', 'serviceaccounts'])));
  assert.equal(out.length, 2);
  for (const [, severity, message] of out) {
    assert.equal(severity, 'information');
    assert.match(message, /the cluster \(context "prod"\) could not be checked/);
    assert.doesNotMatch(message, /does not exist \(/);
  }
  // Only the kind refused is uncertain: the accounts were read, so that finding is sure.
  const rolesOnly = findings(context(snapshot([], ['roles'])));
  assert.deepEqual(
    rolesOnly.map(([id, severity]) => [id, severity]),
    [
      ['missing-role', 'information'],
      ['missing-service-account', 'warning'],
    ],
  );
});

test('another cluster snapshot re-runs every check, on the same files', () => {
  const offline = context();
  const first = checkIncrementally(offline, REFERENCE_CHECKS);
  const connected = { ...offline, cluster: clusterRefs(snapshotPolicy(snapshot(LIVE)), 'prod') };
  const second = checkIncrementally(connected, REFERENCE_CHECKS, first);
  assert.equal(second.partial, false);
  assert.deepEqual([...second.byCheck.values()].flat(), []);
});
