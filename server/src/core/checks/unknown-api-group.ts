// apiGroups that no API server of the catalogue serves and no CRD of the workspace defines.
import type { Check, CheckContext, Finding } from './check';
import { itemFinding } from './locate';
import { coreOrVersioned } from './wrong-api-group';
import { resourceRules } from './rule-scope';
import { closest, didYouMean } from './suggest';

const ID = 'unknown-api-group';

export const unknownApiGroup: Check = {
  id: ID,
  severity: 'warning',
  summary: 'An apiGroup that is neither built in nor defined by a CRD of the workspace, with "did you mean"',
  run(ctx: CheckContext): Finding[] {
    const out: Finding[] = [];
    for (const { manifest, rule, api } of resourceRules(ctx)) {
      for (const { value, index } of rule.apiGroups.items) {
        if (value === '*' || api.hasGroup(value) || coreOrVersioned(value, api) !== undefined) continue;
        // "networking" → networking.k8s.io; otherwise the nearest spelling.
        const groups = api.groups().filter((g) => g !== '');
        const guess = groups.find((g) => g.startsWith(`${value}.`)) ?? closest(value, groups);
        const message =
          `not a built-in API group and no CustomResourceDefinition in the workspace defines it: ` +
          `RBAC compares group names exactly, so this rule grants nothing in it unless such an API exists in the cluster.` +
          (guess ? didYouMean(guess) : ' If a CRD or an aggregated API installed separately serves it, add its CRD to the workspace.');
        out.push(itemFinding(ID, guess ? 'warning' : 'information', manifest, ['rules', rule.index, 'apiGroups', index], value, message));
      }
    }
    return out;
  },
};
