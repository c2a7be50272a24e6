// Discovery documents for the test API server (spec §11): the vendored snapshot
// (server/data/discovery) plus the stored CustomResourceDefinitions, as aggregated discovery v2
// (/api, /apis) and the legacy documents (APIVersions, APIGroupList, APIGroup, APIResourceList);
// and the resource table the server routes requests and stores objects with.
import { readFileSync } from 'node:fs';
import { repoPath } from '../repo';

export interface Discovery {
  aggregatedApi: unknown;
  aggregatedApis: unknown;
  /** Legacy documents by path: /api, /apis, /api/v1, /apis/<g>, /apis/<g>/<v>. */
  legacy: Map<string, unknown>;
  /** Served resources by "group/version/resource" (core: "/v1/pods"). */
  resources: Map<string, ServedResource>;
  /** The resource of a kind by "group/version/Kind"; and by "group/Kind" for any version the group serves (preferred first). */
  kinds: Map<string, ServedResource>;
}

export interface ServedResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  /** Subresource names (status, scale, exec, ...). */
  subresources: string[];
}

interface GroupDiscovery {
  metadata: { name?: string };
  versions: { version: string; freshness: string; resources: ResourceDiscovery[] }[];
}
interface ResourceDiscovery {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource: string; responseKind: { group: string; version: string; kind: string }; verbs: string[] }[];
}

const files = new Map<string, any>();
/** A vendored discovery document (read once; callers must not change it). */
const discoveryFile = (name: string): any => {
  if (!files.has(name)) files.set(name, JSON.parse(readFileSync(repoPath('server/data/discovery', name), 'utf8')));
  return files.get(name);
};

/** The documents for the vendored snapshot and the given CustomResourceDefinition objects. */
export function buildDiscovery(crds: readonly any[]): Discovery {
  const coreList = discoveryFile('api__v1.json');
  const core = coreGroup(coreList);
  const groups: GroupDiscovery[] = [...(discoveryFile('aggregated_v2.json').items as GroupDiscovery[]), ...crdGroups(crds)];
  const list = (items: GroupDiscovery[]) => ({ apiVersion: 'apidiscovery.k8s.io/v2', kind: 'APIGroupDiscoveryList', metadata: {}, items });
  const legacy = new Map<string, unknown>([
    ['/api', { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }],
    ['/api/v1', coreList],
  ]);
  const apiGroups = groups.map((g) => {
    const versions = g.versions.map((v) => ({ groupVersion: `${g.metadata.name}/${v.version}`, version: v.version }));
    return { name: g.metadata.name, versions, preferredVersion: versions[0] };
  });
  legacy.set('/apis', { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups });
  for (const [i, g] of groups.entries()) {
    legacy.set(`/apis/${g.metadata.name}`, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroups[i] });
    for (const v of g.versions)
      legacy.set(`/apis/${g.metadata.name}/${v.version}`, resourceList(`${g.metadata.name}/${v.version}`, v.resources));
  }
  const resources = new Map<string, ServedResource>();
  const kinds = new Map<string, ServedResource>();
  for (const g of [core, ...groups]) {
    const group = g.metadata.name ?? '';
    for (const v of g.versions) {
      for (const r of v.resources) {
        const served: ServedResource = {
          group,
          version: v.version,
          resource: r.resource,
          kind: r.responseKind.kind,
          namespaced: r.scope === 'Namespaced',
          verbs: r.verbs,
          subresources: (r.subresources ?? []).map((s) => s.subresource),
        };
        resources.set(`${group}/${v.version}/${r.resource}`, served);
        if (!kinds.has(`${group}/${v.version}/${served.kind}`)) kinds.set(`${group}/${v.version}/${served.kind}`, served);
        if (!kinds.has(`${group}/${served.kind}`)) kinds.set(`${group}/${served.kind}`, served);
      }
    }
  }
  return { aggregatedApi: list([core]), aggregatedApis: list(groups), legacy, resources, kinds };
}

/** The core group's aggregated document, made from its APIResourceList ("pods/exec" → subresource of pods). */
function coreGroup(coreList: { resources: any[] }): GroupDiscovery {
  const resources = coreList.resources
    .filter((r) => !r.name.includes('/'))
    .map((r): ResourceDiscovery => {
      const subresources = coreList.resources
        .filter((s) => s.name.startsWith(`${r.name}/`))
        .map((s) => ({
          subresource: s.name.slice(r.name.length + 1),
          responseKind: { group: s.group ?? '', version: s.version ?? '', kind: s.kind },
          verbs: s.verbs,
        }));
      return {
        resource: r.name,
        responseKind: { group: '', version: '', kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.singularName,
        verbs: r.verbs,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.categories ? { categories: r.categories } : {}),
        ...(subresources.length ? { subresources } : {}),
      };
    });
  return { metadata: {}, versions: [{ version: 'v1', freshness: 'Current', resources }] };
}

/** A group-version's legacy APIResourceList. */
function resourceList(groupVersion: string, resources: ResourceDiscovery[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.flatMap((r) => [
      {
        name: r.resource,
        singularName: r.singularResource,
        namespaced: r.scope === 'Namespaced',
        kind: r.responseKind.kind,
        verbs: r.verbs,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.categories ? { categories: r.categories } : {}),
      },
      ...(r.subresources ?? []).map((s) => ({
        name: `${r.resource}/${s.subresource}`,
        singularName: '',
        namespaced: r.scope === 'Namespaced',
        kind: s.responseKind.kind,
        verbs: s.verbs,
        ...(s.responseKind.group || s.responseKind.version ? { group: s.responseKind.group, version: s.responseKind.version } : {}),
      })),
    ]),
  };
}

const CRD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * The stored CustomResourceDefinitions (apiextensions.k8s.io/v1) as the apiextensions-apiserver
 * lists them, after the built-in groups; served versions in declared order, the first preferred (the
 * real server sorts them by version priority: declare the highest first).
 */
function crdGroups(crds: readonly any[]): GroupDiscovery[] {
  const groups = new Map<string, GroupDiscovery>();
  for (const crd of crds) {
    const spec = crd?.spec;
    const names = spec?.names ?? {};
    if (!spec?.group || !names.plural || !names.kind) continue;
    const g: GroupDiscovery = groups.get(spec.group) ?? { metadata: { name: spec.group }, versions: [] };
    groups.set(spec.group, g);
    for (const v of (spec.versions ?? []).filter((x: { served?: boolean } | null) => x?.served === true)) {
      let gv = g.versions.find((x) => x.version === v.name);
      if (!gv) g.versions.push((gv = { version: v.name, freshness: 'Current', resources: [] }));
      const subresources = ['scale', 'status']
        .filter((s) => v.subresources?.[s])
        .map((s) => ({
          subresource: s,
          responseKind:
            s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: '', version: '', kind: names.kind },
          verbs: ['get', 'patch', 'update'],
        }));
      gv.resources.push({
        resource: names.plural,
        responseKind: { group: '', version: '', kind: names.kind },
        scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
        singularResource: names.singular || String(names.kind).toLowerCase(),
        verbs: CRD_VERBS,
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
        ...(names.categories ? { categories: names.categories } : {}),
        ...(subresources.length ? { subresources } : {}),
      });
    }
  }
  return [...groups.values()].filter((g) => g.versions.length > 0);
}
