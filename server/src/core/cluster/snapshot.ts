// A cluster snapshot: the objects kubeid lists (RBAC, service accounts, namespaces, the workloads
// that run pods), read page by page, kept current with watches, and what could not be read and why.
// Answers built on a snapshot that misses RBAC kinds must say so (see `missingRbac`).
import { Catalogue } from '../catalogue/catalogue';
import type { CheckContext, ClusterRefs } from '../checks/check';
import { manifestsFromObjects, type Manifest, type ManifestProblem, type ParsedFile } from '../manifest/parse';
import { policyFromManifests, type PolicyFromManifests } from '../manifest/rbac';
import { workloadOf, type Workload } from '../manifest/workloads';
import { isDefaultPolicyObject } from '../policy/defaults';
import type { Workspace } from '../policy/workspace';
import { RbacEvaluator } from '../rbac/evaluator';
import type { Policy, RbacObject, SourceRef } from '../rbac/types';
import { wait } from './scheduler';
import { ClusterError, isClusterError, type ClusterSource, type ResourceRef, type WatchEvent } from './source';

const rbac = (resource: string, kind: string, namespaced: boolean): ResourceRef => ({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  resource,
  kind,
  namespaced,
});

/** The kinds RBAC evaluation needs. */
export const RBAC_KINDS: readonly ResourceRef[] = [
  rbac('clusterroles', 'ClusterRole', false),
  rbac('clusterrolebindings', 'ClusterRoleBinding', false),
  rbac('roles', 'Role', true),
  rbac('rolebindings', 'RoleBinding', true),
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
];

/** Everything a snapshot holds by default: RBAC, namespaces and the pod-owning workloads. */
export const SNAPSHOT_KINDS: readonly ResourceRef[] = [
  ...RBAC_KINDS,
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', resource: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true },
];

export interface KindState {
  ref: ResourceRef;
  /** By "namespace/name". */
  items: Map<string, Record<string, unknown>>;
  resourceVersion: string;
}

export interface Unreadable {
  ref: ResourceRef;
  code: ClusterError['code'];
  /** The server's message (no credentials). */
  reason: string;
}

export interface Snapshot {
  /** Kinds read, by resource ("clusterroles", "deployments.apps"). */
  kinds: Map<string, KindState>;
  /** Kinds that could not be read, and why. */
  unreadable: Unreadable[];
}

export interface LoadOptions {
  kinds?: readonly ResourceRef[];
  /** Items per page (limit); default 500, as kubectl and client-go's pager. */
  pageSize?: number;
  /** Kinds listed at once; default 4. */
  parallel?: number;
  signal?: AbortSignal;
  /** After each page: the kind and the number of its items read so far. */
  onProgress?(ref: ResourceRef, items: number): void;
}

export function refKey(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function objectKey(o: Record<string, unknown>): string {
  const m = (o.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return `${typeof m.namespace === 'string' ? m.namespace : ''}/${typeof m.name === 'string' ? m.name : ''}`;
}

/**
 * Lists every kind, page by page. A kind the server refuses (403, 404, 5xx, timeout) is recorded as
 * unreadable and the rest goes on; 401 (credentials refused) and cancellation end the load.
 */
export async function loadSnapshot(source: ClusterSource, opts: LoadOptions = {}): Promise<Snapshot> {
  const snapshot: Snapshot = { kinds: new Map(), unreadable: [] };
  const queue = [...(opts.kinds ?? SNAPSHOT_KINDS)];
  const worker = async () => {
    for (let ref = queue.shift(); ref; ref = queue.shift()) {
      try {
        snapshot.kinds.set(refKey(ref), await listAll(source, ref, opts));
      } catch (e) {
        if (!isClusterError(e) || e.code === 'unauthorized' || e.code === 'aborted') throw e;
        snapshot.unreadable.push({ ref, code: e.code, reason: e.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 4) }, worker));
  const order = (opts.kinds ?? SNAPSHOT_KINDS).map(refKey);
  snapshot.unreadable.sort((a, b) => order.indexOf(refKey(a.ref)) - order.indexOf(refKey(b.ref)));
  return snapshot;
}

/** Every page of one kind. An expired continue token (410) restarts the list once, as client-go's pager does. */
export async function listAll(source: ClusterSource, ref: ResourceRef, opts: LoadOptions = {}): Promise<KindState> {
  for (let attempt = 0; ; attempt++) {
    const items = new Map<string, Record<string, unknown>>();
    let cont: string | undefined;
    let resourceVersion = '';
    try {
      do {
        if (opts.signal?.aborted) throw new ClusterError('aborted', 'cancelled');
        const page = await source.list(ref, { limit: opts.pageSize ?? 500, continue: cont, signal: opts.signal });
        for (const o of page.items) items.set(objectKey(o), o);
        resourceVersion = page.resourceVersion;
        cont = page.continue || undefined;
        opts.onProgress?.(ref, items.size);
      } while (cont);
      return { ref, items, resourceVersion };
    } catch (e) {
      if (attempt > 0 || !cont || !isClusterError(e, 'gone')) throw e;
    }
  }
}

/** Applies one watch event; returns whether the objects changed (bookmarks only move the resource version). */
export function applyEvent(state: KindState, ev: WatchEvent): boolean {
  const meta = ev.object.metadata as { resourceVersion?: unknown } | undefined;
  if (typeof meta?.resourceVersion === 'string' && meta.resourceVersion) state.resourceVersion = meta.resourceVersion;
  if (ev.type === 'BOOKMARK') return false;
  const object = { apiVersion: apiVersionOf(state.ref), kind: state.ref.kind, ...ev.object };
  if (ev.type === 'DELETED') state.items.delete(objectKey(object));
  else state.items.set(objectKey(object), object);
  return true;
}

export function apiVersionOf(ref: ResourceRef): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

export interface WatchOptions {
  signal: AbortSignal;
  /** After objects of a kind changed (an event, or a relist after 410 Gone). */
  onChange?(ref: ResourceRef): void;
  /** A watch failed; it is retried after `delayMs`. */
  onError?(ref: ResourceRef, error: unknown, delayMs: number): void;
  /** Back-off after errors: doubles from initialMs up to maxMs, back to initialMs after a success. */
  backoff?: { initialMs: number; maxMs: number };
  pageSize?: number;
}

/**
 * Keeps every kind of the snapshot current until the signal aborts: a watch from the kind's
 * resource version; when the server closes it, a new one from the last version seen (bookmarks
 * included; after a back-off if it sent nothing); on 410 Gone a relist; on other errors a retry
 * after an exponential back-off.
 */
export async function keepCurrent(source: ClusterSource, snapshot: Snapshot, opts: WatchOptions): Promise<void> {
  const { initialMs, maxMs } = opts.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const one = async (state: KindState) => {
    let delay = initialMs;
    while (!opts.signal.aborted) {
      try {
        let events = 0;
        for await (const ev of source.watch(state.ref, state.resourceVersion, opts.signal)) {
          events++;
          delay = initialMs;
          if (applyEvent(state, ev)) opts.onChange?.(state.ref);
        }
        // A server that closes watches at once, with nothing sent, is not asked again at full speed.
        if (events === 0) {
          await wait(delay, opts.signal);
          delay = Math.min(delay * 2, maxMs);
        }
      } catch (e) {
        if (opts.signal.aborted) return;
        try {
          if (!isClusterError(e, 'gone')) throw e;
          const fresh = await listAll(source, state.ref, { pageSize: opts.pageSize, signal: opts.signal });
          state.items = fresh.items;
          state.resourceVersion = fresh.resourceVersion;
          delay = initialMs;
          opts.onChange?.(state.ref);
          continue;
        } catch (e2) {
          if (opts.signal.aborted) return;
          opts.onError?.(state.ref, e2, delay);
          await wait(delay, opts.signal);
          delay = Math.min(delay * 2, maxMs);
        }
      }
    }
  };
  await Promise.all([...snapshot.kinds.values()].map(one));
}

export interface SnapshotPolicy {
  policy: Policy;
  evaluator: RbacEvaluator;
  workloads: Workload[];
  /** Objects kubeid could not decode (fields of the wrong type). */
  problems: ManifestProblem[];
  /** RBAC kinds that could not be read: answers of the evaluator may miss grants (see missingRbac). */
  missing: Unreadable[];
  /** The objects as manifests: the RBAC objects' file first, then the namespaces' and workloads'. */
  files: [ParsedFile, ParsedFile];
  /** The RBAC objects, each with its manifest (a tree built from the object). */
  objects: PolicyFromManifests['objects'];
  /** The snapshot it was read from (its objects as listed). */
  snapshot: Snapshot;
}

/**
 * The snapshot as the RBAC engine sees it. A live cluster stores aggregated ClusterRoles already
 * (the controller fills their rules), so aggregation is not computed again.
 */
export function snapshotPolicy(snapshot: Snapshot): SnapshotPolicy {
  const items = (kinds: readonly ResourceRef[]) => kinds.flatMap((k) => [...(snapshot.kinds.get(refKey(k))?.items.values() ?? [])]);
  const file = manifestsFromObjects(items(RBAC_KINDS), 'cluster');
  const { policy, problems, objects } = policyFromManifests([file], { origin: 'cluster' });
  for (const { object } of objects) object.source = { origin: 'cluster' };
  const workloadFile = manifestsFromObjects(items(SNAPSHOT_KINDS.filter((k) => !RBAC_KINDS.includes(k))), 'cluster');
  const workloads = workloadFile.manifests.map((m) => workloadOf(m)).filter((w): w is Workload => w !== undefined);
  const missing = snapshot.unreadable.filter((u) => RBAC_KINDS.some((k) => refKey(k) === refKey(u.ref)));
  return {
    policy,
    evaluator: new RbacEvaluator(policy, { aggregate: false }),
    workloads,
    problems: [...file.problems, ...problems],
    missing,
    files: [file, workloadFile],
    objects,
    snapshot,
  };
}

/**
 * The snapshot as a workspace, for what reads one (the audit, the checks): its objects are live, in
 * no file, so nothing locates them; the policy is the cluster's own (its default policy included).
 */
export function snapshotWorkspace(sp: SnapshotPolicy, catalogue = Catalogue.builtin()): Workspace {
  let manifests: Map<SourceRef | undefined, Manifest> | undefined; // read by few questions: built on the first
  return {
    files: sp.files,
    problems: sp.problems,
    own: sp.policy,
    objects: sp.objects,
    policy: sp.policy,
    evaluator: sp.evaluator,
    catalogue,
    workloads: sp.workloads,
    locate: () => undefined,
    manifestOf: (source) => source && (manifests ??= new Map(sp.objects.map((o) => [o.object.source, o.manifest]))).get(source),
  };
}

/**
 * What the checks read to report on the cluster's own objects, as they report on manifests: the
 * snapshot as a workspace (the cluster's policy, no default policy added: the cluster holds it),
 * reporting on every RBAC object but those of the default policy, which diagnostics never report.
 * References resolve in the snapshot (with `cluster`, so a partial snapshot makes no confident claim).
 */
export function snapshotChecks(sp: SnapshotPolicy, context: string, catalogue = Catalogue.builtin()): CheckContext {
  // The RBAC objects' file only: the graph finds a finding's object by its span, and the workloads'
  // virtual file has spans of its own.
  const workspace: Workspace = { ...snapshotWorkspace(sp, catalogue), files: [sp.files[0]] };
  const objects = sp.objects.filter((o) => !isDefaultPolicyObject(o.object));
  // Workloads are not reported on: the graph draws RBAC objects, and their manifests are another virtual file.
  return { workspace, objects, workloads: [], cluster: clusterRefs(sp, context) };
}

/** A plain statement of what the RBAC answers lack, or undefined when every RBAC kind was read. */
export function missingRbac(missing: readonly Unreadable[]): string | undefined {
  if (!missing.length) return undefined;
  const what = missing.map((u) => `${refKey(u.ref)} (${u.reason})`).join('; ');
  return `kubeid could not read ${what}: grants they hold are unknown to it, so a "no" from kubeid is not conclusive`;
}

/** What references resolve against in a snapshot, for the checks and completion (CheckContext.cluster). */
export function clusterRefs(sp: SnapshotPolicy, context: string): ClusterRefs {
  const accounts = new Set(sp.policy.serviceAccounts.map((a) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`));
  const read = (resource: string) => !sp.missing.some((u) => u.ref.resource === resource);
  let byKey: Map<string, RbacObject> | undefined;
  const keyOf = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;
  return {
    context,
    role: (namespace, name) => sp.evaluator.role(namespace, name),
    clusterRole: (name) => sp.evaluator.clusterRole(name),
    serviceAccount: (namespace, name) => accounts.has(`${namespace}/${name}`),
    rolesIn: (namespace) => sp.policy.roles.filter((r) => r.metadata.namespace === namespace),
    clusterRoles: () => sp.policy.clusterRoles,
    complete: { roles: read('roles'), clusterRoles: read('clusterroles'), serviceAccounts: read('serviceaccounts') },
    policy: sp.policy,
    object(kind, namespace, name) {
      if (!byKey) {
        byKey = new Map();
        for (const list of Object.values(sp.policy) as RbacObject[][])
          for (const o of list) byKey.set(keyOf(o.kind, o.metadata.namespace ?? '', o.metadata.name), o);
      }
      return byKey.get(keyOf(kind, namespace, name));
    },
    raw(kind, namespace, name) {
      const ref = SNAPSHOT_KINDS.find((k) => k.kind === kind);
      return ref && sp.snapshot.kinds.get(refKey(ref))?.items.get(`${ref.namespaced ? namespace : ''}/${name}`);
    },
  };
}
