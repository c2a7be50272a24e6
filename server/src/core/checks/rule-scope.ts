// How the catalogue checks read a rule: its apiGroups, and which resources they name.
import type { Manifest } from '../manifest/parse';
import { ApiIndex, type ResourceInfo } from './api';
import type { CheckContext } from './check';
import { isRoleKind, roleRules, type RuleView } from './read';

export interface RuleScope {
  groups: string[];
  /** apiGroups has "*". */
  anyGroup: boolean;
  /** A listed group kubeid cannot enumerate (unknown, e.g. an external CRD, or open-ended): an unfound name may live there. */
  uncertain: boolean;
}

export interface CatalogueRule {
  manifest: Manifest;
  rule: RuleView;
  scope: RuleScope;
  api: ApiIndex;
}

const read = new WeakMap<CheckContext['objects'], CatalogueRule[]>();

/** The resource rules (not the non-resource ones) of the Roles and ClusterRoles of `ctx.objects`; read once while it lives. */
export function resourceRules(ctx: CheckContext): CatalogueRule[] {
  let out = read.get(ctx.objects);
  if (!out) read.set(ctx.objects, (out = readResourceRules(ctx)));
  return out;
}

function readResourceRules(ctx: CheckContext): CatalogueRule[] {
  const api = ApiIndex.of(ctx.workspace.catalogue);
  const out: CatalogueRule[] = [];
  for (const { manifest } of ctx.objects) {
    if (!isRoleKind(manifest.kind)) continue;
    for (const rule of roleRules(ctx, manifest)) {
      if (rule.nonResourceURLs.count > 0) continue;
      const groups = rule.apiGroups.items.map((i) => i.value);
      const anyGroup = groups.includes('*');
      const uncertain = !anyGroup && groups.some((g) => !api.hasGroup(g) || api.isOpen(g));
      out.push({ manifest, rule, scope: { groups, anyGroup, uncertain }, api });
    }
  }
  return out;
}

/** "pods/exec" → base pods, sub exec; "pods" → no sub. */
export function splitResource(s: string): { base: string; sub?: string } {
  const i = s.indexOf('/');
  return i < 0 ? { base: s } : { base: s.slice(0, i), sub: s.slice(i + 1) };
}

/** The resources named `base` in the rule's groups. */
export function inScope(api: ApiIndex, scope: RuleScope, base: string): ResourceInfo[] {
  return api.find(base).filter((i) => scope.anyGroup || scope.groups.includes(i.group));
}

/** Resources of the rule's groups that have this subresource (what a "*" + "/sub" item reaches). */
export function withSubresource(api: ApiIndex, scope: RuleScope, sub: string): ResourceInfo[] {
  return api.resourcesIn(scope.groups).filter((i) => i.anySubresource || i.subresources.has(sub));
}

/** `"" (core)` / `"apps"` for messages. */
export function groupLabel(group: string): string {
  return group === '' ? '"" (the core group)' : JSON.stringify(group);
}
