// API discovery documents → catalogue resources: aggregated discovery (apidiscovery.k8s.io/v2
// APIGroupDiscoveryList from /api and /apis) or the legacy per-group-version APIResourceLists.
// The same reading as scripts/gen-data.mjs, which builds the built-in catalogue from a snapshot.
import type { ApiResource, ApiSubresource } from './catalogue';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string => (typeof x === 'string' ? x : '');
const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
const objs = (x: unknown): Obj[] => (Array.isArray(x) ? x.filter(isObj) : []);

function addAll(list: string[], items: string[]): void {
  for (const x of items) if (!list.includes(x)) list.push(x);
}

function addSubresource(into: ApiSubresource[], name: string, verbs: string[]): void {
  let s = into.find((x) => x.name === name);
  if (!s) into.push((s = { name, verbs: [] }));
  addAll(s.verbs, verbs);
}

export interface DiscoveryRead {
  resources: ApiResource[];
  /** Group versions the server could not serve (freshness "Stale": an aggregated API that is down). */
  stale: string[];
}

/** An APIGroupDiscoveryList (v2 or v2beta1): groups in server order, versions in preference order. */
export function resourcesFromAggregated(doc: unknown): DiscoveryRead {
  const out: DiscoveryRead = { resources: [], stale: [] };
  if (!isObj(doc)) return out;
  for (const item of objs(doc.items)) {
    const group = str(isObj(item.metadata) ? item.metadata.name : '');
    const byPlural = new Map<string, ApiResource>();
    for (const v of objs(item.versions)) {
      const version = str(v.version);
      if (v.freshness === 'Stale') out.stale.push(group ? `${group}/${version}` : version);
      for (const r of objs(v.resources)) {
        const plural = str(r.resource);
        if (!plural) continue;
        let e = byPlural.get(plural);
        if (!e) {
          const kind = str(isObj(r.responseKind) ? r.responseKind.kind : '');
          e = resource(group, plural, kind, str(r.singularResource), r.scope === 'Namespaced');
          byPlural.set(plural, e);
        }
        e.versions.push(version);
        addAll(e.shortNames, strings(r.shortNames));
        addAll(e.categories, strings(r.categories));
        addAll(e.verbs, strings(r.verbs));
        for (const s of objs(r.subresources)) addSubresource(e.subresources, str(s.subresource), strings(s.verbs));
      }
    }
    out.resources.push(...finish(byPlural));
  }
  return out;
}

/**
 * Legacy discovery: the APIResourceList of each group version, preferred version first within a
 * group ("pods/exec" is the subresource exec of pods).
 */
export function resourcesFromResourceLists(lists: ReadonlyArray<{ group: string; version: string; list: unknown }>): ApiResource[] {
  const byKey = new Map<string, ApiResource>();
  const order: ApiResource[] = [];
  for (const { group, version, list } of lists) {
    if (!isObj(list)) continue;
    const items = objs(list.resources);
    for (const r of items) {
      const name = str(r.name);
      if (!name || name.includes('/')) continue;
      let e = byKey.get(`${group}/${name}`);
      if (!e) {
        e = resource(group, name, str(r.kind), str(r.singularName), r.namespaced === true);
        byKey.set(`${group}/${name}`, e);
        order.push(e);
      }
      e.versions.push(version);
      addAll(e.shortNames, strings(r.shortNames));
      addAll(e.categories, strings(r.categories));
      addAll(e.verbs, strings(r.verbs));
    }
    for (const r of items) {
      const name = str(r.name);
      const i = name.indexOf('/');
      const parent = i > 0 ? byKey.get(`${group}/${name.slice(0, i)}`) : undefined;
      if (parent) addSubresource(parent.subresources, name.slice(i + 1), strings(r.verbs));
    }
  }
  return finish(new Map(order.map((r) => [`${r.group}/${r.plural}`, r])));
}

function resource(group: string, plural: string, kind: string, singular: string, namespaced: boolean): ApiResource {
  return {
    group,
    versions: [],
    preferredVersion: '',
    kind,
    plural,
    // Discovery may omit the singular; kubectl then guesses lower(kind) (UnsafeGuessKindToResource).
    singular: singular || kind.toLowerCase(),
    shortNames: [],
    categories: [],
    namespaced,
    verbs: [],
    subresources: [],
  };
}

function finish(byPlural: Map<string, ApiResource>): ApiResource[] {
  return [...byPlural.values()].map((r) => ({ ...r, versions: [...new Set(r.versions)], preferredVersion: r.versions[0] ?? '' }));
}
