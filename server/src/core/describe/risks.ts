// The risks of a rule in one line each, for hover: what the least-privilege checks find in it
// (checks/grants.ts), judged with the engine's own matching (wildcards, `*/sub`, the core group),
// so `verbs: ["*"]` on `resources: ["*"]` is caught like a literal `secrets`.
import { PRIVILEGE_CHECKS } from '../checks';
import { fullAccess, isRuleCheck, namesText, type AnyRole } from '../checks/grants';
import type { PolicyRule } from '../rbac/types';

/** One line per risk the rule carries in a role of that kind. */
export function risksOf(rule: PolicyRule, kind: AnyRole['kind'] = 'ClusterRole'): string[] {
  if (fullAccess(rule)) return ['every verb on every resource: equivalent to cluster-admin wherever it is bound'];
  return PRIVILEGE_CHECKS.filter(isRuleCheck).flatMap((c) => {
    const r = c.risk(rule, kind);
    return r ? [`${r.what}${namesText(r.names)}${r.why.trim() ? ` ⇒ ${r.why.trim()}` : ''}`] : [];
  });
}
