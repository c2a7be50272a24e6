// Running the checks again after an edit of one file without running them over the whole
// workspace. The findings of the last run are kept per check; after an edit that changed some
// documents of one file (manifest/incremental.ts says which) and kept every object's kind,
// namespace and name, only the objects whose findings can change are checked again: those of the
// edited documents, and those that read them (the bindings of a changed role, the roles of a
// changed binding, the accounts these bindings name and the workloads that run as them). The
// other findings are kept, moved with the text after the edit. Whatever this cannot follow
// (a CRD, aggregation labels, groups of every service account, objects added or renamed, several
// files, another cluster snapshot) runs every check again. The result equals a run from scratch: test/property/incremental.test.ts.
import { changeBetween, type TextChange } from '../manifest/incremental';
import type { Manifest, Span } from '../manifest/parse';
import { serviceAccountOf, type Workload } from '../manifest/workloads';
import type { Binding } from '../rbac/evaluator';
import { ALL_SERVICE_ACCOUNTS, AUTHENTICATED, splitServiceAccountUsername } from '../rbac/identity';
import type { RbacObject } from '../rbac/types';
import type { Workspace } from '../policy/workspace';
import type { Check, CheckContext, Finding } from './check';

/** One run of the checks: its context and every check's findings (before settings and suppressions). */
export interface Checked {
  ctx: CheckContext;
  byCheck: Map<string, Finding[]>;
  /** Only some objects were checked again (false: every check ran over everything). */
  partial: boolean;
}

type Entry = CheckContext['objects'][number];

/** Every check's findings on `ctx`, computed from `prev` (the run before the last edit) where it can. */
export function checkIncrementally(ctx: CheckContext, checks: readonly Check[], prev?: Checked): Checked {
  const dirty = prev && dirtySince(prev.ctx, ctx);
  const byCheck = new Map<string, Finding[]>();
  if (!dirty) {
    for (const c of checks) byCheck.set(c.id, c.run(ctx));
    return { ctx, byCheck, partial: false };
  }
  const focus: CheckContext = { ...ctx, objects: dirty.objects, workloads: dirty.workloads };
  for (const c of checks) {
    const before = prev.byCheck.get(c.id);
    if (!before) return checkIncrementally(ctx, checks);
    const kept: Finding[] = [];
    for (const f of before) {
      const moved = move(f, dirty);
      if (moved === 'unknown') return checkIncrementally(ctx, checks);
      if (moved) kept.push(moved);
    }
    byCheck.set(c.id, [...kept, ...c.run(focus)]);
  }
  return { ctx, byCheck, partial: true };
}

interface Dirty {
  /** Per edited file, the documents that changed. */
  edits: Map<string, TextChange>;
  objects: Entry[];
  workloads: Workload[];
  /** Whether a finding at this place (in the new text) is about a dirty object (inside its manifest). */
  covers: (file: string, span: Span) => boolean;
}

const within = (offset: number, s: Span): boolean => offset >= s.start && offset < s.end;

/**
 * The finding kept and placed in the new text; undefined when it is about an edited or a dirty
 * object (checked again), 'unknown' when it points into an edited document from elsewhere
 * (nothing here follows such a link).
 */
function move(f: Finding, { edits, covers }: Dirty): Finding | undefined | 'unknown' {
  const here = edits.get(f.file);
  if (here && within(f.span.start, here.old)) return undefined;
  const place = (file: string, s: Span): Span | 'unknown' => {
    const edit = edits.get(file);
    if (!edit || s.end <= edit.old.start) return s;
    if (s.start < edit.old.end) return 'unknown';
    return { start: s.start + edit.delta, end: s.end + edit.delta };
  };
  const span = place(f.file, f.span);
  if (span === 'unknown') return 'unknown';
  if (covers(f.file, span)) return undefined;
  const was = f.related;
  let related = was;
  if (was) {
    const placed = [];
    for (const r of was) {
      const s = place(r.file, r.span);
      if (s === 'unknown') return 'unknown';
      placed.push(s === r.span ? r : { ...r, span: s });
    }
    if (placed.some((r, i) => r !== was[i])) related = placed;
  }
  let fix = f.fix;
  if (fix) {
    const s = place(f.file, fix.span);
    if (s === 'unknown') return 'unknown';
    if (s !== fix.span) fix = { ...fix, span: s };
  }
  // A finding nothing moved stays the same object: the diagnostics publisher skips files whose findings all did.
  if (span === f.span && related === f.related && fix === f.fix) return f;
  const out: Finding = { ...f, span };
  if (related) out.related = related;
  if (fix) out.fix = fix;
  return out;
}

/** What dirtySince reads of an object, kept per decoded object (its moved copies share `metadata`). */
interface Facts {
  /** What they were read from. */
  of: RbacObject;
  key: string;
  /** A binding's: the key of the role it references, as `key` spells a role's. */
  ref?: string;
  /** A binding's: the accounts its subjects name (ns/name), by ServiceAccount subject or username; a ServiceAccount's: itself. */
  accounts?: string[];
  /** What dirtySince finds the object by (Lookup). */
  lookup?: string[];
}

const facts = new WeakMap<object, Facts>();

function factsOf(o: RbacObject): Facts {
  let f = facts.get(o.metadata);
  if (f && (f.of === o || same(f.of, o))) return f;
  f = { of: o, key: `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}` };
  if (o.kind === 'ServiceAccount') f.accounts = [`${o.metadata.namespace ?? ''}/${o.metadata.name}`];
  if (isBinding(o)) {
    const scope = o.kind === 'RoleBinding' ? (o.metadata.namespace ?? '') : '';
    f.ref = `${o.roleRef.kind}/${o.roleRef.kind === 'ClusterRole' ? '' : scope}/${o.roleRef.name}`;
    f.accounts = o.subjects.flatMap((s) => {
      if (s.kind === 'ServiceAccount') return [`${s.namespace || scope}/${s.name}`];
      const sa = s.kind === 'User' ? splitServiceAccountUsername(s.name) : undefined;
      return sa ? [`${sa.namespace}/${sa.name}`] : [];
    });
  }
  facts.set(o.metadata, f);
  return f;
}

/** A moved copy of the same object: only `source` differs. */
const same = (a: RbacObject, b: RbacObject): boolean =>
  a.kind === b.kind && (!isBinding(a) || !isBinding(b) || (a.subjects === b.subjects && a.roleRef === b.roleRef));

/** The keys Lookup files an object under: its key, and a binding's role and accounts, a RoleBinding's namespace. */
function lookupKeys(o: RbacObject): string[] {
  const f = factsOf(o);
  if (f.lookup) return f.lookup;
  const keys = [`key:${f.key}`];
  for (const a of f.accounts ?? []) keys.push(`account:${a}`, `account-ns:${a.slice(0, a.indexOf('/'))}`);
  if (isBinding(o)) keys.push(`ref:${f.ref!}`);
  if (o.kind === 'ClusterRoleBinding') keys.push(`crb-ref:${o.roleRef.name}`);
  if (o.kind === 'RoleBinding') keys.push(`rb-ns:${o.metadata.namespace ?? ''}`);
  return (f.lookup = keys);
}

const objectKey = (o: RbacObject): string => factsOf(o).key;
const refKey = (b: Binding): string => factsOf(b).ref!;
const accountsNamed = (o: RbacObject): string[] => factsOf(o).accounts ?? [];
const workloadKey = (w: Workload): string => `${w.kind}/${w.namespace}/${w.name}`;
const workloadAccounts = new WeakMap<Workload, string>();
/** ns/name of the account a workload runs as (kept per workload: dirtySince reads every workload on every edit). */
function accountOfWorkload(w: Workload): string {
  let a = workloadAccounts.get(w);
  if (a === undefined) workloadAccounts.set(w, (a = `${w.namespace}/${serviceAccountOf(w)}`));
  return a;
}

/**
 * Whether an account holds permissions of its own is judged against what every account of its
 * namespace holds, through the groups they are all in (accounts.ts). A binding of such a group
 * changes that for the accounts of a namespace (system:serviceaccounts:NS), or for every account
 * where it grants: in its namespace for a RoleBinding, anywhere for a ClusterRoleBinding ('*').
 */
function groupReach(b: Binding): { namespaces: string[]; scope?: string } {
  const namespaces: string[] = [];
  let scope: string | undefined;
  for (const s of b.subjects) {
    if (s.kind !== 'Group') continue;
    if (s.name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`)) namespaces.push(s.name.slice(ALL_SERVICE_ACCOUNTS.length + 1));
    else if (s.name === AUTHENTICATED || s.name === ALL_SERVICE_ACCOUNTS)
      scope = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '*';
  }
  return { namespaces, scope };
}

const isBinding = (o: RbacObject): o is Binding => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding';

/**
 * Positions of a workspace's objects and workloads by the keys dirtySince looks them up by, so that
 * an edit is not followed by passes over every object. Built once, then carried to the next
 * workspace when it holds objects with the same keys at the same positions (an edit that renames
 * nothing and changes no reference: the edited objects and those it moved).
 */
interface Lookup {
  objects: readonly Entry[];
  workloads: readonly Workload[];
  byKey: Map<string, number[]>;
  workloadsByKey: Map<string, number[]>;
}

const lookups = new WeakMap<Workspace, Lookup>();

const workloadKeys = (w: Workload): string[] => {
  const a = accountOfWorkload(w);
  return [`file:${w.manifest.file}`, `account:${a}`, `account-ns:${a.slice(0, a.indexOf('/'))}`];
};
const entryKeys = (e: Entry): string[] => [`file:${e.manifest.file}`, ...lookupKeys(e.object)];
const sameKeys = (a: readonly string[], b: readonly string[]): boolean =>
  a === b || (a.length === b.length && a.every((k, i) => k === b[i]));
const sameEntryKeys = (a: Entry, b: Entry): boolean =>
  a.manifest.file === b.manifest.file && sameKeys(lookupKeys(a.object), lookupKeys(b.object));
const sameWorkloadKeys = (a: Workload, b: Workload): boolean =>
  a.manifest.file === b.manifest.file && accountOfWorkload(a) === accountOfWorkload(b);

/** Whether `after` holds items filed under the same keys as `before`'s, position for position. */
function sameAt<T>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < after.length; i++) if (before[i] !== after[i] && !same(before[i], after[i])) return false;
  return true;
}

function positionsBy<T>(items: readonly T[], keys: (x: T) => string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  items.forEach((x, i) => {
    for (const k of keys(x)) (out.get(k) ?? out.set(k, []).get(k)!).push(i);
  });
  return out;
}

function lookupOf(ws: Workspace, previous?: Workspace): Lookup {
  let l = lookups.get(ws);
  if (l) return l;
  const before = previous && lookups.get(previous);
  const { objects, workloads } = ws;
  l = {
    objects,
    workloads,
    byKey: before && sameAt(before.objects, objects, sameEntryKeys) ? before.byKey : positionsBy(objects, entryKeys),
    workloadsByKey:
      before && sameAt(before.workloads, workloads, sameWorkloadKeys) ? before.workloadsByKey : positionsBy(workloads, workloadKeys),
  };
  lookups.set(ws, l);
  return l;
}

/**
 * Positions of the items filed under any of `keys` that pass `keep`, in workspace order: with
 * `keep` true of no item filed under none of `keys`, the positions of every item that passes.
 */
function lookUp<T>(items: readonly T[], byKey: Map<string, number[]>, keys: Iterable<string>, keep: (x: T) => boolean): number[] {
  const at = new Set<number>();
  for (const k of keys) for (const i of byKey.get(k) ?? []) at.add(i);
  return [...at].sort((x, y) => x - y).filter((i) => keep(items[i]));
}

/** What to check again since `prev`, or undefined to check everything. */
function dirtySince(prev: CheckContext, ctx: CheckContext): Dirty | undefined {
  const was = new Map(prev.workspace.files.map((f) => [f.file, f]));
  if (ctx.workspace.files.length !== was.size) return undefined;
  const edits = new Map<string, TextChange>();
  for (const f of ctx.workspace.files) {
    const before = was.get(f.file);
    if (before === f) continue;
    const edit = before && changeBetween(before, f);
    if (!edit) return undefined;
    edits.set(f.file, edit);
  }
  // Another snapshot of the connected cluster (loaded, changed by a watch, another context) may resolve any reference.
  if (prev.workspace.catalogue !== ctx.workspace.catalogue || prev.cluster !== ctx.cluster) return undefined;

  const inEdit = (m: Manifest, side: 'old' | 'new'): boolean => {
    const e = edits.get(m.file);
    return e !== undefined && within(m.span.start, e[side]);
  };
  const [before, is] = [lookupOf(prev.workspace), lookupOf(ctx.workspace, prev.workspace)];
  const files = [...edits.keys()].map((f) => `file:${f}`);
  const newAt = lookUp(is.objects, is.byKey, files, (o) => inEdit(o.manifest, 'new'));
  const oldObjects = lookUp(before.objects, before.byKey, files, (o) => inEdit(o.manifest, 'old')).map((i) => before.objects[i]);
  const newObjects = newAt.map((i) => is.objects[i]);
  const oldWorkloads = lookUp(before.workloads, before.workloadsByKey, files, (w) => inEdit(w.manifest, 'old')).map(
    (i) => before.workloads[i],
  );
  const newWorkloads = lookUp(is.workloads, is.workloadsByKey, files, (w) => inEdit(w.manifest, 'new')).map((i) => is.workloads[i]);
  const keys = (os: Entry[], ws: Workload[]): string => [...os.map((o) => objectKey(o.object)), ...ws.map(workloadKey)].sort().join('\n');
  if (keys(oldObjects, oldWorkloads) !== keys(newObjects, newWorkloads)) return undefined;

  const touched = [...oldObjects, ...newObjects].map((o) => o.object);
  // Aggregation follows labels: a changed ClusterRole may be picked up by any aggregated role.
  if (touched.some((o) => o.kind === 'ClusterRole' && (o.aggregationRule || Object.keys(o.metadata.labels ?? {}).length))) return undefined;

  const roles = new Set<string>();
  for (const o of touched) if (o.kind === 'Role' || o.kind === 'ClusterRole') roles.add(objectKey(o));
  const changedBindings = touched.filter(isBinding);
  for (const b of changedBindings) roles.add(refKey(b));
  const aggregated = new Set(ctx.workspace.policy.clusterRoles.flatMap((c) => (c.aggregationRule ? [c.metadata.name] : [])));
  if ([...roles].some((r) => r.startsWith('ClusterRole//') && aggregated.has(r.slice('ClusterRole//'.length)))) return undefined;
  const roleNames = new Set([...roles].map((r) => r.slice(r.lastIndexOf('/') + 1)));

  const bindingKeys = new Set(changedBindings.map(objectKey));
  const bound = (b: Binding): boolean =>
    roles.has(refKey(b)) || bindingKeys.has(objectKey(b)) || (b.kind === 'ClusterRoleBinding' && roleNames.has(b.roleRef.name));
  // Lookup keys of what `bound` is true of.
  const boundKeys = [
    ...[...roles].map((r) => `ref:${r}`),
    ...[...bindingKeys].map((k) => `key:${k}`),
    ...[...roleNames].map((n) => `crb-ref:${n}`),
  ];
  const dependent = [...changedBindings];
  for (const i of lookUp(is.objects, is.byKey, boundKeys, ({ object: o }) => isBinding(o) && bound(o)))
    dependent.push(is.objects[i].object as Binding);
  const namespaces = new Set<string>();
  const scopes = new Set<string>();
  for (const b of dependent) {
    const r = groupReach(b);
    for (const n of r.namespaces) namespaces.add(n);
    if (r.scope !== undefined) scopes.add(r.scope);
  }
  if (scopes.has('*')) return undefined;

  const named = new Set<string>();
  for (const o of touched) if (o.kind === 'ServiceAccount') named.add(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  for (const w of [...oldWorkloads, ...newWorkloads]) named.add(accountOfWorkload(w));
  for (const b of dependent) for (const a of accountsNamed(b)) named.add(a);
  // The accounts that RoleBindings of those namespaces name: what they hold there is judged anew.
  const inScope = ({ object: o }: Entry): boolean => o.kind === 'RoleBinding' && scopes.has(o.metadata.namespace ?? '');
  for (const i of lookUp(
    is.objects,
    is.byKey,
    [...scopes].map((n) => `rb-ns:${n}`),
    inScope,
  )) {
    for (const a of accountsNamed(is.objects[i].object)) named.add(a);
  }
  const accounts = {
    has: (a: string): boolean => named.has(a) || (namespaces.size > 0 && namespaces.has(a.slice(0, a.indexOf('/')))),
  };
  // Lookup keys of the accounts `accounts` holds.
  const accountKeys = [...[...named].map((a) => `account:${a}`), ...[...namespaces].map((n) => `account-ns:${n}`)];

  const edited = new Set(newObjects.map((o) => o.object));
  const reread = ({ object: o }: Entry): boolean => {
    if (edited.has(o)) return true;
    if (o.kind === 'Role' || o.kind === 'ClusterRole') return roles.has(objectKey(o));
    if (o.kind === 'ServiceAccount') return accounts.has(accountsNamed(o)[0]);
    return bound(o) || accountsNamed(o).some(accounts.has);
  };
  const roleKeys = [...roles].map((r) => `key:${r}`);
  const objects = [...new Set([...newAt, ...lookUp(is.objects, is.byKey, [...roleKeys, ...boundKeys, ...accountKeys], reread)])]
    .sort((x, y) => x - y)
    .map((i) => is.objects[i]);
  const workloads = [
    ...new Set([
      ...lookUp(is.workloads, is.workloadsByKey, files, (w) => inEdit(w.manifest, 'new')),
      ...lookUp(is.workloads, is.workloadsByKey, accountKeys, (w) => accounts.has(accountOfWorkload(w))),
    ]),
  ]
    .sort((x, y) => x - y)
    .map((i) => is.workloads[i]);

  const spans = new Map<string, Span[]>();
  const add = (m: Manifest): void => void (spans.get(m.file) ?? spans.set(m.file, []).get(m.file)!).push(m.span);
  for (const o of objects) add(o.manifest);
  for (const w of workloads) add(w.manifest);
  for (const list of spans.values()) list.sort((a, b) => a.start - b.start);
  return {
    edits,
    objects,
    workloads,
    covers: (file, span) => {
      // Manifests do not overlap: the last one starting at or before the place is the only candidate.
      const list = spans.get(file);
      if (!list) return false;
      let lo = 0;
      let hi = list.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (list[mid].start <= span.start) lo = mid;
        else hi = mid - 1;
      }
      return list[lo].start <= span.start && span.start <= list[lo].end;
    },
  };
}
