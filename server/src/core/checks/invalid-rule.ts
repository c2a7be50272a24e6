// PolicyRule validation (ValidatePolicyRule, spec §10): what makes the API server reject a Role
// or ClusterRole because of one of its rules.
import type { Manifest } from '../manifest/parse';
import { ApiIndex } from './api';
import type { Check, CheckContext, Finding } from './check';
import { invalid, required } from './fields';
import { findingAt, type Path } from './locate';
import { names, rejects } from './messages';
import { isRoleKind, roleRules, type RuleView } from './read';

const ID = 'invalid-rule';

export const invalidRule: Check = {
  id: ID,
  severity: 'error',
  summary: 'A rule the API server rejects: no verbs, no apiGroups or resources, or non-resource URLs where they are not allowed',
  run(ctx: CheckContext): Finding[] {
    const api = ApiIndex.of(ctx.workspace.catalogue);
    return ctx.objects.flatMap(({ manifest }) =>
      isRoleKind(manifest.kind) ? roleRules(ctx, manifest).flatMap((r) => ruleFindings(manifest, r, api)) : [],
    );
  },
};

function ruleFindings(m: Manifest, r: RuleView, api: ApiIndex): Finding[] {
  const out: Finding[] = [];
  const at = (field: string, message: string): void => {
    const path: Path = ['rules', r.index, field];
    out.push(findingAt(ID, 'error', m, path, message));
  };
  const p = `rules[${r.index}]`;
  if (r.verbs.count === 0 && !r.verbs.wrongType) {
    at(
      'verbs',
      `${required(`${p}.verbs`, 'verbs must contain at least one value')} — ${rejects(m)}. List the verbs the rule allows, e.g. verbs: ["get", "list", "watch"].`,
    );
  }
  if (r.nonResourceURLs.count > 0) {
    const urls = r.nonResourceURLs.items.map((i) => i.value);
    if (m.kind === 'Role') {
      const detail = invalid(`${p}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs');
      at(
        'nonResourceURLs',
        `${detail} — ${rejects(m)}. Non-resource URLs are cluster-wide: grant them in a ClusterRole bound by a ClusterRoleBinding.`,
      );
    }
    if (r.apiGroups.count > 0 || r.resources.count > 0 || r.resourceNames.count > 0) {
      const detail = invalid(`${p}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs');
      at('nonResourceURLs', `${detail} — ${rejects(m)}. Split it into two rules: one with apiGroups/resources, one with nonResourceURLs.`);
    }
    return out; // the API server checks nothing else in such a rule
  }
  if (r.apiGroups.count === 0 && !r.apiGroups.wrongType) {
    const detail = required(`${p}.apiGroups`, 'resource rules must supply at least one api group');
    at(
      'apiGroups',
      `${detail} — ${rejects(m)}. Add the groups of the resources${groupHint(r, api)} ("" is the core group of pods, services, secrets...).`,
    );
  }
  if (r.resources.count === 0 && !r.resources.wrongType) {
    const detail = required(`${p}.resources`, 'resource rules must supply at least one resource');
    at(
      'resources',
      `${detail} — ${rejects(m)}. List the resources (plural names, e.g. resources: ["pods"]), or use nonResourceURLs for URLs such as /healthz.`,
    );
  }
  return out;
}

/** ", e.g. apiGroups: ["apps"]" from the groups the rule's resources belong to. */
function groupHint(r: RuleView, api: ApiIndex): string {
  const groups = new Set<string>();
  for (const { value } of r.resources.items) {
    // The first group in discovery order: core before the aggregated metrics APIs.
    const found = api.find(value.split('/')[0]).filter((i) => !i.removed);
    if (found.length > 0) groups.add(found[0].group);
  }
  return groups.size ? `, e.g. apiGroups: [${names([...groups])}]` : '';
}
