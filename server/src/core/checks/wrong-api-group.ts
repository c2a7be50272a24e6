// Resources listed under groups they are not in (deployments under ""), the core group written
// as "core" or "v1", groups written with a version, and the removed extensions group alone.
import type { ApiIndex } from './api';
import type { Check, CheckContext, Finding } from './check';
import { replaceWith } from './fix';
import { itemFinding, spanAt } from './locate';
import { names } from './messages';
import { groupLabel, inScope, resourceRules, splitResource, type CatalogueRule } from './rule-scope';

const ID = 'wrong-api-group';

export const wrongApiGroup: Check = {
  id: ID,
  severity: 'warning',
  summary: 'A resource listed under an apiGroup it is not in (deployments under ""), or the core group written as "core"',
  run(ctx: CheckContext): Finding[] {
    return resourceRules(ctx).flatMap((r) => [...groupFindings(r), ...resourceFindings(r), ...legacyFindings(r)]);
  },
};

/** What a group written as "core", "v1" or "apps/v1" means; undefined for anything else. */
export function coreOrVersioned(group: string, api: ApiIndex): string | undefined {
  if (group === 'core' || group === 'v1') return '';
  const m = /^(.*)\/v\d+((alpha|beta)\d+)?$/.exec(group);
  if (m && (m[1] === '' || m[1] === 'core' || api.hasGroup(m[1]))) return m[1] === 'core' ? '' : m[1];
  return undefined;
}

function groupFindings({ manifest, rule, api }: CatalogueRule): Finding[] {
  const out: Finding[] = [];
  for (const { value, index } of rule.apiGroups.items) {
    if (api.hasGroup(value)) continue;
    const meant = coreOrVersioned(value, api);
    if (meant === undefined) continue;
    const why =
      meant === ''
        ? `RBAC writes the core group (pods, services, secrets...) as "", and no API group is called ${JSON.stringify(value)}`
        : 'apiGroups take the group name without a version';
    const message = `matches no API group: ${why}, so this rule grants nothing through it. Write ${JSON.stringify(meant)}.`;
    const f = itemFinding(ID, 'warning', manifest, ['rules', rule.index, 'apiGroups', index], value, message);
    f.fix = replaceWith(f.span, value, meant);
    out.push(f);
  }
  return out;
}

function resourceFindings({ manifest, rule, scope, api }: CatalogueRule): Finding[] {
  if (scope.anyGroup || scope.uncertain || scope.groups.length === 0) return [];
  const out: Finding[] = [];
  for (const { value, index } of rule.resources.items) {
    const { base } = splitResource(value);
    if (base === '*' || inScope(api, scope, base).length > 0) continue;
    const homes = [
      ...new Set(
        api
          .find(base)
          .filter((i) => !i.removed)
          .map((i) => i.group),
      ),
    ];
    if (homes.length === 0) continue; // unknown-resource
    const listed = scope.groups.length === 1 ? groupLabel(scope.groups[0]) : names(scope.groups);
    const where = homes.length === 1 ? `in the ${groupLabel(homes[0])} group` : `in the groups ${homes.map(groupLabel).join(', ')}`;
    const message =
      `${base} are ${where}, not in ${listed}: RBAC matches the group and the resource together, so this rule grants nothing on ${value}. ` +
      `Add ${names(homes.slice(0, 1))} to apiGroups (or move ${value} to a rule for that group).`;
    const f = itemFinding(ID, 'warning', manifest, ['rules', rule.index, 'resources', index], value, message);
    f.related = [{ file: manifest.file, span: spanAt(manifest.node, ['rules', rule.index, 'apiGroups']), message: "the rule's apiGroups" }];
    out.push(f);
  }
  return out;
}

/** A removed group (extensions) listed without the groups its resources moved to. */
function legacyFindings({ manifest, rule, scope, api }: CatalogueRule): Finding[] {
  const out: Finding[] = [];
  for (const { value, index } of rule.apiGroups.items) {
    if (!api.isLegacy(value)) continue;
    const moved = new Map<string, string[]>(); // current group → resources the rule names that moved there
    for (const { value: res } of rule.resources.items) {
      const { base } = splitResource(res);
      const old = api.get(value, base);
      const now = api.find(base).filter((i) => !i.removed && !api.isLegacy(i.group));
      if (!old?.removed || old.verbs.size === 0 || now.length === 0 || now.some((i) => scope.groups.includes(i.group))) continue;
      const list = moved.get(now[0].group) ?? [];
      if (!list.includes(base)) list.push(base);
      moved.set(now[0].group, list);
    }
    if (moved.size === 0) continue;
    const where = [...moved].map(([g, rs]) => `${rs.join(', ')} to ${JSON.stringify(g)}`).join(' and ');
    const message =
      `no longer served: Kubernetes 1.16 to 1.22 moved ${where}, ` +
      `so on current clusters this rule grants nothing on them. Add ${names([...moved.keys()])} to apiGroups.`;
    out.push(itemFinding(ID, 'information', manifest, ['rules', rule.index, 'apiGroups', index], value, message));
  }
  return out;
}
