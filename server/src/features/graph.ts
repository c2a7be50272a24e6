// The access graph for the graph view (kubeid/accessGraph): of the workspace, or of the connected
// cluster's snapshot when asked, coloured by the checks with the user's severity settings as the
// diagnostics are. Every graph says which source it shows and whether the cluster's can be shown.
// The graph goes in the compact form the webview takes (a third of the plain JSON), and the last one
// is kept with a revision: the view asks again after every change of the workspace or the cluster,
// and a graph whose inputs did not change is neither built nor sent again.
import { randomBytes } from 'node:crypto';
import type { Feature, ServerContext } from '../context';
import type { ClusterConnection } from '../cluster-connection';
import { Catalogue, type ApiResource } from '../core/catalogue/catalogue';
import { settle } from '../core/checks/run';
import { buildGraph, clusterGraph } from '../core/graph/build';
import { encodeGraph } from '../core/graph/compact';
import type { GraphData } from '../core/graph/protocol';
import { accessGraphRequest, type AccessGraphParams, type AccessGraphResult } from '../protocol';

export function accessGraphFeature(cluster: ClusterConnection): Feature {
  let catalogue: { resources: readonly ApiResource[]; catalogue: Catalogue } | undefined;
  const catalogueOf = (resources: readonly ApiResource[] | undefined): Catalogue | undefined => {
    if (!resources) return undefined;
    if (catalogue?.resources !== resources) catalogue = { resources, catalogue: new Catalogue([...resources]) };
    return catalogue.catalogue;
  };
  // Revisions of this server only: a client that held one of an earlier server's gets the graph.
  const instance = randomBytes(6).toString('hex');
  let built = 0;
  let last: { inputs: readonly unknown[]; json: string; graph: AccessGraphResult } | undefined;
  /** The graph of these inputs: the last one when they are the same, or when what is built equals it. */
  const memo = (inputs: readonly unknown[], build: () => GraphData): AccessGraphResult => {
    if (last && last.inputs.length === inputs.length && last.inputs.every((x, i) => x === inputs[i])) return last.graph;
    const graph = encodeGraph(build());
    const json = JSON.stringify(graph);
    if (json !== last?.json) last = { inputs, json, graph: { ...graph, revision: `${instance}-${++built}` } };
    else last = { ...last, inputs };
    return last.graph;
  };

  const graph = (ctx: ServerContext, p: AccessGraphParams | null): AccessGraphResult => {
    const status = cluster.status();
    const sp = cluster.snapshot();
    const context = sp && (status.state === 'ready' || status.state === 'partial') ? status.context : undefined;
    const namespace = status.namespace ? { namespace: status.namespace } : {};
    const checks = ctx.settings().checks;
    if (p?.source === 'cluster' && sp && context) {
      const discovered = cluster.discovered();
      return memo(['cluster', sp, context, status.namespace, checks, discovered], () =>
        clusterGraph(sp, { context, ...namespace, settings: checks, catalogue: catalogueOf(discovered) }),
      );
    }
    const fallback =
      p?.source === 'cluster' && !context
        ? `kubeid is not connected to a cluster (${status.message ?? status.state}): the workspace is shown`
        : undefined;
    const analysis = ctx.model.analysis();
    return memo(['workspace', analysis, context, status.namespace, checks, fallback], () => {
      // The findings the diagnostics show, with the same settings: computed once per analysis.
      const findings = settle(analysis.ctx, analysis.checked().byCheck, checks);
      const data = buildGraph(analysis.ctx.workspace, { source: 'workspace', findings });
      data.sources = { shown: 'workspace', ...(context ? { context, ...namespace } : {}), ...(fallback ? { fallback } : {}) };
      return data;
    });
  };
  return {
    capabilities: {},
    register(ctx: ServerContext) {
      // By method: a request without params (the workspace graph, as before there was a choice) is still answered.
      ctx.connection.onRequest(accessGraphRequest.method, (p?: AccessGraphParams | null) => {
        const g = graph(ctx, p ?? null);
        return p?.known !== undefined && p.known === g.revision ? null : g;
      });
    },
  };
}
