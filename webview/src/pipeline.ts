// The view pipeline: data → filter → focus (or the paths of a query) → collapsed groups → layout.
// Requests and results are plain data, so the same code runs on the main thread for small graphs
// and in a Web Worker (worker.ts) for large ones, where filtering 36,000 nodes takes most of a second.
import type { GraphData, GraphEdge, GraphNode } from '../../server/src/core/graph/protocol';
import {
  collapseGroups,
  filterGraph,
  focusGraph,
  indexGraph,
  type GraphFilter,
  type GraphIndex,
  type GraphView,
} from '../../server/src/core/graph/view';
import { layout, type Layout, type Placed } from './layout';

/** A focus stops growing here; the view stays fluent. */
export const FOCUS_LIMIT = 3000;
/** Views larger than this are not drawn: the user is asked to filter or focus. */
const MAX_DRAWN = 6000;

export interface ViewRequest {
  filter: GraphFilter;
  focusMode: boolean;
  focus?: string;
  hops: number;
  /** Resource groups collapsed by default; `toggled` are the exceptions. */
  collapsed: boolean;
  toggled: string[];
  /** In focus mode with a query: the nodes of its paths, drawn alone. */
  pathNodes?: string[];
}

export interface ViewResult {
  /** In layout order. */
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** x and y of nodes[i] at 2i and 2i + 1. */
  xy: number[];
  width: number;
  height: number;
  /** What the view shows, for the status line ("2 hops around …"). */
  note: string;
  /** Shown over the canvas; undefined clears it. */
  message?: string;
}

export function isExpanded(r: Pick<ViewRequest, 'collapsed' | 'toggled'>, apiGroup: string): boolean {
  // Toggled groups are the exceptions: expanded ones when collapsed by default, and the reverse.
  return r.collapsed === r.toggled.includes(apiGroup);
}

/** Whether the filter hides anything (else the view starts from the whole graph, at no cost). */
export function filtering(f: GraphFilter): boolean {
  return Object.values(f).some((v) => v !== undefined && v !== false);
}

export class Pipeline {
  private filtered: { key: string; view: GraphView; index: GraphIndex } | undefined;

  constructor(
    private readonly data: GraphData,
    private readonly index: GraphIndex = indexGraph(data),
  ) {}

  /** The filtered graph and its index, cached while the filter stays the same. */
  private filteredView(filter: GraphFilter): { view: GraphView; index: GraphIndex } {
    const key = JSON.stringify(filter);
    if (this.filtered?.key !== key) {
      const none = !filtering(filter);
      const view = none ? this.data : filterGraph(this.data, filter);
      this.filtered = { key, view, index: none ? this.index : indexGraph(view) };
    }
    return this.filtered;
  }

  run(r: ViewRequest): ViewResult {
    const { view: filtered, index } = this.filteredView(r.filter);
    let view: GraphView = filtered;
    let note = '';
    let message: string | undefined;
    if (r.pathNodes && r.focusMode) {
      const on = new Set(r.pathNodes);
      view = {
        nodes: filtered.nodes.filter((n) => on.has(n.id)),
        edges: filtered.edges.filter((e) => on.has(e.source) && on.has(e.target)),
      };
      note = 'the paths of the query';
    } else if (r.focusMode) {
      const shown = r.focus !== undefined && index.byId.has(r.focus);
      view = shown ? focusGraph(filtered, r.focus!, r.hops, FOCUS_LIMIT, index) : { nodes: [], edges: [] };
      const label = r.focus ? (this.index.byId.get(r.focus)?.label ?? r.focus) : '';
      note = shown ? `${r.hops} hop${r.hops > 1 ? 's' : ''} around ${label}` : '';
      if (!shown) message = r.focus ? `${label} is hidden by the filters.` : 'Search for a node to focus on.';
      if (view.truncated) note += ` (stopped at ${FOCUS_LIMIT} nodes)`;
    }
    view = collapseGroups(view, (g) => isExpanded(r, g));
    if (view.nodes.length > MAX_DRAWN) {
      message = `${view.nodes.length} nodes are too many to draw: turn on focus mode, or filter by namespace or risk.`;
      view = { nodes: [], edges: [] };
    } else if (view.nodes.length === 0 && !r.focusMode) {
      message = 'Nothing matches the filters.';
    }
    const l = layout(view.nodes, view.edges);
    const nodes: GraphNode[] = [];
    const xy: number[] = [];
    for (const p of l.placed.values()) {
      nodes.push(p.node);
      xy.push(p.x, p.y);
    }
    return { nodes, edges: view.edges, xy, width: l.width, height: l.height, note, message };
  }
}

/** The layout of a result, as the renderer takes it. */
export function layoutOf(r: ViewResult): Layout {
  const placed = new Map<string, Placed>();
  r.nodes.forEach((node, i) => placed.set(node.id, { node, x: r.xy[2 * i], y: r.xy[2 * i + 1] }));
  return { placed, width: r.width, height: r.height };
}
