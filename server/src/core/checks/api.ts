// What RBAC rules can name: the catalogue's resources (built-in and CRDs of the workspace) plus
// the resources, subresources and verbs that exist only as authorization attributes, and the
// legacy ones the default policy still grants for older clusters.
import type { Catalogue } from '../catalogue/catalogue';

export interface ResourceInfo {
  group: string;
  plural: string;
  /** Other names a user may type for it: singular, kind, short names. */
  aliases: string[];
  verbs: Set<string>;
  subresources: Map<string, Set<string>>;
  /** Any subresource is meaningful (userextras/<key>). */
  anySubresource: boolean;
  /** Set for resources no current API server serves: when they went away. */
  removed?: string;
}

/** Verbs that are never derived from a URL but that authorizers are asked about (spec §2). */
export const SPECIAL_VERBS = ['bind', 'escalate', 'impersonate', 'use', 'approve', 'sign', 'attest', 'proxy'];
/** Modes of constrained impersonation: verbs impersonate:<mode> and impersonate-on:<mode>:<verb>. */
export const IMPERSONATION_MODES = ['user-info', 'serviceaccount', 'arbitrary-node', 'associated-node'];
/** Non-resource requests use the lower-case HTTP method as verb. */
export const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
/** OwnerReferencesPermissionEnforcement asks for update on <resource>/finalizers of any resource. */
export const FINALIZERS = 'finalizers';

interface Extra {
  group: string;
  resource: string;
  verbs?: string[];
  subresources?: Record<string, string[]>;
  anySubresource?: boolean;
  removed?: string;
}

const KUBELET_VERBS = ['get', 'create', 'update', 'patch', 'delete'];
const kubelet = Object.fromEntries(
  ['stats', 'metrics', 'log', 'spec', 'checkpoint', 'configz', 'healthz', 'pods'].map((s) => [s, KUBELET_VERBS]),
);
const STANDARD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const WORKLOAD_SUBS = { status: ['get', 'patch', 'update'], scale: ['get', 'patch', 'update'] };

const EXTRAS: Extra[] = [
  // Impersonation: legacy mode checks users and groups in the core group...
  { group: '', resource: 'users', verbs: ['impersonate'] },
  { group: '', resource: 'groups', verbs: ['impersonate'] },
  // ...constrained impersonation (v1.35+) checks identities in authentication.k8s.io.
  ...['users', 'groups', 'serviceaccounts', 'nodes', 'uids'].map((resource) => ({
    group: 'authentication.k8s.io',
    resource,
    verbs: ['impersonate'],
  })),
  { group: 'authentication.k8s.io', resource: 'userextras', verbs: ['impersonate'], anySubresource: true },
  // The kubelet authorizes its own API as subresources of nodes.
  { group: '', resource: 'nodes', subresources: kubelet },
  // EndpointRestrictions: endpoints pointing at restricted addresses.
  { group: '', resource: 'endpoints', subresources: { restricted: ['create', 'update'] } },
  // CSR signers, and the kubelet client CSRs the csrapproving controller auto-approves.
  { group: 'certificates.k8s.io', resource: 'signers', verbs: ['approve', 'sign', 'attest'] },
  {
    group: 'certificates.k8s.io',
    resource: 'certificatesigningrequests',
    subresources: { nodeclient: ['create'], selfnodeclient: ['create'] },
  },
  // Dynamic resource allocation: the scheduler binds resource claims.
  { group: 'resource.k8s.io', resource: 'resourceclaims', subresources: { binding: ['patch', 'update'] } },
  // metrics-server's aggregated API (not in the discovery snapshot).
  { group: 'metrics.k8s.io', resource: 'pods', verbs: ['get', 'list', 'watch'] },
  { group: 'metrics.k8s.io', resource: 'nodes', verbs: ['get', 'list', 'watch'] },
  // Removed APIs the default policy still names for older clusters.
  ...['daemonsets', 'deployments', 'replicasets'].map((resource) => ({
    group: 'extensions',
    resource,
    verbs: STANDARD,
    subresources: { ...WORKLOAD_SUBS, rollback: ['create'] },
    removed: 'removed from extensions in Kubernetes 1.16',
  })),
  ...['ingresses', 'networkpolicies'].map((resource) => ({
    group: 'extensions',
    resource,
    verbs: STANDARD,
    subresources: WORKLOAD_SUBS,
    removed: 'removed from extensions in Kubernetes 1.22',
  })),
  {
    group: 'extensions',
    resource: 'replicationcontrollers',
    subresources: { scale: ['get', 'patch', 'update'] },
    removed: 'extensions/v1beta1 was removed in Kubernetes 1.22',
  },
  { group: 'apps', resource: 'deployments', subresources: { rollback: ['create'] } },
  ...['extensions', 'policy'].map((group) => ({
    group,
    resource: 'podsecuritypolicies',
    verbs: [...STANDARD, 'use'],
    removed: 'removed in Kubernetes 1.25',
  })),
];

/** Aggregated APIs whose resources are open-ended (any metric name). */
const OPEN_GROUPS = new Set(['custom.metrics.k8s.io', 'external.metrics.k8s.io']);
const LEGACY_GROUPS = new Set(['extensions']);

const cache = new WeakMap<Catalogue, ApiIndex>();

export class ApiIndex {
  static of(catalogue: Catalogue): ApiIndex {
    let index = cache.get(catalogue);
    if (!index) cache.set(catalogue, (index = new ApiIndex(catalogue)));
    return index;
  }

  private readonly byGroup = new Map<string, Map<string, ResourceInfo>>();
  /** Per plural, its resources in every group (in the order of byGroup). */
  private readonly byPlural = new Map<string, ResourceInfo[]>();
  /** Every verb of every resource and subresource. */
  readonly verbs = new Set<string>();

  private constructor(catalogue: Catalogue) {
    for (const r of catalogue.all()) {
      const info = this.entry(r.group, r.plural);
      info.aliases.push(r.singular, r.kind, ...r.shortNames);
      for (const v of r.verbs) info.verbs.add(v);
      for (const s of r.subresources) this.addSub(info, s.name, s.verbs);
    }
    for (const x of EXTRAS) {
      const info = this.entry(x.group, x.resource);
      for (const v of x.verbs ?? []) info.verbs.add(v);
      for (const [name, verbs] of Object.entries(x.subresources ?? {})) this.addSub(info, name, verbs);
      if (x.anySubresource) info.anySubresource = true;
      if (x.removed && !catalogue.get(x.group, x.resource)) info.removed = x.removed;
    }
    for (const g of OPEN_GROUPS) if (!this.byGroup.has(g)) this.byGroup.set(g, new Map<string, ResourceInfo>());
    for (const m of this.byGroup.values()) for (const info of m.values()) for (const v of info.verbs) this.verbs.add(v);
    for (const m of this.byGroup.values())
      for (const info of m.values()) for (const verbs of info.subresources.values()) for (const v of verbs) this.verbs.add(v);
    for (const m of this.byGroup.values()) {
      for (const info of m.values()) {
        const list = this.byPlural.get(info.plural);
        if (list) list.push(info);
        else this.byPlural.set(info.plural, [info]);
      }
    }
  }

  private entry(group: string, plural: string): ResourceInfo {
    let g = this.byGroup.get(group);
    if (!g) this.byGroup.set(group, (g = new Map<string, ResourceInfo>()));
    let info = g.get(plural);
    if (!info) g.set(plural, (info = { group, plural, aliases: [], verbs: new Set(), subresources: new Map(), anySubresource: false }));
    return info;
  }

  private addSub(info: ResourceInfo, name: string, verbs: readonly string[]): void {
    const set = info.subresources.get(name) ?? new Set<string>();
    for (const v of verbs) set.add(v);
    info.subresources.set(name, set);
  }

  hasGroup(group: string): boolean {
    return this.byGroup.has(group);
  }

  /** Groups whose resources kubeid cannot list: any name may be valid there. */
  isOpen(group: string): boolean {
    return OPEN_GROUPS.has(group);
  }

  isLegacy(group: string): boolean {
    return LEGACY_GROUPS.has(group);
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  get(group: string, plural: string): ResourceInfo | undefined {
    return this.byGroup.get(group)?.get(plural);
  }

  /** Resources of the given groups; '*' among them means every group. */
  resourcesIn(groups: readonly string[]): ResourceInfo[] {
    const all = groups.includes('*');
    return [...this.byGroup].filter(([g]) => all || groups.includes(g)).flatMap(([, m]) => [...m.values()]);
  }

  /** Every group that has this plural. */
  find(plural: string): ResourceInfo[] {
    return this.byPlural.get(plural) ?? [];
  }
}
