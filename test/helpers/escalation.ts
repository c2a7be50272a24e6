// The escalation search from one user of an audit fixture (test/fixtures/audit/*.yaml), and the
// shape of its paths as the audit tests compare them: target, cluster-admin, then each step.
import assert from 'node:assert/strict';
import { EscalationGraph, type SubjectEscalation } from '../../server/src/core/audit/escalation';
import { loadWorkspace, type Workspace } from '../../server/src/core/policy/workspace';
import { repoPath } from './repo';

/** The search from a user of the fixture, its workspace loaded once. */
export function escalationFixture(file: string): (user: string) => Promise<SubjectEscalation> {
  let cached: Workspace | undefined;
  return async (user) => {
    const g = new EscalationGraph((cached ??= await loadWorkspace([repoPath(`test/fixtures/audit/${file}`)])));
    const root = g.subjects().find((n) => n.ref.key === `User:${user}`);
    assert.ok(root, `User ${user} is a subject`);
    return g.search(root);
  };
}

export const shape = (r: SubjectEscalation) =>
  r.paths.map((p) => [p.target.label, p.clusterAdmin, ...p.steps.map((s) => `${s.kind} → ${s.to.label}`)]);
