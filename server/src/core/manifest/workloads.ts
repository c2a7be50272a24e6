// The objects that run pods (Pods and the controllers with a pod template), with the service
// account fields of their pod spec, positioned, and the API server's rules for which account a
// pod runs as and whether it gets a token.
import type { ServiceAccount } from '../rbac/types';
import type { Manifest, ParsedFile, Span, YEntry, YMap } from './parse';
import { nodeAt } from './parse';

export type WorkloadKind = 'Pod' | 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'ReplicationController';

const TEMPLATE = ['spec', 'template', 'spec'];
/** apiVersion and pod spec path of each kind, as served by current API servers. */
const KINDS: Record<WorkloadKind, { apiVersion: string; path: readonly string[] }> = {
  Pod: { apiVersion: 'v1', path: ['spec'] },
  ReplicationController: { apiVersion: 'v1', path: TEMPLATE },
  Deployment: { apiVersion: 'apps/v1', path: TEMPLATE },
  ReplicaSet: { apiVersion: 'apps/v1', path: TEMPLATE },
  StatefulSet: { apiVersion: 'apps/v1', path: TEMPLATE },
  DaemonSet: { apiVersion: 'apps/v1', path: TEMPLATE },
  Job: { apiVersion: 'batch/v1', path: TEMPLATE },
  CronJob: { apiVersion: 'batch/v1', path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
};

/** A scalar field of the pod spec as written: its value, its key and both positions. */
export interface PodSpecField<T> {
  /** The key as written: `serviceAccount` for the deprecated alias of serviceAccountName. */
  key: string;
  value: T;
  span: Span;
  keySpan: Span;
}

export interface Workload {
  kind: WorkloadKind;
  name: string;
  /** metadata.namespace, or the default namespace ("default", as kubectl apply) when none is written. */
  namespace: string;
  /** Whether metadata.namespace is written; if not, the namespace is chosen when the object is applied. */
  namespaceWritten: boolean;
  file: string;
  manifest: Manifest;
  /** Field path of the pod spec in the manifest. */
  podSpecPath: readonly string[];
  /** The pod spec; undefined when the object has none (or it is not a map). */
  podSpec?: YMap;
  /** The key of the pod spec (`spec:`), when written. */
  podSpecKey?: Span;
  /** The account named: serviceAccountName, or else the deprecated serviceAccount. Empty names are absent. */
  serviceAccountName?: PodSpecField<string>;
  automountServiceAccountToken?: PodSpecField<boolean>;
}

export interface WorkloadOptions {
  /** Namespace of workloads that name none (default "default", as for the RBAC objects). */
  defaultNamespace?: string;
}

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return Object.prototype.hasOwnProperty.call(KINDS, kind);
}

export function workloadsFromFiles(files: readonly ParsedFile[], opts: WorkloadOptions = {}): Workload[] {
  const out: Workload[] = [];
  for (const file of files) for (const m of file.manifests) if (isWorkloadKind(m.kind)) addWorkload(out, m, opts);
  return out;
}

/** The workload of one manifest, or undefined for other kinds and versions. */
export function workloadOf(m: Manifest, opts: WorkloadOptions = {}): Workload | undefined {
  const out: Workload[] = [];
  if (isWorkloadKind(m.kind)) addWorkload(out, m, opts);
  return out[0];
}

function addWorkload(out: Workload[], m: Manifest, opts: WorkloadOptions): void {
  const kind = m.kind as WorkloadKind;
  const { apiVersion, path } = KINDS[kind];
  if (m.apiVersion !== apiVersion) return;
  const root = m.node; // built on each access for cluster objects: read once
  const w: Workload = {
    kind,
    name: m.name,
    namespace: m.namespace || opts.defaultNamespace || 'default',
    namespaceWritten: !!m.namespace,
    file: m.file,
    manifest: m,
    podSpecPath: path,
  };
  const entry = podSpecEntry(root, path);
  if (entry) w.podSpecKey = entry.keySpan;
  if (entry?.value.type === 'map') {
    const spec = entry.value;
    w.podSpec = spec;
    // Convert_v1_PodSpec_To_core_PodSpec: the deprecated serviceAccount fills an empty serviceAccountName.
    const sa = field<string>(spec, 'serviceAccountName', 'string') ?? field<string>(spec, 'serviceAccount', 'string');
    if (sa) w.serviceAccountName = sa;
    const automount = field<boolean>(spec, 'automountServiceAccountToken', 'boolean');
    if (automount) w.automountServiceAccountToken = automount;
  }
  out.push(w);
}

/**
 * The workload of `m`, a copy of the manifest of `w` moved by `d` (manifest/incremental.ts): its
 * places moved; its pod spec is read from the moved tree when asked for (most moved workloads are
 * never asked: reading it would copy the tree).
 */
export function movedWorkload(w: Workload, m: Manifest, d: number): Workload {
  const shift = (s: Span): Span => ({ start: s.start + d, end: s.end + d });
  const out: Workload = {
    kind: w.kind,
    name: w.name,
    namespace: w.namespace,
    namespaceWritten: w.namespaceWritten,
    file: m.file,
    manifest: m,
    podSpecPath: w.podSpecPath,
  };
  if (w.podSpecKey) out.podSpecKey = shift(w.podSpecKey);
  // `in`, not w.podSpec: that of a moved workload is a getter, which would copy its tree.
  if ('podSpec' in w) {
    let spec: YMap | undefined;
    Object.defineProperty(out, 'podSpec', { enumerable: true, get: () => (spec ??= podSpecEntry(m.node, w.podSpecPath)!.value as YMap) });
  }
  const { serviceAccountName: sa, automountServiceAccountToken: automount } = w;
  if (sa) out.serviceAccountName = { ...sa, span: shift(sa.span), keySpan: shift(sa.keySpan) };
  if (automount) out.automountServiceAccountToken = { ...automount, span: shift(automount.span), keySpan: shift(automount.keySpan) };
  return out;
}

function podSpecEntry(root: YMap, path: readonly string[]): YEntry | undefined {
  const parent = nodeAt(root, path.slice(0, -1));
  return parent?.type === 'map' ? lastEntry(parent, path[path.length - 1]) : undefined;
}

function lastEntry(map: YMap, key: string): YMap['entries'][number] | undefined {
  for (let i = map.entries.length - 1; i >= 0; i--) if (map.entries[i].key === key) return map.entries[i];
  return undefined;
}

/** A set field of that type; "" and null count as unset, as in Go; other types are left out. */
function field<T extends string | boolean>(map: YMap, key: string, type: 'string' | 'boolean'): PodSpecField<T> | undefined {
  const e = lastEntry(map, key);
  if (!e || e.value.type !== 'scalar' || typeof e.value.value !== type || e.value.value === '') return undefined;
  return { key, value: e.value.value as T, span: e.value.span, keySpan: e.keySpan };
}

/** The account the pod runs as: the ServiceAccount admission plugin sets `default` when none is named. */
export function serviceAccountOf(w: Workload): string {
  return w.serviceAccountName?.value ?? 'default';
}

export interface TokenMount {
  mounted: boolean;
  /** What decided: the pod spec's field, the ServiceAccount's field, or the default (mounted). */
  by: 'pod' | 'service-account' | 'default';
}

/**
 * Whether the API token is mounted (ServiceAccount admission plugin): the pod spec's
 * automountServiceAccountToken when set, else the ServiceAccount's when set, else true.
 */
export function tokenMount(w: Workload, sa: ServiceAccount | undefined): TokenMount {
  if (w.automountServiceAccountToken) return { mounted: w.automountServiceAccountToken.value, by: 'pod' };
  if (sa?.automountServiceAccountToken !== undefined) return { mounted: sa.automountServiceAccountToken, by: 'service-account' };
  return { mounted: true, by: 'default' };
}
