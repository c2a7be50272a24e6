// A set of manifests made ready for questions: parsed files, the policy they define (on top of the
// default cluster policy unless left out), the evaluator, and the catalogue with their CRDs.
import { Catalogue, resourcesFromCrd, type ApiResource } from '../catalogue/catalogue';
import { loadManifestPaths, type LoadOptions } from '../manifest/load';
import { movedFrom } from '../manifest/incremental';
import { makeProblem, positionAt, type Manifest, type ManifestProblem, type ParsedFile } from '../manifest/parse';
import { emptyPolicy, policyFromManifests, type PolicyFromManifests } from '../manifest/rbac';
import { isWorkloadKind, movedWorkload, workloadOf, type Workload } from '../manifest/workloads';
import { RbacEvaluator } from '../rbac/evaluator';
import type { Policy, RbacObject, SourceRef } from '../rbac/types';
import { defaultPolicy } from './defaults';
import { mergePolicies } from './merge';

export interface WorkspaceOptions {
  /** Include the default cluster policy (default true). */
  defaults?: boolean;
  /** Namespace of namespaced objects that name none (default "default", as kubectl apply). */
  defaultNamespace?: string;
  /** The connected cluster's discovery (its CRDs and aggregated APIs), added to the built-in catalogue. */
  discovered?: readonly ApiResource[];
}

export interface Location {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
}

export interface Workspace {
  files: ParsedFile[];
  /** Problems reading the manifests: unreadable files, broken YAML, fields of the wrong type. */
  problems: ManifestProblem[];
  /** The objects of the manifests alone. */
  own: Policy;
  /** The same objects, each with the manifest it was read from. */
  objects: PolicyFromManifests['objects'];
  /** What the evaluator sees: the default policy (unless left out) with the manifests applied on top. */
  policy: Policy;
  evaluator: RbacEvaluator;
  catalogue: Catalogue;
  /** The objects of the manifests that run pods, with their service account fields. */
  workloads: Workload[];
  locate(source: SourceRef | undefined): Location | undefined;
  /** The manifest a workspace object was read from (none for the default policy's objects). */
  manifestOf(source: SourceRef | undefined): Manifest | undefined;
}

/** Problems that make the input unreadable, as opposed to warnings about single fields. */
export function isReadError(p: ManifestProblem): boolean {
  return p.code !== 'invalid-field';
}

/**
 * What one file contributes, kept per parsed file, and its RBAC objects per manifest: the language
 * server rebuilds the workspace on every edit, and an edit changes a few documents of one file.
 */
interface FileObjects {
  defaultNamespace: string | undefined;
  own: PolicyFromManifests;
  workloads: Workload[];
}

type Decoded = Pick<PolicyFromManifests, 'objects' | 'problems'> & { defaultNamespace: string | undefined };

const perFile = new WeakMap<ParsedFile, FileObjects>();
const perManifest = new WeakMap<Manifest, Decoded>();
const perWorkload = new WeakMap<Manifest, { defaultNamespace: string | undefined; workload: Workload | undefined }>();

function objectsOf(f: ParsedFile, defaultNamespace: string | undefined): FileObjects {
  let o = perFile.get(f);
  if (!o || o.defaultNamespace !== defaultNamespace) {
    const own: PolicyFromManifests = { policy: emptyPolicy(), problems: [], objects: [] };
    const workloads: Workload[] = [];
    for (const m of f.manifests) {
      if (isWorkloadKind(m.kind)) {
        const w = decodedWorkload(m, defaultNamespace);
        if (w) workloads.push(w);
        continue;
      }
      if (!Object.hasOwn(POLICY_LIST, m.kind)) continue; // what policyFromManifests decodes
      const d = decoded(f, m, defaultNamespace);
      own.problems.push(...d.problems);
      for (const e of d.objects) {
        own.objects.push(e);
        (own.policy[POLICY_LIST[e.object.kind]] as RbacObject[]).push(e.object);
      }
    }
    o = { defaultNamespace, own, workloads };
    perFile.set(f, o);
  }
  return o;
}

/** The RBAC objects of one manifest; those of a moved copy (manifest/incremental.ts) are the original's, moved. */
function decoded(f: ParsedFile, m: Manifest, defaultNamespace: string | undefined): Decoded {
  const hit = perManifest.get(m);
  if (hit && hit.defaultNamespace === defaultNamespace) return hit;
  const moved = movedFrom(m);
  const before = moved && perManifest.get(moved.from);
  let out: Decoded;
  if (moved && before && before.defaultNamespace === defaultNamespace) {
    const d = moved.delta;
    out = { defaultNamespace, objects: [], problems: [] };
    for (const { object } of before.objects) {
      const source = object.source && { ...object.source, start: (object.source.start ?? 0) + d, end: (object.source.end ?? 0) + d };
      out.objects.push({ object: { ...object, source }, manifest: m });
    }
    for (const p of before.problems) {
      out.problems.push(makeProblem(f.file, f.lineStarts, p.code, p.message, p.span && { start: p.span.start + d, end: p.span.end + d }));
    }
  } else {
    out = { defaultNamespace, ...policyFromManifests([{ ...f, manifests: [m] }], { origin: 'workspace', defaultNamespace }) };
  }
  perManifest.set(m, out);
  return out;
}

/** The workload of one manifest (workloadOf); that of a moved copy is the original's, moved. */
function decodedWorkload(m: Manifest, defaultNamespace: string | undefined): Workload | undefined {
  const hit = perWorkload.get(m);
  if (hit && hit.defaultNamespace === defaultNamespace) return hit.workload;
  const moved = movedFrom(m);
  const before = moved && perWorkload.get(moved.from);
  const out =
    moved && before && before.defaultNamespace === defaultNamespace
      ? before.workload && movedWorkload(before.workload, m, moved.delta)
      : workloadOf(m, { defaultNamespace });
  perWorkload.set(m, { defaultNamespace, workload: out });
  return out;
}

const POLICY_LIST: Record<RbacObject['kind'], keyof Policy> = {
  Role: 'roles',
  ClusterRole: 'clusterRoles',
  RoleBinding: 'roleBindings',
  ClusterRoleBinding: 'clusterRoleBindings',
  ServiceAccount: 'serviceAccounts',
};

function append(to: PolicyFromManifests, from: PolicyFromManifests): void {
  to.problems.push(...from.problems);
  to.objects.push(...from.objects);
  for (const k of Object.keys(to.policy) as Array<keyof Policy>) (to.policy[k] as RbacObject[]).push(...from.policy[k]);
}

/** The last catalogue with the workspace's CRDs, by their content, and the cluster's discovery: they rarely change between two edits. */
let lastCatalogue: { key: string; discovered?: readonly ApiResource[]; catalogue: Catalogue } | undefined;

/** The built-in resources, then the cluster's (a cluster may serve resources of other versions), then the workspace's CRDs. */
function catalogueWith(crds: Manifest[], discovered: readonly ApiResource[] | undefined): Catalogue {
  if (!crds.length && !discovered?.length) return Catalogue.builtin();
  const key = JSON.stringify(crds.map((m) => m.value));
  if (lastCatalogue?.key !== key || lastCatalogue.discovered !== discovered) {
    const extra = [...(discovered ?? []), ...crds.flatMap((m) => resourcesFromCrd(m.value))];
    lastCatalogue = { key, discovered, catalogue: Catalogue.builtin().withResources(extra) };
  }
  return lastCatalogue.catalogue;
}

const crdsOf = new WeakMap<ParsedFile, Manifest[]>();

function crds(f: ParsedFile): Manifest[] {
  let out = crdsOf.get(f);
  if (!out) {
    out = f.manifests.filter((m) => m.kind === 'CustomResourceDefinition' && m.apiVersion.startsWith('apiextensions.k8s.io/'));
    crdsOf.set(f, out);
  }
  return out;
}

/**
 * `previous`: the workspace of an earlier version of the same files (the language server's last
 * analysis), whose merged policy and evaluator are reused where the edit allows (merge.ts, evaluator.ts).
 */
export function buildWorkspace(files: ParsedFile[], opts: WorkspaceOptions = {}, previous?: Workspace): Workspace {
  const parts = files.map((f) => objectsOf(f, opts.defaultNamespace));
  const own: PolicyFromManifests = { policy: emptyPolicy(), problems: [], objects: [] };
  for (const p of parts) append(own, p.own);
  const defaults = opts.defaults === false ? undefined : defaultPolicy();
  const policy = defaults ? mergePolicies(defaults.policy, own.policy, previous?.policy) : own.policy;
  let byFile: Map<string, ParsedFile> | undefined; // read by few questions: built on the first
  const fileOf = (path: string): ParsedFile | undefined =>
    (byFile ??= new Map([...(defaults?.files ?? []), ...files].map((f) => [f.file, f]))).get(path);
  return {
    files,
    problems: [...files.flatMap((f) => f.problems), ...own.problems],
    own: own.policy,
    objects: own.objects,
    policy,
    evaluator: new RbacEvaluator(policy, {}, previous?.evaluator),
    catalogue: catalogueWith(files.flatMap(crds), opts.discovered),
    workloads: parts.flatMap((p) => p.workloads),
    locate(source) {
      if (!source?.file || source.start === undefined) return undefined;
      const f = fileOf(source.file);
      if (!f) return { file: source.file, line: 0, column: 0 };
      const p = positionAt(f.lineStarts, source.start);
      return { file: source.file, line: p.line + 1, column: p.character + 1 };
    },
    manifestOf(source) {
      if (source?.origin !== 'workspace' || !source.file || source.start === undefined) return undefined;
      // A file's manifests are in text order: the last one starting at or before the place is the only candidate.
      const manifests = fileOf(source.file)?.manifests ?? [];
      let [lo, hi] = [0, manifests.length - 1];
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (manifests[mid].span.start <= source.start) lo = mid;
        else hi = mid - 1;
      }
      const m = manifests[lo];
      return m?.span.start === source.start ? m : undefined;
    },
  };
}

export async function loadWorkspace(paths: string[], opts: WorkspaceOptions & LoadOptions = {}): Promise<Workspace> {
  return buildWorkspace(await loadManifestPaths(paths, opts), opts);
}
