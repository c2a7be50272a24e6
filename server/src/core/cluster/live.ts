// The connected cluster seen from the editor: a live object as a read-only YAML document (what
// kubectl get -o yaml shows, without the bookkeeping), and the workspace evaluated over the live
// cluster's RBAC (its manifests applied on top, as `kubectl apply` would) for live effective permissions.
import { stringify } from 'yaml';
import type { ClusterRefs } from '../checks/check';
import { mergePolicies } from '../policy/merge';
import type { Workspace } from '../policy/workspace';
import { RbacEvaluator } from '../rbac/evaluator';

/** The last-applied annotation repeats the object (as kubectl last applied it): noise in a diff. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Metadata the API server sets, and status: in a comparison with a manifest, every line of them differs. */
const SERVER_SET = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'selfLink'];

/**
 * A live object as YAML: apiVersion, kind and metadata (name first) on top; managedFields and the
 * last-applied copy left out. `comparable`: also without server-set metadata and status, to compare with a manifest.
 */
export function liveYaml(object: Record<string, unknown>, comparable = false): string {
  const { apiVersion, kind, metadata, ...rest } = object;
  const { name, namespace, annotations, ...meta } = (metadata ?? {}) as Record<string, unknown>;
  delete meta.managedFields;
  if (comparable) {
    for (const k of SERVER_SET) delete meta[k];
    delete rest.status;
  }
  const kept = annotations && typeof annotations === 'object' ? Object.entries(annotations).filter(([k]) => k !== LAST_APPLIED) : [];
  return stringify(
    {
      apiVersion,
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}), ...meta, ...(kept.length ? { annotations: Object.fromEntries(kept) } : {}) },
      ...rest,
    },
    { lineWidth: 0 },
  );
}

/** The 0-based line of metadata.name in liveYaml's text (where go-to-definition lands). */
export function liveNameLine(text: string): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('  name:'));
  return Math.max(0, i);
}

const cache = new WeakMap<Workspace, { cluster: ClusterRefs; ws: Workspace }>();

/**
 * The workspace whose evaluator sees the live cluster: the default policy, then the cluster's
 * objects, then the workspace's manifests on top. The cluster stores aggregated ClusterRoles
 * filled already; aggregating again gives the same rules, and aggregates the workspace's too.
 */
export function liveWorkspace(ws: Workspace, cluster: ClusterRefs | undefined): Workspace {
  if (!cluster) return ws;
  const hit = cache.get(ws);
  if (hit?.cluster === cluster) return hit.ws;
  const policy = mergePolicies(mergePolicies(ws.policy, cluster.policy), ws.own);
  const live: Workspace = { ...ws, policy, evaluator: new RbacEvaluator(policy) };
  cache.set(ws, { cluster, ws: live });
  return live;
}

/** In words, what live answers are evaluated over, and what they may lack. */
export function liveBasis(cluster: ClusterRefs): string {
  const { roles, clusterRoles, serviceAccounts } = cluster.complete;
  const unread = [!roles && 'roles', !clusterRoles && 'clusterroles', !serviceAccounts && 'serviceaccounts'].filter(Boolean);
  const lacking = unread.length ? ` (kubeid could not read the cluster's ${unread.join(', ')}: grants they hold are missing)` : '';
  return `over the live cluster (context ${JSON.stringify(cluster.context)}) with the workspace manifests applied on top${lacking}`;
}
