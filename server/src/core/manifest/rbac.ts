// Turns parsed manifests into the RBAC engine's objects, decoding fields the way the API server
// does (wrong types are reported, not guessed at) and applying its defaults
// (pkg/apis/rbac/v1/defaults.go), so the engine sees what the cluster would store.
import type {
  AggregationRule,
  LabelSelector,
  LabelSelectorRequirement,
  ObjectMeta,
  Origin,
  Policy,
  PolicyRule,
  RbacObject,
  RoleRef,
  Subject,
} from '../rbac/types';
import { RBAC_GROUP } from '../rbac/types';
import { makeProblem, nodeAt } from './parse';
import type { Manifest, ManifestProblem, ParsedFile, YMap, YNode } from './parse';

export interface ToPolicyOptions {
  origin: Origin;
  /** Namespace of namespaced objects that name none (default "default", as `kubectl apply -f`). */
  defaultNamespace?: string;
}

export interface PolicyFromManifests {
  policy: Policy;
  problems: ManifestProblem[];
  objects: Array<{ object: RbacObject; manifest: Manifest }>;
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
/** Served by no supported cluster: both were removed in Kubernetes 1.22. */
const REMOVED_RBAC_VERSIONS = new Set(['v1beta1', 'v1alpha1']);

export function emptyPolicy(): Policy {
  return { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [] };
}

export function policyFromManifests(files: ParsedFile[], opts: ToPolicyOptions): PolicyFromManifests {
  const result: PolicyFromManifests = { policy: emptyPolicy(), problems: [], objects: [] };
  const defaultNamespace = opts.defaultNamespace ?? 'default';
  for (const file of files) {
    for (const manifest of file.manifests) {
      // Other kinds are left before their tree is read (built on access for cluster objects).
      if (manifest.kind !== 'ServiceAccount' && !RBAC_KINDS.has(manifest.kind)) continue;
      const d = new Decoder(file, manifest, result.problems);
      const object = convert(d, manifest, defaultNamespace);
      if (!object) continue;
      object.source = { origin: opts.origin, file: manifest.file, start: manifest.span.start, end: manifest.span.end };
      result.objects.push({ object, manifest });
      const p = result.policy;
      switch (object.kind) {
        case 'Role':
          p.roles.push(object);
          break;
        case 'ClusterRole':
          p.clusterRoles.push(object);
          break;
        case 'RoleBinding':
          p.roleBindings.push(object);
          break;
        case 'ClusterRoleBinding':
          p.clusterRoleBindings.push(object);
          break;
        case 'ServiceAccount':
          p.serviceAccounts.push(object);
          break;
      }
    }
  }
  return result;
}

function convert(d: Decoder, m: Manifest, defaultNamespace: string): RbacObject | undefined {
  if (m.kind === 'ServiceAccount' && m.apiVersion === 'v1') {
    const object: RbacObject = { kind: 'ServiceAccount', metadata: d.metadata(true, defaultNamespace) };
    const automount = d.bool(nodeAt(d.node, ['automountServiceAccountToken']), 'automountServiceAccountToken');
    if (automount !== undefined) object.automountServiceAccountToken = automount;
    return object;
  }
  if (!RBAC_KINDS.has(m.kind)) return undefined;
  const slash = m.apiVersion.indexOf('/');
  if (slash < 0 || m.apiVersion.slice(0, slash) !== RBAC_GROUP) return undefined; // another group's kind of the same name
  const version = m.apiVersion.slice(slash + 1);
  const apiVersionNode = nodeAt(d.node, ['apiVersion']);
  if (REMOVED_RBAC_VERSIONS.has(version)) {
    // Still converted: the user means an RBAC object, and the fields are the same.
    d.problem(
      apiVersionNode,
      `${m.apiVersion} is no longer served (removed in Kubernetes 1.22): use ${RBAC_GROUP}/v1; kubeid reads this ${m.kind} as v1`,
    );
  } else if (version !== 'v1') {
    d.problem(apiVersionNode, `no ${m.kind} in version ${m.apiVersion}: Kubernetes serves RBAC as ${RBAC_GROUP}/v1; object ignored`);
    return undefined;
  }
  switch (m.kind) {
    case 'Role':
      return { kind: 'Role', metadata: d.metadata(true, defaultNamespace), rules: d.rules() };
    case 'ClusterRole': {
      const object: RbacObject = { kind: 'ClusterRole', metadata: d.metadata(false, defaultNamespace), rules: d.rules() };
      const aggregation = d.aggregationRule();
      if (aggregation) object.aggregationRule = aggregation;
      return object;
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return {
        kind: m.kind,
        metadata: d.metadata(m.kind === 'RoleBinding', defaultNamespace),
        subjects: d.subjects(version === 'v1alpha1'),
        roleRef: d.roleRef(),
      };
  }
  return undefined;
}

/**
 * Reads typed fields of one manifest. A field of the wrong type is reported where it is and then
 * treated as absent, as the API server would refuse it rather than guess. null counts as absent
 * without a problem, as in Go's JSON decoding.
 */
class Decoder {
  /** The manifest's tree, read once: a cluster object's is built on each access. */
  readonly node: YMap;
  constructor(
    private readonly file: ParsedFile,
    private readonly manifest: Manifest,
    private readonly problems: ManifestProblem[],
  ) {
    this.node = manifest.node;
  }

  problem(node: YNode | undefined, message: string): void {
    this.problems.push(makeProblem(this.manifest.file, this.file.lineStarts, 'invalid-field', message, (node ?? this.node).span));
  }

  private wrongType(node: YNode, path: string, expected: string): void {
    this.problem(node, `invalid type for ${this.manifest.kind}.${path}: got ${describe(node)}, expected ${expected}`);
  }

  private present(node: YNode | undefined): node is YNode {
    return node !== undefined && !(node.type === 'scalar' && node.value === null);
  }

  str(node: YNode | undefined, path: string): string | undefined {
    if (!this.present(node)) return undefined;
    if (node.type === 'scalar' && typeof node.value === 'string') return node.value;
    this.wrongType(node, path, 'string');
    return undefined;
  }

  bool(node: YNode | undefined, path: string): boolean | undefined {
    if (!this.present(node)) return undefined;
    if (node.type === 'scalar' && typeof node.value === 'boolean') return node.value;
    this.wrongType(node, path, 'boolean');
    return undefined;
  }

  map(node: YNode | undefined, path: string): YMap | undefined {
    if (!this.present(node)) return undefined;
    if (node.type === 'map') return node;
    this.wrongType(node, path, 'object');
    return undefined;
  }

  /** Items of a list; `undefined` when absent or of the wrong type. */
  list(node: YNode | undefined, path: string, expected: string): YNode[] | undefined {
    if (!this.present(node)) return undefined;
    if (node.type === 'seq') return node.items;
    this.wrongType(node, path, expected);
    return undefined;
  }

  strList(node: YNode | undefined, path: string): string[] | undefined {
    const items = this.list(node, path, 'array of strings');
    if (!items) return undefined;
    const out: string[] = [];
    items.forEach((item, i) => {
      // A null element decodes to "" in Go; any other non-string rejects the object, so drop it.
      if (item.type === 'scalar' && item.value === null) out.push('');
      else {
        const s = this.str(item, `${path}[${i}]`);
        if (s !== undefined) out.push(s);
      }
    });
    return out;
  }

  strMap(node: YNode | undefined, path: string): Record<string, string> | undefined {
    const map = this.map(node, path);
    if (!map) return undefined;
    const out: Record<string, string> = {};
    for (const e of map.entries) {
      const v = e.value.type === 'scalar' && e.value.value === null ? '' : this.str(e.value, `${path}.${e.key}`);
      if (v !== undefined) Object.defineProperty(out, e.key, { value: v, writable: true, enumerable: true, configurable: true });
    }
    return out;
  }

  metadata(namespaced: boolean, defaultNamespace: string): ObjectMeta {
    const meta = this.map(nodeAt(this.node, ['metadata']), 'metadata');
    const field = (name: string): YNode | undefined => (meta ? nodeAt(meta, [name]) : undefined);
    const out: ObjectMeta = { name: this.str(field('name'), 'metadata.name') ?? '' };
    const namespace = this.str(field('namespace'), 'metadata.namespace');
    // kubectl apply puts namespaced objects without one in the context's namespace.
    if (namespaced) out.namespace = namespace || defaultNamespace;
    else if (namespace) out.namespace = namespace;
    const labels = this.strMap(field('labels'), 'metadata.labels');
    if (labels) out.labels = labels;
    const annotations = this.strMap(field('annotations'), 'metadata.annotations');
    if (annotations) out.annotations = annotations;
    return out;
  }

  rules(): PolicyRule[] {
    const items = this.list(nodeAt(this.node, ['rules']), 'rules', 'array of PolicyRule objects') ?? [];
    const out: PolicyRule[] = [];
    items.forEach((item, i) => {
      const path = `rules[${i}]`;
      const rule = this.map(item, path);
      if (!rule) return;
      const r: PolicyRule = { verbs: this.strList(nodeAt(rule, ['verbs']), `${path}.verbs`) ?? [] };
      for (const f of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
        const v = this.strList(nodeAt(rule, [f]), `${path}.${f}`);
        if (v) r[f] = v;
      }
      out.push(r);
    });
    return out;
  }

  aggregationRule(): AggregationRule | undefined {
    const agg = this.map(nodeAt(this.node, ['aggregationRule']), 'aggregationRule');
    if (!agg) return undefined;
    const path = 'aggregationRule.clusterRoleSelectors';
    const selectors = this.list(nodeAt(agg, ['clusterRoleSelectors']), path, 'array of LabelSelector objects') ?? [];
    const out: LabelSelector[] = [];
    selectors.forEach((item, i) => {
      const s = this.labelSelector(item, `${path}[${i}]`);
      if (s) out.push(s);
    });
    return { clusterRoleSelectors: out };
  }

  private labelSelector(node: YNode, path: string): LabelSelector | undefined {
    const sel = this.map(node, path);
    if (!sel) return undefined;
    const out: LabelSelector = {};
    const matchLabels = this.strMap(nodeAt(sel, ['matchLabels']), `${path}.matchLabels`);
    if (matchLabels) out.matchLabels = matchLabels;
    const exprPath = `${path}.matchExpressions`;
    const exprs = this.list(nodeAt(sel, ['matchExpressions']), exprPath, 'array of LabelSelectorRequirement objects');
    if (exprs) {
      out.matchExpressions = [];
      exprs.forEach((item, i) => {
        const p = `${exprPath}[${i}]`;
        const e = this.map(item, p);
        if (!e) return;
        const req: LabelSelectorRequirement = {
          key: this.str(nodeAt(e, ['key']), `${p}.key`) ?? '',
          operator: this.str(nodeAt(e, ['operator']), `${p}.operator`) ?? '',
        };
        const values = this.strList(nodeAt(e, ['values']), `${p}.values`);
        if (values) req.values = values;
        out.matchExpressions!.push(req);
      });
    }
    return out;
  }

  /** v1alpha1: subjects carry `apiVersion` instead of `apiGroup` (converted as the API server did). */
  subjects(v1alpha1: boolean): Subject[] {
    const items = this.list(nodeAt(this.node, ['subjects']), 'subjects', 'array of Subject objects') ?? [];
    const out: Subject[] = [];
    items.forEach((item, i) => {
      const path = `subjects[${i}]`;
      const s = this.map(item, path);
      if (!s) return;
      const kind = this.str(nodeAt(s, ['kind']), `${path}.kind`) ?? '';
      const name = this.str(nodeAt(s, ['name']), `${path}.name`) ?? '';
      const subject: Subject = v1alpha1
        ? v1alpha1Subject(kind, name, this.str(nodeAt(s, ['apiVersion']), `${path}.apiVersion`) ?? '')
        : { kind, apiGroup: defaultSubjectGroup(kind, this.str(nodeAt(s, ['apiGroup']), `${path}.apiGroup`) ?? ''), name };
      const namespace = this.str(nodeAt(s, ['namespace']), `${path}.namespace`);
      if (namespace) subject.namespace = namespace;
      out.push(subject);
    });
    return out;
  }

  roleRef(): RoleRef {
    const ref = this.map(nodeAt(this.node, ['roleRef']), 'roleRef');
    const field = (name: string): string => (ref ? this.str(nodeAt(ref, [name]), `roleRef.${name}`) : undefined) ?? '';
    // SetDefaults_RoleBinding / SetDefaults_ClusterRoleBinding.
    return { apiGroup: field('apiGroup') || RBAC_GROUP, kind: field('kind'), name: field('name') };
  }
}

/** Convert_v1alpha1_Subject_To_rbac_Subject: v1alpha1 subjects have apiVersion, not apiGroup. */
function v1alpha1Subject(kind: string, name: string, apiVersion: string): Subject {
  let apiGroup = '';
  if (kind === 'User' || kind === 'Group') apiGroup = RBAC_GROUP;
  else if (kind !== 'ServiceAccount') {
    const parts = apiVersion.split('/'); // schema.ParseGroupVersion: "v1" or "group/version"
    if (parts.length === 2) apiGroup = parts[0];
  }
  // v1alpha1's User "*" meant every authenticated user.
  if (kind === 'User' && name === '*') return { kind: 'Group', apiGroup, name: 'system:authenticated' };
  return { kind, apiGroup, name };
}

/** SetDefaults_Subject: only an empty apiGroup is filled in, and only for the three known kinds. */
function defaultSubjectGroup(kind: string, apiGroup: string): string {
  if (apiGroup) return apiGroup;
  if (kind === 'User' || kind === 'Group') return RBAC_GROUP;
  return ''; // ServiceAccount is core (""); other kinds stay as written
}

function describe(node: YNode): string {
  if (node.type === 'map') return 'object';
  if (node.type === 'seq') return 'array';
  const v = node.value;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  return `${typeof v} ${String(v)}`;
}
