// verbs: ["*"] matches every verb, those added later and the special ones the API server asks
// for outside HTTP methods: escalate and bind on roles, impersonate, approve on signers.
import { fullAccess, ruleCheck, ruleTarget, stars } from './grants';

export const wildcardVerbs = ruleCheck({
  id: 'wildcard-verbs',
  severity: 'warning',
  summary: 'verbs: ["*"] — every verb, escalate, bind and impersonate included; error when the rule grants everything',
  risk(rule) {
    const items = stars(rule.verbs);
    if (items.length === 0) return undefined;
    const nonResource = (rule.nonResourceURLs?.length ?? 0) > 0;
    const full = fullAccess(rule);
    return {
      field: 'verbs',
      items,
      scopes: nonResource ? ['cluster'] : ['any'],
      what: `every verb on ${ruleTarget(rule)}`,
      why: full
        ? 'With apiGroups and resources "*" too, this rule holds every permission on every resource: every secret, exec into every pod, writing RBAC, impersonation.'
        : nonResource
          ? '"*" matches every HTTP method: get, post, put, patch, delete.'
          : '"*" matches every verb, those of resources added later and the special verbs too: escalate and bind on roles, impersonate, approve on signers.',
      fix: 'List the verbs needed, e.g. verbs: ["get", "list", "watch"].',
      ...(full ? { top: 'error' as const } : {}),
    };
  },
});
