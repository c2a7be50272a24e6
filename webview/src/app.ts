// The graph view's controller: the controls (search, query, filters, focus, groups, export), the
// state they make (kept by the host across hide/show), and the pipeline data → filter → focus →
// collapsed groups → layout → SVG.
import type { Severity } from '../../server/src/core/checks/check';
import { edgeId } from '../../server/src/core/graph/ids';
import {
  compareRisk,
  SUBJECT_KINDS,
  type GraphData,
  type GraphEdge,
  type GraphNode,
  type QueryResult,
} from '../../server/src/core/graph/protocol';
import type { CompactGraph } from '../../server/src/core/graph/compact';
import { focusGraph, groupId, indexGraph, searchNodes, type GraphFilter, type GraphIndex } from '../../server/src/core/graph/view';
import { nodeDetails, queryDetails, type DetailsActions } from './details';
import { el } from './dom';
import { Engine } from './engine';
import { exportPng, exportSvg } from './export';
import type { Host } from './host';
import { isExpanded, layoutOf, type ViewRequest, type ViewResult } from './pipeline';
import { Renderer } from './render';
import { Views } from './views';

/** Above this many nodes the graph opens in focus mode. */
const FOCUS_DEFAULT_ABOVE = 300;
/** The first focus shows two hops when they hold at most this many nodes, else one. */
const FIRST_FOCUS = 800;
/** Search shows at most this many nodes. */
const SEARCH_HITS = 30;

interface State {
  filter: GraphFilter;
  focusMode: boolean;
  focus?: string;
  hops: number;
  /** Resource groups start collapsed (large graphs) or expanded; these are toggled against that. */
  collapsed: boolean;
  toggled: string[];
  query: string;
  path?: number;
  selected?: string;
  transform?: { x: number; y: number; k: number };
  /** The source this state was made on: another source's graph starts afresh (its nodes differ). */
  shown?: string;
}

export class App {
  private readonly index: GraphIndex;
  private readonly byId: Map<string, GraphNode>;
  private readonly into: Map<string, GraphEdge[]>;
  private readonly out: Map<string, GraphEdge[]>;
  private readonly engine: Engine;
  private readonly views: Views;
  private state: State;
  /** The latest view asked for: results of older ones are dropped. */
  private asked = 0;
  /** Move the keyboard focus to the selected node once the view being computed is drawn. */
  private focusSelected = false;
  private started = false;
  private result: QueryResult | undefined;
  private readonly renderer: Renderer;
  private readonly details: HTMLElement;
  private readonly status: HTMLElement;
  private readonly message: HTMLElement;
  private readonly announcer: HTMLElement;
  private readonly controls: Record<string, HTMLInputElement | HTMLSelectElement>;

  constructor(
    root: HTMLElement,
    private readonly data: GraphData,
    private readonly host: Host,
    raw: CompactGraph | string,
  ) {
    this.index = indexGraph(data);
    ({ byId: this.byId, into: this.into, out: this.out } = this.index);
    this.engine = new Engine(data);
    this.views = new Views(data, this.index, raw);
    const large = data.nodes.length > FOCUS_DEFAULT_ABOVE;
    const stored = host.state() as Partial<State> | undefined;
    const shown = data.sources?.shown;
    const saved = stored && typeof stored === 'object' && stored.shown === shown ? stored : undefined;
    this.state = {
      filter: {},
      focusMode: large,
      focus: large ? this.initialFocus() : undefined,
      hops: 2,
      collapsed: large,
      toggled: [],
      query: '',
      ...saved,
      shown,
    };
    // A first focus on a hub would draw thousands of nodes: one hop then.
    if (!saved && this.state.focus && focusGraph(data, this.state.focus, 2, FIRST_FOCUS, this.index).truncated) this.state.hops = 1;
    const app = el('div', { id: 'app' });
    const canvas = el('div', { id: 'canvas' });
    this.message = el('div', { class: 'message', role: 'status', hidden: '' });
    this.details = el('aside', { id: 'details', 'aria-label': 'Details' });
    this.status = el('div', { id: 'status', role: 'status' });
    // What screen readers say after a query or a search: short, where the details pane would be long.
    this.announcer = el('div', { id: 'announce', class: 'sr-only', role: 'status', 'aria-live': 'polite' });
    this.controls = {};
    app.append(this.toolbar(), this.filters(), canvas, this.details, this.status, this.announcer);
    canvas.append(this.message);
    root.replaceChildren(app);
    this.renderer = new Renderer(canvas, {
      select: (id) => this.select(id),
      open: (id) => this.open(id),
      activate: (id) => {
        const n = this.viewNode(id);
        if (n?.apiGroup !== undefined && (n.kind === 'ApiGroup' || n.kind === 'Resource')) this.toggleGroup(n.apiGroup);
        else this.setFocus(id);
      },
      // Kept for the next time the view starts: the panel shown again, or a new graph.
      moved: () => this.save(),
    });
    const opens = data.sources?.shown === 'cluster' ? 'the live object' : 'its manifest';
    this.details.append(el('div', { class: 'muted' }, `Click a node for its details; double-click opens ${opens}.`));
    if (this.state.query) this.result = this.engine.query(this.state.query);
    this.update(this.state.transform);
    if (this.result) this.showQuery();
    else if (this.state.selected) this.select(this.state.selected);
  }

  /** The riskiest workspace object with the most edges; else the subject with the most bindings. */
  private initialFocus(): string | undefined {
    const degree = (n: GraphNode) => (this.into.get(n.id)?.length ?? 0) + (this.out.get(n.id)?.length ?? 0);
    const own = this.data.nodes.filter((n) => n.origin === 'workspace' || n.origin === 'cluster');
    const pool = own.length ? own : this.data.nodes.filter((n) => n.layer === 'subject');
    let best: GraphNode | undefined;
    let most = 0;
    for (const n of pool) {
      const c = best ? compareRisk(n.risk, best.risk) : -1;
      if (c > 0) continue;
      const d = degree(n);
      if (c < 0 || d > most) [best, most] = [n, d];
    }
    return best?.id;
  }

  private save(): void {
    this.host.saveState({ ...this.state, transform: this.renderer.transform() });
  }

  // ---- controls ----

  private toolbar(): HTMLElement {
    // A combobox: the keyboard stays in the input, the list's current option is announced.
    const search = el('input', {
      id: 'search',
      type: 'search',
      role: 'combobox',
      placeholder: 'Search by name',
      'aria-label': 'Search nodes by name',
      'aria-controls': 'search-results',
      'aria-expanded': 'false',
      'aria-autocomplete': 'list',
      autocomplete: 'off',
    });
    const results = el('ul', { id: 'search-results', role: 'listbox', 'aria-label': 'Nodes found', hidden: '' });
    const show = (on: boolean, current?: HTMLElement) => {
      results.hidden = !on;
      search.setAttribute('aria-expanded', String(on));
      if (on && current) search.setAttribute('aria-activedescendant', current.id);
      else search.removeAttribute('aria-activedescendant');
    };
    const choose = (id: string) => {
      show(false);
      search.value = '';
      if (this.state.focusMode) this.setFocus(id);
      this.select(id, true);
      if (!this.state.focusMode) this.renderer.centre(this.viewId(id), Math.max(0.8, this.renderer.transform().k));
    };
    search.addEventListener('input', () => {
      const hits = searchNodes(this.data.nodes, search.value, SEARCH_HITS);
      results.replaceChildren(
        ...hits.map((n, i) => {
          const li = el(
            'li',
            { id: `hit-${i}`, role: 'option', 'data-id': n.id, 'aria-selected': String(i === 0) },
            `${n.kind} ${n.label}`,
          );
          li.addEventListener('click', () => choose(n.id));
          return li;
        }),
      );
      show(hits.length > 0, results.querySelector<HTMLElement>('li') ?? undefined);
      this.announce(search.value.trim() ? `${hits.length === SEARCH_HITS ? `at least ${SEARCH_HITS}` : hits.length} nodes found` : '');
    });
    search.addEventListener('keydown', (e) => {
      const items = [...results.querySelectorAll('li')];
      const at = items.findIndex((li) => li.getAttribute('aria-selected') === 'true');
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const next = Math.max(0, Math.min(items.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)));
        items.forEach((li, i) => li.setAttribute('aria-selected', String(i === next)));
        if (items[next]) show(true, items[next]);
      } else if (e.key === 'Enter' && items[at]) {
        choose(items[at].dataset.id!);
      } else if (e.key === 'Escape') {
        show(false);
      }
    });
    const query = el('input', {
      id: 'query',
      type: 'text',
      placeholder: 'who can get secrets in shop',
      'aria-label': 'Query: who can VERB RESOURCE in NAMESPACE',
      value: this.state.query,
    });
    const ask = () => {
      this.state.query = query.value.trim();
      this.state.path = undefined;
      this.result = this.state.query ? this.engine.query(this.state.query) : undefined;
      this.update();
      if (this.result) this.showQuery();
      this.announce(this.result ? querySummary(this.result) : '');
      this.save();
    };
    query.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') ask();
    });
    const clear = () => {
      query.value = '';
      ask();
      this.details.replaceChildren();
    };
    const focusMode = this.checkbox('focus-mode', 'Focus mode', this.state.focusMode, (on) => {
      this.state.focusMode = on;
      if (on && !this.state.focus) this.state.focus = this.state.selected ?? this.initialFocus();
      this.update();
    });
    const hops = el('select', { id: 'hops', 'aria-label': 'Hops around the focused node' });
    for (const h of [1, 2, 3, 4]) hops.append(el('option', { value: String(h) }, `${h} hop${h > 1 ? 's' : ''}`));
    hops.value = String(this.state.hops);
    hops.addEventListener('change', () => {
      this.state.hops = Number(hops.value);
      this.update();
    });
    const exportAs = (format: 'svg' | 'png') => () => void this.export(format);
    const button = (id: string, label: string, f: () => void) => {
      const b = el('button', { id, type: 'button' }, label);
      b.addEventListener('click', f);
      return b;
    };
    const wrap = el('span', {}, search, results);
    return el(
      'div',
      { id: 'toolbar', role: 'toolbar', 'aria-label': 'Graph tools' },
      this.sourceControl(),
      wrap,
      query,
      button('ask', 'Ask', ask),
      button('clear-query', 'Clear', clear),
      focusMode,
      hops,
      button('fit', 'Fit', () => this.renderer.fit()),
      button('export-svg', 'Export SVG', exportAs('svg')),
      button('export-png', 'Export PNG', exportAs('png')),
    );
  }

  /**
   * Which source the graph shows (the workspace manifests, or the cluster with its context), and in
   * VS Code connected to a cluster the choice of the other; a partial snapshot or a fallback says why.
   */
  private sourceControl(): HTMLElement {
    const s = this.data.sources;
    const name = (k: string) => (k === 'cluster' ? `cluster (context ${s?.context ?? ''})` : 'workspace manifests');
    const out = el('span', { id: 'graph-source' });
    if (this.host.editor && s?.context) {
      const pick = el('select', { id: 'source', 'aria-label': 'Graph source' });
      for (const k of ['workspace', 'cluster']) pick.append(el('option', { value: k }, name(k)));
      pick.value = s.shown;
      pick.addEventListener('change', () => this.host.post({ type: 'source', source: pick.value === 'cluster' ? 'cluster' : 'workspace' }));
      out.append(el('label', {}, 'Source', pick));
    } else {
      out.append(el('span', { id: 'source-label' }, `Source: ${s ? name(s.shown) : this.data.source}`));
    }
    const note = s?.incomplete ? `Partial snapshot: ${s.incomplete}` : s?.fallback;
    if (note) out.append(el('span', { id: 'source-note', class: 'risk-warning', role: 'note' }, ` ${note}`));
    return out;
  }

  private checkbox(id: string, label: string, checked: boolean, on: (v: boolean) => void): HTMLElement {
    const box = el('input', { id, type: 'checkbox' });
    box.checked = checked;
    box.addEventListener('change', () => on(box.checked));
    this.controls[id] = box;
    return el('label', {}, box, label);
  }

  private filters(): HTMLElement {
    const f = this.state.filter;
    const namespaces = [...new Set(this.data.nodes.map((n) => n.namespace).filter((n): n is string => !!n))].sort();
    const ns = el('select', { id: 'namespace', 'aria-label': 'Namespace' }, el('option', { value: '' }, 'all namespaces'));
    for (const n of namespaces) ns.append(el('option', { value: n }, n));
    ns.value = f.namespace ?? '';
    ns.addEventListener('change', () => this.setFilter({ namespace: ns.value || undefined }));
    const kinds = SUBJECT_KINDS.map((k) =>
      this.checkbox(`kind-${k}`, k, !f.subjectKinds || f.subjectKinds.includes(k), () => {
        const on = SUBJECT_KINDS.filter((x) => (this.controls[`kind-${x}`] as HTMLInputElement).checked);
        this.setFilter({ subjectKinds: on.length === SUBJECT_KINDS.length ? undefined : on });
      }),
    );
    const risk = el('select', { id: 'risk', 'aria-label': 'Minimum risk' }, el('option', { value: '' }, 'any risk'));
    for (const r of ['error', 'warning', 'information', 'hint']) risk.append(el('option', { value: r }, `${r} or worse`));
    risk.value = f.minRisk ?? '';
    risk.addEventListener('change', () => this.setFilter({ minRisk: (risk.value || undefined) as Severity | undefined }));
    return el(
      'div',
      { id: 'filters', role: 'group', 'aria-label': 'Filters' },
      ns,
      ...kinds,
      this.checkbox('hide-system', 'Hide system:', !!f.hideSystem, (v) => this.setFilter({ hideSystem: v })),
      this.checkbox('hide-defaults', 'Hide default policy', !!f.hideDefaults, (v) => this.setFilter({ hideDefaults: v })),
      risk,
      this.checkbox('collapse-groups', 'Collapse API groups', this.state.collapsed, (v) => {
        this.state.collapsed = v;
        this.state.toggled = [];
        this.update();
      }),
    );
  }

  // ---- actions ----

  private setFilter(change: Partial<GraphFilter>): void {
    this.state.filter = { ...this.state.filter, ...change };
    this.update();
  }

  private setFocus(id: string): void {
    this.state.focus = id;
    this.state.focusMode = true;
    (this.controls['focus-mode'] as HTMLInputElement).checked = true;
    this.update();
    this.select(id, true);
  }

  private isExpanded(apiGroup: string): boolean {
    return isExpanded(this.state, apiGroup);
  }

  private toggleGroup(apiGroup: string): void {
    const t = this.state.toggled;
    this.state.toggled = t.includes(apiGroup) ? t.filter((g) => g !== apiGroup) : [...t, apiGroup];
    (this.controls['collapse-groups'] as HTMLInputElement).checked = this.state.collapsed;
    this.update();
    if (this.state.selected) this.select(this.state.selected);
  }

  private open(id: string): void {
    const n = this.byId.get(id);
    if (n?.origin === 'cluster') {
      // The host shows the live object's YAML; the page of `kubeid graph` has no cluster to ask.
      if (this.host.editor) this.host.post({ type: 'open', nodeId: id });
      else this.flash(`${n.kind} ${n.label} was read from the cluster: it has no manifest`);
      return;
    }
    if (!n?.file || n.origin !== 'workspace') {
      this.flash(
        n?.origin === 'default-policy' ? `${n.label} is part of the default policy: there is no manifest to open` : 'no manifest to open',
      );
      return;
    }
    if (!this.host.editor) {
      this.flash(`${n.file}:${n.line}`);
      return;
    }
    this.host.post({ type: 'open', nodeId: id });
  }

  private flash(text: string): void {
    this.status.textContent = text;
  }

  private async export(format: 'svg' | 'png'): Promise<void> {
    const l = this.renderer.layout;
    const svg = this.renderer.svg.node();
    if (!l || !svg) return;
    const text = exportSvg(svg, l.width, l.height);
    try {
      this.host.save(format, format === 'svg' ? text : await exportPng(text, l.width, l.height));
      this.flash(`exported ${format.toUpperCase()}`);
    } catch (e) {
      this.flash(`export failed: ${(e as Error).message}`);
    }
  }

  /** The node drawn for `id`: itself, or the collapsed group standing for it. */
  private viewId(id: string): string {
    const n = this.byId.get(id);
    return n?.kind === 'Resource' && n.apiGroup !== undefined && !this.isExpanded(n.apiGroup) ? groupId(n.apiGroup) : id;
  }

  private viewNode(id: string): GraphNode | undefined {
    return this.byId.get(id) ?? this.renderer.layout?.placed.get(id)?.node;
  }

  select(id: string, focus = false): void {
    const node = this.viewNode(id);
    if (!node) return;
    this.state.selected = id;
    this.renderer.select(this.viewId(id), focus);
    if (document.body.dataset.pending) this.focusSelected ||= focus;
    const actions = this.actions();
    this.announce(`Details of ${node.kind} ${node.label}`);
    nodeDetails(
      this.details,
      { node, byId: this.byId, into: this.into.get(id) ?? [], out: this.out.get(id) ?? [], engine: this.engine },
      actions,
    );
    this.save();
  }

  private actions(): DetailsActions {
    return {
      focus: (id) => this.setFocus(id),
      open: (id) => this.open(id),
      toggleGroup: (g) => this.toggleGroup(g),
      select: (id) => {
        if (this.state.focusMode && !this.renderer.layout?.placed.has(this.viewId(id))) this.setFocus(id);
        this.select(id, true);
      },
      showPath: (i) => {
        this.state.path = i;
        this.highlight();
        this.showQuery();
        this.save();
      },
      canOpen: this.host.editor,
      checkAccess: this.host.editor ? (id) => this.host.post({ type: 'checkAccess', nodeId: id }) : undefined,
      connected: !!this.data.sources?.context,
      isExpanded: (g) => this.isExpanded(g),
    };
  }

  private showQuery(): void {
    if (this.result) queryDetails(this.details, this.result, this.byId, this.actions(), this.state.path);
  }

  /** Marks the paths of the query (or the one chosen) on the drawing. */
  private highlight(): void {
    const nodes = new Set<string>();
    const edges = new Set<string>();
    const paths = this.result?.paths ?? [];
    for (const [i, p] of paths.entries()) {
      if (this.state.path !== undefined && i !== this.state.path) continue;
      for (const id of p.nodes) nodes.add(this.viewId(id));
      for (const s of p.steps) edges.add(edgeId(this.viewId(s.from), this.viewId(s.to)));
    }
    this.renderer.highlight(nodes, edges);
  }

  // ---- pipeline ----

  private update(transform?: { x: number; y: number; k: number }): void {
    const started = performance.now();
    const s = this.state;
    const request: ViewRequest = {
      filter: s.filter,
      focusMode: s.focusMode,
      focus: s.focus,
      hops: s.hops,
      collapsed: s.collapsed,
      toggled: s.toggled,
      pathNodes: this.result && !this.result.error ? this.result.paths.flatMap((p) => p.nodes) : undefined,
    };
    const asked = ++this.asked;
    const result = this.views.run(request);
    if (!(result instanceof Promise)) return this.draw(result, started, transform);
    // Off the main thread: the old drawing stays, usable, until the new one comes.
    document.body.dataset.pending = 'true';
    void result.then((r) => {
      if (asked !== this.asked) return;
      delete document.body.dataset.pending;
      this.draw(r, started, transform);
    });
  }

  private draw(r: ViewResult, started: number, transform?: { x: number; y: number; k: number }): void {
    this.showMessage(r.message);
    this.renderer.draw(layoutOf(r), r.edges);
    this.highlight();
    if (this.state.selected) this.renderer.select(this.viewId(this.state.selected), this.focusSelected);
    this.focusSelected = false;
    if (transform) this.renderer.restore(transform);
    else if (this.state.focusMode && this.state.focus && !this.result) this.renderer.fit(this.viewId(this.state.focus));
    else this.renderer.fit();
    const shown = `${r.nodes.length} nodes, ${r.edges.length} edges shown of ${this.data.nodes.length} nodes`;
    this.status.textContent = `${this.data.source}: ${shown}${r.note ? ` — ${r.note}` : ''}`;
    const body = document.body.dataset;
    body.nodes = String(r.nodes.length);
    body.edges = String(r.edges.length);
    body.renderMs = (performance.now() - started).toFixed(1);
    if (!body.ready) {
      body.ready = 'true';
      // Since navigation started: what the graph benchmark reports as time to first render.
      body.readyMs = performance.now().toFixed(0);
    }
    // After this view is painted: the worker of a large graph loads while the user looks.
    if (!this.started) requestAnimationFrame(() => setTimeout(() => this.views.start()));
    this.started = true;
    this.save();
  }

  private announce(text: string): void {
    this.announcer.textContent = text;
  }

  private showMessage(text: string | undefined): void {
    this.message.hidden = text === undefined;
    this.message.textContent = text ?? '';
  }

  dispose(): void {
    this.views.dispose();
    this.asked++; // a view still being computed is never drawn
    delete document.body.dataset.pending;
  }

  reveal(id: string): void {
    if (!this.byId.has(id)) return;
    this.setFocus(id);
  }
}

/** One sentence for screen readers: how many paths allow the request, or why it was not understood. */
function querySummary(r: QueryResult): string {
  if (r.error) return r.error;
  const n = r.paths.length;
  return `${n === 0 ? 'No path' : n === 1 ? 'One path' : `${n} paths`} ${n === 1 ? 'allows' : 'allow'} ${r.request}`;
}
