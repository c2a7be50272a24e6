// The access graph as data, and every message between a host (the extension, or the page that
// `kubeid graph -o graph.html` writes) and the graph webview. Plain types and one validator: the
// client, the server, the CLI and the webview bundle all import this one module.
import type { Severity } from '../checks/check';
import type { PolicyRule, RoleRef, Subject } from '../rbac/types';
import type { CompactGraph } from './compact';

/** Columns of the layered layout, left to right. */
export const LAYERS = ['subject', 'binding', 'role', 'resource'] as const;
export type Layer = (typeof LAYERS)[number];

export type NodeKind =
  | 'User'
  | 'Group'
  | 'ServiceAccount'
  | 'RoleBinding'
  | 'ClusterRoleBinding'
  | 'Role'
  | 'ClusterRole'
  | 'Resource'
  | 'NonResourceURL'
  /** A collapsed API group standing for its resources (made by the view, never by the builder). */
  | 'ApiGroup';

export const SUBJECT_KINDS = ['User', 'Group', 'ServiceAccount'] as const;

/** Worst first. */
const RISK_ORDER: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

export interface GraphFinding {
  check: string;
  severity: Severity;
  message: string;
  line?: number;
}

export interface GraphNode {
  /** Stable: `ClusterRole:view`, `RoleBinding:shop/web`, `ServiceAccount:shop/web`, `Resource:apps/deployments`. */
  id: string;
  kind: NodeKind;
  layer: Layer;
  name: string;
  /** What the view shows: the name, with the namespace for namespaced objects. */
  label: string;
  namespace?: string;
  /** Resources: the API group ("" = core). */
  apiGroup?: string;
  /** Where the object was read; absent for subjects only named by bindings and for resources. */
  origin?: 'workspace' | 'default-policy' | 'cluster';
  /** Part of the default cluster policy: kubeid's copy of it, or a cluster's own (its objects carry the label kubernetes.io/bootstrapping=rbac-defaults). */
  defaultPolicy?: boolean;
  file?: string;
  line?: number;
  /** A role a binding names that does not exist, or a ServiceAccount with no manifest. */
  missing?: boolean;
  /** The worst finding on the object (its edges carry their own). */
  risk?: Severity;
  findings?: GraphFinding[];
  /** Roles: their rules (after aggregation), each with the ClusterRole it was aggregated from. */
  rules?: Array<PolicyRule & { aggregatedFrom?: string }>;
  /** Bindings: the role they name and their subjects. */
  roleRef?: RoleRef;
  subjects?: Subject[];
}

export type EdgeKind = 'subject' | 'roleRef' | 'grants';

export interface GraphEdge {
  /** `SOURCE->TARGET` */
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  /** Grants: the verbs of the rules that name the resource. */
  verbs?: string[];
  /** Grants: limited to these object names. */
  resourceNames?: string[];
  /** Grants: indexes of the role's rules behind this edge. */
  rules?: number[];
  risk?: Severity;
}

/** Where a graph comes from: the workspace manifests, or a live cluster's snapshot. */
export type GraphSourceKind = 'workspace' | 'cluster';

export interface GraphSources {
  /** What the graph shows. */
  shown: GraphSourceKind;
  /** The connected kube context: the cluster's graph can be shown (or is). */
  context?: string;
  /** The context's namespace, where "Check access" asks about users and groups. */
  namespace?: string;
  /** The cluster's graph: what could not be read (a partial snapshot), so grants may be missing. */
  incomplete?: string;
  /** The cluster was asked for and the workspace is shown instead: why. */
  fallback?: string;
}

export interface GraphData {
  /** What the graph was built from, for the title. */
  source: string;
  /** Which source is shown and which others the host can show; absent for a graph of manifests alone. */
  sources?: GraphSources;
  /**
   * Roles carry their rules and bindings their roleRef and subjects: the nodes hold the whole
   * policy, so the view asks the RBAC engine itself (policyOfGraph) with or without a host.
   */
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** One step of a path that allows a request. */
export interface PathStep {
  from: string;
  to: string;
  label: string;
}

export interface AccessPath {
  subject: string;
  /** Node ids, subject first. */
  nodes: string[];
  steps: PathStep[];
  /** One line: "allowed by ClusterRoleBinding … of ClusterRole … to Group …". */
  summary: string;
}

export interface QueryResult {
  request: string;
  paths: AccessPath[];
  warnings: string[];
  error?: string;
}

// ---- host ↔ webview ----

export type HostToWebview =
  /** The graph in its compact form (decodeGraph): a large cluster's graph is under a third of the size. */
  | { type: 'graph'; data: CompactGraph }
  /** Select and focus a node (e.g. "Show in Access Graph" from a code lens). */
  | { type: 'reveal'; nodeId: string }
  | { type: 'error'; message: string };

export type ExportFormat = 'svg' | 'png';

export type WebviewToHost =
  | { type: 'ready' }
  /** Open the manifest of a node, or the live object of a cluster's node, resolved by the host from the data it sent. */
  | { type: 'open'; nodeId: string }
  /** "Check access as this subject": the host opens the access matrix (connected) or kubeid's own answer. */
  | { type: 'checkAccess'; nodeId: string }
  /** Show the graph of another source. */
  | { type: 'source'; source: GraphSourceKind }
  /** Save an export: SVG text, or a PNG as base64. */
  | { type: 'export'; format: ExportFormat; data: string };

/** How the self-contained page encodes the graph's JSON in its element #kubeid-graph-data (core/graph/page.ts). */
export const GRAPH_DATA_ENCODING = 'gzip+base64';

/** Exports larger than this are refused: a view of a few thousand nodes is far smaller. */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;
const MAX_ID_CHARS = 2048;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function hasOnly(o: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(o).every((k) => keys.includes(k));
}

/**
 * The message if it is exactly one of WebviewToHost (no extra fields, sizes bounded), else undefined.
 * The webview runs data from manifests; the host trusts nothing it posts.
 */
export function parseWebviewMessage(x: unknown): WebviewToHost | undefined {
  if (!isPlainObject(x)) return undefined;
  switch (x.type) {
    case 'ready':
      return hasOnly(x, ['type']) ? { type: 'ready' } : undefined;
    case 'open':
    case 'checkAccess':
      return hasOnly(x, ['type', 'nodeId']) && typeof x.nodeId === 'string' && x.nodeId.length > 0 && x.nodeId.length <= MAX_ID_CHARS
        ? { type: x.type, nodeId: x.nodeId }
        : undefined;
    case 'source':
      return hasOnly(x, ['type', 'source']) && (x.source === 'workspace' || x.source === 'cluster')
        ? { type: 'source', source: x.source }
        : undefined;
    case 'export':
      return hasOnly(x, ['type', 'format', 'data']) &&
        (x.format === 'svg' || x.format === 'png') &&
        typeof x.data === 'string' &&
        x.data.length <= MAX_EXPORT_CHARS &&
        (x.format === 'svg' ? x.data.trimStart().startsWith('<svg') : /^[A-Za-z0-9+/]*={0,2}$/.test(x.data))
        ? { type: 'export', format: x.format, data: x.data }
        : undefined;
    default:
      return undefined;
  }
}

/** Severity order: negative when a is worse than b. Undefined (no finding) is the mildest. */
export function compareRisk(a: Severity | undefined, b: Severity | undefined): number {
  const rank = (s: Severity | undefined) => (s === undefined ? RISK_ORDER.length : RISK_ORDER.indexOf(s));
  return rank(a) - rank(b);
}

export function worstRisk(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  return compareRisk(a, b) <= 0 ? a : b;
}
