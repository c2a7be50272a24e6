// A binding whose role holds every permission: cluster-admin, or a ClusterRole that covers it.
// Through a RoleBinding that is full control of the namespace, bind on every ClusterRole included.
import type { Check, CheckContext, Finding } from './check';
import { bindingSites, coversAll, describeBinding, describeRole, describeSubject, isBroad, liveSubjects, roleRelated } from './grants';
import { spanAt } from './locate';

const ID = 'binds-cluster-admin';

export const bindsClusterAdmin: Check = {
  id: ID,
  severity: 'error',
  summary: 'A binding of cluster-admin or a role that holds as much: error cluster-wide or to broad subjects, warning in a namespace',
  run(ctx: CheckContext): Finding[] {
    const out: Finding[] = [];
    for (const { binding, manifest } of bindingSites(ctx)) {
      const ns = binding.kind === 'RoleBinding' ? (binding.metadata.namespace ?? '') : '';
      const resolved = ctx.workspace.evaluator.resolveRoleRef(binding, ns);
      if ('error' in resolved || !coversAll(resolved.role.rules)) continue;
      const role = resolved.role;
      const subjects = liveSubjects(binding);
      const who = subjects.length ? subjects.map((s) => describeSubject(s, binding)).join(', ') : 'nobody yet (no subject can match)';
      const same = role.metadata.name === 'cluster-admin' ? '' : ', which holds every permission as cluster-admin does,';
      const power =
        binding.kind === 'ClusterRoleBinding'
          ? 'cluster-wide: they can do anything — read every secret, run anything on any node, grant anyone any permission'
          : `in namespace ${ns}: full control of it — every secret, exec into every pod, and RoleBindings there to any ClusterRole (bind is included)`;
      const f: Finding = {
        check: ID,
        severity:
          subjects.length === 0 ? 'information' : binding.kind === 'ClusterRoleBinding' || subjects.some(isBroad) ? 'error' : 'warning',
        message: `${describeBinding(binding)} grants ${describeRole(role)}${same} to ${who}, ${power}. Bind a role with only the permissions needed (the built-in admin, edit or view, or one of your own).`,
        file: manifest.file,
        span: spanAt(manifest.node, ['roleRef', 'name']),
      };
      const related = roleRelated(ctx, role, `${describeRole(role)}, the role it grants`);
      if (related.length) f.related = related;
      out.push(f);
    }
    return out;
  },
};
