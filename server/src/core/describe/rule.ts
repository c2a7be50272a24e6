// A rule in plain words (Markdown): what it grants, on which resources and names, what wildcards
// reach, and its risks. Wording follows the API server's matching (matchers.ts).
import type { PolicyRule } from '../rbac/types';
import { risksOf } from './risks';

const code = (s: string): string => (s === '' ? '`""`' : `\`${s}\``);
const list = (xs: readonly string[]): string => xs.map(code).join(', ');

/** Where a rule applies: a Role's namespace, or wherever a ClusterRole is bound. */
export function scopeWords(kind: string, namespace: string | undefined): string {
  return kind === 'Role'
    ? `in namespace ${code(namespace ?? 'default')}`
    : 'in every namespace and cluster-wide through a ClusterRoleBinding, or in one namespace through a RoleBinding';
}

export function describeRule(rule: PolicyRule, scope: string, kind: 'Role' | 'ClusterRole' = 'ClusterRole'): string {
  const verbs = rule.verbs ?? [];
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  const names = rule.resourceNames ?? [];
  const urls = rule.nonResourceURLs ?? [];
  if (verbs.length === 0) return '**Grants nothing**: the rule has no verbs (the API server rejects it).';
  const what = verbs.includes('*') ? 'every verb' : list(verbs);
  const lines: string[] = [];
  if (urls.length) {
    lines.push(`**Grants** ${what} on the non-resource URLs ${list(urls)}.`);
    if (urls.some((u) => u.endsWith('*') && u !== '*'))
      lines.push('- a trailing `*` matches every path that starts with what comes before it');
  }
  if (resources.length) {
    const inGroups = groups.includes('*')
      ? 'in every API group'
      : groups.length
        ? `in ${groups.length > 1 ? 'the groups' : 'the group'} ${groups.map((g) => (g === '' ? '`""` (core)' : code(g))).join(', ')}`
        : 'in no API group (apiGroups is empty: the rule matches nothing)';
    const on = resources.includes('*') ? 'every resource' : list(resources);
    lines.push(`**Grants** ${what} on ${on} ${inGroups}, ${scope}${names.length ? `, only the objects named ${list(names)}` : ''}.`);
    lines.push(...reach(rule));
  } else if (!urls.length) {
    lines.push('**Grants nothing**: the rule names no resources and no non-resource URLs.');
  }
  const risks = risksOf(rule, kind);
  if (risks.length) lines.push('', ...risks.map((r) => `⚠️ ${r}`));
  return lines.join('\n');
}

/** What wildcards and subresource forms reach, and what they do not. */
function reach(rule: PolicyRule): string[] {
  const resources = rule.resources ?? [];
  const out: string[] = [];
  if (resources.includes('*')) out.push('- `*` also reaches every subresource (`pods/exec`, `nodes/proxy`, `serviceaccounts/token`, …)');
  for (const r of resources) {
    const slash = r.indexOf('/');
    if (slash < 0) continue;
    const [base, sub] = [r.slice(0, slash), r.slice(slash + 1)];
    if (base === '*') out.push(`- ${code(r)} reaches the \`${sub}\` subresource of every resource`);
    else if (sub === '*') out.push(`- ${code(r)} is not a wildcard: it matches only a subresource literally named \`*\``);
  }
  const plain = resources.filter((r) => r !== '*' && !r.includes('/'));
  if (plain.length && !resources.includes('*'))
    out.push(`- ${list(plain)} do${plain.length === 1 ? 'es' : ''} not include subresources: name them (\`pods/log\`)`);
  if (rule.verbs?.includes('*')) out.push('- verb `*` includes special verbs (`bind`, `escalate`, `impersonate`) where they apply');
  if (rule.resourceNames?.length && rule.verbs?.some((v) => v === 'create' || v === 'deletecollection' || v === '*')) {
    out.push('- resourceNames cannot limit `create` or `deletecollection`: those requests carry no name');
  }
  return out;
}
