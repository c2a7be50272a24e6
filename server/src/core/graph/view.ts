// What part of the access graph to show: filters, the focus (N hops around a node), API groups
// collapsed into one node, and search. Pure functions over GraphData, shared by the webview and tests.
import type { Severity } from '../checks/check';
import { compareRisk, LAYERS, worstRisk, type GraphEdge, type GraphNode } from './protocol';

export interface GraphView {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Set when a focus stopped growing at its node limit. */
  truncated?: boolean;
}

export interface GraphFilter {
  /** Keep objects of this namespace and cluster-wide ones. */
  namespace?: string;
  /** Keep only these subject kinds (User, Group, ServiceAccount). */
  subjectKinds?: readonly string[];
  /** Hide subjects named `system:…` (the identities of the control plane and the built-in groups). */
  hideSystem?: boolean;
  /** Hide the objects of the default cluster policy. */
  hideDefaults?: boolean;
  /** Keep only what leads to or from a node or edge with a finding this bad or worse. */
  minRisk?: Severity;
}

function keepNode(n: GraphNode, f: GraphFilter): boolean {
  if (f.namespace && n.namespace && n.namespace !== f.namespace) return false;
  if (f.hideDefaults && n.defaultPolicy) return false;
  if (n.layer === 'subject') {
    if (f.subjectKinds && !f.subjectKinds.includes(n.kind)) return false;
    if (f.hideSystem && n.name.startsWith('system:')) return false;
  }
  return true;
}

/**
 * The graph without what the filter hides. An object that loses every incoming edge to the filter
 * goes too (a binding whose subjects are all hidden, then its role when no other binding names it,
 * then the role's resources), and so does a subject left without bindings: what stays is reachable.
 */
export function filterGraph(g: GraphView, f: GraphFilter): GraphView {
  const kept = new Set<string>();
  const layerOf = new Map<string, number>();
  for (const n of g.nodes) {
    layerOf.set(n.id, LAYERS.indexOf(n.layer));
    if (keepNode(n, f)) kept.add(n.id);
  }
  // Edges run from one layer to the next: deciding the layers left to right cascades the removals.
  const into: GraphEdge[][] = LAYERS.map(() => []);
  for (const e of g.edges) into[layerOf.get(e.target) ?? 0].push(e);
  for (let layer = 1; layer < LAYERS.length; layer++) {
    const had = new Set<string>();
    const has = new Set<string>();
    for (const e of into[layer]) {
      had.add(e.target);
      if (kept.has(e.source) && kept.has(e.target)) has.add(e.target);
    }
    for (const id of had) if (!has.has(id)) kept.delete(id);
  }
  const edges = g.edges.filter((e) => kept.has(e.source) && kept.has(e.target));
  const hasOut = new Set(edges.map((e) => e.source));
  for (const e of into[1]) if (!hasOut.has(e.source)) kept.delete(e.source);
  let view: GraphView = { nodes: g.nodes.filter((n) => kept.has(n.id)), edges: edges.filter((e) => kept.has(e.source)) };
  if (f.minRisk) view = riskyPaths(view, f.minRisk);
  return view;
}

/**
 * Nodes and edges with a finding at least as bad as `min`, with who reaches them (upstream) and
 * what they reach (downstream): a risky grant shows its role, bindings and subjects and the
 * resource, not every other role that grants the same resource.
 */
function riskyPaths(g: GraphView, min: Severity): GraphView {
  const bad = (r: Severity | undefined) => r !== undefined && compareRisk(r, min) <= 0;
  const upSeeds: string[] = [];
  const downSeeds: string[] = [];
  for (const n of g.nodes) {
    if (bad(n.risk)) {
      upSeeds.push(n.id);
      downSeeds.push(n.id);
    }
  }
  for (const e of g.edges) {
    if (bad(e.risk)) {
      upSeeds.push(e.source);
      downSeeds.push(e.target);
    }
  }
  const reach = (seeds: string[], adj: Map<string, GraphEdge[]>, end: 'source' | 'target') => {
    const seen = new Set(seeds);
    const stack = [...seeds];
    while (stack.length) {
      for (const e of adj.get(stack.pop()!) ?? []) {
        if (!seen.has(e[end])) {
          seen.add(e[end]);
          stack.push(e[end]);
        }
      }
    }
    return seen;
  };
  const up = reach(upSeeds, adjacency(g.edges, 'target'), 'source');
  const down = reach(downSeeds, adjacency(g.edges, 'source'), 'target');
  const edges = g.edges.filter((e) => bad(e.risk) || (up.has(e.source) && up.has(e.target)) || (down.has(e.source) && down.has(e.target)));
  return { nodes: g.nodes.filter((n) => up.has(n.id) || down.has(n.id)), edges };
}

function adjacency(edges: readonly GraphEdge[], by: 'source' | 'target'): Map<string, GraphEdge[]> {
  const m = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    const list = m.get(e[by]);
    if (list) list.push(e);
    else m.set(e[by], [e]);
  }
  return m;
}

/** Edges by source and by target, and nodes by id: built once per graph, reused by every focus. */
export interface GraphIndex {
  byId: Map<string, GraphNode>;
  out: Map<string, GraphEdge[]>;
  into: Map<string, GraphEdge[]>;
}

export function indexGraph(g: GraphView): GraphIndex {
  return { byId: new Map(g.nodes.map((n) => [n.id, n])), out: adjacency(g.edges, 'source'), into: adjacency(g.edges, 'target') };
}

/**
 * The nodes at most `hops` edges away from `center` (edges followed both ways), breadth first,
 * stopping at `limit` nodes so that a hub (system:authenticated, `*`) cannot flood the view.
 * Linear in the size of the result, given the index.
 */
export function focusGraph(g: GraphView, center: string, hops: number, limit = Infinity, index = indexGraph(g)): GraphView {
  const { byId, out, into } = index;
  if (!byId.has(center)) return { nodes: [], edges: [] };
  const seen = new Set([center]);
  let frontier = [center];
  let truncated = false;
  for (let hop = 0; hop < hops && frontier.length && !truncated; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of [...(out.get(id) ?? []), ...(into.get(id) ?? [])]) {
        const other = e.source === id ? e.target : e.source;
        if (seen.has(other)) continue;
        if (seen.size >= limit) {
          truncated = true;
          break;
        }
        seen.add(other);
        next.push(other);
      }
      if (truncated) break;
    }
    frontier = next;
  }
  const nodes = [...seen].map((id) => byId.get(id)!);
  const edges = nodes.flatMap((n) => (out.get(n.id) ?? []).filter((e) => seen.has(e.target)));
  return truncated ? { nodes, edges, truncated } : { nodes, edges };
}

export const groupId = (apiGroup: string): string => `ApiGroup:${apiGroup}`;
export const groupLabel = (apiGroup: string): string => (apiGroup === '' ? 'core' : apiGroup === '*' ? '* (every group)' : apiGroup);

/**
 * Resources of the API groups not in `expanded` drawn as one node per group: its edges carry the
 * verbs, rules and worst risk of the edges they stand for.
 */
export function collapseGroups(g: GraphView, expanded: (apiGroup: string) => boolean): GraphView {
  const into = new Map<string, string>(); // resource id → group id
  const nodes: GraphNode[] = [];
  const groups = new Map<string, GraphNode>();
  for (const n of g.nodes) {
    if (n.kind !== 'Resource' || n.apiGroup === undefined || expanded(n.apiGroup)) {
      nodes.push(n);
      continue;
    }
    const id = groupId(n.apiGroup);
    into.set(n.id, id);
    let group = groups.get(id);
    if (!group) {
      group = { id, kind: 'ApiGroup', layer: 'resource', name: n.apiGroup, label: groupLabel(n.apiGroup), apiGroup: n.apiGroup };
      groups.set(id, group);
      nodes.push(group);
    }
    group.risk = worstRisk(group.risk, n.risk);
  }
  if (!into.size) return g;
  const edges = new Map<string, GraphEdge>();
  for (const e of g.edges) {
    const target = into.get(e.target);
    if (!target) {
      edges.set(e.id, e);
      continue;
    }
    const id = `${e.source}->${target}`;
    const merged = edges.get(id);
    if (!merged) {
      edges.set(id, { ...e, id, target, verbs: [...(e.verbs ?? [])], rules: [...(e.rules ?? [])] });
      continue;
    }
    for (const v of e.verbs ?? []) if (!merged.verbs!.includes(v)) merged.verbs!.push(v);
    for (const r of e.rules ?? []) if (!merged.rules!.includes(r)) merged.rules!.push(r);
    merged.risk = worstRisk(merged.risk, e.risk);
  }
  return { ...g, nodes, edges: [...edges.values()] };
}

/** Nodes whose label or id contains `text` (any case): exact, then prefix, then the rest, at most `limit`. */
export function searchNodes(nodes: readonly GraphNode[], text: string, limit = 50): GraphNode[] {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  const rank = (n: GraphNode) => {
    const l = n.label.toLowerCase();
    const name = n.name.toLowerCase();
    if (l === q || name === q) return 0;
    if (l.startsWith(q) || name.startsWith(q)) return 1;
    return l.includes(q) || n.id.toLowerCase().includes(q) ? 2 : 3;
  };
  const hits: Array<[number, GraphNode]> = [];
  for (const n of nodes) {
    const r = rank(n);
    if (r < 3) hits.push([r, n]);
  }
  return hits
    .sort((a, b) => a[0] - b[0] || a[1].label.length - b[1].label.length || (a[1].label < b[1].label ? -1 : 1))
    .slice(0, limit)
    .map(([, n]) => n);
}
