// What the test API server holds: the store, the discovery it serves (which grows with stored
// CustomResourceDefinitions), the clusterrole-aggregation controller (aggregated ClusterRoles are
// stored with their aggregated rules, as in a cluster) and kubeid's evaluator over the stored RBAC
// objects, rebuilt when they change.
import { manifestsFromObjects } from '../../../server/src/core/manifest/parse';
import { policyFromManifests } from '../../../server/src/core/manifest/rbac';
import { aggregateClusterRoles } from '../../../server/src/core/rbac/aggregation';
import { RbacEvaluator } from '../../../server/src/core/rbac/evaluator';
import { buildDiscovery, type Discovery, type ServedResource } from './discovery';
import { grOf, StatusError, Store, type KubeObject } from './store';

const CRDS = 'apiextensions.k8s.io/customresourcedefinitions';
const POLICY_GRS = new Set([
  'rbac.authorization.k8s.io/roles',
  'rbac.authorization.k8s.io/clusterroles',
  'rbac.authorization.k8s.io/rolebindings',
  'rbac.authorization.k8s.io/clusterrolebindings',
  '/serviceaccounts',
]);
const CLUSTER_ROLES = 'rbac.authorization.k8s.io/clusterroles';

export class ClusterState {
  readonly store = new Store();
  private discoveryCache?: Discovery;
  private evaluatorCache?: RbacEvaluator;

  /** A state holding `seed` (in order, later objects replacing earlier ones); the history starts after it. */
  constructor(seed: readonly object[]) {
    this.store.subscribe((e) => {
      if (e.gr === CRDS) this.discoveryCache = undefined;
      if (POLICY_GRS.has(e.gr)) this.evaluatorCache = undefined;
    });
    for (const o of seed) this.store.put(this.resourceOf(o), o);
    this.aggregate();
    this.store.compact();
  }

  discovery(): Discovery {
    return (this.discoveryCache ??= buildDiscovery([...this.store.objectsOf(CRDS)]));
  }

  /** kubeid's evaluator over the stored policy, in store order (the stored ClusterRoles are already aggregated). */
  evaluator(): RbacEvaluator {
    if (!this.evaluatorCache) {
      const objects = [...POLICY_GRS].flatMap((gr) => [...this.store.objectsOf(gr)]);
      const { policy } = policyFromManifests([manifestsFromObjects(objects, 'cluster')], { origin: 'cluster' });
      this.evaluatorCache = new RbacEvaluator(policy, { aggregate: false });
    }
    return this.evaluatorCache;
  }

  /** The served resource an object is stored as, from its apiVersion and kind. */
  resourceOf(o: object): ServedResource {
    const { apiVersion: v, kind: k } = o as { apiVersion?: unknown; kind?: unknown };
    const apiVersion = typeof v === 'string' ? v : '';
    const kind = typeof k === 'string' ? k : '';
    const slash = apiVersion.lastIndexOf('/');
    const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
    const kinds = this.discovery().kinds;
    const r = kinds.get(`${group}/${version}/${kind}`) ?? kinds.get(`${group}/${kind}`);
    if (!r)
      throw new StatusError(400, 'BadRequest', `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`);
    return r;
  }

  /** Creates or replaces an object, then lets the aggregation controller run. */
  apply(o: object): KubeObject {
    const resource = this.resourceOf(o);
    const stored = this.store.put(resource, o);
    if (grOf(resource) !== CLUSTER_ROLES) return stored;
    this.aggregate();
    return this.store.get(resource, '', stored.metadata.name) ?? stored;
  }

  /** Deletes the object of `kind` (any group; the first stored one) with that namespace and name. */
  remove(kind: string, namespace: string | undefined, name: string): boolean {
    for (const r of new Set(this.discovery().kinds.values())) {
      if (r.kind !== kind || !this.store.get(r, namespace || 'default', name)) continue;
      this.store.delete(r, namespace, name);
      if (grOf(r) === CLUSTER_ROLES) this.aggregate();
      return true;
    }
    return false;
  }

  /** syncClusterRole for every aggregated ClusterRole whose rules are not the aggregate of its selection. */
  private aggregate(): void {
    const stored = [...this.store.objectsOf(CLUSTER_ROLES)];
    if (!stored.some((o) => o.aggregationRule)) return;
    const { policy } = policyFromManifests([manifestsFromObjects(stored, 'cluster')], { origin: 'cluster' });
    const current = new Map(policy.clusterRoles.map((cr) => [cr.metadata.name, JSON.stringify(cr.rules)]));
    const resource = this.resourceOf(stored[0]);
    for (const cr of aggregateClusterRoles(policy.clusterRoles).clusterRoles) {
      const rules = JSON.stringify(cr.rules);
      if (!cr.aggregationRule || current.get(cr.metadata.name) === rules) continue;
      const o = this.store.get(resource, '', cr.metadata.name);
      if (o) this.store.put(resource, { ...o, rules: JSON.parse(rules) as unknown });
    }
  }
}
