// Subresources the named resource does not have (pods/shell), "*/sub" forms no resource of the
// listed groups can match, and "pods/*", which RBAC reads literally, not as a wildcard.
import type { ResourceInfo } from './api';
import { FINALIZERS } from './api';
import type { Check, CheckContext, Finding } from './check';
import { itemFinding } from './locate';
import { inScope, resourceRules, splitResource, withSubresource } from './rule-scope';
import { closest, didYouMean } from './suggest';

const ID = 'unknown-subresource';

export const unknownSubresource: Check = {
  id: ID,
  severity: 'warning',
  summary: 'A subresource the resource does not have (pods/shell), or "pods/*", which is not a wildcard',
  run(ctx: CheckContext): Finding[] {
    const out: Finding[] = [];
    for (const { manifest, rule, scope, api } of resourceRules(ctx)) {
      if (scope.uncertain || scope.groups.length === 0) continue;
      for (const { value, index } of rule.resources.items) {
        const { base, sub } = splitResource(value);
        if (sub === undefined || sub === FINALIZERS) continue;
        const message =
          base === '*' ? starForm(value, sub, withSubresource(api, scope, sub)) : named(value, base, sub, inScope(api, scope, base));
        if (message) out.push(itemFinding(ID, 'warning', manifest, ['rules', rule.index, 'resources', index], value, message));
      }
    }
    return out;
  },
};

const NOTHING = 'so this rule grants nothing through it';

/** "*" + "/sub": the subresource sub of every resource (matchers.ts). */
function starForm(value: string, sub: string, reach: ResourceInfo[]): string | undefined {
  if (reach.length > 0) return undefined;
  if (sub === '*')
    return `not a wildcard: RBAC matches only a subresource literally named "*", ${NOTHING}. Use "*" for every resource and subresource.`;
  return `no resource of the listed apiGroups has a subresource ${JSON.stringify(sub)}, ${NOTHING}.`;
}

function named(value: string, base: string, sub: string, found: ResourceInfo[]): string | undefined {
  if (found.length === 0) return undefined; // unknown-resource
  if (found.some((i) => i.anySubresource || i.subresources.has(sub))) return undefined;
  const subs = [...new Set(found.flatMap((i) => [...i.subresources.keys()]))].sort();
  if (sub === '*') {
    const list = subs.length ? `list them (${subs.map((s) => `${base}/${s}`).join(', ')})` : `${base} has no subresources`;
    return `not a wildcard: RBAC reads "*" only as a whole resource or in "*" + "/sub"; this matches only a subresource literally named "*", ${NOTHING}. To grant the subresources, ${list}.`;
  }
  if (sub.includes('/')) {
    return `more than one subresource segment: the API server authorizes ${base}/${sub.split('/')[0]} for such URLs, ${NOTHING}. Write ${JSON.stringify(`${base}/${sub.split('/')[0]}`)}.`;
  }
  const known = subs.length ? `its subresources are ${subs.join(', ')}` : `it has no subresources`;
  return `${base} has no subresource ${JSON.stringify(sub)} (${known}), ${NOTHING}.${didYouMean(closest(sub, subs) && `${base}/${closest(sub, subs)}`)}`;
}
