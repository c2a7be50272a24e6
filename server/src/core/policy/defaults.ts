// The default cluster policy (the ClusterRoles, Roles and bindings a kube-apiserver reconciles at
// start-up), embedded from server/data/bootstrap-policy by scripts/gen-data.mjs. It is stored
// pre-parsed, so loading it costs a JSON decode rather than a YAML parse on every CLI call.
import { manifestsFromObjects, type ParsedFile } from '../manifest/parse';
import { policyFromManifests } from '../manifest/rbac';
import type { Policy } from '../rbac/types';
import { BOOTSTRAP_POLICY } from './bootstrap.generated';

export interface BootstrapFile {
  file: string;
  lineStarts: number[];
  objects: Array<{ start: number; end: number; value: unknown }>;
}

export interface DefaultPolicy {
  policy: Policy;
  /** The files (with line starts but no text), so that answers can point at a default object's line. */
  files: ParsedFile[];
}

/** The label the objects of the default policy carry, in kubeid's copy and in a cluster (the API server reconciles them). */
const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';

/** Whether an object (read from a cluster, typically) is one of the default policy's. */
export function isDefaultPolicyObject(o: { metadata: { labels?: Record<string, string> } }): boolean {
  return o.metadata.labels?.[BOOTSTRAP_LABEL] === 'rbac-defaults';
}

let cached: DefaultPolicy | undefined;

export function defaultPolicy(): DefaultPolicy {
  if (cached) return cached;
  const files: ParsedFile[] = [];
  const offsets = new Map<string, BootstrapFile['objects']>();
  for (const b of BOOTSTRAP_POLICY) {
    const name = `default-policy/${b.file}`;
    const parsed = manifestsFromObjects(
      b.objects.map((o) => o.value),
      name,
    );
    files.push({ ...parsed, lineStarts: b.lineStarts });
    offsets.set(name, b.objects);
  }
  const { policy, problems, objects } = policyFromManifests(files, { origin: 'default-policy' });
  if (problems.length) throw new Error(`the embedded default policy does not load: ${problems[0].message}`);
  for (const { object, manifest } of objects) {
    const at = offsets.get(manifest.file)?.[manifest.item ?? -1];
    if (at && object.source) Object.assign(object.source, { start: at.start, end: at.end });
  }
  cached = { policy, files };
  return cached;
}
