// The checks framework: one check per file behind this small interface. A check reads the
// workspace's RBAC objects with their manifests and reports findings at exact source spans.
import type { Manifest, ParsedFile, Span } from '../manifest/parse';
import type { Workload } from '../manifest/workloads';
import type { ClusterRole, Policy, RbacObject, Role } from '../rbac/types';
import { buildWorkspace, type Workspace, type WorkspaceOptions } from '../policy/workspace';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Related {
  file: string;
  span: Span;
  message: string;
}

export interface Finding {
  check: string;
  severity: Severity;
  message: string;
  file: string;
  span: Span;
  related?: Related[];
  /** A one-edit fix the check knows (the "did you mean" of a misspelling). */
  fix?: Fix;
}

/** The text at `span` becomes `replacement` (YAML text, quoted as needed). */
export interface Fix {
  span: Span;
  replacement: string;
  title: string;
}

export interface CheckContext {
  workspace: Workspace;
  /**
   * The objects to report on: every RBAC object of the workspace (never of the default policy) with
   * its manifest, or some of them when only their findings are recomputed (incremental.ts). Checks
   * look other objects up in `workspace` (workspace.objects holds them all).
   */
  objects: Array<{ object: RbacObject; manifest: Manifest }>;
  /** The workloads to report on: every one of the workspace, or some of them as `objects`. */
  workloads: Workload[];
  /** The live cluster's objects references may name, when kubeid is connected (filled by the language server). */
  cluster?: ClusterRefs;
}

/** What the reference checks and completion look up in the connected cluster's snapshot. */
export interface ClusterRefs {
  /** The kube context, named in messages. */
  context: string;
  role(namespace: string, name: string): Role | undefined;
  clusterRole(name: string): ClusterRole | undefined;
  serviceAccount(namespace: string, name: string): boolean;
  rolesIn(namespace: string): Role[];
  clusterRoles(): ClusterRole[];
  /** Kinds read in full: a name not found among a kind the cluster refused to list may still exist there. */
  complete: { roles: boolean; clusterRoles: boolean; serviceAccounts: boolean };
  /** The cluster's RBAC objects, as the engine reads them (for live effective permissions). */
  policy: Policy;
  /** The live RBAC object of a kind, namespace ("" for cluster-scoped) and name, decoded as the workspace's are (for drift). */
  object(kind: RbacObject['kind'], namespace: string, name: string): RbacObject | undefined;
  /** The live object as the API server listed it, for any kind the snapshot holds (the read-only live document). */
  raw(kind: string, namespace: string, name: string): Record<string, unknown> | undefined;
}

export interface Check {
  id: string;
  /** Default severity; a finding may carry a lower one (e.g. a hint next to the errors). */
  severity: Severity;
  /** One line, for the README table. */
  summary: string;
  run(ctx: CheckContext): Finding[];
}

/** `previous`: the context of an earlier version of the same files, reused where it can be (buildWorkspace). */
export function contextFor(files: ParsedFile[], opts: WorkspaceOptions = {}, previous?: CheckContext): CheckContext {
  return workspaceContext(buildWorkspace(files, opts, previous?.workspace));
}

/** The context that reports on every object and workload of a workspace. */
export function workspaceContext(workspace: Workspace): CheckContext {
  return { workspace, objects: workspace.objects, workloads: workspace.workloads };
}
