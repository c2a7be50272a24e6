// The access graph of the worst escalation paths, for the HTML report: the subjects along them, the
// bindings and roles of every grant a step uses, and the resources of those rules — the part of the
// access graph (core/graph) the paths run through, coloured by the paths' severity.
import { buildGraph } from '../graph/build';
import { edgeId } from '../graph/ids';
import { worstRisk, type GraphData, type GraphEdge, type GraphNode } from '../graph/protocol';
import type { Workspace } from '../policy/workspace';
import type { EscalationPath } from './escalation';
import type { ObjectRef } from './objects';

/** The graph id of a binding or role (core/graph/ids.ts); subjects' ids are the escalation keys already. */
const graphId = (o: ObjectRef): string =>
  o.kind === 'RoleBinding' || o.kind === 'Role' ? `${o.kind}:${o.namespace ?? ''}/${o.name}` : `${o.kind}:${o.name}`;

export function pathsGraph(ws: Workspace, paths: readonly EscalationPath[], source: string): GraphData {
  const full = buildGraph(ws, { source });
  const nodes = new Map(full.nodes.map((n) => [n.id, n]));
  const edges = new Map(full.edges.map((e) => [e.id, e]));
  const from = new Map<string, GraphEdge[]>();
  const into = new Map<string, GraphEdge[]>();
  for (const e of full.edges) {
    (from.get(e.source) ?? from.set(e.source, []).get(e.source)!).push(e);
    (into.get(e.target) ?? into.set(e.target, []).get(e.target)!).push(e);
  }
  const keptNodes = new Map<string, GraphNode>();
  const keptEdges = new Map<string, GraphEdge>();
  const node = (id: string, risk?: GraphNode['risk']) => {
    const n = nodes.get(id);
    if (!n) return false;
    keptNodes.set(id, n);
    if (risk) n.risk = worstRisk(n.risk, risk);
    return true;
  };
  const edge = (e: GraphEdge, risk: GraphEdge['risk']) => {
    keptEdges.set(e.id, e);
    e.risk = worstRisk(e.risk, risk);
  };

  for (const p of paths) {
    const risk = p.clusterAdmin || p.target.kind === 'Admission' ? 'error' : 'warning';
    let who = p.from.key;
    for (const step of p.steps) {
      node(who);
      for (const g of step.grants) {
        if (!g.binding || !g.role) continue; // system:masters: no object grants it
        const b = graphId(g.binding);
        const r = graphId(g.role);
        // A binding an earlier step creates is not in the graph: the step's text says what it would be.
        if (!node(b, risk) || !node(r, risk)) continue;
        const roleRef = edges.get(edgeId(b, r));
        if (roleRef) edge(roleRef, risk);
        // The identity's own subject entry, else the groups it holds the grant through.
        const direct = edges.get(edgeId(who, b));
        const via = direct ? [direct] : (into.get(b) ?? []).filter((e) => e.kind === 'subject' && nodes.get(e.source)?.kind === 'Group');
        for (const e of via) if (node(e.source)) edge(e, risk);
        for (const e of from.get(r) ?? [])
          if (e.kind === 'grants' && g.ruleIndex !== undefined && e.rules?.includes(g.ruleIndex) && node(e.target)) edge(e, risk);
      }
      who = step.to.key;
    }
    node(who);
  }
  return {
    source,
    nodes: [...keptNodes.values()],
    edges: [...keptEdges.values()].filter((e) => keptNodes.has(e.source) && keptNodes.has(e.target)),
  };
}
