// New objects, offered at the top level of an empty document (or after `---`).
import type { Cursor } from '../cursor/cursor';
import type { Candidate } from './candidate';

const META = (namespaced: boolean) => `metadata:\n  name: \${1:name}\n${namespaced ? '  namespace: ${2:default}\n' : ''}`;
const RULES = 'rules:\n  - apiGroups: [${3:""}]\n    resources: [${4:pods}]\n    verbs: [${5:get, list, watch}]\n';
const SUBJECTS = (ns: string) => `subjects:\n  - kind: ServiceAccount\n    name: \${3:default}\n    namespace: ${ns}\n`;
const REF = (kind: string) => `roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${kind}\n  name: \${5:name}\n`;
const HEAD = (kind: string, namespaced: boolean) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\n${META(namespaced)}`;

const SNIPPETS: Array<[string, string, string]> = [
  ['Role', 'permissions in one namespace', HEAD('Role', true) + RULES],
  ['ClusterRole', 'permissions cluster-wide, or in any namespace through a RoleBinding', HEAD('ClusterRole', false) + RULES],
  [
    'RoleBinding',
    'grants a Role or ClusterRole in one namespace',
    HEAD('RoleBinding', true) + SUBJECTS('${2:default}') + REF('${4|Role,ClusterRole|}'),
  ],
  [
    'ClusterRoleBinding',
    'grants a ClusterRole in every namespace and cluster-wide',
    HEAD('ClusterRoleBinding', false) + SUBJECTS('${2:default}') + REF('ClusterRole'),
  ],
  ['ServiceAccount', 'an identity for pods', 'apiVersion: v1\nkind: ServiceAccount\n' + META(true)],
];

export function snippetCandidates(c: Cursor, lineStart: number): Candidate[] {
  const span = { start: lineStart, end: c.range.end };
  return SNIPPETS.map(([label, detail, text], i) => ({
    label,
    kind: 'snippet',
    edit: { span, text },
    filter: label,
    sort: `0${String(i).padStart(4, '0')}`,
    detail: `new ${label}: ${detail}`,
    doc: '```yaml\n' + text.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1') + '```',
    snippet: true,
  }));
}
