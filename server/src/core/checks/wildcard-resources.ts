// resources: ["*"] matches every resource and every subresource of the rule's groups (secrets,
// pods/exec, serviceaccounts/token), and those added later. "*/scale" and "pods/*" are not this:
// the first names one subresource of every resource, the second is a literal name.
import { fullAccess, groupsText, ruleCheck, stars, verbsText } from './grants';

export const wildcardResources = ruleCheck({
  id: 'wildcard-resources',
  severity: 'warning',
  summary:
    'resources: ["*"] — every resource and subresource of the groups, secrets and pods/exec included; error when the rule grants everything',
  risk(rule) {
    const items = stars(rule.resources);
    if (items.length === 0 || rule.nonResourceURLs?.length) return undefined;
    const full = fullAccess(rule);
    return {
      field: 'resources',
      items,
      scopes: ['any'],
      what: `${verbsText(rule.verbs)} on every resource and subresource ${groupsText(rule.apiGroups ?? [])}`,
      why: full
        ? 'With verbs and apiGroups "*" too, this rule holds every permission on every resource: every secret, exec into every pod, writing RBAC, impersonation.'
        : '"*" matches every resource and every subresource (secrets, pods/exec, serviceaccounts/token...), and resources added later.',
      fix: 'List the resources needed, e.g. resources: ["configmaps"].',
      ...(full ? { top: 'error' as const } : {}),
    };
  },
});
