// What the CLI commands that ask a live cluster share: --kubeconfig / --context flags, connecting,
// reading the cluster's objects, the catalogue from discovery, the identity of --as, and messages
// for refused impersonation.
import { bool, list, str, type FlagSpec, type ParsedArgs, UsageError } from './args';
import type { Io } from './common';
import { KubeClusterSource } from '../cluster/adapter';
import { buildRequest } from '../core/request';
import { Catalogue } from '../core/catalogue/catalogue';
import { loadSnapshot, RBAC_KINDS, refKey, SNAPSHOT_KINDS, type Snapshot } from '../core/cluster/snapshot';
import { ClusterError, isClusterError, type ResourceRef, type ReviewSubject } from '../core/cluster/source';
import { impersonatedUser, type ImpersonationRequest } from '../core/rbac/identity';
import type { UserInfo } from '../core/rbac/types';

export const CLUSTER_FLAGS: FlagSpec[] = [
  { name: 'kubeconfig', type: 'string' },
  { name: 'context', type: 'string' },
  { name: 'request-timeout', type: 'string' },
];

export async function connect(a: ParsedArgs): Promise<KubeClusterSource> {
  const t = str(a, 'request-timeout');
  const seconds = t === undefined ? undefined : /^\d+(\.\d+)?s?$/.test(t) ? parseFloat(t) : NaN;
  if (Number.isNaN(seconds) || seconds === 0) throw new UsageError(`invalid --request-timeout "${t}": give seconds, e.g. 30s`);
  return KubeClusterSource.connect({
    kubeconfig: str(a, 'kubeconfig'),
    context: str(a, 'context'),
    ...(seconds ? { timeoutMs: seconds * 1000 } : {}),
  });
}

/** Items of one kind read between two progress lines. */
const PROGRESS_EVERY = 5000;

/**
 * The kinds asked for (by default every kind a snapshot holds), with progress on stderr. A kind the
 * server refuses is left out and named (a partial snapshot); nothing to read at all (an unreachable
 * or silent server, refused credentials, every RBAC kind refused) is an error. The first kind is read
 * alone: a server that does not answer fails once, not once per kind.
 */
export async function readCluster(src: KubeClusterSource, io: Io, kinds: readonly ResourceRef[] = SNAPSHOT_KINDS): Promise<Snapshot> {
  const { context, cluster } = src.config;
  const what = kinds === SNAPSHOT_KINDS ? 'the RBAC objects, namespaces and workloads' : 'the RBAC objects';
  io.err(`kubeid: reading ${what} of context ${context} (${cluster.server})…\n`);
  const shown = new Map<string, number>();
  const onProgress = (ref: ResourceRef, items: number) => {
    if (items - (shown.get(refKey(ref)) ?? 0) < PROGRESS_EVERY) return;
    shown.set(refKey(ref), items);
    io.err(`kubeid: ${refKey(ref)}: ${items} read…\n`);
  };
  const first = await loadSnapshot(src, { kinds: kinds.slice(0, 1), onProgress });
  const down = first.unreadable.find((u) => u.code === 'unreachable' || u.code === 'timeout' || u.code === 'unauthorized');
  if (down) throw new ClusterError(down.code, down.reason);
  const rest = await loadSnapshot(src, { kinds: kinds.slice(1), onProgress });
  const snapshot: Snapshot = { kinds: new Map([...first.kinds, ...rest.kinds]), unreadable: [...first.unreadable, ...rest.unreadable] };
  if (!RBAC_KINDS.some((k) => snapshot.kinds.has(refKey(k)))) {
    const rbac = new Set(RBAC_KINDS.map(refKey));
    const unread = snapshot.unreadable.filter((u) => rbac.has(refKey(u.ref)));
    const why = unread.map((u) => `${refKey(u.ref)} (${u.reason})`).join('; ');
    throw new ClusterError(unread[0].code, `kubeid could not read any RBAC object of context ${context}: ${why}`);
  }
  const count = [...snapshot.kinds.values()].reduce((n, k) => n + k.items.size, 0);
  const missing = snapshot.unreadable.map((u) => `${refKey(u.ref)} (${u.code})`).join(', ');
  io.err(`kubeid: read ${count} objects${missing ? `; could not read ${missing}` : ''}\n`);
  return snapshot;
}

/** The cluster's API resources (CRDs and aggregated APIs included); the built-in catalogue if discovery fails. */
export async function clusterCatalogue(src: KubeClusterSource, io: Io): Promise<Catalogue> {
  try {
    const d = await src.discover();
    for (const p of d.problems) io.err(`Warning: discovery: ${p}\n`);
    if (d.resources.length) return new Catalogue(d.resources);
    io.err('Warning: discovery returned no resources; using the built-in catalogue of Kubernetes v1.37\n');
  } catch (e) {
    if (!isClusterError(e) || e.code === 'unauthorized' || e.code === 'unreachable') throw e;
    io.err(`Warning: ${e.message}; using the built-in catalogue of Kubernetes v1.37\n`);
  }
  return Catalogue.builtin();
}

/** --as / --as-group / --as-uid as the impersonation kubectl would send; undefined without --as. */
export function impersonation(a: ParsedArgs): ImpersonationRequest | undefined {
  const user = str(a, 'as');
  const groups = list(a, 'as-group');
  const uid = str(a, 'as-uid');
  if (!user) {
    if (groups.length || uid)
      throw new UsageError('--as-group and --as-uid require --as: the API server refuses them without a user to impersonate');
    return undefined;
  }
  return { user, ...(groups.length ? { groups } : {}), ...(uid ? { uid } : {}) };
}

/** Who a review asks about: the caller, the --as identity by impersonation, or (with --use-sar) as a SubjectAccessReview's subject. */
export function reviewSubject(as: ImpersonationRequest | undefined, useSar: boolean): ReviewSubject {
  if (!as) {
    if (useSar) throw new UsageError('--use-sar needs --as: a SubjectAccessReview names the identity it asks about');
    return { kind: 'self' };
  }
  return useSar ? { kind: 'subject', user: impersonatedUser(as) } : { kind: 'impersonate', as };
}

/** The identity the server evaluates: the impersonated one as the API server builds it, or the caller's from SelfSubjectReview. */
export async function evaluatedUser(src: KubeClusterSource, as: ImpersonationRequest | undefined): Promise<UserInfo> {
  return as ? impersonatedUser(as) : (await src.whoami()).user;
}

/** VERB TARGET as buildRequest reads it offline; without -n, the context's namespace. */
export function liveRequest(a: ParsedArgs, catalogue: Catalogue, src: KubeClusterSource, io: Io) {
  const [verb, target] = a.positionals;
  const built = buildRequest(
    {
      verb,
      target,
      subresource: str(a, 'subresource'),
      namespace: str(a, 'namespace'),
      defaultNamespace: src.config.namespace,
      allNamespaces: bool(a, 'all-namespaces'),
    },
    catalogue,
  );
  for (const w of built.warnings) io.err(`Warning: ${w}\n`);
  return built;
}
