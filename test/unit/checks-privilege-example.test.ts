// The least-privilege and subject checks on the bundled example workspace: the findings a user
// would expect there, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadManifestPaths } from '../../server/src/core/manifest/load';
import { ALL_CHECKS, PRIVILEGE_CHECKS, SUBJECT_CHECKS, contextFor, runChecks } from '../../server/src/core/checks/index';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

test('the example workspace: the risky legacy binding, the on-call debugger, the CI deployer', async () => {
  const root = repoRoot();
  const files = await loadManifestPaths([path.join(root, 'example')]);
  const ctx = contextFor(files);
  const found = runChecks(ctx, [...PRIVILEGE_CHECKS, ...SUBJECT_CHECKS]);
  const rows = found.map((f) => {
    const text = files.find((x) => x.file === f.file)!.text;
    return [f.check, f.severity, path.relative(root, f.file), text.slice(f.span.start, f.span.end)];
  });
  assert.deepEqual(rows, [
    // The CI deployer may create deployments and statefulsets in shop, through a RoleBinding.
    ['workload-create', 'information', 'example/platform/ci.yaml', "['deployments', 'statefulsets']"],
    ['wildcard-verbs', 'information', 'example/platform/ci.yaml', "'*'"],
    // legacy-secret-reader: every authenticated user reads every secret of the cluster.
    ['all-authenticated-subject', 'warning', 'example/platform/monitoring.yaml', 'system:authenticated'],
    ['secrets-read', 'error', 'example/platform/monitoring.yaml', "'secrets'"],
    // checkout reads one secret by name; on-call may exec and port-forward in shop.
    ['secrets-read', 'information', 'example/shop/rbac.yaml', "'secrets'"],
    ['pod-exec', 'warning', 'example/shop/rbac.yaml', "'pods/exec'"],
    ['pod-port-forward', 'information', 'example/shop/rbac.yaml', "'pods/portforward'"],
  ]);
  const message = (id: string, file: string) => found.find((f) => f.check === id && f.file.endsWith(file))!.message;
  assert.match(
    message('workload-create', 'ci.yaml'),
    /create on deployments\.apps, statefulsets\.apps.*ServiceAccount ci\/deployer by RoleBinding shop\/ci-deployer \(in namespace shop\)/,
  );
  assert.match(message('wildcard-verbs', 'ci.yaml'), /every verb on services, configmaps in the core group/);
  assert.match(
    message('secrets-read', 'monitoring.yaml'),
    /get, list, watch on secrets\. list and watch return every secret with its data.*Bound to Group system:authenticated by ClusterRoleBinding legacy-secret-reader \(cluster-wide\)/,
  );
  assert.match(message('all-authenticated-subject', 'monitoring.yaml'), /grants ClusterRole secret-reader .*: get, list, watch secrets/);
  assert.match(message('secrets-read', 'rbac.yaml'), /only on the objects named "payment-provider"/);
  assert.match(
    message('pod-exec', 'rbac.yaml'),
    /Role shop\/debugger grants create, get on pods\/exec.*Group on-call by RoleBinding shop\/on-call-debug/,
  );
  // Related information links the binding that grants.
  const related = found.find((f) => f.check === 'secrets-read' && f.file.endsWith('monitoring.yaml'))!.related!;
  assert.deepEqual(
    related.map((r) => r.message),
    ['ClusterRoleBinding legacy-secret-reader grants it'],
  );
  // Every check together runs without error over the same workspace.
  assert.ok(runChecks(ctx, ALL_CHECKS).length >= found.length);
});
