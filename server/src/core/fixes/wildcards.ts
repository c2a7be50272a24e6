// Quick fixes that replace a "*" in a rule with what it stands for today, from the catalogue:
// the verbs the rule's resources serve, or the resources of the rule's groups.
import { ApiIndex, type ResourceInfo } from '../checks/api';
import type { CheckContext } from '../checks/check';
import { isRoleKind, mapItems, rules, type RuleField, type RuleView } from '../checks/read';
import { nodeAt, type ParsedFile, type Span, type YMap, type YSeq } from '../manifest/parse';
import { replaceItem } from './edit';
import type { QuickFix } from './index';

/** Above this, a list of resources is no clearer than "*". */
const MAX_RESOURCES = 30;
const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** The rule of a Role or ClusterRole that contains the span, and its node. */
export function ruleAt(ctx: CheckContext, file: string, span: Span): { rule: RuleView; node: YMap } | undefined {
  for (const { manifest } of ctx.objects) {
    if (manifest.file !== file || !isRoleKind(manifest.kind)) continue;
    if (span.start < manifest.span.start || span.start > manifest.span.end) continue;
    const at = mapItems(manifest, 'rules').find(({ node }) => node.span.start <= span.start && span.start <= node.span.end);
    const rule = at && rules(manifest).find((r) => r.index === at.index);
    return rule && { rule, node: at.node };
  }
  return undefined;
}

/** The list node of a rule's field, when it is a list. */
export function listNode(rule: YMap, field: RuleField): YSeq | undefined {
  const seq = nodeAt(rule, [field]);
  return seq?.type === 'seq' ? seq : undefined;
}

const byOrder = (a: string, b: string): number => {
  const [i, j] = [VERB_ORDER.indexOf(a), VERB_ORDER.indexOf(b)];
  if (i >= 0 || j >= 0) return (i < 0 ? 99 : i) - (j < 0 ? 99 : j);
  return a < b ? -1 : a > b ? 1 : 0;
};

export function explicitVerbs(ctx: CheckContext, f: ParsedFile, span: Span): QuickFix[] {
  const at = ruleAt(ctx, f.file, span);
  const rule = at?.rule;
  const star = rule?.verbs.items.find((i) => i.value === '*');
  const seq = at && listNode(at.node, 'verbs');
  if (!rule || !star || rule.nonResourceURLs.count > 0 || !seq) return [];
  const api = ApiIndex.of(ctx.workspace.catalogue);
  const groups = rule.apiGroups.items.map((i) => i.value);
  const verbs = new Set<string>();
  for (const { value } of rule.resources.items) {
    const slash = value.indexOf('/');
    const [base, sub] = slash < 0 ? [value, undefined] : [value.slice(0, slash), value.slice(slash + 1)];
    if (base === '*' && groups.includes('*')) return []; // any resource of any group, CRDs included
    const reach = api.resourcesIn(groups).filter((r) => base === '*' || r.plural === base);
    const served = reach.flatMap((r) => [...(sub === undefined ? r.verbs : (r.subresources.get(sub) ?? []))]);
    if (served.length === 0) return []; // a resource kubeid does not know: its verbs would be lost
    served.forEach((v) => verbs.add(v));
  }
  const present = new Set(rule.verbs.items.map((i) => i.value));
  const added = [...verbs].filter((v) => !present.has(v)).sort(byOrder);
  const edit = replaceItem(f.text, seq, seq.items[star.index], added);
  if (!edit) return [];
  return [{ title: `Replace "*" with the verbs these resources serve: ${added.join(', ')}`, edits: [edit], preferred: true }];
}

export function explicitResources(ctx: CheckContext, f: ParsedFile, span: Span): QuickFix[] {
  const at = ruleAt(ctx, f.file, span);
  const rule = at?.rule;
  const star = rule?.resources.items.find((i) => i.value === '*');
  const seq = at && listNode(at.node, 'resources');
  if (!rule || !star || !seq) return [];
  const api = ApiIndex.of(ctx.workspace.catalogue);
  const groups = rule.apiGroups.items.map((i) => i.value);
  // Only groups whose resources kubeid knows all of.
  if (groups.length === 0 || groups.some((g) => g === '*' || !api.hasGroup(g) || api.isOpen(g))) return [];
  const verbs = rule.verbs.items.map((i) => i.value);
  const serves = (r: ResourceInfo) => verbs.includes('*') || verbs.some((v) => r.verbs.has(v));
  const present = new Set(rule.resources.items.map((i) => i.value));
  const found = api.resourcesIn(groups).filter((r) => !r.removed && serves(r) && !present.has(r.plural));
  const names = [...new Set(found.map((r) => r.plural))];
  if (names.length > MAX_RESOURCES) return [];
  const edit = replaceItem(f.text, seq, seq.items[star.index], names);
  if (!edit) return [];
  const where = groups.map((g) => (g === '' ? 'the core group' : `"${g}"`)).join(', ');
  const title = `Replace "*" with the ${names.length} resources of ${where} (subresources are no longer granted)`;
  return [{ title, edits: [edit], preferred: true }];
}
