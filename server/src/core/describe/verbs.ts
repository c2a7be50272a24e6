// What each verb allows, in a line, for completion details and hovers (spec §2: the verbs the
// API server derives from a request, and the special verbs authorizers are asked about), and
// which verbs the resources of a rule serve.
import type { ApiIndex, ResourceInfo } from '../checks/api';
import { splitResource } from '../checks/rule-scope';

/** The API verbs in the order people think of them (kubectl's). */
export const STANDARD_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

const MEANING: Record<string, string> = {
  get: 'read one object by name (for secrets: its data)',
  list: 'read every object of the type at once, full content included',
  watch: 'stream every change to objects of the type, full content included',
  create: 'create objects; on subresources such as pods/exec or serviceaccounts/token: open or issue them',
  update: 'replace whole objects (PUT)',
  patch: 'change parts of objects (PATCH)',
  delete: 'delete one object',
  deletecollection: 'delete every object of the type at once',
  bind: 'special verb: bind a role to subjects without holding its permissions (checked on roles and clusterroles)',
  escalate: 'special verb: create or update a role with permissions the user does not hold (checked on roles and clusterroles)',
  impersonate: 'special verb: act as another user, group, service account, uid or user extra',
  use: 'special verb: use a PodSecurityPolicy (removed in Kubernetes 1.25)',
  approve: 'special verb: approve certificate signing requests for a signer (certificates.k8s.io signers)',
  sign: 'special verb: sign certificate signing requests for a signer (certificates.k8s.io signers)',
  attest: 'special verb: attest certificate signing requests for a signer (certificates.k8s.io signers)',
  proxy: 'special verb checked by some aggregated APIs for proxying; nodes/proxy and services/proxy use get/create',
  '*': 'every verb, special ones included (bind, escalate, impersonate), and any verb added later',
  post: 'HTTP POST to a non-resource URL',
  put: 'HTTP PUT to a non-resource URL',
  head: 'HTTP HEAD to a non-resource URL',
  options: 'HTTP OPTIONS to a non-resource URL',
};

/** HTTP meanings where they differ from the resource ones. */
const HTTP_MEANING: Record<string, string> = {
  get: 'HTTP GET of a non-resource URL',
  patch: 'HTTP PATCH to a non-resource URL',
  delete: 'HTTP DELETE of a non-resource URL',
};

export function verbMeaning(verb: string, nonResource = false): string | undefined {
  return (nonResource ? HTTP_MEANING[verb] : undefined) ?? MEANING[verb];
}

/** Special verbs that only mean something on these resources. */
const SPECIAL_ON: Record<string, string[]> = {
  roles: ['bind', 'escalate'],
  clusterroles: ['bind', 'escalate'],
  serviceaccounts: ['impersonate'],
};

/** The catalogue entries a rule's groups give a resource name ("*" and no groups: any group). */
export function infosFor(api: ApiIndex, groups: string[], base: string): ResourceInfo[] {
  const any = groups.length === 0 || groups.includes('*');
  return api.find(base).filter((i) => any || groups.includes(i.group));
}

/** Verbs the named resources (and subresources) serve, in kubectl's order. */
export function ownVerbs(api: ApiIndex, groups: string[], resources: string[]): string[] {
  const out = new Set<string>();
  for (const r of resources) {
    const { base, sub } = splitResource(r);
    if (base === '*') {
      if (sub === undefined) STANDARD_VERBS.forEach((v) => out.add(v));
      continue;
    }
    for (const info of infosFor(api, groups, base)) {
      const verbs = sub === undefined ? info.verbs : sub === 'finalizers' ? new Set(['update']) : info.subresources.get(sub);
      verbs?.forEach((v) => out.add(v));
      if (sub === undefined) SPECIAL_ON[base]?.forEach((v) => out.add(v));
    }
  }
  const rank = (v: string) => (STANDARD_VERBS.includes(v) ? STANDARD_VERBS.indexOf(v) : 100);
  return [...out].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}
