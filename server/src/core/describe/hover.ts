// Hover at an offset of a manifest: a rule in plain words, a verb's or resource's meaning, a
// roleRef's role and a subject's (or a pod template's service account's) effective permissions.
import type { ClusterRefs } from '../checks/check';
import { liveBasis, liveWorkspace } from '../cluster/live';
import { cursorAt, listAt, textAt } from '../cursor/cursor';
import { DEFAULT_MAX_BYTES, nodeAt, type ParsedFile, type Span, type YNode } from '../manifest/parse';
import type { Workspace } from '../policy/workspace';
import type { PolicyRule } from '../rbac/types';
import { resourceHover, verbHover } from './meaning';
import { roleRefHover } from './role';
import { describeRule, scopeWords } from './rule';
import { subjectHover } from './subject';

export interface HoverText {
  markdown: string;
  span: Span;
}

/** `cluster`: when connected, roles and permissions are read over the live cluster with the workspace on top. */
export function hoverAt(ws: Workspace, file: ParsedFile, offset: number, cluster?: ClusterRefs): HoverText | undefined {
  // Text over the size limit is not parsed (`too-large`): nothing to describe, and reading the
  // cursor in it would take seconds (see completions).
  if (file.text.length > DEFAULT_MAX_BYTES) return undefined;
  const c = cursorAt(file, offset);
  const onText = c.at === 'key' ? c.key !== undefined : c.range.end > c.range.start;
  if (!onText || !c.object) return undefined;
  const obj = c.object;
  const kind = textAt(obj, ['kind']);
  const namespace = textAt(obj, ['metadata', 'namespace']) || 'default';
  const p = c.path;
  const hover = (markdown: string): HoverText => ({ markdown, span: c.range });
  if ((kind === 'Role' || kind === 'ClusterRole') && p[0] === 'rules' && typeof p[1] === 'number') {
    const rule = ruleOf(nodeAt(obj, ['rules', p[1]]));
    const value = c.at === 'value' && p.length === 4 ? c.token : undefined;
    const groups = rule.apiGroups ?? [];
    if (value !== undefined && p[2] === 'verbs') {
      return hover(verbHover(value, groups, rule.resources ?? [], !!rule.nonResourceURLs?.length && !rule.resources?.length, ws.catalogue));
    }
    if (value !== undefined && p[2] === 'resources') return hover(resourceHover(value, groups, ws.catalogue));
    return hover(describeRule(rule, scopeWords(kind, kind === 'Role' ? namespace : undefined), kind));
  }
  const live = () => liveWorkspace(ws, cluster);
  /** Says what live answers were read over. */
  const basis = (markdown: string) => (cluster ? `${markdown}\n\n_Evaluated ${liveBasis(cluster)}._` : markdown);
  if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
    const bindingNs = kind === 'RoleBinding' ? namespace : undefined;
    if (p[0] === 'roleRef')
      return hover(
        basis(
          roleRefHover(
            live(),
            kind,
            bindingNs,
            textAt(obj, ['roleRef', 'kind']),
            textAt(obj, ['roleRef', 'name']),
            cluster && {
              context: cluster.context,
              complete: textAt(obj, ['roleRef', 'kind']) === 'Role' ? cluster.complete.roles : cluster.complete.clusterRoles,
            },
          ),
        ),
      );
    if (p[0] === 'subjects' && typeof p[1] === 'number') {
      const s = ['subjects', p[1]];
      const subject = { kind: textAt(obj, [...s, 'kind']), name: textAt(obj, [...s, 'name']), namespace: textAt(obj, [...s, 'namespace']) };
      return hover(basis(subjectHover(live(), bindingNs, subject)));
    }
  }
  const last = p[p.length - 1];
  if (c.at === 'value' && (last === 'serviceAccountName' || last === 'serviceAccount') && p.includes('spec')) {
    return hover(basis(subjectHover(live(), namespace, { kind: 'ServiceAccount', name: c.token, namespace })));
  }
  return undefined;
}

/** A rule as the engine reads it: absent fields stay absent. */
function ruleOf(node: YNode | undefined): PolicyRule {
  const rule: PolicyRule = { verbs: listAt(node, ['verbs']) };
  for (const f of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
    if (node?.type === 'map' && node.entries.some((e) => e.key === f)) rule[f] = listAt(node, [f]);
  }
  return rule;
}
