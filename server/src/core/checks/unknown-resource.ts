// Resources that exist in no listed group: mostly a singular, a kind or a short name where RBAC
// needs the plural (it compares resource names exactly), or a removed API.
import type { ApiIndex, ResourceInfo } from './api';
import type { Check, CheckContext, Finding } from './check';
import { replaceWith } from './fix';
import { itemFinding } from './locate';
import { names } from './messages';
import { groupLabel, inScope, resourceRules, splitResource, type RuleScope } from './rule-scope';
import { closest, didYouMean } from './suggest';

const ID = 'unknown-resource';

export const unknownResource: Check = {
  id: ID,
  severity: 'warning',
  summary: 'A resource that does not exist in the listed apiGroups (pod, Deployment, deploy: RBAC needs the plural), with "did you mean"',
  run(ctx: CheckContext): Finding[] {
    const out: Finding[] = [];
    for (const { manifest, rule, scope, api } of resourceRules(ctx)) {
      if (scope.uncertain || scope.groups.length === 0) continue;
      for (const { value, index } of rule.resources.items) {
        const { base } = splitResource(value);
        if (base === '*') continue;
        const found = inScope(api, scope, base);
        const current = api.find(base).filter((i) => !i.removed);
        let message: string;
        let severity: 'warning' | 'information' = 'warning';
        let fix: string | undefined;
        if (found.length > 0) {
          if (current.length > 0 || !found.every((i) => i.removed)) continue;
          message = `${base} was ${found[0].removed}, so no current API server serves it and this rule grants nothing on it. Remove it.`;
          severity = 'information';
        } else if (current.length > 0) {
          continue; // exists in another group: wrong-api-group
        } else {
          const guess = suggestion(api, scope, base);
          const groups = scope.anyGroup ? 'any API group' : `the listed apiGroups (${names(scope.groups)})`;
          message =
            `not a resource of ${groups}: RBAC compares resource names exactly, ` +
            `as the plural lower-case names of the API (pods, deployments), so this rule grants nothing on it.` +
            (guess
              ? didYouMean(guess.plural, guess.note)
              : scope.anyGroup
                ? ' If a CRD installed separately defines it, add the CRD to the workspace.'
                : '');
          if (!guess && scope.anyGroup) severity = 'information';
          // A resource of another group needs apiGroups changed too: no one-edit fix.
          if (guess?.note === '') fix = value.replace(base, guess.plural);
        }
        const f = itemFinding(ID, severity, manifest, ['rules', rule.index, 'resources', index], value, message);
        if (fix) f.fix = replaceWith(f.span, value, fix);
        out.push(f);
      }
    }
    return out;
  },
};

/** The plural meant by a singular, kind, short name, `plural.group` or misspelling; with its group when not listed. */
function suggestion(api: ApiIndex, scope: RuleScope, base: string): { plural: string; note: string } | undefined {
  const listed = api.resourcesIn(scope.groups).filter((i) => !i.removed);
  const all = api.resourcesIn(['*']).filter((i) => !i.removed);
  const label = (i: ResourceInfo) => ({
    plural: i.plural,
    note: scope.anyGroup || scope.groups.includes(i.group) ? '' : ` (in the ${groupLabel(i.group)} group: add it to apiGroups)`,
  });
  const lower = base.toLowerCase();
  for (const set of [listed, all]) {
    const alias = set.find((i) => i.plural.toLowerCase() === lower || i.aliases.some((a) => a.toLowerCase() === lower));
    if (alias) return label(alias);
  }
  // "deployments.apps": kubectl's TYPE.GROUP form; RBAC takes the group in apiGroups.
  const dot = base.indexOf('.');
  if (dot > 0) {
    const head = base.slice(0, dot).toLowerCase();
    const hit = all.find((i) => i.plural === head || i.aliases.some((a) => a.toLowerCase() === head));
    if (hit) return { plural: hit.plural, note: ` (its group goes in apiGroups: ${JSON.stringify(hit.group)})` };
  }
  for (const set of [listed, all]) {
    const near = closest(
      base,
      set.map((i) => i.plural),
    );
    if (near) return label(set.find((i) => i.plural === near)!);
  }
  return undefined;
}
