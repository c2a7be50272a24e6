// The request a real client sends for `can-i VERB TYPE[/NAME]` (spec §2, §9.5), with one
// correction over kubectl: a namespace is never sent for a type known to be cluster-scoped.
import { parseTypeArg, type Catalogue } from './catalogue/catalogue';
import type { RequestAttributes } from './rbac/types';

export interface AccessQuery {
  verb: string;
  /** TYPE, TYPE/NAME, or a non-resource URL starting with "/". */
  target: string;
  subresource?: string;
  /** The namespace asked for (-n), or undefined for the default. */
  namespace?: string;
  /** The namespace when -n is not given (the kube context's); "default" when absent. */
  defaultNamespace?: string;
  allNamespaces?: boolean;
}

export interface BuiltRequest {
  attrs: RequestAttributes;
  warnings: string[];
}

export class QueryError extends Error {}

export const DEFAULT_NAMESPACE = 'default';

const RESOURCE_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'use',
  'bind',
  'impersonate',
  '*',
  'approve',
  'sign',
  'escalate',
  'attest',
];
const NON_RESOURCE_VERBS = ['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*'];

export function buildRequest(q: AccessQuery, catalogue: Catalogue): BuiltRequest {
  const warnings: string[] = [];
  if (q.target.startsWith('/')) {
    if (q.subresource) throw new QueryError('--subresource can not be used with NonResourceURL');
    if (!NON_RESOURCE_VERBS.includes(q.verb)) warnings.push(`verb '${q.verb}' is not a known verb for non-resource URLs`);
    return { attrs: { resourceRequest: false, verb: q.verb, path: q.target }, warnings };
  }
  if (!RESOURCE_VERBS.includes(q.verb)) warnings.push(`verb '${q.verb}' is not a known verb`);
  const t = parseTypeArg(q.target, catalogue);
  if (t.resource === '') throw new QueryError(`resource type is empty in "${q.target}"`);
  if (!t.known && t.resource !== '*' && t.resource !== 'users' && t.resource !== 'groups') {
    warnings.push(
      `kubeid's catalogue has no resource type '${q.target.split('/')[0]}'; checking resource "${t.resource}" in API group "${t.group}" as written`,
    );
  }
  if (t.known && t.name && !q.subresource && t.known.subresources.some((s) => s.name === t.name)) {
    // kubectl reads TYPE/NAME as an object name, never as a subresource.
    warnings.push(
      `'${q.target}' names the ${t.known.plural} object "${t.name}"; for the ${t.name} subresource use: ${t.known.plural} --subresource ${t.name}`,
    );
  }
  let namespace = q.allNamespaces ? '' : q.namespace || q.defaultNamespace || DEFAULT_NAMESPACE;
  if (t.known && !t.known.namespaced) {
    if (t.known.plural === 'namespaces' && t.known.group === '' && t.name !== '') {
      // GET /api/v1/namespaces/NAME carries the namespace NAME (RequestInfo), so RoleBindings there count.
      namespace = t.name;
    } else {
      if (q.namespace !== undefined && q.namespace !== '') {
        const where = t.known.group ? ` in group '${t.known.group}'` : '';
        warnings.push(`resource '${t.known.plural}' is not namespace scoped${where}; -n ${q.namespace} ignored`);
      }
      namespace = '';
    }
  }
  return {
    attrs: {
      resourceRequest: true,
      verb: q.verb,
      namespace,
      apiGroup: t.group,
      resource: t.resource,
      subresource: q.subresource ?? '',
      name: t.name,
    },
    warnings,
  };
}
