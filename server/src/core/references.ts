// Who references whom in the workspace: bindings → roles (roleRef), aggregated ClusterRoles →
// the ClusterRoles their selectors match, bindings and workloads → service accounts. Navigation
// and code lenses ask it; objects of the default policy have no file and are not places here.
import type { CheckContext } from './checks/check';
import { spanAt } from './checks/locate';
import { isBindingKind, mapItems, str } from './checks/read';
import type { Manifest, Span, YNode } from './manifest/parse';
import { serviceAccountOf } from './manifest/workloads';
import type { Binding } from './rbac/evaluator';
import { compileSelector, type LabelMatcher } from './rbac/labels';
import type { LabelSelector } from './rbac/types';

/** A Role, ClusterRole or ServiceAccount by identity; a ClusterRole's namespace is "". */
export interface Target {
  kind: 'Role' | 'ClusterRole' | 'ServiceAccount';
  namespace: string;
  name: string;
}

/** A place in a workspace file, and what it is. */
export interface Place {
  file: string;
  span: Span;
  via: 'definition' | 'roleRef' | 'aggregation' | 'subject' | 'workload';
  manifest: Manifest;
  /** For roleRef places: the binding. */
  binding?: Binding;
}

interface Index {
  definitions: Map<string, Place[]>;
  /** roleRefs and service account uses, by target key. */
  uses: Map<string, Place[]>;
  /** The workspace's aggregated ClusterRoles, each selector compiled (undefined when invalid). */
  aggregators: Array<{ manifest: Manifest; selectors: Array<LabelMatcher | undefined> }>;
}

const keyOf = (t: Target): string => `${t.kind}/${t.namespace}/${t.name}`;
const within = (span: Span, offset: number): boolean => span.start <= offset && offset <= span.end;
const cache = new WeakMap<CheckContext, Index>();

function push(map: Map<string, Place[]>, key: string, place: Place): void {
  const list = map.get(key);
  if (list) list.push(place);
  else map.set(key, [place]);
}

function indexOf(ctx: CheckContext): Index {
  let index = cache.get(ctx);
  if (index) return index;
  index = { definitions: new Map(), uses: new Map(), aggregators: [] };
  for (const { object, manifest } of ctx.objects) {
    const file = manifest.file;
    if (object.kind === 'Role' || object.kind === 'ClusterRole' || object.kind === 'ServiceAccount') {
      const t: Target = { kind: object.kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name };
      push(index.definitions, keyOf(t), { file, span: spanAt(manifest.node, ['metadata', 'name']), via: 'definition', manifest });
      const selectors = object.kind === 'ClusterRole' ? object.aggregationRule?.clusterRoleSelectors : undefined;
      if (selectors) index.aggregators.push({ manifest, selectors: selectors.map(compiled) });
      continue;
    }
    const ns = object.kind === 'RoleBinding' ? (object.metadata.namespace ?? '') : '';
    const ref = roleRefTarget(object, ns);
    if (ref) {
      const place: Place = { file, span: spanAt(manifest.node, ['roleRef', 'name']), via: 'roleRef', manifest, binding: object };
      push(index.uses, keyOf(ref), place);
    }
    for (const { node, index: i } of mapItems(manifest, 'subjects')) {
      const s = subjectTarget(node, ns);
      if (s) push(index.uses, keyOf(s), { file, span: spanAt(manifest.node, ['subjects', i, 'name']), via: 'subject', manifest });
    }
  }
  for (const w of ctx.workspace.workloads) {
    if (!w.podSpec) continue;
    const t: Target = { kind: 'ServiceAccount', namespace: w.namespace, name: serviceAccountOf(w) };
    // A pod spec naming no account runs as "default": point at the pod spec.
    const span = w.serviceAccountName?.span ?? w.podSpecKey ?? w.podSpec.span;
    push(index.uses, keyOf(t), { file: w.file, span, via: 'workload', manifest: w.manifest });
  }
  cache.set(ctx, index);
  return index;
}

/** The role a binding's roleRef resolves to (a ClusterRoleBinding cannot reference a Role). */
function roleRefTarget(b: Binding, ns: string): Target | undefined {
  const { kind, name } = b.roleRef;
  if (name === '') return undefined;
  if (kind === 'ClusterRole') return { kind, namespace: '', name };
  if (kind === 'Role' && b.kind === 'RoleBinding') return { kind, namespace: ns, name };
  return undefined;
}

/** A ServiceAccount subject: its namespace, or the RoleBinding's; a ClusterRoleBinding has none to give. */
function subjectTarget(node: YNode, bindingNamespace: string): Target | undefined {
  if (str(node, 'kind').value !== 'ServiceAccount') return undefined;
  const name = str(node, 'name').value;
  const namespace = str(node, 'namespace').value || bindingNamespace;
  return name && namespace ? { kind: 'ServiceAccount', namespace, name } : undefined;
}

/** What the element at `offset` of a file names: a roleRef, a subject, a serviceAccountName, or an object's own name. */
export function targetAt(ctx: CheckContext, file: string, offset: number): Target | undefined {
  for (const { object, manifest } of ctx.objects) {
    if (manifest.file !== file || !within(manifest.span, offset)) continue;
    if (object.kind === 'Role' || object.kind === 'ClusterRole' || object.kind === 'ServiceAccount') {
      const own = [spanAt(manifest.node, ['metadata', 'name']), spanAt(manifest.node, ['kind'])];
      if (!own.some((s) => within(s, offset))) return undefined;
      return { kind: object.kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name };
    }
    const ns = object.kind === 'RoleBinding' ? (object.metadata.namespace ?? '') : '';
    const roleRef = manifest.node.entries.find((e) => e.key === 'roleRef');
    if (roleRef && (within(roleRef.keySpan, offset) || within(roleRef.value.span, offset))) return roleRefTarget(object, ns);
    const subject = mapItems(manifest, 'subjects').find(({ node }) => within(node.span, offset));
    return subject && subjectTarget(subject.node, ns);
  }
  for (const w of ctx.workspace.workloads) {
    const sa = w.serviceAccountName;
    if (w.file === file && sa && (within(sa.span, offset) || within(sa.keySpan, offset))) {
      return { kind: 'ServiceAccount', namespace: w.namespace, name: sa.value };
    }
  }
  return undefined;
}

/** The workspace objects a target names (none for objects of the default policy). */
export function definitionsOf(ctx: CheckContext, t: Target, from?: Manifest): Place[] {
  const index = indexOf(ctx);
  const exact = index.definitions.get(keyOf(t)) ?? [];
  // A RoleBinding without namespace is applied to the context's namespace: offer every Role of that name.
  if (exact.length === 0 && t.kind === 'Role' && from && isBindingKind(from.kind) && !from.namespace) {
    return [...index.definitions].flatMap(([k, places]) => (k.startsWith('Role/') && k.endsWith(`/${t.name}`) ? places : []));
  }
  return exact;
}

/**
 * The places that reference a target: bindings (roleRef or subject), workloads running as an
 * account, and for a ClusterRole the aggregated ClusterRoles whose selectors match its labels.
 */
export function referencesTo(ctx: CheckContext, t: Target): Place[] {
  const uses = indexOf(ctx).uses.get(keyOf(t)) ?? [];
  return t.kind === 'ClusterRole' ? [...uses, ...aggregatorsOf(ctx, t.name)] : uses;
}

/** Bindings that reference a target, as places at their roleRef. */
export function bindingsOf(ctx: CheckContext, t: Target): Place[] {
  return referencesTo(ctx, t).filter((p) => p.via === 'roleRef');
}

/** The selectors of the workspace's aggregated ClusterRoles that select ClusterRole `name` (never itself). */
export function aggregatorsOf(ctx: CheckContext, name: string): Place[] {
  const labels = ctx.workspace.evaluator.clusterRole(name)?.metadata.labels;
  const out: Place[] = [];
  for (const { manifest, selectors } of indexOf(ctx).aggregators) {
    if (manifest.name === name) continue;
    selectors.forEach((matches, i) => {
      const span = spanAt(manifest.node, ['aggregationRule', 'clusterRoleSelectors', i]);
      if (matches?.(labels)) out.push({ file: manifest.file, span, via: 'aggregation', manifest });
    });
  }
  return out;
}

/** An invalid selector matches nothing (the aggregation controller fails on it). */
function compiled(sel: LabelSelector): LabelMatcher | undefined {
  try {
    return compileSelector(sel);
  } catch {
    return undefined;
  }
}
