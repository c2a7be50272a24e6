// The audit of a partial snapshot: a claim that something is absent (unused, dangling, lost, gained
// against a partial baseline) is withheld when it would rest on a kind kubeid could not list, and
// the report says which kinds and which checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withheldRules } from '../../server/src/core/audit/partial';
import { toMarkdown } from '../../server/src/core/audit/render';
import { audit } from '../../server/src/core/audit/report';
import { loadWorkspace } from '../../server/src/core/policy/workspace';
import { repoPath } from '../helpers/repo';

const RG = 'rbac.authorization.k8s.io';
const refused = (resource: string) => ({ resource, reason: `${resource} is forbidden (HTTP 403)` });

test('each absence claim needs the kinds it looks through', () => {
  assert.deepEqual(withheldRules([]), []);
  assert.deepEqual(withheldRules([refused(`rolebindings.${RG}`)]), ['unused-role']);
  assert.deepEqual(withheldRules([refused(`roles.${RG}`)]), ['dangling-role-ref']);
  assert.deepEqual(withheldRules([refused('serviceaccounts')]), ['dangling-service-account']);
  assert.deepEqual(withheldRules([refused('namespaces')]), ['dangling-namespace']);
  assert.deepEqual(withheldRules([refused('cronjobs.batch')]), ['unused-service-account']);
  // With a baseline: losses need the audited RBAC kinds, gains the baseline's.
  assert.deepEqual(withheldRules([refused(`roles.${RG}`)], []), ['dangling-role-ref', 'permissions-lost']);
  assert.deepEqual(withheldRules([], [refused('clusterroles.rbac.authorization.k8s.io')]), ['permissions-gained']);
  assert.deepEqual(withheldRules([], [refused('pods')]), []);
});

test('a report on a partial snapshot withholds those findings and says so', async () => {
  const ws = await loadWorkspace([repoPath('test/fixtures/audit/hygiene.yaml')]);
  const full = audit(ws);
  assert.ok(full.findings.some((f) => f.rule === 'unused-role'));
  assert.equal(full.incomplete, undefined);
  const partial = audit(ws, { unreadable: [refused(`clusterrolebindings.${RG}`)] });
  assert.ok(!partial.findings.some((f) => f.rule === 'unused-role'));
  assert.deepEqual(partial.incomplete, { unreadable: [refused(`clusterrolebindings.${RG}`)], withheld: ['unused-role'] });
  assert.ok(
    toMarkdown(partial).includes(
      `**Partial snapshot.** kubeid could not read clusterrolebindings.${RG} (clusterrolebindings.${RG} is forbidden (HTTP 403)).`,
    ),
  );
});

test('against a baseline that lacked RBAC kinds, no gain is claimed', async () => {
  const before = await loadWorkspace([repoPath('test/fixtures/audit/creep/before.yaml')]);
  const after = await loadWorkspace([repoPath('test/fixtures/audit/creep/after.yaml')]);
  const whole = audit(after, { baseline: before });
  assert.ok(whole.findings.some((f) => f.rule === 'permissions-gained'));
  const r = audit(after, { baseline: before, baselineUnreadable: [refused(`roles.${RG}`)] });
  assert.ok(!r.findings.some((f) => f.rule === 'permissions-gained'));
  assert.ok(
    r.findings.some((f) => f.rule === 'permissions-lost'),
    'losses rest on the audited state, read whole',
  );
  assert.ok(r.changes!.every((c) => c.gained.length === 0 && c.lost.length > 0));
  assert.deepEqual(r.incomplete?.withheld, ['permissions-gained']);
});
