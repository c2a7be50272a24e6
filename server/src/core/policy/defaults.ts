// The default cluster policy (the ClusterRoles, Roles and bindings a kube-apiserver reconciles at
// start-up), embedded from server/data/bootstrap-policy by scripts/gen-data.mjs.
import { parseManifestText } from '../manifest/parse';
import { policyFromManifests } from '../manifest/rbac';
import type { ParsedFile } from '../manifest/parse';
import type { Policy } from '../rbac/types';
import { BOOTSTRAP_POLICY_FILES } from './bootstrap.generated';

export interface DefaultPolicy {
  policy: Policy;
  /** The parsed files, so that answers can point at the line of a default object. */
  files: ParsedFile[];
}

let cached: DefaultPolicy | undefined;

export function defaultPolicy(): DefaultPolicy {
  if (!cached) {
    const files = Object.entries(BOOTSTRAP_POLICY_FILES).map(([name, text]) => parseManifestText(text, `default-policy/${name}`));
    const { policy, problems } = policyFromManifests(files, { origin: 'default-policy' });
    if (problems.length) throw new Error(`the embedded default policy does not load: ${problems[0].message}`);
    cached = { policy, files };
  }
  return cached;
}
