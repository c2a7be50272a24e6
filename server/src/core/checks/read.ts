// Typed reads of manifest trees for the checks. They keep every node, so a finding can point at
// the exact element, and indexes as written, so field paths match the API server's.
import { nodeAt, type Manifest, type YMap, type YNode } from '../manifest/parse';

export interface Str {
  /** '' when absent or null, as Go decodes it. */
  value: string;
  node?: YNode;
  /** Present with a non-string value: the manifest reader reports it, checks skip it. */
  wrongType: boolean;
}

export interface StrItem {
  value: string;
  node: YNode;
  index: number;
}

export interface List {
  node?: YNode;
  /** Number of items as written (0 when absent or null). */
  count: number;
  /** The string items (null items read as ""), with their indexes. */
  items: StrItem[];
  wrongType: boolean;
}

const isNull = (n: YNode | undefined): boolean => n === undefined || (n.type === 'scalar' && n.value === null);

/** A field that is set but is not a map: the manifest reader reports it, checks skip what is inside. */
export function notAMap(m: Manifest, key: string): boolean {
  const node = nodeAt(m.node, [key]);
  return !isNull(node) && node!.type !== 'map';
}

export function str(map: YNode | undefined, key: string): Str {
  const node = map ? nodeAt(map, [key]) : undefined;
  if (isNull(node)) return { value: '', node, wrongType: false };
  if (node!.type === 'scalar' && typeof node!.value === 'string') return { value: node!.value, node, wrongType: false };
  return { value: '', node, wrongType: true };
}

export function list(map: YNode | undefined, key: string): List {
  const node = map ? nodeAt(map, [key]) : undefined;
  if (isNull(node)) return { node, count: 0, items: [], wrongType: false };
  if (node!.type !== 'seq') return { node, count: 0, items: [], wrongType: true };
  const items: StrItem[] = [];
  node!.items.forEach((n, index) => {
    if (n.type === 'scalar' && (typeof n.value === 'string' || n.value === null)) items.push({ value: n.value ?? '', node: n, index });
  });
  return { node, count: node!.items.length, items, wrongType: false };
}

/** The map items of a list field, with their indexes as written. */
export function mapItems(m: Manifest, key: string): Array<{ node: YMap; index: number }> {
  const seq = nodeAt(m.node, [key]);
  if (seq?.type !== 'seq') return [];
  return seq.items.flatMap((node, index) => (node.type === 'map' ? [{ node, index }] : []));
}

export type RuleField = 'verbs' | 'apiGroups' | 'resources' | 'resourceNames' | 'nonResourceURLs';

export interface RuleView {
  index: number;
  node: YMap;
  verbs: List;
  apiGroups: List;
  resources: List;
  resourceNames: List;
  nonResourceURLs: List;
}

/** The rules of a Role or ClusterRole. */
export function rules(m: Manifest): RuleView[] {
  return mapItems(m, 'rules').map(({ node, index }) => ({
    index,
    node,
    verbs: list(node, 'verbs'),
    apiGroups: list(node, 'apiGroups'),
    resources: list(node, 'resources'),
    resourceNames: list(node, 'resourceNames'),
    nonResourceURLs: list(node, 'nonResourceURLs'),
  }));
}

export const isRoleKind = (kind: string): boolean => kind === 'Role' || kind === 'ClusterRole';
export const isBindingKind = (kind: string): boolean => kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
