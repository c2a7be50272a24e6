// A deterministic synthetic cluster for the benchmark: plain JSON objects as `kubectl get -o json`
// lists them, and random questions to ask about it. Same seed, same cluster, same questions:
// runs differ only in time, never in work.
import { impersonatedUser, serviceAccountUser } from '../../server/src/core/rbac/identity';
import type { RequestAttributes, UserInfo } from '../../server/src/core/rbac/types';

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';
const RBAC = 'rbac.authorization.k8s.io';
const LABEL = 'bench.kubeid.dev';

export type Json = Record<string, unknown>;

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

export interface SyntheticCluster {
  namespaces: Json[];
  serviceAccounts: Json[];
  roles: Json[];
  roleBindings: Json[];
  clusterRoles: Json[];
  clusterRoleBindings: Json[];
}

export interface SyntheticSize {
  namespaces: number;
  rolesPerNamespace: number;
  bindingsPerNamespace: number;
  serviceAccountsPerNamespace: number;
  clusterRoles: number;
  /** Of clusterRoles, how many are aggregated. */
  aggregated: number;
  clusterRoleBindings: number;
  users: number;
  groups: number;
}

export const FULL_SIZE: SyntheticSize = {
  namespaces: 2000,
  rolesPerNamespace: 10,
  bindingsPerNamespace: 30,
  serviceAccountsPerNamespace: 5,
  clusterRoles: 1000,
  aggregated: 50,
  clusterRoleBindings: 500,
  users: 5000,
  groups: 300,
};

/** The cluster of the issues' targets: 2,200 namespaces of 10 Roles, 30 RoleBindings and 5 ServiceAccounts, plus 1,500 cluster objects: 100,500 RBAC objects. */
export const HUNDRED_K_SIZE: SyntheticSize = { ...FULL_SIZE, namespaces: 2200 };

/** mulberry32: small, fast and good enough to pick names. */
export class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  /** Between min and max distinct elements, in the array's order. */
  some<T>(a: readonly T[], min: number, max: number): T[] {
    const n = Math.min(a.length, min + this.int(max - min + 1));
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(this.int(a.length));
    return [...chosen].sort((x, y) => x - y).map((i) => a[i]);
  }
}

// What the rules and the questions are about: group -> resources (subresources included).
const GROUPS: Record<string, { resources: string[]; subresources: string[] }> = {
  '': {
    resources: ['pods', 'services', 'configmaps', 'secrets', 'endpoints', 'persistentvolumeclaims', 'events', 'serviceaccounts'],
    subresources: ['pods/exec', 'pods/log', 'pods/portforward', 'pods/attach', 'services/proxy'],
  },
  apps: {
    resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
    subresources: ['deployments/scale', 'statefulsets/scale', '*/scale'],
  },
  batch: { resources: ['jobs', 'cronjobs'], subresources: ['jobs/status', 'cronjobs/status'] },
};
const GROUP_NAMES = Object.keys(GROUPS);
const CLUSTER_SCOPED: Array<[string, string]> = [
  ['', 'nodes'],
  ['', 'namespaces'],
  ['', 'persistentvolumes'],
  [RBAC, 'clusterroles'],
  ['storage.k8s.io', 'storageclasses'],
];
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];
const VERBS = [...READ, ...WRITE, 'deletecollection'];
const NON_RESOURCE_URLS = ['/metrics', '/healthz', '/healthz/*', '/version', '/api/*'];
const OBJECT_NAMES = Array.from({ length: 10 }, (_, i) => `app-${i}`);
const SA_NAMES = ['default', 'app', 'ci', 'monitor', 'worker'];
const ROLE_NAMES = [
  'pod-reader',
  'log-reader',
  'exec',
  'deployer',
  'scaler',
  'config-editor',
  'secret-reader',
  'job-runner',
  'ns-admin',
  'lease-holder',
];
const TIERS = ['t0', 't1', 't2', 't3', 't4'];
const BUILTIN_TARGETS = ['view', 'edit', 'admin'];

function verbs(rng: Rng): string[] {
  const r = rng.next();
  if (r < 0.55) return [...READ];
  if (r < 0.8) return [...READ, ...rng.some(WRITE, 1, 4)];
  if (r < 0.95) return rng.some(VERBS, 1, 2);
  return ['*'];
}

function namespacedRule(rng: Rng): Rule {
  const r = rng.next();
  const group = r < 0.5 ? '' : r < 0.8 ? 'apps' : 'batch';
  const { resources, subresources } = GROUPS[group];
  const rule: Rule = {
    apiGroups: rng.chance(0.05) ? ['', 'apps', 'batch'] : [group],
    resources: rng.some(resources, 1, 3),
    verbs: verbs(rng),
  };
  if (rng.chance(0.2)) rule.resources!.push(...rng.some(subresources, 1, 2));
  if (rng.chance(0.03)) rule.resources = ['*'];
  if (rng.chance(0.02)) rule.apiGroups = ['*'];
  if (rng.chance(0.1)) rule.resourceNames = rng.some(OBJECT_NAMES, 1, 2);
  return rule;
}

function clusterRule(rng: Rng): Rule {
  const r = rng.next();
  if (r < 0.15) {
    const [group, resource] = rng.pick(CLUSTER_SCOPED);
    return { apiGroups: [group], resources: [resource], verbs: rng.chance(0.8) ? [...READ] : ['*'] };
  }
  if (r < 0.2) return { nonResourceURLs: rng.some(NON_RESOURCE_URLS, 1, 2), verbs: ['get'] };
  return namespacedRule(rng);
}

function rules(rng: Rng, make: (rng: Rng) => Rule, min: number, max: number): Rule[] {
  return Array.from({ length: min + rng.int(max - min + 1) }, () => make(rng));
}

/** metadata as a server returns it: uid, resourceVersion and creation time besides names. */
function meta(rng: Rng, name: string, namespace?: string, labels?: Record<string, string>): Json {
  const m: Json = { name };
  if (namespace !== undefined) m.namespace = namespace;
  m.uid = `${hex(rng, 8)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 12)}`;
  m.resourceVersion = String(1000 + rng.int(9_000_000));
  m.creationTimestamp = new Date(Date.UTC(2024, 0, 1) + rng.int(365 * 86400) * 1000).toISOString().replace('.000', '');
  if (labels && Object.keys(labels).length > 0) m.labels = labels;
  return m;
}

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(16)];
  return s;
}

const pad = (i: number, n: number): string => String(i).padStart(n, '0');

export function namespaceName(i: number): string {
  return `ns-${pad(i, 4)}`;
}
export function userName(i: number): string {
  return `user-${pad(i, 4)}`;
}
export function groupName(i: number): string {
  return `team-${pad(i, 3)}`;
}

export function generateCluster(seed = 1, size: SyntheticSize = FULL_SIZE): SyntheticCluster {
  const rng = new Rng(seed);
  const c: SyntheticCluster = {
    namespaces: [],
    serviceAccounts: [],
    roles: [],
    roleBindings: [],
    clusterRoles: [],
    clusterRoleBindings: [],
  };
  const nsNames = Array.from({ length: size.namespaces }, (_, i) => namespaceName(i));
  const user = () => ({ kind: 'User', apiGroup: RBAC, name: userName(rng.int(size.users)) });
  const group = () => ({ kind: 'Group', apiGroup: RBAC, name: groupName(rng.int(size.groups)) });
  const sa = (ns: string) => ({
    kind: 'ServiceAccount',
    name: rng.pick(SA_NAMES.slice(0, size.serviceAccountsPerNamespace)),
    namespace: ns,
  });

  // ClusterRoles: aggregated ones first (agg-NN), then plain ones (cr-NNNN) labelled to be picked up.
  const aggNames = Array.from({ length: size.aggregated }, (_, i) => `agg-${pad(i, 2)}`);
  aggNames.forEach((name, i) => {
    const labels: Record<string, string> = {};
    // The first five are themselves aggregated into the last one: aggregation of aggregations.
    if (i < 5 && size.aggregated > 5) labels[`${LABEL}/aggregate-to-${aggNames[size.aggregated - 1]}`] = 'true';
    c.clusterRoles.push({
      apiVersion: RBAC_V1,
      kind: 'ClusterRole',
      metadata: meta(rng, name, undefined, labels),
      aggregationRule: aggregation(rng, i, name),
      rules: [],
    });
  });
  const crNames: string[] = [...aggNames];
  for (let i = 0; i < size.clusterRoles - size.aggregated; i++) {
    const name = `cr-${pad(i, 4)}`;
    crNames.push(name);
    const labels: Record<string, string> = { [`${LABEL}/tier`]: rng.pick(TIERS) };
    if (rng.chance(0.3)) labels[`${LABEL}/team`] = groupName(rng.int(size.groups));
    for (const to of rng.some(aggNames, 0, 2)) labels[`${LABEL}/aggregate-to-${to}`] = 'true';
    if (rng.chance(0.02)) labels[`rbac.authorization.k8s.io/aggregate-to-${rng.pick(BUILTIN_TARGETS)}`] = 'true';
    c.clusterRoles.push({
      apiVersion: RBAC_V1,
      kind: 'ClusterRole',
      metadata: meta(rng, name, undefined, labels),
      rules: rules(rng, clusterRule, 1, 5),
    });
  }
  const clusterRoleRef = (): Json => {
    if (rng.chance(0.005)) return { apiGroup: RBAC, kind: 'ClusterRole', name: 'missing-cluster-role' };
    return { apiGroup: RBAC, kind: 'ClusterRole', name: rng.chance(0.1) ? rng.pick(BUILTIN_TARGETS) : rng.pick(crNames) };
  };

  for (const ns of nsNames) {
    c.namespaces.push({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(rng, ns, undefined, { 'kubernetes.io/metadata.name': ns }) });
    for (const name of SA_NAMES.slice(0, size.serviceAccountsPerNamespace)) {
      c.serviceAccounts.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(rng, name, ns) });
    }
    const roleNames = ROLE_NAMES.slice(0, size.rolesPerNamespace);
    for (const name of roleNames) {
      c.roles.push({ apiVersion: RBAC_V1, kind: 'Role', metadata: meta(rng, name, ns), rules: rules(rng, namespacedRule, 1, 4) });
    }
    for (let i = 0; i < size.bindingsPerNamespace; i++) {
      const subjects = Array.from({ length: 1 + rng.int(4) }, () => {
        const r = rng.next();
        return r < 0.4 ? sa(ns) : r < 0.5 ? sa(rng.pick(nsNames)) : r < 0.75 ? user() : group();
      });
      const r = rng.next();
      const roleRef =
        r < 0.005
          ? { apiGroup: RBAC, kind: 'Role', name: 'missing-role' }
          : r < 0.55
            ? { apiGroup: RBAC, kind: 'Role', name: rng.pick(roleNames) }
            : clusterRoleRef();
      c.roleBindings.push({ apiVersion: RBAC_V1, kind: 'RoleBinding', metadata: meta(rng, `rb-${pad(i, 2)}`, ns), subjects, roleRef });
    }
  }

  for (let i = 0; i < size.clusterRoleBindings; i++) {
    const subjects = Array.from({ length: 1 + rng.int(3) }, () => {
      const r = rng.next();
      return r < 0.3 ? sa(rng.pick(nsNames)) : r < 0.6 ? user() : group();
    });
    c.clusterRoleBindings.push({
      apiVersion: RBAC_V1,
      kind: 'ClusterRoleBinding',
      metadata: meta(rng, `crb-${pad(i, 3)}`),
      subjects,
      roleRef: clusterRoleRef(),
    });
  }
  return c;
}

/** Selectors of aggregated role i: by label (most), by tier and team expressions, or both. */
function aggregation(rng: Rng, i: number, name: string): Json {
  const byLabel = { matchLabels: { [`${LABEL}/aggregate-to-${name}`]: 'true' } };
  if (i % 5 === 1) {
    const expressions = [
      { key: `${LABEL}/tier`, operator: 'In', values: rng.some(TIERS, 1, 2) },
      { key: `${LABEL}/team`, operator: rng.chance(0.5) ? 'Exists' : 'DoesNotExist' },
    ];
    return { clusterRoleSelectors: [{ matchExpressions: expressions }] };
  }
  if (i % 5 === 2) {
    const notIn = {
      matchLabels: { [`${LABEL}/tier`]: rng.pick(TIERS) },
      matchExpressions: [{ key: `${LABEL}/team`, operator: 'NotIn', values: [groupName(0)] }],
    };
    return { clusterRoleSelectors: [byLabel, notIn] };
  }
  return { clusterRoleSelectors: [byLabel] };
}

export interface Query {
  user: UserInfo;
  attrs: RequestAttributes;
}

/**
 * Random can-i questions. Half ask about someone a RoleBinding names, in that binding's
 * namespace (the questions people ask), half about anyone anywhere (mostly "no").
 */
export function canIQueries(c: SyntheticCluster, n: number, seed: number, size: SyntheticSize = FULL_SIZE): Query[] {
  const rng = new Rng(seed);
  const out: Query[] = [];
  for (let i = 0; i < n; i++) {
    let user: UserInfo;
    let namespace: string;
    if (rng.chance(0.5)) {
      const rb = rng.pick(c.roleBindings);
      namespace = (rb.metadata as Json).namespace as string;
      user = identityOf(rng, rng.pick(rb.subjects as Json[]), size);
    } else {
      namespace = namespaceName(rng.int(size.namespaces));
      user = randomIdentity(rng, size);
    }
    out.push({ user, attrs: randomRequest(rng, namespace) });
  }
  return out;
}

export function randomIdentity(rng: Rng, size: SyntheticSize = FULL_SIZE): UserInfo {
  const r = rng.next();
  if (r < 0.5) return serviceAccountUser(namespaceName(rng.int(size.namespaces)), rng.pick(SA_NAMES));
  const groups = Array.from({ length: 1 + rng.int(3) }, () => groupName(rng.int(size.groups)));
  return impersonatedUser({ user: userName(rng.int(size.users)), groups });
}

/** The identity a subject names, as the API server would authenticate it (with other groups too). */
function identityOf(rng: Rng, s: Json, size: SyntheticSize): UserInfo {
  const name = s.name as string;
  if (s.kind === 'ServiceAccount') return serviceAccountUser(s.namespace as string, name);
  const groups = [groupName(rng.int(size.groups))];
  if (s.kind === 'Group') return impersonatedUser({ user: userName(rng.int(size.users)), groups: [...groups, name] });
  return impersonatedUser({ user: name, groups });
}

/** A request in `namespace`: mostly namespaced resources, some subresources and names, some cluster-wide. */
export function randomRequest(rng: Rng, namespace: string): RequestAttributes {
  const verb = rng.chance(0.6) ? rng.pick(READ) : rng.pick(VERBS);
  const r = rng.next();
  if (r < 0.02) return { resourceRequest: false, verb: 'get', path: rng.pick(['/metrics', '/healthz/ready', '/version', '/api/v1']) };
  if (r < 0.12) {
    const [apiGroup, resource] = rng.pick(CLUSTER_SCOPED);
    return { resourceRequest: true, verb, namespace: '', apiGroup, resource, subresource: '', name: rng.chance(0.3) ? 'node-1' : '' };
  }
  const apiGroup = rng.pick(GROUP_NAMES);
  const { resources, subresources } = GROUPS[apiGroup];
  let resource = rng.pick(resources);
  let subresource = '';
  if (rng.chance(0.15)) {
    const sub = rng.pick(subresources).split('/');
    if (sub[0] !== '*') resource = sub[0];
    subresource = sub[1];
  }
  const name = subresource !== '' || rng.chance(0.2) ? rng.pick(OBJECT_NAMES) : '';
  // A few list/watch across all namespaces (namespace ""), as `kubectl get -A` asks.
  const ns = r < 0.15 && (verb === 'list' || verb === 'watch') ? '' : namespace;
  return { resourceRequest: true, verb, namespace: ns, apiGroup, resource, subresource, name: ns === '' ? '' : name };
}

/** The kinds of a synthetic cluster, each with its objects (without apiVersion and kind). */
export const KINDS: Array<{ kind: string; apiVersion: string; items: (c: SyntheticCluster) => Json[] }> = [
  { kind: 'Namespace', apiVersion: 'v1', items: (c) => c.namespaces },
  { kind: 'ServiceAccount', apiVersion: 'v1', items: (c) => c.serviceAccounts },
  { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', items: (c) => c.roles },
  { kind: 'RoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', items: (c) => c.roleBindings },
  { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', items: (c) => c.clusterRoles },
  { kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', items: (c) => c.clusterRoleBindings },
];
