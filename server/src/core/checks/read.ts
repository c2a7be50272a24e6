// Typed reads of manifests for the checks, with indexes as written, so that field paths match the
// API server's. They read the plain data (Manifest.value, the same as the tree), and a finding is
// located in the tree only once found (locate.ts): a live object's tree is built anew on each
// access of `node`. str and mapItems read a tree, for the features that point into it.
import { nodeAt, type Manifest, type YMap, type YNode } from '../manifest/parse';
import type { CheckContext } from './check';

export interface Str {
  /** '' when absent or null, as Go decodes it. */
  value: string;
  /** Present with a non-string value: the manifest reader reports it, checks skip it. */
  wrongType: boolean;
}

export interface StrItem {
  value: string;
  index: number;
}

export interface List {
  /** Number of items as written (0 when absent or null). */
  count: number;
  /** The string items (null items read as ""), with their indexes. */
  items: StrItem[];
  wrongType: boolean;
}

/** Plain data of a map: an object, not an array. */
const isMapData = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field of plain data that is set but is not a map: the manifest reader reports it, checks skip what is inside. */
export function notAMap(map: Record<string, unknown>, key: string): boolean {
  const v = map[key];
  return v !== undefined && v !== null && !isMapData(v);
}

/** A string field from its plain data, as Go decodes it. */
function decodeString(v: unknown): Str {
  if (v === undefined || v === null) return { value: '', wrongType: false };
  return typeof v === 'string' ? { value: v, wrongType: false } : { value: '', wrongType: true };
}

export function str(map: YNode | undefined, key: string): Str {
  const node = map ? nodeAt(map, [key]) : undefined;
  // A map or list node is of the wrong type, as its plain data (an object) is.
  return decodeString(node?.type === 'scalar' ? node.value : node);
}

/** str of plain data. */
export function strOf(map: unknown, key: string): Str {
  return decodeString(isMapData(map) ? map[key] : undefined);
}

/** A list of strings of plain data. */
export function listOf(map: unknown, key: string): List {
  const v = isMapData(map) ? map[key] : undefined;
  if (v === undefined || v === null) return { count: 0, items: [], wrongType: false };
  if (!Array.isArray(v)) return { count: 0, items: [], wrongType: true };
  const items: StrItem[] = [];
  for (let index = 0; index < v.length; index++) {
    // An undefined item is null in the tree.
    const item: unknown = v[index];
    if (typeof item === 'string' || item === null || item === undefined) items.push({ value: item ?? '', index });
  }
  return { count: v.length, items, wrongType: false };
}

/** The map items of a list field, with their indexes as written. */
export function mapItems(m: Manifest, key: string): Array<{ node: YMap; index: number }> {
  const seq = nodeAt(m.node, [key]);
  if (seq?.type !== 'seq') return [];
  return seq.items.flatMap((node, index) => (node.type === 'map' ? [{ node, index }] : []));
}

/** mapItems of plain data. */
export function mapItemsOf(map: Record<string, unknown>, key: string): Array<{ value: Record<string, unknown>; index: number }> {
  const list = map[key];
  return Array.isArray(list) ? list.flatMap((value: unknown, index) => (isMapData(value) ? [{ value, index }] : [])) : [];
}

export type RuleField = 'verbs' | 'apiGroups' | 'resources' | 'resourceNames' | 'nonResourceURLs';

export interface RuleView {
  index: number;
  verbs: List;
  apiGroups: List;
  resources: List;
  resourceNames: List;
  nonResourceURLs: List;
}

/** The rules of a Role or ClusterRole, from its plain data. */
export function rules(m: Manifest): RuleView[] {
  return mapItemsOf(m.value, 'rules').map(({ value, index }) => ({
    index,
    verbs: listOf(value, 'verbs'),
    apiGroups: listOf(value, 'apiGroups'),
    resources: listOf(value, 'resources'),
    resourceNames: listOf(value, 'resourceNames'),
    nonResourceURLs: listOf(value, 'nonResourceURLs'),
  }));
}

const viewsOf = new WeakMap<CheckContext['objects'], Map<Manifest, RuleView[]>>();

/** The rules of a Role or ClusterRole of `ctx.objects`, read once while it lives: many checks read them. */
export function roleRules(ctx: CheckContext, m: Manifest): RuleView[] {
  let views = viewsOf.get(ctx.objects);
  if (!views) viewsOf.set(ctx.objects, (views = new Map<Manifest, RuleView[]>()));
  let read = views.get(m);
  if (!read) views.set(m, (read = rules(m)));
  return read;
}

export const isRoleKind = (kind: string): boolean => kind === 'Role' || kind === 'ClusterRole';
export const isBindingKind = (kind: string): boolean => kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
