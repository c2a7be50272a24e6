// The audit of a partial cluster snapshot: the findings that claim something is absent (unused,
// dangling, lost) need every object of the kinds they look through. Those kubeid could not list
// are named, and the claims that would rest on them are withheld rather than made with confidence.
import { RBAC_KINDS, refKey, SNAPSHOT_KINDS, type Unreadable } from '../cluster/snapshot';
import type { Workspace } from '../policy/workspace';
import type { AuditFinding } from './hygiene';

/** A kind kubeid could not list ("roles.rbac.authorization.k8s.io"), and the server's reason. */
export interface UnreadKind {
  resource: string;
  reason: string;
}

export function unreadKinds(unreadable: readonly Unreadable[]): UnreadKind[] {
  return unreadable.map((u) => ({ resource: refKey(u.ref), reason: u.reason }));
}

export interface Incomplete {
  /** Kinds of the audited cluster that could not be listed. */
  unreadable: UnreadKind[];
  /** Kinds the baseline snapshot lacked. */
  baselineUnreadable?: UnreadKind[];
  /** Rules whose findings were withheld: they would rest on what was not read. */
  withheld: string[];
}

const key = (resource: string): string => refKey(SNAPSHOT_KINDS.find((k) => k.resource === resource)!);
const RBAC = RBAC_KINDS.map(refKey);
/** Kinds whose objects run pods: an account none of them names is unused only if all were read. */
const WORKLOADS = SNAPSHOT_KINDS.filter((k) => !RBAC_KINDS.includes(k) && k.resource !== 'namespaces').map(refKey);

/** Per rule claiming an absence, the kinds it looks through. */
const NEEDS: Record<string, string[]> = {
  'unused-role': ['clusterroles', 'clusterrolebindings', 'rolebindings'].map(key),
  'dangling-role-ref': ['roles', 'clusterroles'].map(key),
  'dangling-service-account': [key('serviceaccounts')],
  'dangling-namespace': [key('namespaces')],
  'unused-service-account': WORKLOADS,
  'permissions-lost': RBAC,
};

/** The names of a workspace's Namespace objects: every namespace of the cluster when they were listed from it. */
export function namespacesOf(ws: Workspace): Set<string> {
  return new Set(ws.files.flatMap((f) => f.manifests.filter((m) => m.kind === 'Namespace').map((m) => m.name)));
}

/**
 * The rules to withhold: those needing a kind of the cluster not read; with a baseline, the gains
 * when it lacked RBAC kinds (undefined: no baseline, no permission changes to withhold).
 */
export function withheldRules(unreadable: readonly UnreadKind[], baselineUnreadable?: readonly UnreadKind[]): string[] {
  const missing = new Set(unreadable.map((u) => u.resource));
  const rules = Object.keys(NEEDS).filter((rule) => NEEDS[rule].some((k) => missing.has(k)));
  if (!baselineUnreadable) return rules.filter((r) => r !== 'permissions-lost');
  if (baselineUnreadable.some((u) => RBAC.includes(u.resource))) rules.push('permissions-gained');
  return rules;
}

export function withhold(findings: AuditFinding[], withheld: readonly string[]): AuditFinding[] {
  return findings.filter((f) => !withheld.includes(f.rule));
}

/** In words, for the report: what could not be read, what may be missing, what was not claimed. */
export function incompleteText(i: Incomplete): string[] {
  const list = (u: readonly UnreadKind[]) => u.map((x) => `${x.resource} (${x.reason})`).join('; ');
  const out: string[] = [];
  if (i.unreadable.length)
    out.push(
      `kubeid could not read ${list(i.unreadable)}. Escalation paths and findings that go through objects of these kinds may be missing from this report.`,
    );
  if (i.baselineUnreadable?.length) out.push(`The baseline snapshot lacked ${list(i.baselineUnreadable)}.`);
  if (i.withheld.length)
    out.push(`Not checked, as they would claim something absent that kubeid could not list: ${i.withheld.join(', ')}.`);
  return out;
}
