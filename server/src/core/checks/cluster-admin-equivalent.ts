// A ClusterRole whose rules cover every verb on every resource of every group and every
// non-resource URL holds what cluster-admin holds (Covers, spec §6.3: the API server's own test
// for "full authority").
import type { Check, CheckContext, Finding, Related } from './check';
import {
  coveringRule,
  coversAll,
  describeRole,
  reachOf,
  reachRelated,
  reachText,
  roleSites,
  severityOf,
  type RoleSite,
  type SiteRule,
} from './grants';
import { spanAt, type Path } from './locate';

const ID = 'cluster-admin-equivalent';

export const clusterAdminEquivalent: Check = {
  id: ID,
  severity: 'error',
  summary: 'A ClusterRole whose rules cover every verb on every resource and every non-resource URL: cluster-admin under another name',
  run(ctx: CheckContext): Finding[] {
    return roleSites(ctx).flatMap((site) =>
      site.role.kind === 'ClusterRole' && site.role.metadata.name !== 'cluster-admin' ? roleFinding(ctx, site) : [],
    );
  },
};

function roleFinding(ctx: CheckContext, site: RoleSite): Finding[] {
  const rules = site.rules.map((r) => r.rule);
  if (rules.length === 0 || !coversAll(rules)) return [];
  const resources = site.rules[coveringRule(rules, 0)];
  const urls = site.rules[coveringRule(rules, 1)];
  const reach = reachOf(ctx, site.role, ['any']);
  const from = [...new Set([resources, urls].flatMap((r) => (r.from ? [r.from.role] : [])))];
  const how = site.aggregated ? `aggregates, from ClusterRole ${from.join(' and ')},` : 'holds';
  const message =
    `${describeRole(site.role)} ${how} every permission: every verb on every resource of every API group and on every non-resource URL, as cluster-admin. ` +
    `${reachText(reach, site.role)} Grant only what is needed; where full control is intended, bind the built-in cluster-admin so that it shows as such.`;
  const related: Related[] = [];
  for (const r of resources === urls ? [resources] : [resources, urls]) {
    if (r.view && r !== resources)
      related.push({
        file: site.manifest.file,
        span: spanAt(site.manifest.node, ['rules', r.view.index]),
        message: 'every non-resource URL',
      });
    if (r.from?.related) related.push(r.from.related);
  }
  related.push(...reachRelated(ctx, reach));
  const f: Finding = {
    check: ID,
    severity: severityOf('error', reach),
    message,
    file: site.manifest.file,
    span: spanAt(site.manifest.node, pathOf(resources)),
  };
  if (related.length) f.related = related;
  return [f];
}

const pathOf = (r: SiteRule): Path => (r.view ? ['rules', r.view.index] : (r.from?.selector ?? ['aggregationRule']));
