// Every custom message between the extension (client) and the language server, declared once.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { AccessSubject } from './core/access';
import type { CompactGraph } from './core/graph/compact';
import type { GraphSourceKind } from './core/graph/protocol';

export interface ServerStatus {
  /** "loading" while the workspace is read, then "ready". */
  state: 'loading' | 'ready';
  files: number;
  /** Counts of RBAC objects found in the workspace, by kind. */
  objects: Record<string, number>;
  /** Files or documents that could not be read (broken YAML, too large, binary...). */
  problems: number;
}

/** Server → client: the workspace model changed (sent after the first load and on every change). */
export const serverStatusNotification = new NotificationType<ServerStatus>('kubeid/serverStatus');

/** A subject of a binding, or a ServiceAccount, whose access is asked about. */
export type { AccessSubject };

export interface EffectivePermissionsParams {
  subject: AccessSubject;
  namespace: string;
}

export interface EffectivePermissionsResult {
  /** "ServiceAccount shop/web", "User alice", "a member of Group devs". */
  identity: string;
  namespace: string;
  /** The kubectl command that asks a cluster the same. */
  command: string;
  /** `kubectl auth can-i --list` rows, header first, and the same as text. */
  rows: string[][];
  table: string;
  warnings: string[];
  /** What the answer was evaluated over, in words ("offline (…)", or the live cluster with the workspace on top). */
  basis?: string;
}

/** Client → server: what a subject may do in a namespace, as `kubectl auth can-i --list` (the "Effective permissions" lens). */
export const effectivePermissionsRequest = new RequestType<EffectivePermissionsParams, EffectivePermissionsResult, void>(
  'kubeid/effectivePermissions',
);

export interface CanIParams {
  subject: AccessSubject;
  namespace: string;
  verb: string;
  /** TYPE[/NAME] as kubectl reads it (pods, deployments.apps/web), or a non-resource URL. */
  resource: string;
  subresource?: string;
}

export interface CanIResult {
  allowed: boolean;
  reason: string;
  command: string;
  warnings: string[];
}

/** Client → server: whether a subject may make one request, answered offline (the "Check access as …" lens). */
export const canIRequest = new RequestType<CanIParams, CanIResult, void>('kubeid/canI');

export interface AccessGraphParams {
  /** The workspace manifests on the default policy (the default), or the connected cluster's snapshot (the workspace, saying why, when none is connected). */
  source?: GraphSourceKind;
  /** The revision of the graph the client holds: the answer is null while that is still the graph to show. */
  known?: string;
}

/** A graph as the server answers it, in the form the webview takes: `revision` names it until its inputs or content change. */
export type AccessGraphResult = CompactGraph & { revision: string };

/**
 * Client → server: the access graph, coloured by the checks (the graph view); `sources` says which
 * is shown and whether a cluster can be; null when it is still the `known` one.
 */
export const accessGraphRequest = new RequestType<AccessGraphParams | null, AccessGraphResult | null, void>('kubeid/accessGraph');
export interface AuditParams {
  /** Longest escalation path searched (default 3). */
  hops?: number;
  /** What to audit: the workspace manifests (default), or the connected cluster's snapshot. */
  source?: 'workspace' | 'cluster';
}

/** Where a link of the report leads: a manifest at a line, or a live object of the connected cluster. */
export type AuditLink = { file: string; line?: number } | { kind: string; namespace?: string; name: string };

/** The client command the report's links run (command URIs); its one argument is the index of the link in AuditResult.links. */
export const OPEN_AUDIT_LINK_COMMAND = 'kubeid.openAuditLink';

/** One finding of the audit, where the object it is about is written (absent for objects in no workspace file). */
export interface AuditProblem {
  rule: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  message: string;
  file?: string;
  /** 1-based. */
  line?: number;
  managedBy?: string;
}

export interface AuditResult {
  /** The report as one self-contained HTML page (no script, no external resource; links are command URIs of OPEN_AUDIT_LINK_COMMAND). */
  html: string;
  problems: AuditProblem[];
  /** "8 errors, 1 warning, 4 infos" about what the workspace owns. */
  summary: string;
  /** What the links of the page open, by index. */
  links: AuditLink[];
  /** "the workspace", or "context NAME". */
  audited: string;
}

/** Client → server: the audit of the workspace manifests or the connected cluster (the "kubeid: Audit Access" command). */
export const auditRequest = new RequestType<AuditParams, AuditResult, void>('kubeid/audit');
// ---- Live cluster (issue 4): the language server holds the one connection; the extension asks it.

/** Sent by the client in initializationOptions: whether the workspace is trusted, and the kube context/namespace last picked. */
export interface KubeidInitializationOptions {
  trusted?: boolean;
  context?: string;
  namespace?: string;
}

/** Client → server: the workspace became trusted (VS Code only grants trust while running). */
export const workspaceTrustNotification = new NotificationType<{ trusted: boolean }>('kubeid/workspaceTrust');

export interface ClusterStatus {
  /** "off": no kubeconfig, or cluster access blocked (untrusted workspace); "partial": some kinds could not be read. */
  state: 'off' | 'loading' | 'ready' | 'partial' | 'error';
  context?: string;
  /** The cluster's name and server URL (credentials removed). */
  cluster?: { name: string; server: string };
  namespace?: string;
  /** The kubeconfig user of the context, and how it authenticates. */
  user?: string;
  auth?: string;
  /** Objects read, by kind (ClusterRole, Pod ...). */
  objects: Record<string, number>;
  /** Kinds that could not be read, and why (no credentials in reasons). */
  missing: Array<{ resource: string; reason: string }>;
  /** In words: the error, what a partial snapshot lacks, or why cluster access is off. */
  message?: string;
}

/** Server → client: the cluster connection changed (context, loading, loaded, partial, error, objects changed). */
export const clusterStatusNotification = new NotificationType<ClusterStatus>('kubeid/clusterStatus');

export interface KubeContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

export interface ContextsResult {
  contexts: KubeContext[];
  /** The context in use. */
  current?: string;
  /** Namespaces of the cluster in use (from the snapshot; empty when they could not be listed). */
  namespaces: string[];
  /** Why the list is empty (no kubeconfig, unreadable). */
  error?: string;
}

/** Client → server: the contexts of the kubeconfig (the context switcher). */
export const contextsRequest = new RequestType0<ContextsResult, void>('kubeid/contexts');

/** Client → server: use another context and/or namespace; answers once the new snapshot is loaded (or failed). */
export const switchContextRequest = new RequestType<{ context?: string; namespace?: string }, ClusterStatus, void>('kubeid/switchContext');

export interface WhoAmIResult {
  context: string;
  cluster: { name: string; server: string };
  kubeconfigUser: string;
  user: { name: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
  /** The API that answered, or the client certificate when SelfSubjectReview is unavailable. */
  via: string;
  /** How the kubeconfig authenticates, in words, and its kind (exec, token, client-certificate ...). */
  auth: { kind: string; description: string };
  /** A person using a long-lived credential. */
  warning?: string;
  namespace: string;
  /** SelfSubjectRulesReview in the namespace as `kubectl auth can-i --list` prints it: header first. */
  rules: string[][];
  /** Set when the rules may be incomplete (the server's authorizers cannot list every rule), with why. */
  rulesIncomplete?: string;
}

/** Client → server: who the current context is and what it may do in the namespace (the "Who Am I" view). */
export const whoamiRequest = new RequestType<{ namespace?: string }, WhoAmIResult, void>('kubeid/whoami');

export interface AccessMatrixParams {
  subject: AccessSubject;
  /** For a Group subject: the user impersonated as its member (default "someone", as the offline form's kubectl command). */
  asUser?: string;
  namespace: string;
  verbs?: string[];
  /** Also ask the same matrix for this identity, and return where the server's answers differ. */
  diffWith?: { subject: AccessSubject; asUser?: string };
  /** LSP work-done progress: reviews answered so far. */
  workDoneToken?: string | number;
}

export interface MatrixCellResult {
  verb: string;
  server: 'yes' | 'no' | 'error';
  /** The server's reason (or the error). */
  reason: string;
  kubeid?: 'yes' | 'no' | 'unknown';
  kubeidReason?: string;
  /** Set when server and kubeid disagree (or the review failed): the likely cause, and in words. */
  cause?: string;
  explanation?: string;
}

export interface AccessMatrixResult {
  /** "User jane", "ServiceAccount shop/web", "a member of Group devs". */
  identity: string;
  /** The identity as the API server builds it. */
  user: { name: string; groups: string[] };
  namespace: string;
  context: string;
  verbs: string[];
  rows: Array<{ resource: string; namespaced: boolean; cells: Array<MatrixCellResult | null> }>;
  /** Reviews not sent because the request was cancelled. */
  cancelled: number;
  /** What kubeid's side lacks (RBAC kinds it could not read), when it does. */
  missing?: string;
  /** The kubectl command that asks one cell the same way. */
  command: string;
  /** With diffWith: the other identity and the cells where the server answers it differently. */
  diff?: {
    identity: string;
    user: { name: string; groups: string[] };
    differences: Array<{ resource: string; verb: string; a: string; b: string }>;
  };
}

/** Client → server: what a subject may do, resources × verbs, as the API server answers (impersonated reviews) next to kubeid's reading of the snapshot. Cancellable. */
export const accessMatrixRequest = new RequestType<AccessMatrixParams, AccessMatrixResult, void>('kubeid/accessMatrix');

/** Client → server: what a subject may do in a namespace as the cluster answers (SelfSubjectRulesReview, impersonated): the live "Effective permissions". */
export const liveEffectivePermissionsRequest = new RequestType<EffectivePermissionsParams, EffectivePermissionsResult, void>(
  'kubeid/liveEffectivePermissions',
);

/** A live object of the connected cluster, by kind and name (namespace for namespaced kinds). */
export interface LiveObjectParams {
  kind: string;
  namespace?: string;
  name: string;
  /** Without server-set metadata and status, to compare with a manifest ("Compare with cluster"). */
  comparable?: boolean;
}

export interface LiveObjectResult {
  context: string;
  /** The object as YAML, without managedFields and the last-applied annotation. */
  text: string;
}

/** Client → server: a live object from the cluster snapshot (the read-only `kubeid-live:` documents). Fails with a message when not connected or not there. */
export const liveObjectRequest = new RequestType<LiveObjectParams, LiveObjectResult, void>('kubeid/liveObject');

/** The URI scheme of read-only live objects: kubeid-live:/KIND/NAME.yaml or kubeid-live:/KIND/NAMESPACE/NAME.yaml. */
export const LIVE_SCHEME = 'kubeid-live';

/** The comparable form (LiveObjectParams.comparable) has the query `comparable`. */
export function liveObjectUri(p: LiveObjectParams): string {
  const parts = [p.kind, ...(p.namespace ? [p.namespace] : []), `${p.name}.yaml`].map(encodeURIComponent);
  return `${LIVE_SCHEME}:/${parts.join('/')}${p.comparable ? '?comparable' : ''}`;
}

/** The object a `kubeid-live:` URI's path and query name, or undefined. */
export function liveObjectOf(path: string, query = ''): LiveObjectParams | undefined {
  const parts = path.replace(/^\//, '').split('/').map(decodeURIComponent);
  const last = parts.pop();
  if (!last?.endsWith('.yaml') || parts.length < 1 || parts.length > 2) return undefined;
  const [kind, namespace] = parts;
  return {
    kind,
    ...(namespace ? { namespace } : {}),
    name: last.slice(0, -'.yaml'.length),
    ...(query === 'comparable' ? { comparable: true } : {}),
  };
}
