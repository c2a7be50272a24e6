// A subject's effective permissions where its binding applies, as `kubectl auth can-i --list`
// prints them for the identity the subject denotes, with the bindings that grant them.
import type { Workspace } from '../policy/workspace';
import { describeSource } from '../rbac/evaluator';
import { AUTHENTICATED, MASTERS, serviceAccountUser, impersonatedUser, ANONYMOUS, UNAUTHENTICATED } from '../rbac/identity';
import { accessListRows } from '../rbac/rules-table';
import type { Subject, UserInfo } from '../rbac/types';
import { inlineCode, markdownTable } from './table';

/** A member of a group: authenticated (unless the group is the anonymous one), named nobody. */
function memberOf(group: string): UserInfo {
  return group === UNAUTHENTICATED
    ? { name: ANONYMOUS, groups: [UNAUTHENTICATED] }
    : { name: '', groups: [...new Set([group, AUTHENTICATED])] };
}

/** bindingNamespace: the RoleBinding's namespace; undefined for a ClusterRoleBinding. */
export function subjectHover(ws: Workspace, bindingNamespace: string | undefined, s: Subject): string {
  let user: UserInfo;
  let title: string;
  let namespace = bindingNamespace ?? '';
  switch (s.kind) {
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      if (!ns)
        return `**ServiceAccount ${inlineCode(s.name)}**: a ServiceAccount subject of a ClusterRoleBinding needs a namespace; it matches nobody.`;
      user = serviceAccountUser(ns, s.name);
      namespace = ns;
      title = `**ServiceAccount ${inlineCode(`${ns}/${s.name}`)}**`;
      break;
    }
    case 'User':
      user = impersonatedUser({ user: s.name });
      title = `**User ${inlineCode(s.name)}**`;
      break;
    case 'Group':
      user = memberOf(s.name);
      title = `**A member of group ${inlineCode(s.name)}**`;
      break;
    default:
      return `**${inlineCode(s.kind)} ${inlineCode(s.name)}**: the kind is not User, Group or ServiceAccount (kinds are case-sensitive); it matches nobody.`;
  }
  if (user.groups.includes(MASTERS))
    return `${title}: a member of ${inlineCode(MASTERS)}, allowed everything by the privileged-group authorizer, outside RBAC.`;
  const { rules, errors } = ws.evaluator.rulesFor(user, namespace);
  const where = namespace
    ? `in namespace ${inlineCode(namespace)}`
    : 'cluster-wide (ClusterRoleBindings only; RoleBindings add more in their namespaces)';
  const lines = [`${title} — effective permissions ${where}, as \`kubectl auth can-i --list\` shows them:`, ''];
  const rows = accessListRows(rules.map((r) => r.rule));
  lines.push(rows.length ? markdownTable(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'], rows) : 'Nothing.');
  const via = [...new Set(rules.map((r) => describeSource(r.source)))];
  if (via.length)
    lines.push('', 'Granted by:', ...via.slice(0, 12).map((v) => `- ${v}`), ...(via.length > 12 ? [`- … ${via.length - 12} more`] : []));
  for (const e of new Set(errors)) lines.push('', `⚠️ ${e}`);
  return lines.join('\n');
}
