// apiGroups: ["*"] matches every API group, those CRDs and aggregated APIs add later too: a
// resource name then reaches every resource of that name in any group.
import { fullAccess, ruleCheck, stars, verbsText } from './grants';

export const wildcardApiGroups = ruleCheck({
  id: 'wildcard-api-groups',
  severity: 'warning',
  summary: 'apiGroups: ["*"] — the resources named in every API group, present and future; error when the rule grants everything',
  risk(rule) {
    const items = stars(rule.apiGroups);
    if (items.length === 0 || rule.nonResourceURLs?.length) return undefined;
    const full = fullAccess(rule);
    const resources = (rule.resources ?? []).map((r) => (r === '*' ? 'every resource' : r)).join(', ');
    return {
      field: 'apiGroups',
      items,
      scopes: ['any'],
      what: `${verbsText(rule.verbs)} on ${resources} in every API group`,
      why: full
        ? 'With verbs and resources "*" too, this rule holds every permission on every resource: every secret, exec into every pod, writing RBAC, impersonation.'
        : '"*" matches every group, those added later by CRDs and aggregated APIs too, so the rule reaches every resource of these names wherever it is defined.',
      fix: 'List the groups of the resources, e.g. apiGroups: ["apps"] ("" is the core group).',
      ...(full ? { top: 'error' as const } : {}),
    };
  },
});
