// Every custom message between the extension (client) and the language server, declared once.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { AccessSubject } from './core/access';
import type { GraphData } from './core/graph/protocol';

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

/** Client → server: the access graph of the workspace manifests on the default policy, coloured by the checks (the graph view). */
export const accessGraphRequest = new RequestType0<GraphData, void>('kubeid/accessGraph');
export interface AuditParams {
  /** Longest escalation path searched (default 3). */
  hops?: number;
}

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
  /** The report as one self-contained HTML page (no script, no external resource). */
  html: string;
  problems: AuditProblem[];
  /** "8 errors, 1 warning, 4 infos" about what the workspace owns. */
  summary: string;
}

/** Client → server: the audit of the workspace manifests (the "kubeid: Audit Access" command). */
export const auditRequest = new RequestType<AuditParams, AuditResult, void>('kubeid/audit');
