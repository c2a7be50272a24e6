// A set of manifests made ready for questions: parsed files, the policy they define (on top of the
// default cluster policy unless left out), the evaluator, and the catalogue with their CRDs.
import { Catalogue, resourcesFromCrd } from '../catalogue/catalogue';
import { loadManifestPaths, type LoadOptions } from '../manifest/load';
import { positionAt, type ManifestProblem, type ParsedFile } from '../manifest/parse';
import { policyFromManifests, type PolicyFromManifests } from '../manifest/rbac';
import { workloadsFromFiles, type Workload } from '../manifest/workloads';
import { RbacEvaluator } from '../rbac/evaluator';
import type { Policy, SourceRef } from '../rbac/types';
import { defaultPolicy } from './defaults';
import { mergePolicies } from './merge';

export interface WorkspaceOptions {
  /** Include the default cluster policy (default true). */
  defaults?: boolean;
  /** Namespace of namespaced objects that name none (default "default", as kubectl apply). */
  defaultNamespace?: string;
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
}

/** Problems that make the input unreadable, as opposed to warnings about single fields. */
export function isReadError(p: ManifestProblem): boolean {
  return p.code !== 'invalid-field';
}

export function buildWorkspace(files: ParsedFile[], opts: WorkspaceOptions = {}): Workspace {
  const own = policyFromManifests(files, { origin: 'workspace', defaultNamespace: opts.defaultNamespace });
  const defaults = opts.defaults === false ? undefined : defaultPolicy();
  const policy = defaults ? mergePolicies(defaults.policy, own.policy) : own.policy;
  const crds = files.flatMap((f) =>
    f.manifests.filter((m) => m.kind === 'CustomResourceDefinition' && m.apiVersion.startsWith('apiextensions.k8s.io/')),
  );
  const catalogue = crds.length ? Catalogue.builtin().withResources(crds.flatMap((m) => resourcesFromCrd(m.value))) : Catalogue.builtin();
  const byFile = new Map([...(defaults?.files ?? []), ...files].map((f) => [f.file, f]));
  return {
    files,
    problems: [...files.flatMap((f) => f.problems), ...own.problems],
    own: own.policy,
    objects: own.objects,
    policy,
    evaluator: new RbacEvaluator(policy),
    catalogue,
    workloads: workloadsFromFiles(files, { defaultNamespace: opts.defaultNamespace }),
    locate(source) {
      if (!source?.file || source.start === undefined) return undefined;
      const f = byFile.get(source.file);
      if (!f) return { file: source.file, line: 0, column: 0 };
      const p = positionAt(f.lineStarts, source.start);
      return { file: source.file, line: p.line + 1, column: p.character + 1 };
    },
  };
}

export async function loadWorkspace(paths: string[], opts: WorkspaceOptions & LoadOptions = {}): Promise<Workspace> {
  return buildWorkspace(await loadManifestPaths(paths, opts), opts);
}
