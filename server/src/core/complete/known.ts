// Names the workspace knows, for completion: objects by resource, namespaces, service accounts,
// users and groups. Built once per workspace (the model builds one per version) and cached.
import type { ApiResource } from '../catalogue/catalogue';
import { ApiIndex } from '../checks/api';
import type { Workspace } from '../policy/workspace';
import { ALL_SERVICE_ACCOUNTS, ANONYMOUS, AUTHENTICATED, MASTERS, UNAUTHENTICATED } from '../rbac/identity';
import type { Origin } from '../rbac/types';

export interface Named {
  name: string;
  namespace?: string;
  /** 'implicit': exists without a manifest (the `default` service account). */
  origin: Origin | 'implicit';
  file?: string;
  kind: string;
}

export interface Known {
  /** Objects by `group/plural`. */
  objects: Map<string, Named[]>;
  namespaces: string[];
  /** Group or user name → where it was seen (a binding, or "well-known"). */
  groups: Map<string, string>;
  users: Map<string, string>;
  /** Non-resource URLs the default policy grants. */
  urls: string[];
}

/** Namespaces every cluster has. */
export const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const WELL_KNOWN_GROUPS: Record<string, string> = {
  [AUTHENTICATED]: 'every authenticated user',
  [UNAUTHENTICATED]: 'anonymous requests',
  [ALL_SERVICE_ACCOUNTS]: 'every service account of every namespace',
  [MASTERS]: 'allowed everything, outside RBAC',
  'system:nodes': 'kubelets (with the Node authorizer)',
  'system:bootstrappers': 'bootstrap tokens',
  'system:monitoring': 'monitoring agents (default policy)',
};
const WELL_KNOWN_USERS: Record<string, string> = {
  [ANONYMOUS]: 'anonymous requests',
  'system:kube-controller-manager': 'the controller manager',
  'system:kube-scheduler': 'the scheduler',
  'system:kube-proxy': 'kube-proxy',
};

const cache = new WeakMap<Workspace, Known>();

export function knownNames(ws: Workspace): Known {
  let k = cache.get(ws);
  if (!k) cache.set(ws, (k = build(ws)));
  return k;
}

function build(ws: Workspace): Known {
  const objects = new Map<string, Named[]>();
  const seen = new Set<string>();
  const add = (key: string, n: Named) => {
    const id = `${key}\0${n.namespace ?? ''}\0${n.name}`;
    if (seen.has(id)) return;
    seen.add(id);
    let list = objects.get(key);
    if (!list) objects.set(key, (list = []));
    list.push(n);
  };
  const namespaces = new Set(BUILTIN_NAMESPACES);
  const byKind = new Map<string, ApiResource>(); // first of a kind wins, as Catalogue.byKind
  for (const r of ws.catalogue.all()) if (!byKind.has(`${r.group}/${r.kind}`)) byKind.set(`${r.group}/${r.kind}`, r);
  for (const f of ws.files) {
    for (const m of f.manifests) {
      const slash = m.apiVersion.indexOf('/');
      const r = byKind.get(`${slash < 0 ? '' : m.apiVersion.slice(0, slash)}/${m.kind}`);
      if (m.namespace) namespaces.add(m.namespace);
      if (m.kind === 'Namespace' && m.name) namespaces.add(m.name);
      if (!r || !m.name) continue;
      const named: Named = { name: m.name, origin: 'workspace', file: m.file, kind: m.kind };
      if (r.namespaced) named.namespace = m.namespace ?? 'default';
      add(`${r.group}/${r.plural}`, named);
    }
  }
  const p = ws.policy;
  const groups = new Map(Object.entries(WELL_KNOWN_GROUPS));
  const users = new Map(Object.entries(WELL_KNOWN_USERS));
  for (const b of [...p.roleBindings, ...p.clusterRoleBindings]) {
    for (const s of b.subjects) {
      const seen = `${b.kind} ${b.metadata.name}${b.source?.origin === 'default-policy' ? ' (default policy)' : ''}`;
      if (s.kind === 'Group' && !groups.has(s.name)) groups.set(s.name, seen);
      if (s.kind === 'User' && !users.has(s.name)) users.set(s.name, seen);
      if (s.namespace) namespaces.add(s.namespace);
    }
  }
  const rbac = 'rbac.authorization.k8s.io';
  const lists = [
    ['roles', p.roles],
    ['clusterroles', p.clusterRoles],
    ['rolebindings', p.roleBindings],
    ['clusterrolebindings', p.clusterRoleBindings],
  ] as const;
  for (const [plural, list] of lists) {
    for (const o of list) {
      if (o.source?.origin !== 'default-policy') continue;
      const n: Named = { name: o.metadata.name, origin: 'default-policy', kind: o.kind };
      if (o.metadata.namespace) n.namespace = o.metadata.namespace;
      add(`${rbac}/${plural}`, n);
    }
  }
  for (const ns of namespaces)
    if (!groups.has(`${ALL_SERVICE_ACCOUNTS}:${ns}`)) groups.set(`${ALL_SERVICE_ACCOUNTS}:${ns}`, `every service account of ${ns}`);
  const urls = new Set<string>();
  for (const cr of p.clusterRoles) for (const r of cr.rules) for (const u of r.nonResourceURLs ?? []) urls.add(u);
  ApiIndex.of(ws.catalogue); // warm the index the rule completions use
  return { objects, namespaces: [...namespaces].sort(), groups, users, urls: [...urls] };
}

/** The service accounts of a namespace, `default` (which every namespace has) included. */
export function serviceAccountsIn(k: Known, namespace: string | undefined): Named[] {
  const all = k.objects.get('/serviceaccounts') ?? [];
  const out = all.filter((s) => namespace === undefined || s.namespace === namespace);
  if (namespace !== undefined && !out.some((s) => s.name === 'default')) {
    out.push({ name: 'default', namespace, origin: 'implicit', kind: 'ServiceAccount' });
  }
  return out;
}
