// A binding whose roleRef names a role that does not exist: the authorizer's role lookup
// (GetRoleReferenceRules) fails for every request the binding would match, so it grants nothing.
import type { Manifest } from '../manifest/parse';
import type { Binding } from '../rbac/evaluator';
import { RBAC_GROUP, type ClusterRole, type Role } from '../rbac/types';
import type { Check, CheckContext, Finding, Related } from './check';
import { pathSegmentNameErrors } from './fields';
import { findingAt, spanAt } from './locate';
import { closest } from './suggest';

const ID = 'missing-role';
const q = (s: string): string => JSON.stringify(s);

export const missingRole: Check = {
  id: ID,
  severity: 'warning',
  summary:
    'A roleRef naming a Role or ClusterRole found neither in the workspace, nor in the connected cluster, nor in the default cluster policy: the binding grants nothing',
  run(ctx: CheckContext): Finding[] {
    let roles: Roles | undefined; // indexed only when a role is missing
    return ctx.objects.flatMap(({ object, manifest }) =>
      object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding'
        ? refFinding(ctx, object, manifest, () => (roles ??= new Roles(ctx)))
        : [],
    );
  },
};

/**
 * The role a roleRef names: the workspace's on top of the default policy (the evaluator's policy),
 * then the live cluster's when kubeid is connected.
 */
export function lookupRole(
  ctx: CheckContext,
  kind: 'Role' | 'ClusterRole',
  namespace: string,
  name: string,
): Role | ClusterRole | undefined {
  const ev = ctx.workspace.evaluator;
  const c = ctx.cluster;
  return kind === 'Role' ? (ev.role(namespace, name) ?? c?.role(namespace, name)) : (ev.clusterRole(name) ?? c?.clusterRole(name));
}

/** The evaluator's Roles by name and by namespace, and the manifests of the workspace's roles. */
class Roles {
  readonly byName = new Map<string, Role[]>();
  readonly byNamespace = new Map<string, Role[]>();
  private readonly manifests = new Map<object, Manifest>();

  constructor(private readonly ctx: CheckContext) {
    for (const r of ctx.workspace.evaluator.policy.roles) {
      push(this.byName, r.metadata.name, r);
      push(this.byNamespace, r.metadata.namespace ?? '', r);
    }
    for (const o of ctx.workspace.objects)
      if (o.object.kind === 'Role' || o.object.kind === 'ClusterRole') this.manifests.set(o.object, o.manifest);
  }

  clusterRoles(): ClusterRole[] {
    return this.ctx.workspace.evaluator.policy.clusterRoles;
  }

  /** Related information at the role's name, for a role of the workspace. */
  related(role: Role | ClusterRole, message: string): Related[] {
    const m = this.manifests.get(role);
    return m ? [{ file: m.file, span: spanAt(m.node, ['metadata', 'name']), message }] : [];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function refFinding(ctx: CheckContext, b: Binding, m: Manifest, roles: () => Roles): Finding[] {
  const { apiGroup, kind, name } = b.roleRef;
  // What invalid-role-ref reports (a ClusterRoleBinding → Role included) is not reported twice;
  // a roleRef that is not a map decodes with an empty name.
  if (apiGroup !== RBAC_GROUP || name === '' || pathSegmentNameErrors(name).length > 0) return [];
  if (kind !== 'ClusterRole' && !(kind === 'Role' && b.kind === 'RoleBinding')) return [];
  // A RoleBinding's Role is looked up in the binding's own namespace.
  const ns = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
  if (lookupRole(ctx, kind, ns, name)) return [];
  const elsewhere = kind === 'Role' ? (roles().byName.get(name) ?? []) : [];
  // No namespace written: it is chosen when the binding is applied, probably the Role's.
  if (!m.namespace && elsewhere.length > 0) return [];

  const where = kind === 'Role' ? `${kind} ${q(name)} in namespace ${q(ns)}` : `${kind} ${q(name)}`;
  const self = `${b.kind} ${q(b.metadata.name)}`;
  const resource = kind === 'Role' ? `roles ${q(name)} in ${q(ns)}` : `clusterroles ${q(name)}`;
  const { hint, related } = suggestion(ctx, roles(), b, ns, elsewhere);
  const effect =
    `the authorizer's lookup fails (${kind.toLowerCase()}.rbac.authorization.k8s.io ${q(name)} not found) for every request it would match. ` +
    `Until the role exists, only a user allowed to bind ${resource} (or a member of system:masters) may create this binding. ${hint}`;
  const cluster = ctx.cluster;
  // A cluster that refused to list the kind may hold the role: no claim that it does not exist.
  const unchecked = cluster && !(kind === 'Role' ? cluster.complete.roles : cluster.complete.clusterRoles);
  const message = !cluster
    ? `${where} does not exist (neither in the workspace nor in the default cluster policy): ${self} grants nothing until it is created — ${effect}`
    : unchecked
      ? `${where} is neither in the workspace nor in the default cluster policy, and the cluster (context ${q(cluster.context)}) could not be checked: ` +
        `kubeid may not list ${kind === 'Role' ? 'roles' : 'clusterroles'} there. If it does not exist there either, ${self} grants nothing until it is created — ${effect}`
      : `${where} does not exist (neither in the workspace, nor in the cluster (context ${q(cluster.context)}), nor in the default cluster policy): ` +
        `${self} grants nothing until it is created — ${effect}`;
  const f = findingAt(ID, unchecked ? 'information' : 'warning', m, ['roleRef', 'name'], message);
  if (related.length) f.related = related;
  return [f];
}

/** Most namespaces named in a hint. */
const MAX_LISTED = 3;

function suggestion(ctx: CheckContext, roles: Roles, b: Binding, ns: string, elsewhere: Role[]): { hint: string; related: Related[] } {
  const ev = ctx.workspace.evaluator;
  const { kind, name } = b.roleRef;
  // The other kind under the same name is the likeliest mistake.
  if (b.kind === 'RoleBinding') {
    const other = kind === 'Role' ? ev.clusterRole(name) : ev.role(ns, name);
    if (other) {
      return {
        hint: `A ${other.kind} ${q(name)} exists: set roleRef.kind: ${other.kind}.`,
        related: roles.related(other, `the ${other.kind} ${q(name)}`),
      };
    }
  }
  if (elsewhere.length > 0) {
    const listed = elsewhere.slice(0, MAX_LISTED);
    const more = elsewhere.length > MAX_LISTED ? ` and ${elsewhere.length - MAX_LISTED} more` : '';
    const namespaces = listed.map((r) => q(r.metadata.namespace ?? '')).join(', ') + more;
    return {
      hint: `A Role ${q(name)} exists in namespace ${namespaces}: a RoleBinding can only reference a Role of its own namespace. Put the binding there, or bind a ClusterRole.`,
      related: listed.flatMap((r) => roles.related(r, `Role ${q(name)} in namespace ${q(r.metadata.namespace ?? '')}`)),
    };
  }
  const candidates: Array<Role | ClusterRole> = kind === 'Role' ? (roles.byNamespace.get(ns) ?? []) : roles.clusterRoles();
  const close = closest(
    name,
    candidates.map((r) => r.metadata.name),
  );
  if (close !== undefined) {
    const role = candidates.find((r) => r.metadata.name === close)!;
    return { hint: `Did you mean ${q(close)}?`, related: roles.related(role, `the ${kind} ${q(close)}`) };
  }
  return { hint: `Create the ${kind}, or fix roleRef.name.`, related: [] };
}
