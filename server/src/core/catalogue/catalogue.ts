// The API catalogue: which resources exist, their names, scope, verbs and subresources, and how a
// kubectl TYPE argument maps to one of them. Built-in data comes from the vendored discovery
// snapshot (builtin.generated.ts); CRDs are added with withResources(resourcesFromCrd(...)).
import { BUILTIN_RESOURCES } from './builtin.generated.js';

export interface ApiSubresource {
  name: string;
  verbs: string[];
}

export interface ApiResource {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
  preferredVersion: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  verbs: string[];
  subresources: ApiSubresource[];
}

/** The generated file's form of a resource: lists space-separated, subresources "name:verb,verb". */
export interface EncodedResource {
  group: string;
  versions: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string;
  shortNames?: string;
  categories?: string;
  subresources?: string;
}

const words = (s: string | undefined): string[] => (s ? s.split(' ') : []);

function decode(e: EncodedResource): ApiResource {
  const versions = words(e.versions);
  const subresources = words(e.subresources).map((s) => {
    const i = s.indexOf(':');
    return Object.freeze({
      name: s.slice(0, i),
      verbs: Object.freeze(
        s
          .slice(i + 1)
          .split(',')
          .filter(Boolean),
      ),
    });
  });
  return Object.freeze({
    group: e.group,
    versions: Object.freeze(versions),
    preferredVersion: versions[0],
    kind: e.kind,
    plural: e.plural,
    singular: e.singular,
    shortNames: Object.freeze(words(e.shortNames)),
    categories: Object.freeze(words(e.categories)),
    namespaced: e.namespaced,
    verbs: Object.freeze(words(e.verbs)),
    subresources: Object.freeze(subresources),
  }) as ApiResource; // frozen: the built-in catalogue is shared
}

interface Query {
  resource: string;
  group: string;
  version: string;
}

let builtinCatalogue: Catalogue | undefined;

export class Catalogue {
  static builtin(): Catalogue {
    return (builtinCatalogue ??= new Catalogue(BUILTIN_RESOURCES.map(decode)));
  }

  private readonly resources: readonly ApiResource[];
  private readonly groupOrder: string[];
  private readonly byKey = new Map<string, ApiResource>();
  /** kubectl's PriorityRESTMapper patterns: [group, version]; version undefined = any version. */
  private readonly priority: [string, string | undefined][];

  /** Resources are ranked by the order their groups first appear ("" always first); a later entry with the same group+plural replaces an earlier one in place. */
  constructor(resources: readonly ApiResource[]) {
    const keyOf = (r: ApiResource) => `${r.group}/${r.plural}`;
    const list: ApiResource[] = [];
    const index = new Map<string, number>();
    for (const r of resources) {
      const i = index.get(keyOf(r));
      if (i === undefined) index.set(keyOf(r), list.push(r) - 1);
      else list[i] = r;
    }
    const seen = new Set(list.map((r) => r.group));
    const groups = seen.has('') ? ['', ...[...seen].filter((g) => g !== '')] : [...seen];
    this.groupOrder = groups;
    this.resources = groups.flatMap((g) => list.filter((r) => r.group === g));
    for (const r of this.resources) this.byKey.set(keyOf(r), r);

    // NewDiscoveryRESTMapper (client-go restmapper/discovery.go): core v1 first; then per group in
    // discovery order its preferred version and its other versions; then each group, any version.
    const groupVersions = (g: string) => [...new Set(this.resources.filter((r) => r.group === g).flatMap((r) => r.versions))];
    this.priority = [
      ['', 'v1'],
      ...groups.flatMap((g) => groupVersions(g).map((v): [string, string] => [g, v])),
      ...groups.map((g): [string, undefined] => [g, undefined]),
    ];
  }

  /** A new catalogue with `extra` added (e.g. CRDs); an extra resource replaces the one with the same group+plural. */
  withResources(extra: readonly ApiResource[]): Catalogue {
    return new Catalogue([...this.resources, ...extra]);
  }

  all(): readonly ApiResource[] {
    return this.resources;
  }

  /** Distinct groups in priority order, "" first. */
  groups(): string[] {
    return [...this.groupOrder];
  }

  get(group: string, plural: string): ApiResource | undefined {
    return this.byKey.get(`${group}/${plural}`);
  }

  byKind(group: string, kind: string): ApiResource | undefined {
    return this.resources.find((r) => r.group === group && r.kind === kind);
  }

  /**
   * kubectl's resourceFor() (kubectl auth can-i, cani.go): the resource a TYPE argument means, or
   * undefined if discovery doesn't know it (or it is ambiguous). "*" is the caller's business.
   */
  resolve(arg: string): ApiResource | undefined {
    const a = arg.toLowerCase();
    if (a === '*') return undefined;
    // schema.ParseResourceArg: with two or more dots, first try resource.version.group...
    const parts = a.split('.');
    if (parts.length >= 3) {
      const r = this.resourceFor({ resource: parts[0], version: parts[1], group: parts.slice(2).join('.') });
      if (r) return r;
    }
    // ...then resource.group... (ParseGroupResource splits on the first dot).
    const dot = a.indexOf('.');
    return dot < 0
      ? this.resourceFor({ resource: a, group: '', version: '' })
      : this.resourceFor({ resource: a.slice(0, dot), group: a.slice(dot + 1), version: '' });
  }

  /** The shortcut expander in front of the discovery RESTMapper (mapper.ResourceFor). */
  private resourceFor(query: Query): ApiResource | undefined {
    if (!query.resource) return undefined;
    const q = this.expandShortcut(query);

    // DefaultRESTMapper.ResourcesFor per group-version, matching plural or singular. Group and
    // version given: exact. Group only: exact, else any group starting with it (so
    // "storageclasses.storage" finds storage.k8s.io). Neither: any group.
    const hits: { r: ApiResource; v: string }[] = [];
    for (const r of this.resources) {
      if (q.resource !== r.plural && q.resource !== r.singular) continue;
      if (q.group && !(q.version ? r.group === q.group : r.group.startsWith(q.group))) continue;
      for (const v of r.versions) if (!q.version || v === q.version) hits.push({ r, v });
    }

    // PriorityRESTMapper.ResourceFor: narrow by each pattern in turn; a pattern with one hit wins,
    // one with none is skipped, one with several narrows the set. Still several at the end: ambiguous.
    if (hits.length === 1) return hits[0].r;
    let remaining = hits;
    for (const [g, v] of this.priority) {
      const m = remaining.filter((h) => h.r.group === g && (v === undefined || h.v === v));
      if (m.length === 1) return m[0].r;
      if (m.length > 1) remaining = m;
    }
    return undefined;
  }

  /** client-go restmapper shortcutExpander.expandResourceShortcut; short names come from discovery only. */
  private expandShortcut(q: Query): Query {
    const inGroup = (r: ApiResource) => !q.group || r.group === q.group;
    // A plural or singular name (in the given group, any version) is never expanded.
    if (this.resources.some((r) => inGroup(r) && (r.plural === q.resource || r.singular === q.resource))) return q;
    // First short name in group priority order; the expander drops the version here.
    const short = this.resources.find((r) => inGroup(r) && r.shortNames.includes(q.resource));
    if (short) return { resource: short.plural, group: short.group, version: '' };
    // Otherwise a group prefix: "hpa.autoscal" → autoscaling (the version is kept).
    if (!q.group) return q;
    const prefixed = this.resources.find((r) => r.group.startsWith(q.group) && r.shortNames.includes(q.resource));
    return prefixed ? { ...q, resource: prefixed.plural, group: prefixed.group } : q;
  }
}

// ---------------------------------------------------------------------------------------------
// CustomResourceDefinitions

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string => (typeof x === 'string' ? x : '');
const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string' && s !== '') : []);

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * k8s.io/apimachinery version.CompareKubeAwareVersionStrings as a sort comparator (highest priority
 * first): GA before beta before alpha, then higher major, then higher minor; versions that are not
 * kube-like (v1, v2beta1, v1alpha3 …) come last, in alphabetical order.
 */
function compareKubeAwareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const m = KUBE_VERSION.exec(v);
    return m && [m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return 0;
}

// What the apiextensions-apiserver serves for every custom resource.
const CRD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CRD_SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

/**
 * A CustomResourceDefinition manifest (apiextensions.k8s.io/v1, as plain JSON) → its resource, as
 * discovery would list it: served versions only (sorted by kube-aware version priority, the first
 * is preferred), scope, names (singular defaults to lower-case kind), status/scale subresources of
 * any served version, the standard verbs. Not a CRD, or nothing served → [].
 */
export function resourcesFromCrd(crd: unknown): ApiResource[] {
  if (!isObj(crd) || crd.kind !== 'CustomResourceDefinition' || !isObj(crd.spec)) return [];
  if (crd.apiVersion !== undefined && !str(crd.apiVersion).startsWith('apiextensions.k8s.io/')) return [];
  const spec = crd.spec;
  const names = isObj(spec.names) ? spec.names : {};
  const group = str(spec.group);
  const plural = str(names.plural);
  const kind = str(names.kind);
  if (!group || !plural || !kind) return [];

  // v1beta1 CRDs could use spec.version and a top-level spec.subresources instead of spec.versions.
  const declared = Array.isArray(spec.versions) ? spec.versions.filter(isObj) : spec.version ? [{ name: spec.version, served: true }] : [];
  const served = declared.filter((v) => v.served === true && str(v.name));
  if (!served.length) return [];

  const subresources = new Set<string>();
  for (const v of served) {
    const sub = isObj(v.subresources) ? v.subresources : isObj(spec.subresources) ? spec.subresources : {};
    if (isObj(sub.status)) subresources.add('status');
    if (isObj(sub.scale)) subresources.add('scale');
  }
  const versions = [...new Set(served.map((v) => str(v.name)))].sort(compareKubeAwareVersions);
  return [
    {
      group,
      versions,
      preferredVersion: versions[0],
      kind,
      plural,
      singular: str(names.singular) || kind.toLowerCase(),
      shortNames: strings(names.shortNames),
      categories: strings(names.categories),
      namespaced: spec.scope !== 'Cluster',
      verbs: [...CRD_VERBS],
      subresources: [...subresources].sort().map((name) => ({ name, verbs: [...CRD_SUBRESOURCE_VERBS] })),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// kubeid CLI TYPE[/NAME] arguments

export interface TypeArg {
  group: string;
  resource: string;
  name: string;
  known?: ApiResource;
}

/**
 * TYPE[/NAME] as `kubectl auth can-i` reads it: split on the first "/"; "*" stays "*"; a type the
 * catalogue resolves becomes its plural and group. Unlike kubectl (which then uses the whole raw
 * argument as the resource), kubeid takes an unknown type literally as RESOURCE[.GROUP]:
 * "widgets.example.com" → resource "widgets", group "example.com"; case is kept.
 */
export function parseTypeArg(arg: string, catalogue: Catalogue): TypeArg {
  const slash = arg.indexOf('/');
  const type = slash < 0 ? arg : arg.slice(0, slash);
  const name = slash < 0 ? '' : arg.slice(slash + 1);
  if (type === '*') return { group: '', resource: '*', name };
  const known = catalogue.resolve(type);
  if (known) return { group: known.group, resource: known.plural, name, known };
  const dot = type.indexOf('.');
  return dot < 0 ? { group: '', resource: type, name } : { group: type.slice(dot + 1), resource: type.slice(0, dot), name };
}
