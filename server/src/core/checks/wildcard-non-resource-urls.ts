// nonResourceURLs: a trailing "*" is a prefix match (every "*" is trimmed), so "*" and "/*" match
// every path: /metrics, /logs, /debug/pprof. Only a ClusterRoleBinding grants non-resource URLs.
import { trimStars } from '../rbac/matchers';
import { ruleCheck, verbsText } from './grants';

export const wildcardNonResourceUrls = ruleCheck({
  id: 'wildcard-non-resource-urls',
  severity: 'warning',
  summary: 'nonResourceURLs: ["*"] or "/*" — every path of the API server (/metrics, /logs, /debug/pprof); a hint for narrower prefixes',
  risk(rule) {
    const urls = rule.nonResourceURLs ?? [];
    const all = urls.flatMap((u, i) => (u.endsWith('*') && ['', '/'].includes(trimStars(u)) ? [i] : []));
    const prefixes = urls.flatMap((u, i) => (u.endsWith('*') && !all.includes(i) ? [i] : []));
    const verbs = verbsText(rule.verbs);
    if (all.length > 0) {
      return {
        field: 'nonResourceURLs',
        items: all,
        scopes: ['cluster'],
        what: `${verbs} on every non-resource URL`,
        why: 'A trailing "*" matches every path that starts with what comes before it: here every path, /metrics, /logs and /debug/pprof included.',
        fix: 'List the paths needed, e.g. nonResourceURLs: ["/healthz", "/metrics"].',
      };
    }
    if (prefixes.length === 0) return undefined;
    const under = prefixes.map((i) => trimStars(urls[i])).join(', ');
    return {
      field: 'nonResourceURLs',
      items: prefixes,
      scopes: ['cluster'],
      what: `${verbs} on every path under ${under}`,
      why: 'A trailing "*" matches every path that starts with what comes before it.',
      fix: 'List the paths needed if fewer will do.',
      top: 'hint',
    };
  },
});
