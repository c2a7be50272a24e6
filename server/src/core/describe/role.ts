// A roleRef's role: its rules (for an aggregated ClusterRole, the aggregated rules and the role
// each came from), where it is defined, and where the binding makes it apply.
import { combineResourceGroup } from '../rbac/rules-table';
import type { PolicyRule } from '../rbac/types';
import type { Workspace } from '../policy/workspace';
import { inlineCode, markdownTable } from './table';

/** `file.yaml:12`, "default policy" or "live cluster". */
export function whereDefined(ws: Workspace, source: Parameters<Workspace['locate']>[0]): string {
  if (source?.origin === 'default-policy') return 'default policy';
  if (source?.origin === 'cluster') return 'live cluster';
  const at = ws.locate(source);
  return at ? `${at.file.split(/[\\/]/).pop()}:${at.line}` : 'workspace';
}

/** A rule as kubectl describe shows it: resource.group, URLs, names, verbs. */
export function ruleRow(r: PolicyRule): string[] {
  const resources = (r.resources ?? []).flatMap((res) =>
    ((r.apiGroups ?? []).length ? r.apiGroups! : ['']).map((g) => combineResourceGroup([res], [g])),
  );
  const l = (xs: string[] | undefined) => `[${(xs ?? []).join(' ')}]`;
  return [resources.join(', '), l(r.nonResourceURLs), l(r.resourceNames), l(r.verbs)];
}

/**
 * `cluster`: when `ws` reads the live cluster too (liveWorkspace), its context, named where the role
 * was looked for, and whether that kind of role was read in full (if not, absence is no finding).
 */
export function roleRefHover(
  ws: Workspace,
  bindingKind: string,
  namespace: string | undefined,
  refKind: string,
  name: string,
  cluster?: { context: string; complete: boolean },
): string {
  const title = `**${refKind || 'role'} ${inlineCode(name)}**`;
  if (bindingKind === 'ClusterRoleBinding' && refKind === 'Role') {
    return `${title}: a ClusterRoleBinding can only reference a ClusterRole; the API server rejects this binding.`;
  }
  const role =
    refKind === 'Role'
      ? ws.evaluator.role(namespace ?? 'default', name)
      : refKind === 'ClusterRole'
        ? ws.evaluator.clusterRole(name)
        : undefined;
  if (!role) {
    const where = refKind === 'Role' ? ` in namespace ${inlineCode(namespace ?? 'default')}` : '';
    if (cluster && !cluster.complete) {
      const kinds = refKind === 'Role' ? 'Roles' : 'ClusterRoles';
      return `${title}: not in the workspace nor in the default policy${where}; kubeid could not list the ${kinds} of the cluster (context ${inlineCode(cluster.context)}), so it may exist there.`;
    }
    const places = cluster
      ? `neither in the workspace, nor in the cluster (context ${inlineCode(cluster.context)}), nor in the default policy`
      : 'neither in the workspace nor in the default policy';
    return `${title}: not found${where}, ${places}. The binding grants nothing until it exists (RBAC reports "not found" each time it is used).`;
  }
  const aggregated = role.kind === 'ClusterRole' && role.aggregationRule ? ws.evaluator.ruleOrigins.get(name) : undefined;
  const scope =
    role.kind === 'Role' || bindingKind === 'RoleBinding'
      ? `grants its rules in namespace ${inlineCode(namespace ?? 'default')}`
      : 'grants its rules in every namespace and cluster-wide';
  const from = aggregated ? ` · aggregated from ${new Set(aggregated).size} ClusterRoles` : '';
  const lines = [`${title} — ${whereDefined(ws, role.source)}${from}; this binding ${scope}.`, ''];
  if (!role.rules.length) {
    lines.push(
      aggregated ? 'No ClusterRole matches its aggregation selectors yet: it grants nothing.' : 'It has no rules: it grants nothing.',
    );
    return lines.join('\n');
  }
  const header = ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs', ...(aggregated ? ['From'] : [])];
  lines.push(
    markdownTable(
      header,
      role.rules.map((r, i) => [...ruleRow(r), ...(aggregated ? [aggregated[i] ?? ''] : [])]),
    ),
  );
  return lines.join('\n');
}
