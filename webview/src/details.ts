// The details pane: what a node is and where it comes from, its findings, rules, bindings,
// effective permissions (asked of the RBAC engine), and the paths of a query. DOM built with
// textContent only: names come from manifests.
import type { AccessPath, GraphEdge, GraphNode, QueryResult } from '../../server/src/core/graph/protocol';
import { ruleText } from '../../server/src/core/graph/query';
import { el } from './dom';
import type { Engine } from './engine';

export interface DetailsActions {
  focus(id: string): void;
  open(id: string): void;
  toggleGroup(apiGroup: string): void;
  select(id: string): void;
  showPath(index: number | undefined): void;
  /** Whether manifests and live objects can be opened (in VS Code). */
  canOpen: boolean;
  /** "Check access as this subject", when a host can answer it (VS Code). */
  checkAccess?: (id: string) => void;
  /** Connected to a cluster: access is checked by asking it; else kubeid answers from the workspace. */
  connected: boolean;
  isExpanded(apiGroup: string): boolean;
}

function button(label: string, onClick: () => void, disabled = false): HTMLButtonElement {
  const b = el('button', { type: 'button' }, label);
  b.disabled = disabled;
  b.addEventListener('click', onClick);
  return b;
}

function table(rows: string[][]): HTMLTableElement {
  const [head, ...body] = rows;
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...body.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

function link(node: GraphNode | undefined, id: string, a: DetailsActions, extra = ''): HTMLElement {
  const b = el('a', { href: '#', role: 'button' }, `${node ? `${node.kind} ${node.label}` : id}${extra}`);
  b.addEventListener('click', (e) => {
    e.preventDefault();
    a.select(id);
  });
  return el('li', {}, b);
}

interface NodeContext {
  node: GraphNode;
  byId: ReadonlyMap<string, GraphNode>;
  into: readonly GraphEdge[];
  out: readonly GraphEdge[];
  engine: Engine;
}

export function nodeDetails(pane: HTMLElement, c: NodeContext, a: DetailsActions): void {
  const n = c.node;
  const where =
    n.origin === 'default-policy'
      ? 'default policy (every cluster starts with it)'
      : n.origin === 'cluster'
        ? `read from the cluster${n.defaultPolicy ? ' (part of its default policy)' : ''}`
        : n.file
          ? `${n.file}:${n.line}`
          : n.missing
            ? 'not found: named by a binding, defined nowhere'
            : n.layer === 'subject'
              ? 'named by bindings (no manifest)'
              : '';
  const actions = el('div', { class: 'actions' });
  if (n.kind === 'ApiGroup' || n.kind === 'Resource') {
    const g = n.apiGroup ?? '';
    actions.append(button(a.isExpanded(g) ? `Collapse group ${g || 'core'}` : `Expand group ${g || 'core'}`, () => a.toggleGroup(g)));
  }
  if (n.kind !== 'ApiGroup') actions.append(button('Focus here', () => a.focus(n.id)));
  if (n.file && n.origin === 'workspace') actions.append(button('Open manifest', () => a.open(n.id), !a.canOpen));
  if (n.origin === 'cluster') actions.append(button('Open live object', () => a.open(n.id), !a.canOpen));
  const check = a.checkAccess;
  if (check && n.layer === 'subject') {
    const b = button('Check access as this subject', () => check(n.id));
    b.title = a.connected
      ? 'The access matrix of this subject, as the cluster answers (impersonation)'
      : "kubeid's own answer from the workspace manifests: not connected, the cluster is not asked";
    actions.append(b);
  }
  pane.replaceChildren(el('h2', {}, `${n.kind} ${n.label}`), el('div', { class: 'muted' }, where), actions);

  if (n.findings?.length) {
    pane.append(
      el('h3', {}, 'Findings'),
      el(
        'ul',
        {},
        ...n.findings.map((f) =>
          el('li', { class: `risk-${f.severity}` }, `${f.severity}: ${f.message} [${f.check}]${f.line ? ` (line ${f.line})` : ''}`),
        ),
      ),
    );
  }
  if (n.rules) {
    pane.append(
      el('h3', {}, `Rules (${n.rules.length})`),
      table([
        ['#', 'Rule', 'From'],
        ...n.rules.map((r, i) => [String(i + 1), ruleText(r), r.aggregatedFrom ? `aggregated from ${r.aggregatedFrom}` : '']),
      ]),
    );
  }
  if (n.roleRef) pane.append(el('h3', {}, 'Role'), el('div', {}, `${n.roleRef.kind} ${n.roleRef.name}`));
  const list = (title: string, edges: readonly GraphEdge[], end: 'source' | 'target', extra: (e: GraphEdge) => string = () => '') => {
    if (!edges.length) return;
    pane.append(
      el('h3', {}, `${title} (${edges.length})`),
      el('ul', {}, ...edges.map((e) => link(c.byId.get(e[end]), e[end], a, extra(e)))),
    );
  };
  const verbs = (e: GraphEdge) =>
    e.verbs ? `: ${e.verbs.join(', ')}${e.resourceNames?.length ? ` (only ${e.resourceNames.join(', ')})` : ''}` : '';
  switch (n.layer) {
    case 'subject':
      list('Bindings', c.out, 'target');
      permissions(pane, c);
      break;
    case 'binding':
      list('Subjects', c.into, 'source');
      break;
    case 'role':
      list('Bound by', c.into, 'source');
      list('Grants', c.out, 'target', verbs);
      break;
    case 'resource':
      list('Granted by', c.into, 'source', verbs);
      break;
  }
}

/** Effective permissions of a subject in a namespace it is bound in, or cluster-wide. */
function permissions(pane: HTMLElement, c: NodeContext): void {
  const namespaces = new Set<string>();
  if (c.node.namespace) namespaces.add(c.node.namespace);
  for (const e of c.out) {
    const b = c.byId.get(e.target);
    if (b?.namespace) namespaces.add(b.namespace);
  }
  const choice = el('select', { 'aria-label': 'Namespace of the effective permissions' });
  for (const ns of [...namespaces].sort()) choice.append(el('option', { value: ns }, ns));
  choice.append(el('option', { value: '' }, 'cluster-wide only'));
  const out = el('div');
  const show = () => {
    const t = c.engine.permissions(c.node, choice.value);
    if (!t) return;
    out.replaceChildren(el('div', { class: 'muted' }, t.command), ...t.warnings.map((w) => el('div', { class: 'risk-warning' }, w)));
    out.append(t.rows.length > 1 ? table(t.rows) : el('div', { class: 'muted' }, 'no permissions'));
  };
  choice.addEventListener('change', show);
  pane.append(el('h3', {}, 'Effective permissions'), el('label', {}, 'Namespace ', choice), out);
  show();
}

export function queryDetails(
  pane: HTMLElement,
  r: QueryResult,
  byId: ReadonlyMap<string, GraphNode>,
  a: DetailsActions,
  current?: number,
): void {
  pane.replaceChildren(el('h2', {}, `Who can ${r.request}`));
  if (r.error) {
    pane.append(el('div', { class: 'risk-error', role: 'alert' }, r.error));
    return;
  }
  for (const w of r.warnings) pane.append(el('div', { class: 'risk-warning' }, w));
  pane.append(
    el('div', { class: 'muted' }, `${r.paths.length} path${r.paths.length === 1 ? '' : 's'} allow it. Click one to highlight it alone.`),
  );
  const items = r.paths.map((p, i) => pathItem(p, i, byId, a, current === i));
  pane.append(
    el('ol', { id: 'paths' }, ...items),
    button('Show all paths', () => a.showPath(undefined)),
  );
}

function pathItem(p: AccessPath, i: number, byId: ReadonlyMap<string, GraphNode>, a: DetailsActions, current: boolean): HTMLElement {
  const name = (id: string) => byId.get(id)?.label ?? id;
  const li = el(
    'li',
    { tabindex: '0', 'aria-current': String(current) },
    el('strong', {}, `${byId.get(p.subject)?.kind ?? ''} ${name(p.subject)}`),
    el('div', { class: 'muted' }, p.summary),
    el('ul', {}, ...p.steps.map((s) => el('li', {}, `${name(s.from)} → ${name(s.to)}: ${s.label}`))),
  );
  const go = () => a.showPath(i);
  li.addEventListener('click', go);
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') go();
  });
  return li;
}
