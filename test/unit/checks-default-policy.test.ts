// The default cluster policy, read as if it were workspace manifests, is the best corpus of
// correct RBAC there is: the checks must not flag it, except for the few grants that are dead
// on a current cluster (and say so at low severity).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import { CATALOGUE_CHECKS, VALIDATION_CHECKS, contextFor, runChecks } from '../../server/src/core/checks/index';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

const dir = path.join(repoRoot(), 'server/data/bootstrap-policy');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parseManifestText(readFileSync(path.join(dir, f), 'utf8'), f));
const ctx = contextFor(files, { defaults: false });

test('the default policy loads as workspace objects', () => {
  assert.ok(ctx.objects.length > 100, `${ctx.objects.length} objects`);
  assert.deepEqual(ctx.workspace.problems, []);
});

test('the default policy passes API-server validation', () => {
  assert.deepEqual(runChecks(ctx, VALIDATION_CHECKS), []);
});

test('the catalogue checks find no error or warning in the default policy, only its dead grants', () => {
  const found = runChecks(ctx, CATALOGUE_CHECKS).map((f) => {
    const file = files.find((x) => x.file === f.file)!;
    return [f.check, f.severity, f.file, file.text.slice(f.span.start, f.span.end)];
  });
  assert.deepEqual(found, [
    // system:aggregate-to-edit, system:aggregate-to-view, system:heapster: rules for extensions
    // alone, kept for clusters older than 1.16 (the same roles grant apps in other rules).
    ['wrong-api-group', 'information', 'cluster-roles.yaml', 'extensions'],
    ['wrong-api-group', 'information', 'cluster-roles.yaml', 'extensions'],
    ['wrong-api-group', 'information', 'cluster-roles.yaml', 'extensions'],
    // system:kube-scheduler: list and watch on resourceclaims/status, which serves get/patch/update.
    ['unknown-verb', 'hint', 'cluster-roles.yaml', 'list'],
    ['unknown-verb', 'hint', 'cluster-roles.yaml', 'watch'],
    // system:controller:service-cidrs-controller: patch on servicecidrs/finalizers; admission asks for update.
    ['unknown-verb', 'hint', 'controller-roles.yaml', 'patch'],
  ]);
});
