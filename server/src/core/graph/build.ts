// Builds the access graph (subjects → bindings → roles → resources) from what the RBAC engine
// sees: the workspace manifests on the default policy, or a live cluster's snapshot. Findings of
// the checks colour the objects and the edges they point into, found by their spans in both cases
// (a live object's spans are positions in its virtual text: manifestsFromObjects).
import type { Catalogue } from '../catalogue/catalogue';
import { workspaceContext, type Finding } from '../checks/check';
import { ALL_CHECKS } from '../checks/index';
import { runChecks, type CheckSettings } from '../checks/run';
import { spanAt } from '../checks/locate';
import { missingRbac, snapshotChecks, type SnapshotPolicy } from '../cluster/snapshot';
import type { Manifest } from '../manifest/parse';
import { isDefaultPolicyObject } from '../policy/defaults';
import type { Workspace } from '../policy/workspace';
import type { Binding, RbacEvaluator } from '../rbac/evaluator';
import type { ClusterRole, RbacObject, Role } from '../rbac/types';
import { bindingId, edgeId, resourceId, roleId, subjectId, urlId } from './ids';
import { worstRisk, type GraphData, type GraphEdge, type GraphNode, type NodeKind } from './protocol';

/** What the graph needs of a source: the engine, and for manifests where each object is. */
export interface GraphSource {
  evaluator: RbacEvaluator;
  /** Objects read from manifests, to place findings on rules and subjects. */
  objects?: Workspace['objects'];
  locate?: Workspace['locate'];
}

export interface GraphOptions {
  /** What the graph was built from, for the title ("3 folders", "context prod"). */
  source: string;
  /** Findings of the checks (runChecks) on the source's manifests. */
  findings?: readonly Finding[];
}

const labelOf = (name: string, namespace: string | undefined): string => (namespace ? `${namespace}/${name}` : name);

export function buildGraph(src: GraphSource, opts: GraphOptions): GraphData {
  const g = new Builder(src);
  const p = src.evaluator.policy;
  for (const sa of p.serviceAccounts)
    g.object(sa, 'ServiceAccount', 'subject', `ServiceAccount:${sa.metadata.namespace ?? ''}/${sa.metadata.name}`);
  for (const r of p.roles) g.role(r);
  for (const r of p.clusterRoles) g.role(r);
  for (const b of p.clusterRoleBindings) g.binding(b, '');
  for (const b of p.roleBindings) g.binding(b, b.metadata.namespace ?? '');
  if (opts.findings?.length) g.colour(opts.findings);
  return { source: opts.source, nodes: [...g.nodes.values()], edges: [...g.edges.values()] };
}

/** The graph of a workspace, coloured by every check (with the severities the settings give). */
export function workspaceGraph(ws: Workspace, source: string, settings: CheckSettings = {}): GraphData {
  const findings = runChecks(workspaceContext(ws), ALL_CHECKS, settings);
  return buildGraph(ws, { source, findings });
}

export interface ClusterGraphOptions {
  /** The kube context, named in the title. */
  context: string;
  namespace?: string;
  settings?: CheckSettings;
  /** The cluster's API resources (discovery), for the checks that name unknown resources. */
  catalogue?: Catalogue;
}

/**
 * The graph of a live cluster's snapshot: its objects as they are (no default policy added, the
 * cluster holds it), coloured by the same checks as the diagnostics; a partial snapshot says so.
 */
export function clusterGraph(sp: SnapshotPolicy, o: ClusterGraphOptions): GraphData {
  const findings = runChecks(snapshotChecks(sp, o.context, o.catalogue), ALL_CHECKS, o.settings);
  const data = buildGraph({ evaluator: sp.evaluator, objects: sp.objects }, { source: `cluster (context ${o.context})`, findings });
  const incomplete = missingRbac(sp.missing);
  data.sources = {
    shown: 'cluster',
    context: o.context,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(incomplete ? { incomplete } : {}),
  };
  return data;
}

class Builder {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges = new Map<string, GraphEdge>();
  /** Grants by role id. */
  private readonly grantsOf = new Map<string, GraphEdge[]>();
  /** Node of each object, to place findings. */
  private readonly nodeOf = new Map<RbacObject, GraphNode>();

  constructor(private readonly src: GraphSource) {}

  object(o: RbacObject, kind: NodeKind, layer: GraphNode['layer'], id: string): GraphNode {
    const at = this.src.locate?.(o.source);
    const node: GraphNode = {
      id,
      kind,
      layer,
      name: o.metadata.name,
      label: labelOf(o.metadata.name, o.metadata.namespace),
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      ...(o.source ? { origin: o.source.origin } : {}),
      ...(o.source?.origin === 'default-policy' || isDefaultPolicyObject(o) ? { defaultPolicy: true } : {}),
      ...(at ? { file: at.file, line: at.line } : {}),
    };
    this.nodes.set(id, node);
    this.nodeOf.set(o, node);
    return node;
  }

  role(r: Role | ClusterRole): void {
    const ns = r.metadata.namespace ?? '';
    const id = roleId(r.kind, r.metadata.name, ns);
    const node = this.object(r, r.kind, 'role', id);
    const origins = r.kind === 'ClusterRole' ? this.src.evaluator.aggregatedFrom(r.metadata.name) : undefined;
    node.rules = r.rules.map((rule, i) => (origins?.[i] !== undefined ? { ...rule, aggregatedFrom: origins[i] } : rule));
    r.rules.forEach((rule, i) => {
      for (const url of rule.nonResourceURLs ?? []) {
        this.ensure(urlId(url), () => ({ id: urlId(url), kind: 'NonResourceURL', layer: 'resource', name: url, label: url }));
        this.grant(id, urlId(url), rule.verbs, undefined, i);
      }
      for (const group of rule.apiGroups ?? []) {
        for (const res of rule.resources ?? []) {
          const rid = resourceId(group, res);
          const label = group ? `${res}.${group}` : res;
          this.ensure(rid, () => ({ id: rid, kind: 'Resource', layer: 'resource', name: res, label, apiGroup: group }));
          this.grant(id, rid, rule.verbs, rule.resourceNames, i);
        }
      }
    });
  }

  binding(b: Binding, ns: string): void {
    const id = bindingId(b);
    const node = this.object(b, b.kind, 'binding', id);
    node.roleRef = b.roleRef;
    node.subjects = b.subjects;
    for (const s of b.subjects) {
      const sid = subjectId(s, ns);
      if (!sid) continue; // a kind the API server never matches: the invalid-subject check reports it
      this.ensure(sid, () => {
        const sns = s.kind === 'ServiceAccount' ? s.namespace || ns : undefined;
        return {
          id: sid,
          kind: s.kind as NodeKind,
          layer: 'subject',
          name: s.name,
          label: labelOf(s.name, sns),
          ...(sns ? { namespace: sns } : {}),
        };
      });
      this.edge({ id: edgeId(sid, id), source: sid, target: id, kind: 'subject' });
    }
    const rid = roleId(b.roleRef.kind, b.roleRef.name, ns);
    const exists = b.roleRef.kind === 'Role' ? this.src.evaluator.role(ns, b.roleRef.name) : this.src.evaluator.clusterRole(b.roleRef.name);
    if (!exists) {
      const kind: NodeKind = b.roleRef.kind === 'Role' ? 'Role' : 'ClusterRole';
      this.ensure(rid, () => ({
        id: rid,
        kind,
        layer: 'role',
        name: b.roleRef.name,
        label: labelOf(b.roleRef.name, kind === 'Role' ? ns : undefined),
        ...(kind === 'Role' ? { namespace: ns } : {}),
        missing: true,
      }));
    }
    this.edge({ id: edgeId(id, rid), source: id, target: rid, kind: 'roleRef' });
  }

  private ensure(id: string, make: () => GraphNode): void {
    if (!this.nodes.has(id)) this.nodes.set(id, make());
  }

  private edge(e: GraphEdge): void {
    if (!this.edges.has(e.id)) this.edges.set(e.id, e);
  }

  private grant(source: string, target: string, verbs: readonly string[], names: readonly string[] | undefined, rule: number): void {
    const id = edgeId(source, target);
    let e = this.edges.get(id);
    if (!e) {
      this.edges.set(id, (e = { id, source, target, kind: 'grants', verbs: [], rules: [] }));
      const list = this.grantsOf.get(source);
      if (list) list.push(e);
      else this.grantsOf.set(source, [e]);
    }
    for (const v of verbs) if (!e.verbs!.includes(v)) e.verbs!.push(v);
    if (names?.length) e.resourceNames = [...new Set([...(e.resourceNames ?? []), ...names])];
    e.rules!.push(rule);
  }

  /** Each finding lands on the object it is in, and on the edges of the rule or subject it points at. */
  colour(findings: readonly Finding[]): void {
    const byFile = new Map<string, Array<{ object: RbacObject; manifest: Manifest }>>();
    for (const o of this.src.objects ?? []) {
      let list = byFile.get(o.manifest.file);
      if (!list) byFile.set(o.manifest.file, (list = []));
      list.push(o);
    }
    for (const list of byFile.values()) list.sort((a, b) => a.manifest.span.start - b.manifest.span.start);
    for (const f of findings) {
      const list = byFile.get(f.file);
      const hit = list && containing(list, f.span.start);
      const node = hit && this.nodeOf.get(hit.object);
      if (!hit || !node) continue;
      node.findings = [...(node.findings ?? []), { check: f.check, severity: f.severity, message: f.message, line: this.lineOf(f) }];
      node.risk = worstRisk(node.risk, f.severity);
      // The other end of the edge (a resource, a subject) is not coloured: others reach it safely.
      for (const e of this.edgesAt(hit.object, hit.manifest, f.span.start, node.id)) e.risk = worstRisk(e.risk, f.severity);
    }
  }

  private lineOf(f: Finding): number | undefined {
    return this.src.locate?.({ origin: 'workspace', file: f.file, start: f.span.start })?.line;
  }

  /** The edges drawn from the part of the manifest at `offset`: a rule's grants, a subject's edge, the roleRef. */
  private edgesAt(o: RbacObject, m: Manifest, offset: number, id: string): GraphEdge[] {
    const node = m.node; // a live object's tree is built on each access
    const inside = (path: ReadonlyArray<string | number>) => {
      const s = spanAt(node, path);
      return offset >= s.start && offset < s.end;
    };
    if (o.kind === 'Role' || o.kind === 'ClusterRole') {
      // An aggregated ClusterRole's rules are not the ones its manifest lists.
      if (o.kind === 'ClusterRole' && this.src.evaluator.aggregatedFrom(o.metadata.name)) return [];
      const rule = (o.rules ?? []).findIndex((_, i) => inside(['rules', i]));
      if (rule < 0) return [];
      return (this.grantsOf.get(id) ?? []).filter((e) => e.rules?.includes(rule));
    }
    if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
      const ns = o.kind === 'RoleBinding' ? (o.metadata.namespace ?? '') : '';
      if (inside(['roleRef'])) return [this.edges.get(edgeId(id, roleId(o.roleRef.kind, o.roleRef.name, ns)))!].filter(Boolean);
      const j = o.subjects.findIndex((_, i) => inside(['subjects', i]));
      const sid = j >= 0 ? subjectId(o.subjects[j], ns) : undefined;
      const e = sid && this.edges.get(edgeId(sid, id));
      return e ? [e] : [];
    }
    return [];
  }
}

/** The object whose manifest span contains `offset` (objects sorted by start, spans disjoint). */
function containing<T extends { manifest: Manifest }>(list: readonly T[], offset: number): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid].manifest.span;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return list[mid];
  }
  return undefined;
}
