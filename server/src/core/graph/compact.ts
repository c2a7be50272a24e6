// The graph as the page and the panel carry it: strings interned (findings' messages sentence by
// sentence: their explanations and fixes repeat), so are rules' lists, nodes and edges as arrays,
// edges naming nodes by index. A cluster of 20,000 bindings is under a third of its plain JSON
// (11.8 of 43.5 MB), which is what the browser must parse and allocate before the first render.
// decodeGraph(encodeGraph(g)) is g.
import type { Severity } from '../checks/check';
import type { PolicyRule, RoleRef, Subject } from '../rbac/types';
import { edgeId } from './ids';
import type { EdgeKind, GraphData, GraphEdge, GraphFinding, GraphNode, NodeKind } from './protocol';

const KINDS: readonly NodeKind[] = [
  'User',
  'Group',
  'ServiceAccount',
  'RoleBinding',
  'ClusterRoleBinding',
  'Role',
  'ClusterRole',
  'Resource',
  'NonResourceURL',
  'ApiGroup',
];
const LAYER_OF: Record<NodeKind, GraphNode['layer']> = {
  User: 'subject',
  Group: 'subject',
  ServiceAccount: 'subject',
  RoleBinding: 'binding',
  ClusterRoleBinding: 'binding',
  Role: 'role',
  ClusterRole: 'role',
  Resource: 'resource',
  NonResourceURL: 'resource',
  ApiGroup: 'resource',
};
const ORIGINS = [undefined, 'workspace', 'default-policy', 'cluster'] as const;
const RISKS: ReadonlyArray<Severity | undefined> = [undefined, 'error', 'warning', 'information', 'hint'];
const EDGE_KINDS: readonly EdgeKind[] = ['subject', 'roleRef', 'grants'];
/** Where a finding's message is cut into interned parts: after each sentence. */
const SENTENCE_END = /(?<=\. )/;

/** -1 stands for "absent" wherever a string index goes. */
type S = number;
/** An index into `lists`, or -1. */
type L = number;
type CompactFinding = [check: S, severity: number, message: S[], line: number];
type CompactRule = [verbs: L, apiGroups: L, resources: L, resourceNames: L, urls: L, from: S];
type CompactNode = [
  id: string,
  kind: number,
  name: S,
  label: S,
  namespace: S,
  apiGroup: S,
  origin: number,
  file: S,
  line: number,
  risk: number,
  /** 1: missing, 2: defaultPolicy. */
  flags: number,
  findings: CompactFinding[] | 0,
  rules: CompactRule[] | 0,
  roleRef: [S, S, S] | 0,
  subjects: Array<[S, S, S, S]> | 0,
];
type CompactEdge = [source: number, target: number, kind: number, verbs: S, risk: number, rules: number[] | 0, names: S[] | 0];

export interface CompactGraph {
  compact: 1;
  source: string;
  sources?: GraphData['sources'];
  strings: string[];
  /** The lists of rules: 1,300 distinct ones make the 88,000 of a 20,000-binding cluster. */
  lists: S[][];
  nodes: CompactNode[];
  edges: CompactEdge[];
}

export function encodeGraph(g: GraphData): CompactGraph {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const s = (x: string | undefined): S => {
    if (x === undefined) return -1;
    let i = index.get(x);
    if (i === undefined) index.set(x, (i = strings.push(x) - 1));
    return i;
  };
  const list = (xs: readonly string[] | undefined): S[] | 0 => (xs ? xs.map(s) : 0);
  const lists: S[][] = [];
  const listIndex = new Map<string, L>();
  const ruleList = (xs: readonly string[] | undefined): L => {
    if (!xs) return -1;
    const ids = xs.map(s);
    const key = ids.join(',');
    let i = listIndex.get(key);
    if (i === undefined) listIndex.set(key, (i = lists.push(ids) - 1));
    return i;
  };
  const rule = (r: PolicyRule & { aggregatedFrom?: string }): CompactRule => [
    ruleList(r.verbs),
    ruleList(r.apiGroups),
    ruleList(r.resources),
    ruleList(r.resourceNames),
    ruleList(r.nonResourceURLs),
    s(r.aggregatedFrom),
  ];
  const at = new Map(g.nodes.map((n, i) => [n.id, i]));
  return {
    compact: 1,
    source: g.source,
    ...(g.sources ? { sources: g.sources } : {}),
    strings,
    lists,
    nodes: g.nodes.map((n) => [
      n.id,
      KINDS.indexOf(n.kind),
      s(n.name),
      n.label === n.name ? -1 : s(n.label),
      s(n.namespace),
      s(n.apiGroup),
      ORIGINS.indexOf(n.origin),
      s(n.file),
      n.line ?? 0,
      RISKS.indexOf(n.risk),
      (n.missing ? 1 : 0) | (n.defaultPolicy ? 2 : 0),
      n.findings ? n.findings.map((f) => [s(f.check), RISKS.indexOf(f.severity), f.message.split(SENTENCE_END).map(s), f.line ?? 0]) : 0,
      n.rules ? n.rules.map(rule) : 0,
      n.roleRef ? [s(n.roleRef.apiGroup), s(n.roleRef.kind), s(n.roleRef.name)] : 0,
      n.subjects ? n.subjects.map((x) => [s(x.kind), s(x.name), s(x.namespace), s(x.apiGroup)]) : 0,
    ]),
    edges: g.edges.map((e) => [
      at.get(e.source)!,
      at.get(e.target)!,
      EDGE_KINDS.indexOf(e.kind),
      e.verbs ? s(e.verbs.join(',')) : -1,
      RISKS.indexOf(e.risk),
      e.rules ?? 0,
      list(e.resourceNames),
    ]),
  };
}

export function decodeGraph(c: CompactGraph): GraphData {
  const { strings } = c;
  const list = (xs: S[] | 0): string[] | undefined => (xs === 0 ? undefined : xs.map((i) => strings[i]));
  // Rules share the lists they have in common, as edges share verbs (nothing mutates them).
  const lists = c.lists.map((xs) => xs.map((i) => strings[i]));
  const nodes = c.nodes.map((x) => decodeNode(x, strings, (i) => lists[i]));
  // Edges share the verb lists they have in common (nothing mutates them; views copy before merging).
  const verbLists = new Map<number, string[]>();
  const verbsOf = (i: number): string[] => {
    let v = verbLists.get(i);
    if (!v) verbLists.set(i, (v = strings[i].split(',')));
    return v;
  };
  const edges = c.edges.map(([from, to, kind, verbs, risk, rules, names]): GraphEdge => {
    const source = nodes[from].id;
    const target = nodes[to].id;
    const e: GraphEdge = { id: edgeId(source, target), source, target, kind: EDGE_KINDS[kind] };
    if (verbs >= 0) e.verbs = verbsOf(verbs);
    if (names) e.resourceNames = list(names);
    if (rules) e.rules = rules;
    if (risk > 0) e.risk = RISKS[risk];
    return e;
  });
  return { source: c.source, ...(c.sources ? { sources: c.sources } : {}), nodes, edges };
}

/** One node of a compact graph, by id (what the panel looks up when the webview names a node). */
export function graphNode(c: CompactGraph, id: string): GraphNode | undefined {
  const x = c.nodes.find((n) => n[0] === id);
  return x && decodeNode(x, c.strings, (i) => c.lists[i].map((j) => c.strings[j]));
}

function decodeNode(x: CompactNode, strings: readonly string[], listOf: (i: L) => string[]): GraphNode {
  const kind = KINDS[x[1]];
  const n: GraphNode = { id: x[0], kind, layer: LAYER_OF[kind], name: strings[x[2]], label: strings[x[3] < 0 ? x[2] : x[3]] };
  if (x[4] >= 0) n.namespace = strings[x[4]];
  if (x[5] >= 0) n.apiGroup = strings[x[5]];
  if (x[6] > 0) n.origin = ORIGINS[x[6]];
  if (x[7] >= 0) n.file = strings[x[7]];
  if (x[8]) n.line = x[8];
  if (x[10] & 1) n.missing = true;
  if (x[10] & 2) n.defaultPolicy = true;
  if (x[9] > 0) n.risk = RISKS[x[9]];
  if (x[11]) {
    n.findings = x[11].map(([check, severity, message, line]) => {
      const f: GraphFinding = { check: strings[check], severity: RISKS[severity]!, message: message.map((i) => strings[i]).join('') };
      if (line) f.line = line;
      return f;
    });
  }
  if (x[12]) {
    n.rules = x[12].map(([verbs, apiGroups, resources, names, urls, from]) => {
      const r: PolicyRule & { aggregatedFrom?: string } = { verbs: listOf(verbs) };
      if (apiGroups >= 0) r.apiGroups = listOf(apiGroups);
      if (resources >= 0) r.resources = listOf(resources);
      if (names >= 0) r.resourceNames = listOf(names);
      if (urls >= 0) r.nonResourceURLs = listOf(urls);
      if (from >= 0) r.aggregatedFrom = strings[from];
      return r;
    });
  }
  if (x[13]) n.roleRef = { apiGroup: strings[x[13][0]], kind: strings[x[13][1]], name: strings[x[13][2]] } satisfies RoleRef;
  if (x[14]) {
    n.subjects = x[14].map(([kind, name, ns, group]): Subject => {
      const sub: Subject = { kind: strings[kind], name: strings[name] };
      if (group >= 0) sub.apiGroup = strings[group];
      if (ns >= 0) sub.namespace = strings[ns];
      return sub;
    });
  }
  return n;
}
