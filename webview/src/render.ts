// Draws a laid-out view as SVG with d3: nodes (focusable, labelled for screen readers), edges with
// their verbs, risk colours, highlighted paths; zoom and pan; keyboard navigation between nodes.
import { select, zoom, zoomIdentity, zoomTransform, type Selection, type ZoomBehavior } from 'd3';
import { LAYERS, type GraphEdge, type GraphNode } from '../../server/src/core/graph/protocol';
import { COLUMN, NODE_HEIGHT, NODE_WIDTH, type Layout, type Placed } from './layout';

/** Verb labels are drawn on the edges of views this small; larger views show them on hover (title). */
const LABELLED_EDGES = 400;
const MAX_LABEL = 30;
/** Below this scale labels cannot be read: fit() centres the chosen node instead of the whole view. */
const READABLE = 0.45;

interface RenderEvents {
  select(id: string): void;
  open(id: string): void;
  /** Space or Enter on a node: its main action (collapse/expand a group, focus). */
  activate(id: string): void;
  /** The user panned or zoomed. */
  moved(): void;
}

const KIND_TAG: Record<string, string> = {
  User: 'User',
  Group: 'Group',
  ServiceAccount: 'SA',
  RoleBinding: 'RB',
  ClusterRoleBinding: 'CRB',
  Role: 'Role',
  ClusterRole: 'CR',
  Resource: 'Res',
  NonResourceURL: 'URL',
  ApiGroup: 'Group ▸',
};

function describeNode(n: GraphNode, degree: number): string {
  const where = n.defaultPolicy
    ? `, default policy${n.origin === 'cluster' ? ', read from the cluster' : ''}`
    : n.file
      ? `, ${n.file} line ${n.line}`
      : '';
  const risk = n.risk ? `, risk ${n.risk}` : '';
  const missing = n.missing ? ', missing' : '';
  return `${n.kind} ${n.label}${where}${risk}${missing}, ${degree} connection${degree === 1 ? '' : 's'}`;
}

const short = (s: string): string => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

function edgePath(a: Placed, b: Placed): string {
  const x1 = a.x + NODE_WIDTH;
  const y1 = a.y + NODE_HEIGHT / 2;
  const x2 = b.x;
  const y2 = b.y + NODE_HEIGHT / 2;
  if (x2 <= x1) {
    // Same column (never drawn today) or backwards: a loop around the right side.
    return `M${x1},${y1} C${x1 + 60},${y1} ${x2 + NODE_WIDTH + 60},${y2} ${x2 + NODE_WIDTH},${y2}`;
  }
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

export class Renderer {
  readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly root: Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoomer: ZoomBehavior<SVGSVGElement, unknown>;
  private current: Layout | undefined;
  private edges: GraphEdge[] = [];
  private focused: string | undefined;
  /**
   * The container's size, kept by a ResizeObserver: reading it after a draw would force the
   * browser to lay out thousands of new elements at once (400 ms for 2,000 nodes), then again.
   */
  private size: { width: number; height: number };

  constructor(
    private readonly container: HTMLElement,
    private readonly events: RenderEvents,
  ) {
    this.svg = select(container)
      .append('svg')
      .attr('class', 'graph')
      .attr('role', 'group')
      .attr('aria-label', 'Access graph: subjects, bindings, roles and resources. Arrow keys move between nodes.');
    this.root = this.svg.append('g').attr('class', 'viewport');
    this.zoomer = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.02, 4])
      // d3's default measures the SVG on every zoom event, forcing a layout of the whole drawing.
      .extent(() => [
        [0, 0],
        [this.size.width, this.size.height],
      ])
      // d3's default filter, without double-click zoom: a double click opens the manifest.
      .filter((e: MouseEvent) => e.type !== 'dblclick' && (!e.ctrlKey || e.type === 'wheel') && !e.button)
      .on('zoom', (e: { transform: { toString(): string } }) => this.root.attr('transform', e.transform.toString()))
      .on('end', (e: { sourceEvent: unknown }) => {
        if (e.sourceEvent) this.events.moved();
      });
    this.svg.call(this.zoomer);
    this.svg.on('keydown', (e: KeyboardEvent) => this.key(e));
    const { width, height } = container.getBoundingClientRect();
    this.size = { width, height };
    new ResizeObserver(([e]) => (this.size = { width: e.contentRect.width, height: e.contentRect.height })).observe(container);
  }

  get layout(): Layout | undefined {
    return this.current;
  }

  draw(l: Layout, edges: GraphEdge[]): void {
    this.current = l;
    this.edges = edges;
    this.root.selectAll('*').remove();
    const degree = new Map<string, number>();
    for (const e of edges) {
      degree.set(e.source, (degree.get(e.source) ?? 0) + 1);
      degree.set(e.target, (degree.get(e.target) ?? 0) + 1);
    }
    const titles = this.root.append('g').attr('class', 'columns');
    LAYERS.forEach((layer, i) => {
      if ([...l.placed.values()].some((p) => p.node.layer === layer)) {
        titles
          .append('text')
          .attr('class', 'column-title')
          .attr('x', i * COLUMN)
          .attr('y', 16)
          .text(`${layer}s`);
      }
    });
    const drawn = edges.filter((e) => l.placed.has(e.source) && l.placed.has(e.target));
    this.root
      .append('g')
      .attr('class', 'edges')
      .selectAll('path')
      .data(drawn)
      .join('path')
      .attr('class', (e) => `edge kind-${e.kind}${e.risk ? ` risk-${e.risk}` : ''}`)
      .attr('data-id', (e) => e.id)
      .attr('d', (e) => edgePath(l.placed.get(e.source)!, l.placed.get(e.target)!))
      .append('title')
      .text((e) => edgeTitle(e));
    if (drawn.length <= LABELLED_EDGES) {
      this.root
        .append('g')
        .attr('class', 'edge-labels')
        .selectAll('text')
        .data(drawn.filter((e) => e.kind === 'grants'))
        .join('text')
        .attr('class', 'edge-label')
        .attr('data-id', (e) => e.id)
        // At the middle of the curve, where edges that meet at a node are spread apart.
        .attr('x', (e) => (l.placed.get(e.source)!.x + NODE_WIDTH + l.placed.get(e.target)!.x) / 2)
        .attr('y', (e) => (l.placed.get(e.source)!.y + l.placed.get(e.target)!.y + NODE_HEIGHT) / 2 - 3)
        .attr('text-anchor', 'middle')
        .text((e) => short((e.verbs ?? []).join(',')));
    }
    const nodes = this.root
      .append('g')
      .attr('class', 'nodes')
      .selectAll<SVGGElement, Placed>('g')
      .data([...l.placed.values()])
      .join('g')
      .attr('class', (p) => nodeClass(p.node))
      .attr('data-id', (p) => p.node.id)
      .attr('transform', (p) => `translate(${p.x},${p.y})`)
      .attr('tabindex', -1)
      .attr('role', 'button')
      .attr('aria-label', (p) => describeNode(p.node, degree.get(p.node.id) ?? 0))
      .on('click', (e: MouseEvent, p) => {
        e.stopPropagation();
        this.events.select(p.node.id);
      })
      .on('dblclick', (e: MouseEvent, p) => {
        e.stopPropagation();
        this.events.open(p.node.id);
      });
    nodes.append('rect').attr('width', NODE_WIDTH).attr('height', NODE_HEIGHT);
    nodes
      .append('text')
      .attr('class', 'kind')
      .attr('x', 6)
      .attr('y', NODE_HEIGHT / 2)
      .text((p) => KIND_TAG[p.node.kind] ?? p.node.kind);
    nodes
      .append('text')
      .attr('class', 'name')
      .attr('x', 40)
      .attr('y', NODE_HEIGHT / 2)
      .text((p) => short(p.node.label));
    nodes.append('title').text((p) => p.node.label);
    const first = this.focused && l.placed.has(this.focused) ? this.focused : [...l.placed.keys()][0];
    if (first) this.setTabStop(first);
  }

  private nodeEl(id: string): SVGGElement | null {
    return this.root.select<SVGGElement>(`g.node[data-id="${CSS.escape(id)}"]`).node();
  }

  private setTabStop(id: string): void {
    this.root.selectAll('g.node[tabindex="0"]').attr('tabindex', -1);
    this.nodeEl(id)?.setAttribute('tabindex', '0');
    this.focused = id;
  }

  /** Marks the selected node and moves the keyboard focus to it. */
  select(id: string | undefined, focus = false): void {
    this.root.selectAll('g.node.selected').classed('selected', false);
    if (!id) return;
    const el = this.nodeEl(id);
    if (!el) return;
    el.classList.add('selected');
    this.setTabStop(id);
    if (focus) el.focus({ preventScroll: true });
  }

  /** Highlights nodes and edges (paths of a query); empty sets clear it. */
  highlight(nodes: ReadonlySet<string>, edges: ReadonlySet<string>): void {
    const on = nodes.size > 0;
    this.svg.classed('has-path', on);
    this.root.selectAll<SVGGElement, Placed>('g.node').classed('on-path', (p) => nodes.has(p.node.id));
    this.root.selectAll<SVGPathElement, GraphEdge>('path.edge').classed('on-path', (e) => edges.has(e.id));
    this.root.selectAll<SVGTextElement, GraphEdge>('text.edge-label').classed('on-path', (e) => edges.has(e.id));
  }

  /** Fits the whole drawing in the viewport; when that would make it unreadable, centres `centre` instead. */
  fit(centre?: string): void {
    const l = this.current;
    if (!l) return;
    const { width, height } = this.size;
    const k = Math.min(1, (width - 20) / Math.max(1, l.width), (height - 20) / Math.max(1, l.height));
    const p = centre ? l.placed.get(centre) : undefined;
    if (p && k < READABLE) return this.centre(p.node.id, 0.8);
    const x = (width - l.width * k) / 2;
    const y = Math.max(10, (height - l.height * k) / 2);
    this.zoomer.transform(this.svg, zoomIdentity.translate(Math.max(10, x), y).scale(Math.max(k, 0.02)));
  }

  /** Moves `id` to the middle of the viewport, at scale `k` (default: the current one). */
  centre(id: string, k = this.transform().k): void {
    const p = this.current?.placed.get(id);
    if (!p) return;
    const { width, height } = this.size;
    this.zoomer.transform(this.svg, zoomIdentity.translate(width / 2 - (p.x + NODE_WIDTH / 2) * k, height / 2 - p.y * k).scale(k));
  }

  transform(): { x: number; y: number; k: number } {
    const t = zoomTransform(this.svg.node()!);
    return { x: t.x, y: t.y, k: t.k };
  }

  restore(t: { x: number; y: number; k: number }): void {
    this.zoomer.transform(this.svg, zoomIdentity.translate(t.x, t.y).scale(t.k));
  }

  /** Arrow keys: up and down in a column, left and right to the nearest connected node of the next column. */
  private key(e: KeyboardEvent): void {
    const l = this.current;
    const target = (e.target as Element | null)?.closest?.('g.node')?.getAttribute('data-id');
    const id = target ?? this.focused;
    if (!l || !id) return;
    const here = l.placed.get(id);
    if (!here) return;
    let next: Placed | undefined;
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      const column = [...l.placed.values()].filter((p) => p.x === here.x).sort((a, b) => a.y - b.y);
      const i = column.indexOf(here) + (e.key === 'ArrowUp' ? -1 : 1);
      next = column[Math.max(0, Math.min(column.length - 1, i))];
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const right = e.key === 'ArrowRight';
      const linked = this.edges
        .filter((x) => (right ? x.source === id : x.target === id))
        .map((x) => l.placed.get(right ? x.target : x.source))
        .filter((p): p is Placed => p !== undefined);
      const column = linked.length ? linked : [...l.placed.values()].filter((p) => p.x === here.x + (right ? COLUMN : -COLUMN));
      next = column.sort((a, b) => Math.abs(a.y - here.y) - Math.abs(b.y - here.y))[0];
    } else if (e.key === 'Enter' && e.shiftKey) {
      this.events.open(id);
    } else if (e.key === 'Enter') {
      this.events.select(id);
    } else if (e.key === ' ') {
      this.events.activate(id);
    } else {
      return;
    }
    e.preventDefault();
    if (next) {
      this.setTabStop(next.node.id);
      this.nodeEl(next.node.id)?.focus({ preventScroll: true });
      this.ensureVisible(next);
    }
  }

  private ensureVisible(p: Placed): void {
    const { width, height } = this.size;
    const t = this.transform();
    const x = p.x * t.k + t.x;
    const y = p.y * t.k + t.y;
    if (x < 0 || y < 0 || x + NODE_WIDTH * t.k > width || y + NODE_HEIGHT * t.k > height) this.centre(p.node.id);
  }
}

function nodeClass(n: GraphNode): string {
  const c = ['node', `layer-${n.layer}`, `kind-${n.kind}`];
  if (n.risk) c.push(`risk-${n.risk}`);
  if (n.missing) c.push('missing');
  if (n.defaultPolicy) c.push('default-policy');
  return c.join(' ');
}

function edgeTitle(e: GraphEdge): string {
  if (e.kind === 'subject') return 'subject of the binding';
  if (e.kind === 'roleRef') return 'roleRef';
  const names = e.resourceNames?.length ? ` (only ${e.resourceNames.join(', ')})` : '';
  return `${(e.verbs ?? []).join(', ')}${names}${e.risk ? ` — risk ${e.risk}` : ''}`;
}
