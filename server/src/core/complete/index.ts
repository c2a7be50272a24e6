// Completion at an offset of a manifest file: reads the cursor, then asks the part that knows the
// field (rules, bindings) or offers what fits anywhere (namespaces, service account names,
// kinds, new-object snippets). Plain data out; the language server turns it into LSP items.
import { textAt, cursorAt, type Cursor } from '../cursor/cursor';
import { DEFAULT_MAX_BYTES, positionAt, type ParsedFile } from '../manifest/parse';
import type { ClusterRefs } from '../checks/check';
import type { Workspace } from '../policy/workspace';
import { bindingCandidates } from './binding';
import { keyCandidate, valueCandidate, type Candidate } from './candidate';
import { knownNames, serviceAccountsIn } from './known';
import { ruleCandidates } from './rule';
import { snippetCandidates } from './snippets';

export type { Candidate, TextEdit } from './candidate';

const ROOT_KEYS: Record<string, string[]> = {
  Role: ['rules'],
  ClusterRole: ['rules', 'aggregationRule'],
  RoleBinding: ['subjects', 'roleRef'],
  ClusterRoleBinding: ['subjects', 'roleRef'],
};
const KINDS: Array<[string, string]> = [
  ['Role', 'rbac.authorization.k8s.io/v1'],
  ['ClusterRole', 'rbac.authorization.k8s.io/v1'],
  ['RoleBinding', 'rbac.authorization.k8s.io/v1'],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1'],
  ['ServiceAccount', 'v1'],
];

/** `cluster`: the connected cluster's snapshot, whose roles a roleRef may name too. */
export function completions(ws: Workspace, file: ParsedFile, offset: number, cluster?: ClusterRefs): Candidate[] {
  // Text over the size limit is not parsed (`too-large`), and reading the cursor in it took seconds
  // per request (50 MB in one document: a yaml re-parse, then a walk up half a million lines).
  if (file.text.length > DEFAULT_MAX_BYTES) return [];
  const c = cursorAt(file, offset);
  const kind = textAt(c.object, ['kind']);
  const text = file.text;
  const p = c.path;
  if (p.length === 0 && c.at === 'key') {
    if (!kind && !textAt(c.object, ['apiVersion']))
      return snippetCandidates(c, file.lineStarts[positionAt(file.lineStarts, c.range.start).line]);
    const present = new Set(c.object?.entries.map((e) => e.key) ?? []);
    return (ROOT_KEYS[kind] ?? []).filter((k) => !present.has(k)).map((k, i) => keyCandidate(c, k, `${kind} field`, i));
  }
  if (c.at !== 'value' && p[0] !== 'rules' && p[0] !== 'subjects' && p[0] !== 'roleRef') return [];
  if (p.length === 1 && p[0] === 'kind')
    return KINDS.map(([k, api], i) => valueCandidate(c, text, k, { kind: 'kind', tier: 0, rank: i, detail: api }));
  if (p.length === 1 && p[0] === 'apiVersion') {
    return ['rbac.authorization.k8s.io/v1', 'v1'].map((v, i) => valueCandidate(c, text, v, { kind: 'kind', tier: 0, rank: i }));
  }
  if (p.length === 2 && p[0] === 'metadata' && p[1] === 'namespace') return namespaces(c, ws, text);
  if ((kind === 'Role' || kind === 'ClusterRole') && p[0] === 'rules' && typeof p[1] === 'number') return ruleCandidates(c, ws, text, kind);
  if ((kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && (p[0] === 'roleRef' || p[0] === 'subjects')) {
    return bindingCandidates(c, ws, text, kind, cluster);
  }
  const last = p[p.length - 1];
  if ((last === 'serviceAccountName' || last === 'serviceAccount') && p.includes('spec')) return accounts(c, ws, text);
  return [];
}

function namespaces(c: Cursor, ws: Workspace, text: string): Candidate[] {
  return knownNames(ws).namespaces.map((n, i) => valueCandidate(c, text, n, { kind: 'namespace', tier: 0, rank: i }));
}

/** The service accounts a pod template may run as: those of the workload's namespace. */
function accounts(c: Cursor, ws: Workspace, text: string): Candidate[] {
  const namespace = textAt(c.object, ['metadata', 'namespace']) || 'default';
  return serviceAccountsIn(knownNames(ws), namespace).map((sa) =>
    valueCandidate(c, text, sa.name, {
      kind: 'account',
      tier: sa.origin === 'implicit' ? 1 : 0,
      detail: sa.origin === 'implicit' ? 'exists in every namespace' : (sa.file?.split(/[\\/]/).pop() ?? ''),
      description: `ServiceAccount in ${namespace}`,
    }),
  );
}
