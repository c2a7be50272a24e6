// Privilege creep. A snapshot keeps the RBAC state as objects (the manifests as written, not
// derived data) so that any later kubeid can evaluate it again; the diff compares the effective
// permissions of every subject then and now, so equivalent rule sets compare equal and only
// permissions actually gained or lost show (Covers, spec §6.3; rows as `kubectl auth can-i --list`).
import { manifestsFromObjects } from '../manifest/parse';
import { breakdownRule, covers } from '../rbac/covers';
import type { SourcedRule } from '../rbac/evaluator';
import { accessListRows } from '../rbac/rules-table';
import type { PolicyRule } from '../rbac/types';
import { buildWorkspace, type Workspace } from '../policy/workspace';
import { subjectNodes } from './escalation';
import { refOf, type ObjectRef } from './objects';
import type { UnreadKind } from './partial';

export const SNAPSHOT_KIND = 'KubeidSnapshot';
export const SNAPSHOT_VERSION = 1;

export interface Snapshot {
  kind: typeof SNAPSHOT_KIND;
  version: typeof SNAPSHOT_VERSION;
  createdAt: string;
  /** Where the objects came from: manifest paths, or a kube context (its cluster's name). */
  source: { from: string[] } | { context: string; cluster: string };
  /** Whether the default cluster policy was evaluated with them (not stored for manifests; a cluster's own is in its objects). */
  defaults: boolean;
  objects: Array<Record<string, unknown>>;
  /** Kinds of the cluster that could not be listed when the snapshot was taken. */
  unreadable?: UnreadKind[];
}

const KEPT = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount', 'Namespace']);

export function takeSnapshot(
  ws: Workspace,
  opts: { source: Snapshot['source']; defaults: boolean; unreadable?: UnreadKind[]; now?: Date },
): Snapshot {
  return {
    kind: SNAPSHOT_KIND,
    version: SNAPSHOT_VERSION,
    createdAt: (opts.now ?? new Date()).toISOString(),
    source: opts.source,
    defaults: opts.defaults,
    objects: ws.files.flatMap((f) => f.manifests.filter((m) => KEPT.has(m.kind)).map((m) => m.value)),
    ...(opts.unreadable?.length ? { unreadable: opts.unreadable } : {}),
  };
}

export class SnapshotError extends Error {}

/** Reads a snapshot file's text back into a workspace; anything else is a SnapshotError saying what is wrong. */
export function workspaceOfSnapshot(text: string, file: string): Workspace {
  return snapshotWorkspaceOf(readSnapshot(text, file), file);
}

/** The workspace of a snapshot read by readSnapshot. */
export function snapshotWorkspaceOf(s: Snapshot, file: string): Workspace {
  return buildWorkspace([manifestsFromObjects(s.objects, file)], { defaults: s.defaults !== false });
}

/** A snapshot file's text, checked; anything else is a SnapshotError saying what is wrong. */
export function readSnapshot(text: string, file: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(`${file}: not a kubeid snapshot: ${(e as Error).message}`);
  }
  const s = data as Partial<Snapshot> | null;
  if (!s || typeof s !== 'object' || s.kind !== SNAPSHOT_KIND)
    throw new SnapshotError(`${file}: not a kubeid snapshot (kind ${SNAPSHOT_KIND} expected; make one with kubeid snapshot)`);
  if (s.version !== SNAPSHOT_VERSION)
    throw new SnapshotError(
      `${file}: snapshot version ${String(s.version)} is not supported (this kubeid reads version ${SNAPSHOT_VERSION})`,
    );
  if (!Array.isArray(s.objects)) throw new SnapshotError(`${file}: the snapshot has no objects list`);
  const unreadable = Array.isArray(s.unreadable)
    ? s.unreadable.filter((u): u is UnreadKind => typeof u?.resource === 'string' && typeof u.reason === 'string')
    : [];
  return { ...(s as Snapshot), unreadable };
}

export interface PermissionChange {
  /** "User jane", "Group dev", "ServiceAccount a/runner" */
  subject: string;
  /** "" = cluster-wide, else the namespace (its RoleBindings). */
  namespace: string;
  /** Rows as `kubectl auth can-i --list` prints them: Resources, Non-Resource URLs, Resource Names, Verbs. */
  gained: string[][];
  lost: string[][];
  /** The bindings that grant what was gained (now), or granted what was lost (then). */
  gainedBy: ObjectRef[];
  lostBy: ObjectRef[];
}

/** Permissions in `mine` (from bindings of this scope) that `other` (all of the subject's rules there) does not cover. */
function uncovered(ws: Workspace, mine: SourcedRule[], other: PolicyRule[], namespace: string): { rows: string[][]; by: ObjectRef[] } {
  const own = mine.filter((r) => (namespace ? r.source.binding.kind === 'RoleBinding' : true));
  const atoms: PolicyRule[] = [];
  const by = new Map<object, ObjectRef>();
  for (const r of own) {
    for (const atom of breakdownRule(r.rule)) {
      if (covers(other, [atom]).covered) continue;
      atoms.push(atom);
      if (!by.has(r.source.binding)) by.set(r.source.binding, refOf(ws, r.source.binding));
    }
  }
  return { rows: atoms.length ? accessListRows(atoms) : [], by: [...by.values()] };
}

/** Per subject and scope, the effective permissions gained and lost from `baseline` to `current`. */
export function diffPermissions(baseline: Workspace, current: Workspace): PermissionChange[] {
  const out: PermissionChange[] = [];
  const then = subjectNodes(baseline);
  const now = subjectNodes(current);
  const keys = [...new Set([...then.keys(), ...now.keys()])].sort();
  for (const key of keys) {
    const a = then.get(key) ?? now.get(key)!;
    const scopes = [...new Set([...(then.get(key)?.scopes ?? ['']), ...(now.get(key)?.scopes ?? [''])])].sort();
    for (const ns of scopes) {
      const before = baseline.evaluator.rulesFor(a.user, ns).rules;
      const after = current.evaluator.rulesFor(a.user, ns).rules;
      const gained = uncovered(
        current,
        after,
        before.map((r) => r.rule),
        ns,
      );
      const lost = uncovered(
        baseline,
        before,
        after.map((r) => r.rule),
        ns,
      );
      if (gained.rows.length || lost.rows.length)
        out.push({ subject: a.label, namespace: ns, gained: gained.rows, lost: lost.rows, gainedBy: gained.by, lostBy: lost.by });
    }
  }
  return out;
}
