// The access graph for the graph view (kubeid/accessGraph): of the workspace, or of the connected
// cluster's snapshot when asked, coloured by the checks with the user's severity settings as the
// diagnostics are. Every graph says which source it shows and whether the cluster's can be shown.
import type { Feature, ServerContext } from '../context';
import type { ClusterConnection } from '../cluster-connection';
import { Catalogue, type ApiResource } from '../core/catalogue/catalogue';
import { clusterGraph, workspaceGraph } from '../core/graph/build';
import type { GraphData } from '../core/graph/protocol';
import { accessGraphRequest, type AccessGraphParams } from '../protocol';

export function accessGraphFeature(cluster: ClusterConnection): Feature {
  let catalogue: { resources: readonly ApiResource[]; catalogue: Catalogue } | undefined;
  const catalogueOf = (resources: readonly ApiResource[] | undefined): Catalogue | undefined => {
    if (!resources) return undefined;
    if (catalogue?.resources !== resources) catalogue = { resources, catalogue: new Catalogue([...resources]) };
    return catalogue.catalogue;
  };
  const graph = (ctx: ServerContext, p: AccessGraphParams | null): GraphData => {
    const status = cluster.status();
    const sp = cluster.snapshot();
    const context = sp && (status.state === 'ready' || status.state === 'partial') ? status.context : undefined;
    const namespace = status.namespace ? { namespace: status.namespace } : {};
    const checks = ctx.settings().checks;
    if (p?.source === 'cluster' && sp && context)
      return clusterGraph(sp, { context, ...namespace, settings: checks, catalogue: catalogueOf(cluster.discovered()) });
    const data = workspaceGraph(ctx.model.analysis().ctx.workspace, 'workspace', checks);
    const fallback =
      p?.source === 'cluster' && !context
        ? { fallback: `kubeid is not connected to a cluster (${status.message ?? status.state}): the workspace is shown` }
        : {};
    data.sources = { shown: 'workspace', ...(context ? { context, ...namespace } : {}), ...fallback };
    return data;
  };
  return {
    capabilities: {},
    register(ctx: ServerContext) {
      // By method: a request without params (the workspace graph, as before there was a choice) is still answered.
      ctx.connection.onRequest(accessGraphRequest.method, (p?: AccessGraphParams | null) => graph(ctx, p ?? null));
    },
  };
}
