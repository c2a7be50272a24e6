// Unused and dangling access: roles nothing binds, bindings to roles, service accounts or
// namespaces that do not exist, service accounts no workload runs as, and bindings that grant a
// subject nothing another of its bindings does not already grant (Covers, spec §6.3).
import { workspaceContext, type Severity } from '../checks/check';
import { accountsOf } from '../checks/accounts';
import { aggregateClusterRoles } from '../rbac/aggregation';
import { coverIndexOf } from '../rbac/covers';
import type { Binding } from '../rbac/evaluator';
import type { ClusterRole, Role, Subject } from '../rbac/types';
import { serviceAccountOf } from '../manifest/workloads';
import type { Workspace } from '../policy/workspace';
import { refOf, type ObjectRef } from './objects';

export interface AuditFinding {
  rule: string;
  severity: Severity;
  message: string;
  /** The object the finding is about, where it is written and who manages it. */
  object?: ObjectRef;
  /** Set when the finding is about what Kubernetes or a vendor manages, not what the user owns. */
  managedBy?: string;
}

export interface HygieneOptions {
  /** Every namespace of the cluster, when known: bindings in other namespaces are flagged. Unknown: nothing is. */
  namespaces?: ReadonlySet<string>;
}

/** Namespaces every cluster has. */
const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const q = (s: string): string => JSON.stringify(s);
const scopeOf = (b: Binding): string => (b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '');
const bindingName = (b: Binding): string =>
  b.kind === 'RoleBinding' ? `RoleBinding ${scopeOf(b)}/${b.metadata.name}` : `ClusterRoleBinding ${b.metadata.name}`;
const roleName = (r: Role | ClusterRole): string =>
  r.kind === 'Role' ? `Role ${r.metadata.namespace ?? ''}/${r.metadata.name}` : `ClusterRole ${r.metadata.name}`;

function subjectKey(s: Subject, scope: string): string | undefined {
  if (s.kind === 'ServiceAccount') return s.namespace || scope ? `ServiceAccount ${s.namespace || scope}/${s.name}` : undefined;
  return s.kind === 'User' || s.kind === 'Group' ? `${s.kind} ${s.name}` : undefined;
}

export function hygiene(ws: Workspace, opts: HygieneOptions = {}): AuditFinding[] {
  const ev = ws.evaluator;
  const p = ev.policy;
  // The default policy is Kubernetes' own: its roles are meant to be bound by users, not all are.
  const audited = <T extends { source?: { origin: string } }>(o: T) => o.source?.origin !== 'default-policy';
  const out: AuditFinding[] = [];
  const bindings: Binding[] = [...p.clusterRoleBindings, ...p.roleBindings];

  const referenced = new Set(
    bindings.map((b) => (b.roleRef.kind === 'Role' ? `Role/${scopeOf(b)}/${b.roleRef.name}` : `${b.roleRef.kind}//${b.roleRef.name}`)),
  );
  const aggregated = new Set([...aggregateClusterRoles(p.clusterRoles).ruleOrigins.values()].flatMap((o) => o));
  for (const r of [...p.roles, ...p.clusterRoles].filter(audited)) {
    const key = r.kind === 'Role' ? `Role/${r.metadata.namespace ?? ''}/${r.metadata.name}` : `ClusterRole//${r.metadata.name}`;
    if (referenced.has(key) || (r.kind === 'ClusterRole' && aggregated.has(r.metadata.name))) continue;
    const how = r.kind === 'ClusterRole' ? ' and no aggregated ClusterRole picks up its rules' : '';
    out.push({
      rule: 'unused-role',
      severity: 'information',
      message: `${roleName(r)} is not bound by any binding${how}: it grants nothing. Remove it if nothing will bind it.`,
      object: refOf(ws, r),
    });
  }

  const accounts = accountsOf(workspaceContext(ws));
  const namespaces = opts.namespaces && new Set([...opts.namespaces, ...BUILTIN_NAMESPACES]);
  for (const b of bindings.filter(audited)) {
    const ns = scopeOf(b);
    const resolved = ev.resolveRoleRef(b, ns);
    if ('error' in resolved)
      out.push({
        rule: 'dangling-role-ref',
        severity: 'warning',
        message: `${bindingName(b)} refers to a role that does not exist (${resolved.error}): it grants nothing until one of that name is created, and then grants whatever it holds.`,
        object: refOf(ws, b),
      });
    if (namespaces && ns && !namespaces.has(ns))
      out.push({
        rule: 'dangling-namespace',
        severity: 'warning',
        message: `${bindingName(b)} is in namespace ${q(ns)}, which does not exist.`,
        object: refOf(ws, b),
      });
    for (const s of b.subjects) {
      if (s.kind !== 'ServiceAccount' || !(s.namespace || ns)) continue;
      const sns = s.namespace || ns;
      if (namespaces && !namespaces.has(sns))
        out.push({
          rule: 'dangling-namespace',
          severity: 'warning',
          message: `${bindingName(b)} names ServiceAccount ${sns}/${s.name} in namespace ${q(sns)}, which does not exist.`,
          object: refOf(ws, b),
        });
      else if (!accounts.exists(sns, s.name))
        out.push({
          rule: 'dangling-service-account',
          severity: 'warning',
          message: `${bindingName(b)} names ServiceAccount ${sns}/${s.name}, which does not exist: whoever may create ServiceAccounts in ${q(sns)} can create it and receive this grant.`,
          object: refOf(ws, b),
        });
    }
  }

  const used = new Set(ws.workloads.map((w) => `${w.namespace}/${serviceAccountOf(w)}`));
  for (const sa of p.serviceAccounts.filter(audited)) {
    const ns = sa.metadata.namespace ?? '';
    if (sa.metadata.name === 'default' || used.has(`${ns}/${sa.metadata.name}`)) continue;
    const bound = accounts.grants(ns, sa.metadata.name).granting.length > 0;
    out.push({
      rule: 'unused-service-account',
      severity: 'information',
      message: `No workload runs as ServiceAccount ${ns}/${sa.metadata.name}${bound ? ', yet bindings grant it permissions: its tokens are the only use of them' : ''}. Remove it if nothing outside these manifests uses it.`,
      object: refOf(ws, sa),
    });
  }

  out.push(...overlaps(ws, bindings));
  return out;
}

/** Bindings that repeat another (same role, same subjects) and grants already covered by another binding of the same subject. */
function overlaps(ws: Workspace, bindings: Binding[]): AuditFinding[] {
  const ev = ws.evaluator;
  const out: AuditFinding[] = [];
  const seen = new Map<string, Binding>();
  const duplicate = new Set<Binding>();
  for (const b of bindings) {
    const subjects = [...new Set(b.subjects.map((s) => subjectKey(s, scopeOf(b)) ?? JSON.stringify(s)))].sort();
    const key = [b.kind, scopeOf(b), b.roleRef.kind, b.roleRef.name, ...subjects].join('\u0000');
    const first = seen.get(key);
    if (!first) {
      seen.set(key, b);
      continue;
    }
    duplicate.add(b);
    if (b.source?.origin === 'default-policy') continue;
    out.push({
      rule: 'duplicate-binding',
      severity: 'warning',
      message: `${bindingName(b)} grants ${b.roleRef.kind} ${b.roleRef.name} to the same subjects as ${bindingName(first)}: remove one of them.`,
      object: refOf(ws, b),
    });
  }

  // Per subject: its grants (binding, scope, role), then each grant covered by another one whose scope includes it.
  const bySubject = new Map<string, Array<{ b: Binding; role: Role | ClusterRole; order: number }>>();
  bindings.forEach((b, order) => {
    if (duplicate.has(b)) return;
    const resolved = ev.resolveRoleRef(b, scopeOf(b));
    if ('error' in resolved) return;
    for (const key of new Set(b.subjects.map((s) => subjectKey(s, scopeOf(b))))) {
      if (key) (bySubject.get(key) ?? bySubject.set(key, []).get(key)!).push({ b, role: resolved.role, order });
    }
  });
  const memo = new Map<Role | ClusterRole, Map<Role | ClusterRole, boolean>>();
  const holds = (a: Role | ClusterRole, b: Role | ClusterRole): boolean => {
    const m = memo.get(a) ?? memo.set(a, new Map()).get(a)!;
    let r = m.get(b);
    if (r === undefined) m.set(b, (r = coverIndexOf(a.rules).holds(coverIndexOf(b.rules))));
    return r;
  };
  const reported = new Set<string>();
  for (const [subject, grants] of bySubject) {
    if (grants.length < 2) continue;
    // The grants whose scope includes a namespace's: the cluster-wide ones (all first: bindings lists them first) and the namespace's.
    const cluster = grants.filter((g) => g.b.kind === 'ClusterRoleBinding');
    const byNamespace = new Map<string, typeof grants>();
    for (const g of grants)
      if (g.b.kind === 'RoleBinding')
        (byNamespace.get(scopeOf(g.b)) ?? byNamespace.set(scopeOf(g.b), [...cluster]).get(scopeOf(g.b))!).push(g);
    for (const g of grants) {
      if (g.b.source?.origin === 'default-policy') continue;
      const other = (g.b.kind === 'RoleBinding' ? byNamespace.get(scopeOf(g.b))! : cluster).find(
        (o) =>
          o !== g &&
          holds(o.role, g.role) &&
          // Two grants covering each other: only the later one is redundant.
          !(o.b.kind === g.b.kind && o.order > g.order && holds(g.role, o.role)),
      );
      if (!other || reported.has(`${subject} ${g.order}`)) continue;
      reported.add(`${subject} ${g.order}`);
      const where = g.b.kind === 'RoleBinding' ? `in namespace ${scopeOf(g.b)}` : 'cluster-wide';
      out.push({
        rule: 'redundant-binding',
        severity: 'information',
        message: `${bindingName(g.b)} grants ${subject} ${roleName(g.role)} ${where}, which ${bindingName(other.b)} (${roleName(other.role)}) already grants it: remove ${subject} from ${bindingName(g.b)}.`,
        object: refOf(ws, g.b),
      });
    }
  }
  return out;
}
