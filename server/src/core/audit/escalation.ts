// Escalation paths: the ways an identity gains more than it holds, over several hops. Nodes are
// identities (users, members of a group, service accounts, and "X once it has bound role R to
// itself in namespace N": what X held and R together, so the next step may need both) and two
// terminals (cluster-admin, admission control); an edge is one escalation technique, each of its
// permissions asked of the RbacEvaluator exactly as the API server asks it (spec §4, §6, §8), so
// resourceNames, namespaces and the bind/escalate rules hold. Other steps change identity, and a
// request is made as one identity: those never combine. Who reaches cluster-admin is found for
// every subject at once, searching backwards from it; other gains by a bounded search forwards
// from each subject. "Any service account of namespace N" is one pool, not N edges. Constrained
// impersonation (spec §8.3) leads to the target identity seen through the requestor's
// impersonate-on:<mode>:<verb> rules: a node holding only what both allow.
import { coversAll, FULL_AUTHORITY } from '../checks/grants';
import { CoverIndex, coverIndexOf, holdsAll } from '../rbac/covers';
import { RbacEvaluator, type Binding, type RuleSource } from '../rbac/evaluator';
import { apiGroupMatches, resourceMatches, verbMatches } from '../rbac/matchers';
import { ALL_SERVICE_ACCOUNTS, AUTHENTICATED, MASTERS, UNAUTHENTICATED, impersonatedUser, serviceAccountUser } from '../rbac/identity';
import { RBAC_GROUP, type ClusterRole, type PolicyRule, type Role, type UserInfo } from '../rbac/types';
import { serviceAccountOf, tokenMount } from '../manifest/workloads';
import type { Workspace } from '../policy/workspace';
import { grantOf, type Grant } from './objects';

export type NodeKind = 'User' | 'Group' | 'ServiceAccount' | 'RoleGrant' | 'Constrained' | 'ClusterAdmin' | 'Admission';

/** An identity or capability a path passes through. */
export interface NodeRef {
  key: string;
  kind: NodeKind;
  /** "ServiceAccount a/a-runner", "ClusterRole admin in namespace b", "cluster-admin". */
  label: string;
}

export type StepKind =
  | 'workload-create'
  | 'secrets-read'
  | 'token-request'
  | 'rbac-bind'
  | 'binding-update'
  | 'pod-exec'
  | 'rbac-escalate'
  | 'impersonate'
  | 'constrained-impersonate'
  | 'nodes-proxy'
  | 'csr-approve'
  | 'admission-write';

export interface Step {
  kind: StepKind;
  /** "create pods in namespace a, run as ServiceAccount a/a-runner" */
  action: string;
  /** Every permission the step needs, each with the binding, role and rule that grant it. */
  grants: Grant[];
  to: NodeRef;
}

export interface EscalationPath {
  from: NodeRef;
  steps: Step[];
  /** The identity or capability reached (the last step's `to`). */
  target: NodeRef;
  /** The target holds every permission: cluster-admin, system:masters or an equivalent. */
  clusterAdmin: boolean;
}

export interface SubjectEscalation {
  subject: NodeRef;
  /** Already cluster-admin-equivalent (or system:masters): nothing more to gain. */
  alreadyClusterAdmin: boolean;
  /** Shortest paths to what it gains; only the path to cluster-admin when there is one (it holds all the others). */
  paths: EscalationPath[];
  /** Set when the search stopped at MAX_TARGETS gains or MAX_VISITS nodes: the paths are the first ones found. */
  truncated?: boolean;
}

export const DEFAULT_HOPS = 3;
/** Most gains listed per subject (besides cluster-admin, which holds them all). */
const MAX_TARGETS = 20;
/** Most nodes looked at per subject: past that, the paths are those found so far (marked truncated). */
const MAX_VISITS = 500;

/** A node of the graph; its edges are computed when first asked. */
export interface GraphNode {
  ref: NodeRef;
  user: UserInfo;
  ev: RbacEvaluator;
  /** For a RoleGrant: the scope of the binding made ("" = cluster-wide), which `ev` and `user` evaluate; */
  scope?: string;
  /** and the node that made it for itself, whose permissions it keeps; */
  held?: Node;
  /** the identity it started from, and every binding made on the way ("scope/kind/name"). */
  base?: Node;
  made?: string[];
  /** For a Constrained node: the identity impersonated, and the requestor whose impersonate-on:<mode>:<verb> rules every request must pass. */
  filter?: Filter;
  edges?: Edge[];
  /** Per scope: the roles its bindings of exactly that scope grant ("" = its ClusterRoleBindings). */
  roles: Map<string, Array<Role | ClusterRole>>;
  /** Per scope: every rule that applies there (RulesFor), and those of them a step may ask about. */
  rules: Map<string, PolicyRule[]>;
  asked: Map<string, PolicyRule[]>;
  /** Per scope: those rules as an owner of permissions. */
  owner: Map<string, Owner>;
  admin?: boolean;
  scopes?: string[];
}

type Node = GraphNode;

type Mode = 'serviceaccount' | 'user-info' | 'arbitrary-node';

interface Filter {
  target: Node;
  from: Node;
  mode: Mode;
}

/** Rules indexed for Covers (spec §6.3), and whether they hold each role asked about. */
interface Owner {
  index: CoverIndex;
  holds: Map<Role | ClusterRole, boolean>;
}

export interface Edge {
  kind: StepKind;
  action: (to: Node) => string;
  grants: Grant[];
  /** The nodes it leads to; absent for a pool: */
  to?: Node[];
  /** every service account worth becoming in this namespace ("" = in every namespace). */
  pool?: string;
}

const CERTS = 'certificates.k8s.io';
const AUTHN = 'authentication.k8s.io';
const ADMISSION = 'admissionregistration.k8s.io';
const WORKLOADS: Array<[string, string]> = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'replicasets'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
];
/** Every resource (with its subresource) the steps ask about: a rule matching none of them leads to no step. */
const ASKED = new Set([
  ...WORKLOADS.map(([, resource]) => resource),
  'secrets',
  'serviceaccounts',
  'serviceaccounts/token',
  'pods/exec',
  'roles',
  'clusterroles',
  'rolebindings',
  'clusterrolebindings',
  'users',
  'groups',
  'nodes',
  'nodes/proxy',
  'signers',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
]);
/** The resources of a rule that match one of them (resourceMatches): "*", the name itself, "*\/sub". */
const ASKED_FORMS = new Set(['*', ...ASKED, ...[...ASKED].flatMap((r) => (r.includes('/') ? [`*/${r.split('/')[1]}`] : []))]);
const asked = new WeakMap<Role | ClusterRole, PolicyRule[]>();

function askedRules(role: Role | ClusterRole): PolicyRule[] {
  let r = asked.get(role);
  if (!r) asked.set(role, (r = role.rules.filter((rule) => rule.resources?.some((x) => ASKED_FORMS.has(x)))));
  return r;
}

/** Signers whose certificates authenticate to the API server as any user and group (the API server also asks "<domain>/*"). */
const CLIENT_SIGNERS = ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/*'];
const TOKEN_SECRET = 'kubernetes.io/service-account-token';
const TOKEN_SA_ANNOTATION = 'kubernetes.io/service-account.name';

const where = (ns: string): string => (ns ? `in namespace ${ns}` : 'in every namespace');
const resourceLabel = (group: string, resource: string): string => (group ? `${resource}.${group}` : resource);

/** The escalation graph of a workspace: nodes and their edges are made on demand and shared by every search. */
export class EscalationGraph {
  private readonly ev: RbacEvaluator;
  private readonly nodes = new Map<string, Node>();
  /** Namespace → service accounts worth becoming there: those bindings name, and `default` when a group of service accounts is granted something. */
  private readonly accounts = new Map<string, Set<string>>();
  /** "u:NAME" / "g:GROUP" → namespaces where a RoleBinding names it: where to ask its namespaced questions. */
  private readonly namespacesBySubject = new Map<string, Set<string>>();
  private readonly users = new Set<string>();
  private readonly groups = new Set<string>();
  private readonly tokenSecrets = new Map<string, Array<{ secret: string; account: string }>>();
  /** Workloads whose pods mount their service account's token: its name, pod (a Pod's own name) and namespace. */
  private readonly podAccounts: Array<{ namespace: string; name: string; everyNode: boolean; workload: string; pod?: string }> = [];
  /** Namespace → its RoleBindings; "" → the ClusterRoleBindings. */
  private readonly bindingsIn = new Map<string, Binding[]>();
  /** A ClusterRole holding every permission (cluster-admin when present): binding it is the most one can bind. */
  private readonly fullRole?: ClusterRole;
  readonly clusterAdmin: Node;
  readonly admission: Node;
  /** Per hop limit: each node's next step on its shortest way to cluster-admin. */
  private readonly admin = new Map<number, Map<Node, { edge: Edge; to: Node }>>();
  private readonly pools = new Map<string, Node[]>();
  /** Names of the Roles of each namespace. */
  private readonly roleNames = new Map<string, string[]>();
  private readonly owners = new Map<string, Owner>();

  constructor(private readonly ws: Workspace) {
    this.ev = ws.evaluator;
    const p = this.ev.policy;
    const add = <K, V>(m: Map<K, Set<V>>, k: K, v: V) => void (m.get(k) ?? m.set(k, new Set()).get(k)!).add(v);
    let serviceAccountGroups = false;
    for (const b of [...p.clusterRoleBindings, ...p.roleBindings]) {
      const ns = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
      for (const s of b.subjects) {
        if (s.kind === 'ServiceAccount' && (s.namespace || ns)) {
          add(this.accounts, s.namespace || ns, s.name);
          if (ns) add(this.namespacesBySubject, `u:${serviceAccountUser(s.namespace || ns, s.name).name}`, ns);
        } else if (s.kind === 'User') {
          this.users.add(s.name);
          if (ns) add(this.namespacesBySubject, `u:${s.name}`, ns);
        } else if (s.kind === 'Group') {
          this.groups.add(s.name);
          // The default policy grants every service account only discovery: not worth a target per namespace.
          if (s.name === ALL_SERVICE_ACCOUNTS && b.source?.origin !== 'default-policy') serviceAccountGroups = true;
          else if (s.name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`))
            add(this.accounts, s.name.slice(ALL_SERVICE_ACCOUNTS.length + 1), 'default');
          if (ns) add(this.namespacesBySubject, `g:${s.name}`, ns);
        }
      }
    }
    if (serviceAccountGroups) {
      const namespaces = [
        ...this.ev.bindingNamespaces(),
        ...p.serviceAccounts.map((a) => a.metadata.namespace ?? ''),
        ...ws.workloads.map((w) => w.namespace),
      ];
      for (const f of ws.files) for (const m of f.manifests) if (m.kind === 'Namespace') namespaces.push(m.name);
      for (const ns of namespaces) if (ns) add(this.accounts, ns, 'default');
    }
    for (const f of ws.files) {
      for (const m of f.manifests) {
        if (m.kind !== 'Secret' || m.value.type !== TOKEN_SECRET) continue;
        const meta = m.value.metadata as { annotations?: Record<string, unknown> } | undefined;
        const account = meta?.annotations?.[TOKEN_SA_ANNOTATION];
        if (typeof account !== 'string' || !account) continue;
        const ns = m.namespace || 'default';
        const list = this.tokenSecrets.get(ns) ?? this.tokenSecrets.set(ns, []).get(ns)!;
        list.push({ secret: m.name, account });
      }
    }
    for (const r of p.roles) {
      const ns = r.metadata.namespace ?? '';
      (this.roleNames.get(ns) ?? this.roleNames.set(ns, []).get(ns)!).push(r.metadata.name);
    }
    const serviceAccounts = new Map(p.serviceAccounts.map((a) => [`${a.metadata.namespace ?? ''}/${a.metadata.name}`, a]));
    for (const w of ws.workloads) {
      const name = serviceAccountOf(w);
      if (!tokenMount(w, serviceAccounts.get(`${w.namespace}/${name}`)).mounted) continue; // nothing to take from its pods
      this.podAccounts.push({
        namespace: w.namespace,
        name,
        everyNode: w.kind === 'DaemonSet',
        workload: `${w.kind} ${w.namespace}/${w.name}`,
        ...(w.kind === 'Pod' ? { pod: w.name } : {}),
      });
    }
    for (const b of [...p.clusterRoleBindings, ...p.roleBindings]) {
      const ns = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
      (this.bindingsIn.get(ns) ?? this.bindingsIn.set(ns, []).get(ns)!).push(b);
    }
    const admin = this.ev.clusterRole('cluster-admin');
    this.fullRole =
      admin && coversAll(admin.rules)
        ? admin
        : p.clusterRoles.map((c) => this.ev.clusterRole(c.metadata.name)!).find((c) => coversAll(c.rules));
    const nobody: UserInfo = { name: '', groups: [] };
    this.clusterAdmin = this.terminal({ key: 'cluster-admin', kind: 'ClusterAdmin', label: 'cluster-admin (every permission)' }, nobody);
    this.admission = this.terminal(
      { key: 'admission', kind: 'Admission', label: 'admission control (intercept or change any object written)' },
      nobody,
    );
  }

  private terminal(ref: NodeRef, user: UserInfo): Node {
    const n: Node = { ref, user, ev: this.ev, ...fresh(), edges: [] };
    this.nodes.set(ref.key, n);
    return n;
  }

  private node(key: string, make: () => Omit<Node, keyof ReturnType<typeof fresh>>): Node {
    let n = this.nodes.get(key);
    if (!n) this.nodes.set(key, (n = { ...make(), ...fresh() }));
    return n;
  }

  user(name: string): Node {
    return this.node(`User:${name}`, () => ({
      ref: { key: `User:${name}`, kind: 'User', label: `User ${name}` },
      user: impersonatedUser({ user: name }),
      ev: this.ev,
    }));
  }

  /** Any member of a group: holds what the group (and every authenticated user) is granted. */
  group(name: string): Node {
    const groups = name === UNAUTHENTICATED || name === AUTHENTICATED ? [name] : [name, AUTHENTICATED];
    return this.node(`Group:${name}`, () => ({
      ref: { key: `Group:${name}`, kind: 'Group', label: `Group ${name}` },
      user: { name: `(a member of ${name})`, groups },
      ev: this.ev,
    }));
  }

  serviceAccount(namespace: string, name: string): Node {
    const key = `ServiceAccount:${namespace}/${name}`;
    return this.node(key, () => ({
      ref: { key, kind: 'ServiceAccount', label: `ServiceAccount ${namespace}/${name}` },
      user: serviceAccountUser(namespace, name),
      ev: this.ev,
    }));
  }

  /**
   * `held` once it holds `role` in `scope` too, through a binding made for itself in the step before:
   * the binding is its own small policy, evaluated alike; the identity keeps what it held.
   */
  private roleGrant(held: Node, scope: string, role: Role | ClusterRole, label: string): Node {
    // The same roles bound in another order make the same identity.
    const made = [...(held.made ?? []), `${scope}/${role.kind}/${role.metadata.name}`].sort();
    const key = `RoleGrant:${made.join('+')}@${(held.base ?? held).ref.key}`;
    return this.node(key, () => {
      const user: UserInfo = { name: `(holder of ${role.kind} ${role.metadata.name})`, groups: [] };
      const subjects = [{ kind: 'User', apiGroup: RBAC_GROUP, name: user.name }];
      const roleRef = { apiGroup: RBAC_GROUP, kind: role.kind, name: role.metadata.name };
      const metadata = { name: '(the binding made in the step before)', ...(scope ? { namespace: scope } : {}) };
      const binding = scope
        ? { kind: 'RoleBinding' as const, metadata, subjects, roleRef }
        : { kind: 'ClusterRoleBinding' as const, metadata, subjects, roleRef };
      const ev = new RbacEvaluator(
        {
          roles: role.kind === 'Role' ? [role] : [],
          clusterRoles: role.kind === 'ClusterRole' ? [role] : [],
          roleBindings: binding.kind === 'RoleBinding' ? [binding] : [],
          clusterRoleBindings: binding.kind === 'ClusterRoleBinding' ? [binding] : [],
          serviceAccounts: [],
        },
        { aggregate: false },
      );
      return { ref: { key, kind: 'RoleGrant', label }, user, ev, scope, held, base: held.base ?? held, made };
    });
  }

  /** `target` as `from` may use it through constrained impersonation in `mode`: only the requests both allow. */
  private constrained(from: Node, target: Node, mode: Mode): Node {
    const key = `Constrained:${mode}:${target.ref.key}@${from.ref.key}`;
    return this.node(key, () => ({
      ref: { key, kind: 'Constrained', label: `${target.ref.label} (constrained to impersonate-on:${mode} of ${from.ref.label})` },
      user: target.user,
      ev: this.ev,
      filter: { target, from, mode },
    }));
  }

  /** Every subject the bindings name (system:masters aside), as nodes to start from. */
  subjects(): Node[] {
    const out: Node[] = [];
    for (const u of [...this.users].sort()) out.push(this.user(u));
    for (const g of [...this.groups].sort()) if (g !== MASTERS) out.push(this.group(g));
    for (const ns of [...this.accounts.keys()].sort())
      for (const name of [...this.accounts.get(ns)!].sort()) out.push(this.serviceAccount(ns, name));
    return out;
  }

  private rolesOf(n: Node, scope: string): Array<Role | ClusterRole> {
    let r = n.roles.get(scope);
    if (!r) {
      const filter = (n.base ?? n).filter;
      if (n.filter) r = [this.filtered(this.rulesOf(n.filter.target, scope), n.filter, scope)];
      else {
        r = n.ev.rolesBound(n.user, scope);
        // A role bound for a constrained identity is used through the same filter.
        if (filter) r = r.map((role) => this.filtered(role.rules, filter, scope));
        if (n.held) r = [...new Set([...this.rolesOf(n.held, scope), ...r])];
      }
      n.roles.set(scope, r);
    }
    return r;
  }

  /**
   * The rules' permissions that the requestor's impersonate-on:<mode>:<verb> rules in `scope` allow too
   * (verb "*" included; "impersonate-on:<mode>:*" is no wildcard, RBAC matches verbs exactly).
   */
  private filtered(rules: readonly PolicyRule[], f: Filter, scope: string): ClusterRole {
    const prefix = `impersonate-on:${f.mode}:`;
    const allowed = this.rulesOf(f.from, scope).flatMap((r) => {
      const verbs = r.verbs.includes('*')
        ? ['*']
        : r.verbs.flatMap((v) => (v.startsWith(prefix) && v !== `${prefix}*` ? [v.slice(prefix.length)] : []));
      return verbs.length && r.resources?.length ? [{ ...r, verbs }] : [];
    });
    const name = `(${f.target.ref.label} within impersonate-on:${f.mode} of ${f.from.ref.label})`;
    return { kind: 'ClusterRole', metadata: { name }, rules: rules.flatMap((a) => allowed.flatMap((b) => meetRules(a, b))) };
  }

  rulesOf(n: Node, namespace: string): PolicyRule[] {
    let r = n.rules.get(namespace);
    if (!r) {
      r = this.rolesOf(n, '').flatMap((role) => role.rules);
      if (namespace) for (const role of this.rolesOf(n, namespace)) r.push(...role.rules);
      n.rules.set(namespace, r);
    }
    return r;
  }

  isClusterAdmin(n: Node): boolean {
    if (n.ref.kind === 'ClusterAdmin') return true;
    if (n.ref.kind === 'Admission') return false;
    if (n.admin === undefined)
      n.admin = (n.held ? this.isClusterAdmin(n.held) : n.user.groups.includes(MASTERS)) || coversAll(this.rulesOf(n, ''));
    return n.admin;
  }

  /** Scopes where the node holds something: cluster-wide and the namespaces of its RoleBindings. */
  scopesOf(n: Node): string[] {
    if (n.scopes) return n.scopes;
    const out = new Set<string>();
    if (n.held) for (const ns of [...this.scopesOf(n.held), n.scope!]) if (ns) out.add(ns);
    if (n.filter) for (const ns of [...this.scopesOf(n.filter.target), ...this.scopesOf(n.filter.from)]) if (ns) out.add(ns);
    for (const key of [`u:${n.user.name}`, ...n.user.groups.map((g) => `g:${g}`)])
      for (const ns of this.namespacesBySubject.get(key) ?? []) out.add(ns);
    return (n.scopes = ['', ...[...out].sort()]);
  }

  /** Whether `t` holds a permission `root` lacks, in any scope where `t` holds something (Covers, spec §6.3); capabilities are gains to all but cluster-admins. */
  gains(root: Node, t: Node): boolean {
    if (t.ref.kind === 'ClusterAdmin') return !this.isClusterAdmin(root);
    if (t.ref.kind === 'Admission') return !this.isClusterAdmin(root);
    // Where the root has no RoleBinding, it holds its cluster-wide rules only. The rules of a scope are
    // the cluster-wide ones and the namespace's: with the cluster-wide ones held, the namespace's are asked alone.
    const own = this.scopesOf(root);
    const scopes = this.scopesOf(t);
    const clusterWide = scopes.includes('');
    for (const s of scopes) {
      const rs = s === '' || own.includes(s) ? s : '';
      if ((s === '' || !clusterWide) && !this.holdsRoles(root, rs, this.rolesOf(t, ''))) return true;
      if (s !== '' && !this.holdsRoles(root, rs, this.rolesOf(t, s))) return true;
    }
    return false;
  }

  /** Whether the node's rules in `scope` hold every permission of these roles (Covers), asked once per role. */
  private holdsRoles(n: Node, scope: string, roles: ReadonlyArray<Role | ClusterRole>): boolean {
    if (!roles.length) return true;
    const o = this.ownerOf(n, scope);
    for (const role of roles) {
      let h = o.holds.get(role);
      if (h === undefined) o.holds.set(role, (h = o.index.holds(coverIndexOf(role.rules))));
      if (!h) return false;
    }
    return true;
  }

  /** The node's rules in a scope as an owner of permissions: shared by every node bound to the same roles there. */
  private ownerOf(n: Node, scope: string): Owner {
    let o = n.owner.get(scope);
    if (!o) {
      const roles = scope ? [...this.rolesOf(n, ''), ...this.rolesOf(n, scope)] : this.rolesOf(n, '');
      const key = roles.map(idOf).join(',');
      o = this.owners.get(key);
      if (!o)
        this.owners.set(
          key,
          (o = {
            index: new CoverIndex(
              [],
              roles.map((r) => coverIndexOf(r.rules)),
            ),
            holds: new Map(),
          }),
        );
      n.owner.set(scope, o);
    }
    return o;
  }

  /** The grant of a request made as the node; made as a constrained identity, the requestor's impersonate-on grant must allow it too. */
  private grant(n: Node, verb: string, group: string, resource: string, sub: string, namespace: string, name = ''): Grant | undefined {
    const g = this.identityGrant(n, verb, group, resource, sub, namespace, name);
    const f = (n.base ?? n).filter;
    if (!g || !f) return g;
    const on = this.grant(f.from, `impersonate-on:${f.mode}:${verb}`, group, resource, sub, namespace, name);
    if (!on) return undefined;
    const by = on.allowedBy === 'system:masters' ? 'system:masters' : `${on.role?.kind ?? ''} ${on.role?.name ?? ''}`.trim();
    return { ...g, permission: `${g.permission}, and ${on.permission} for ${f.from.ref.label} (${by})` };
  }

  private identityGrant(
    n: Node,
    verb: string,
    group: string,
    resource: string,
    sub: string,
    namespace: string,
    name: string,
  ): Grant | undefined {
    const held = n.held && this.identityGrant(n.held, verb, group, resource, sub, namespace, name);
    if (held) return held;
    const d = n.ev.authorize(n.user, { resourceRequest: true, verb, apiGroup: group, resource, subresource: sub, namespace, name });
    if (!d.allowed) return undefined;
    const what = `${verb} ${resourceLabel(group, sub ? `${resource}/${sub}` : resource)}${name ? ` ${JSON.stringify(name)}` : ''} ${namespace ? `in namespace ${namespace}` : resourceScope(resource)}`;
    return grantOf(this.ws, what, d, n.scope !== undefined);
  }

  /**
   * Which names the node's rules in `namespace` could allow the request on: "any" when a matching
   * rule has no resourceNames, else the names listed (none: no rule matches). The request itself
   * is then asked of the evaluator, name by name.
   */
  private names(n: Node, namespace: string, verb: string, group: string, resource: string, sub = ''): 'any' | string[] {
    const combined = sub ? `${resource}/${sub}` : resource;
    if (!ASKED.has(combined)) throw new Error(`${combined}: not in ASKED`);
    let out: Set<string> | undefined;
    for (const r of this.askedRulesOf(n, namespace)) {
      if (!verbMatches(r, verb) || !apiGroupMatches(r, group) || !resourceMatches(r, combined, sub)) continue;
      if (!r.resourceNames?.length) return 'any';
      for (const name of r.resourceNames) (out ??= new Set()).add(name);
    }
    return out ? [...out] : [];
  }

  /** The node's rules in a scope that may match a resource some step asks about: most hold none. */
  private askedRulesOf(n: Node, namespace: string): PolicyRule[] {
    let r = n.asked.get(namespace);
    if (!r) {
      r = this.rolesOf(n, '').flatMap(askedRules);
      if (namespace) for (const role of this.rolesOf(n, namespace)) r.push(...askedRules(role));
      n.asked.set(namespace, r);
    }
    return r;
  }

  private accountsIn(namespace: string): Node[] {
    let list = this.pools.get(namespace);
    if (!list) {
      list = namespace
        ? [...(this.accounts.get(namespace) ?? [])].map((a) => this.serviceAccount(namespace, a))
        : [...this.accounts].flatMap(([ns, names]) => [...names].map((a) => this.serviceAccount(ns, a)));
      this.pools.set(namespace, list);
    }
    return list;
  }

  /** The nodes an edge leads to: its own, or every service account worth becoming in a namespace (all: ""). */
  private targets(e: Edge): Node[] {
    return e.to ?? this.accountsIn(e.pool ?? '');
  }

  edgesOf(n: Node): Edge[] {
    if (n.edges) return n.edges;
    const out: Edge[] = [];
    // Having bound a role in one namespace, a node holds what it held everywhere else: the same steps, found a hop sooner.
    const scopes = n.held && n.scope ? [n.scope] : this.scopesOf(n);
    const clusterWide = new Set<StepKind>();
    for (const ns of scopes) {
      if (!this.askedRulesOf(n, ns).length) continue;
      this.workloadEdges(n, ns, out, clusterWide);
      this.secretEdges(n, ns, out, clusterWide);
      this.accountEdges(n, ns, out, clusterWide, 'token-request', 'create', 'serviceaccounts', 'token');
      this.accountEdges(n, ns, out, clusterWide, 'impersonate', 'impersonate', 'serviceaccounts', '');
      this.constrainedAccountEdges(n, ns, out);
      this.execEdges(n, ns, out, clusterWide);
      this.bindEdges(n, ns, out);
      this.bindingUpdateEdges(n, ns, out);
      this.escalateEdges(n, ns, out);
    }
    if (scopes.includes('') && this.askedRulesOf(n, '').length) {
      this.impersonateEdges(n, out);
      this.constrainedUserEdges(n, out);
      this.nodesProxyEdges(n, out);
      this.csrEdges(n, out);
      this.admissionEdges(n, out);
    }
    n.edges = out;
    return out;
  }

  private workloadEdges(n: Node, ns: string, out: Edge[], clusterWide: Set<StepKind>): void {
    if ((ns && clusterWide.has('workload-create')) || !(ns ? this.accounts.has(ns) : this.accounts.size)) return;
    for (const [group, resource] of WORKLOADS) {
      // Creating is never restricted by name (the request names none).
      const g = this.names(n, ns, 'create', group, resource) === 'any' ? this.grant(n, 'create', group, resource, '', ns) : undefined;
      if (!g) continue;
      if (!ns) clusterWide.add('workload-create');
      out.push({
        kind: 'workload-create',
        action: (to) => `create ${resourceLabel(group, resource)} ${where(ns)}, with pods that run as ${to.ref.label}`,
        grants: [g],
        pool: ns,
      });
      return;
    }
  }

  private secretEdges(n: Node, ns: string, out: Edge[], clusterWide: Set<StepKind>): void {
    if ((ns && clusterWide.has('secrets-read')) || !(ns ? this.tokenSecrets.has(ns) : this.tokenSecrets.size)) return;
    const reads = ['list', 'watch', 'get'].map((v) => this.names(n, ns, v, '', 'secrets'));
    if (reads.every((r) => r !== 'any' && r.length === 0)) return;
    const all =
      (reads[0] === 'any' && this.grant(n, 'list', '', 'secrets', '', ns)) ||
      (reads[1] === 'any' && this.grant(n, 'watch', '', 'secrets', '', ns)) ||
      undefined;
    if (all && !ns) clusterWide.add('secrets-read');
    const secrets = ns
      ? (this.tokenSecrets.get(ns) ?? []).map((s) => ({ ...s, ns }))
      : [...this.tokenSecrets].flatMap(([sns, l]) => l.map((s) => ({ ...s, ns: sns })));
    for (const s of secrets) {
      const get = reads[2];
      const g = all ?? (get === 'any' || get.includes(s.secret) ? this.grant(n, 'get', '', 'secrets', '', s.ns, s.secret) : undefined);
      if (!g) continue;
      out.push({
        kind: 'secrets-read',
        action: (to) => `read Secret ${s.ns}/${s.secret}, the token of ${to.ref.label}`,
        grants: [g],
        to: [this.serviceAccount(s.ns, s.account)],
      });
    }
  }

  /** A token for a service account (TokenRequest), or impersonating it: asked in its namespace, by its name. */
  private accountEdges(
    n: Node,
    ns: string,
    out: Edge[],
    clusterWide: Set<StepKind>,
    kind: StepKind,
    verb: string,
    resource: string,
    sub: string,
  ): void {
    if (ns && clusterWide.has(kind)) return;
    const names = this.names(n, ns, verb, '', resource, sub);
    if (names !== 'any' && names.length === 0) return;
    const action = (to: Node) => (kind === 'impersonate' ? `impersonate ${to.ref.label}` : `request a token for ${to.ref.label}`);
    const any = names === 'any' ? this.grant(n, verb, '', resource, sub, ns) : undefined;
    if (any) {
      if (!ns) clusterWide.add(kind);
      out.push({ kind, action, grants: [any], pool: ns });
      return;
    }
    for (const t of this.accountsIn(ns)) {
      const [, , tns, name] = t.user.name.split(':');
      const g = names !== 'any' && !names.includes(name) ? undefined : this.grant(n, verb, '', resource, sub, tns, name);
      if (g) out.push({ kind, action, grants: [g], to: [t] });
    }
  }

  /**
   * Exec into a running pod that mounts its service account's token: create on pods/exec, the
   * question the API server asks of every exec (spec §4: the only one before v1.35, required since).
   */
  private execEdges(n: Node, ns: string, out: Edge[], clusterWide: Set<StepKind>): void {
    if (ns && clusterWide.has('pod-exec')) return;
    const pods = this.podAccounts.filter((p) => !ns || p.namespace === ns);
    if (!pods.length) return;
    const names = this.names(n, ns, 'create', '', 'pods', 'exec');
    if (names !== 'any' && !names.length) return;
    const any = names === 'any' ? this.grant(n, 'create', '', 'pods', 'exec', ns) : undefined;
    if (any && !ns) clusterWide.add('pod-exec');
    const seen = new Set<string>();
    for (const p of pods) {
      // A rule naming pods reaches only Pod objects: the pods of controllers get generated names.
      const g =
        any ??
        (names !== 'any' && p.pod && names.includes(p.pod) ? this.grant(n, 'create', '', 'pods', 'exec', p.namespace, p.pod) : undefined);
      if (!g || seen.has(`${p.namespace}/${p.name}`)) continue;
      seen.add(`${p.namespace}/${p.name}`);
      out.push({
        kind: 'pod-exec',
        action: (to) => `exec into a pod of ${p.workload}, which runs as ${to.ref.label}`,
        grants: [g],
        to: [this.serviceAccount(p.namespace, p.name)],
      });
    }
  }

  /** Where binding `role` in `ns` leads: cluster-admin for the full role cluster-wide, else whoever holds it there. */
  private boundRole(n: Node, ns: string, role: Role | ClusterRole): Node {
    return !ns && coversAll(role.rules)
      ? this.clusterAdmin
      : this.roleGrant(n, ns, role, `${role.kind} ${role.metadata.name} ${ns ? `in namespace ${ns}` : 'cluster-wide'}`);
  }

  /**
   * Add itself to the subjects of an existing binding (update or patch on it, by name): the API
   * server asks bind on its role then, as on create (spec §6.2), and the roleRef cannot change.
   */
  private bindingUpdateEdges(n: Node, ns: string, out: Edge[]): void {
    const resource = ns ? 'rolebindings' : 'clusterrolebindings';
    const verbs = ['update', 'patch'];
    const names = verbs.map((v) => this.names(n, ns, v, RBAC_GROUP, resource));
    if (names.every((x) => x !== 'any' && !x.length)) return;
    // Who may create such a binding reaches the same roles, as soon (bindEdges): updating adds nothing.
    if (this.names(n, ns, 'create', RBAC_GROUP, resource) === 'any' && this.grant(n, 'create', RBAC_GROUP, resource, '', ns)) return;
    const binds: Record<string, 'any' | string[]> = {
      Role: ns ? this.names(n, ns, 'bind', RBAC_GROUP, 'roles') : [],
      ClusterRole: this.names(n, ns, 'bind', RBAC_GROUP, 'clusterroles'),
    };
    if (Object.values(binds).every((x) => x !== 'any' && !x.length)) return;
    const own = this.rulesOf(n, ns);
    const gains = new Map<Role | ClusterRole, boolean>();
    for (const b of this.bindingsIn.get(ns) ?? []) {
      const bindable = Object.hasOwn(binds, b.roleRef.kind) ? binds[b.roleRef.kind] : [];
      if (bindable !== 'any' && !bindable.includes(b.roleRef.name)) continue;
      const resolved = this.ev.resolveRoleRef(b, ns);
      if ('error' in resolved) continue;
      const role = resolved.role;
      // Many bindings share a role: whether it holds more than the node is asked once.
      let gain = gains.get(role);
      if (gain === undefined) gains.set(role, (gain = !holdsAll(own, role.rules)));
      if (!gain) continue;
      const name = b.metadata.name;
      const write = verbs
        .map((v, i) => (names[i] === 'any' || names[i].includes(name) ? this.grant(n, v, RBAC_GROUP, resource, '', ns, name) : undefined))
        .find((g) => g);
      if (!write) continue;
      const bind = this.grant(n, 'bind', RBAC_GROUP, role.kind === 'Role' ? 'roles' : 'clusterroles', '', ns, role.metadata.name);
      if (!bind) continue;
      out.push({
        kind: 'binding-update',
        action: () => `add itself to the subjects of ${describeHolder(b)}, which grants ${role.kind} ${role.metadata.name}`,
        grants: [write, bind],
        to: [this.boundRole(n, ns, role)],
      });
    }
  }

  /** Create a binding to a role one does not hold: the bind verb on that role (spec §6.2). */
  private bindEdges(n: Node, ns: string, out: Edge[]): void {
    const bindsClusterRoles = this.names(n, ns, 'bind', RBAC_GROUP, 'clusterroles');
    const bindsRoles = ns ? this.names(n, ns, 'bind', RBAC_GROUP, 'roles') : [];
    if (bindsClusterRoles !== 'any' && !bindsClusterRoles.length && bindsRoles !== 'any' && !bindsRoles.length) return;
    const write = this.grant(n, 'create', RBAC_GROUP, ns ? 'rolebindings' : 'clusterrolebindings', '', ns);
    if (!write) return;
    const own = this.rulesOf(n, ns);
    const edge = (role: Role | ClusterRole): boolean => {
      if (holdsAll(own, role.rules)) return false; // nothing to gain
      const bind = this.grant(n, 'bind', RBAC_GROUP, role.kind === 'Role' ? 'roles' : 'clusterroles', '', ns, role.metadata.name);
      if (!bind) return false;
      const target = this.boundRole(n, ns, role);
      out.push({
        kind: 'rbac-bind',
        action: () =>
          `create a ${ns ? `RoleBinding in namespace ${ns}` : 'ClusterRoleBinding'} to ${role.kind} ${role.metadata.name} for itself`,
        grants: [write, bind],
        to: [target],
      });
      return true;
    };
    // Binding the role that holds every permission holds all the others; holding it already, nothing is left to gain.
    if (this.fullRole && (holdsAll(own, this.fullRole.rules) || (bindsClusterRoles === 'any' && edge(this.fullRole)))) return;
    const clusterRoles = bindsClusterRoles === 'any' ? this.ev.policy.clusterRoles.map((c) => c.metadata.name) : bindsClusterRoles;
    for (const name of clusterRoles) {
      const role = this.ev.clusterRole(name);
      if (role) edge(role);
    }
    for (const name of bindsRoles === 'any' ? (this.roleNames.get(ns) ?? []) : bindsRoles) {
      const role = this.ev.role(ns, name);
      if (role) edge(role);
    }
  }

  /** Rewrite a role one is already bound to with any permission: escalate and update on it (spec §6.1). */
  private escalateEdges(n: Node, ns: string, out: Edge[]): void {
    const onRoles = ns ? this.names(n, ns, 'escalate', RBAC_GROUP, 'roles') : [];
    const onClusterRoles = this.names(n, ns, 'escalate', RBAC_GROUP, 'clusterroles');
    if (onRoles !== 'any' && !onRoles.length && onClusterRoles !== 'any' && !onClusterRoles.length) return;
    const seen = new Set<Role | ClusterRole>();
    for (const source of this.sourcesOf(n, ns)) {
      const role = source.role;
      // In a namespace, only the roles its RoleBindings grant there; aggregated roles are rewritten by their controller.
      if (seen.has(role) || (ns && source.binding.kind !== 'RoleBinding') || (role.kind === 'ClusterRole' && role.aggregationRule))
        continue;
      seen.add(role);
      const [resource, reqNs] = role.kind === 'Role' ? ['roles', ns] : ['clusterroles', ''];
      const escalate = this.grant(n, 'escalate', RBAC_GROUP, resource, '', reqNs, role.metadata.name);
      const update =
        escalate &&
        (this.grant(n, 'update', RBAC_GROUP, resource, '', reqNs, role.metadata.name) ??
          this.grant(n, 'patch', RBAC_GROUP, resource, '', reqNs, role.metadata.name));
      if (!escalate || !update) continue;
      // Through constrained impersonation, every permission of the identity is still only what impersonate-on allows.
      const target =
        ns || (n.base ?? n).filter
          ? this.roleGrant(n, ns, EVERY_PERMISSION, `every permission ${ns ? `in namespace ${ns}` : 'cluster-wide'}`)
          : this.clusterAdmin;
      out.push({
        kind: 'rbac-escalate',
        action: () => `add every permission to ${role.kind} ${role.metadata.name}, which ${describeHolder(source.binding)} grants it`,
        grants: [escalate, update],
        to: [target],
      });
    }
  }

  /** Where each of the node's rules in a namespace comes from: its bindings, and those made for itself on the way. */
  private sourcesOf(n: Node, ns: string): RuleSource[] {
    const own = n.ev.rulesFor(n.user, ns).rules.map((r) => r.source);
    return n.held ? [...this.sourcesOf(n.held, ns), ...own] : own;
  }

  private impersonateEdges(n: Node, out: Edge[]): void {
    const users = this.names(n, '', 'impersonate', '', 'users');
    if (users !== 'any' && !users.length) return; // Impersonate-Group needs Impersonate-User too
    const userGrants = [...this.users].flatMap((u) => {
      const g = users === 'any' || users.includes(u) ? this.grant(n, 'impersonate', '', 'users', '', '', u) : undefined;
      return g ? [{ u, g }] : [];
    });
    for (const { u, g } of userGrants)
      out.push({ kind: 'impersonate', action: (to) => `impersonate ${to.ref.label}`, grants: [g], to: [this.user(u)] });
    const asUser = (users === 'any' && this.grant(n, 'impersonate', '', 'users', '', '')) || userGrants[0]?.g;
    const groups = this.names(n, '', 'impersonate', '', 'groups');
    if (!asUser || (groups !== 'any' && !groups.length)) return;
    for (const group of [MASTERS, ...this.groups]) {
      const g = groups === 'any' || groups.includes(group) ? this.grant(n, 'impersonate', '', 'groups', '', '', group) : undefined;
      if (!g) continue;
      out.push({
        kind: 'impersonate',
        action: () => `impersonate a user in Group ${group}`,
        grants: [asUser, g],
        to: [group === MASTERS ? this.clusterAdmin : this.group(group)],
      });
    }
  }

  /** Whether some rule of the node lets it make a request as an identity impersonated in this mode. */
  private impersonatesOn(n: Node, mode: Mode): boolean {
    const prefix = `impersonate-on:${mode}:`;
    return this.scopesOf(n).some((s) =>
      this.rulesOf(n, s).some((r) => r.resources?.length && r.verbs.some((v) => v === '*' || v.startsWith(prefix))),
    );
  }

  /**
   * Whether legacy impersonation of the identity is a step already (the "*" verb grants both): it holds
   * all a constrained one would. Made once per node from the edges so far (every identity, pools too).
   */
  private impersonatedBy(out: Edge[]): (target: Node) => boolean {
    const legacy = new Set<Node | string>();
    for (const e of out) if (e.kind === 'impersonate') for (const x of e.to ?? [`pool:${e.pool}`]) legacy.add(x);
    return (t) =>
      legacy.has(t) || legacy.has('pool:') || (t.ref.kind === 'ServiceAccount' && legacy.has(`pool:${t.user.name.split(':')[2]}`));
  }

  private constrainedEdge(n: Node, target: Node, mode: Mode, grants: Grant[], out: Edge[]): void {
    const to = this.constrained(n, target, mode);
    if (out.some((e) => e.to?.includes(to))) return;
    out.push({
      kind: 'constrained-impersonate',
      action: () => `impersonate ${target.ref.label} (constrained, ${mode} mode: only requests allowed by impersonate-on:${mode}:<verb>)`,
      grants,
      to: [to],
    });
  }

  /** Constrained impersonation of a service account (spec §8.3): impersonate:serviceaccount on it, in its namespace. */
  private constrainedAccountEdges(n: Node, ns: string, out: Edge[]): void {
    const verb = 'impersonate:serviceaccount';
    const names = this.names(n, ns, verb, AUTHN, 'serviceaccounts');
    if ((names !== 'any' && !names.length) || this.isClusterAdmin(n) || !this.impersonatesOn(n, 'serviceaccount')) return;
    const impersonated = this.impersonatedBy(out);
    for (const t of this.accountsIn(ns)) {
      const [, , tns, name] = t.user.name.split(':');
      if ((names !== 'any' && !names.includes(name)) || impersonated(t)) continue;
      const g = this.grant(n, verb, AUTHN, 'serviceaccounts', '', tns, name);
      if (g) this.constrainedEdge(n, t, 'serviceaccount', [g], out);
    }
  }

  /**
   * Constrained impersonation of a user: user-info mode, or arbitrary-node mode for a node's username;
   * a group in user-info mode, with some user, never system:masters (spec §8.3).
   */
  private constrainedUserEdges(n: Node, out: Edge[]): void {
    const NODE = 'system:node:';
    const modes = (['user-info', 'arbitrary-node'] as const).map((mode) => {
      const resource = mode === 'user-info' ? 'users' : 'nodes';
      const names = this.names(n, '', `impersonate:${mode}`, AUTHN, resource);
      return { mode, resource, names: (names === 'any' || names.length) && this.impersonatesOn(n, mode) ? names : [] };
    });
    if (modes.every((m) => m.names !== 'any' && !m.names.length) || this.isClusterAdmin(n)) return;
    const impersonatedBy = this.impersonatedBy(out);
    let asUser: Grant | undefined;
    for (const u of this.users) {
      if (u.startsWith('system:serviceaccount:')) continue;
      const { mode, resource, names } = modes[u.startsWith(NODE) ? 1 : 0];
      const name = mode === 'user-info' ? u : u.slice(NODE.length);
      if (names !== 'any' && !names.includes(name)) continue;
      // A user impersonated already is still the user that Impersonate-Group needs.
      const impersonated = impersonatedBy(this.user(u));
      if (impersonated && (mode !== 'user-info' || asUser)) continue;
      const g = this.grant(n, `impersonate:${mode}`, AUTHN, resource, '', '', name);
      if (!g) continue;
      if (mode === 'user-info') asUser ??= g;
      if (!impersonated) this.constrainedEdge(n, this.user(u), mode, [g], out);
    }
    const user = (modes[0].names === 'any' && this.grant(n, 'impersonate:user-info', AUTHN, 'users', '', '')) || asUser;
    const groups = this.names(n, '', 'impersonate:user-info', AUTHN, 'groups');
    if (!user || (groups !== 'any' && !groups.length)) return;
    for (const group of this.groups) {
      if (group === MASTERS || !group || (groups !== 'any' && !groups.includes(group)) || impersonatedBy(this.group(group))) continue;
      const g = this.grant(n, 'impersonate:user-info', AUTHN, 'groups', '', '', group);
      if (g) this.constrainedEdge(n, this.group(group), 'user-info', [user, g], out);
    }
  }

  /** nodes/proxy reaches the kubelet API: exec in any pod of the node, so any service account with a pod there. */
  private nodesProxyEdges(n: Node, out: Edge[]): void {
    const verbs = ['get', 'create'];
    const names = verbs.map((v) => this.names(n, '', v, '', 'nodes', 'proxy'));
    const any = verbs.map((v, i) => (names[i] === 'any' ? this.grant(n, v, '', 'nodes', 'proxy', '') : undefined)).find((g) => g);
    // Named nodes only: which pods run there is unknown, but a DaemonSet's pods run on every node.
    const grant =
      any ??
      verbs
        .flatMap((v, i) => (names[i] === 'any' ? [] : names[i].map((name) => this.grant(n, v, '', 'nodes', 'proxy', '', name))))
        .find((g) => g);
    if (!grant) return;
    const seen = new Set<string>();
    const targets = this.podAccounts
      .filter((p) => (any || p.everyNode) && !seen.has(`${p.namespace}/${p.name}`) && seen.add(`${p.namespace}/${p.name}`))
      .map((p) => this.serviceAccount(p.namespace, p.name));
    if (targets.length)
      out.push({
        kind: 'nodes-proxy',
        action: (to) => `exec through the kubelet API (nodes/proxy) into a pod that runs as ${to.ref.label}`,
        grants: [grant],
        to: targets,
      });
  }

  /** Approve a CSR for the kube-apiserver-client signer: a client certificate for any user and group, system:masters too. */
  private csrEdges(n: Node, out: Edge[]): void {
    const approves = this.names(n, '', 'approve', CERTS, 'signers');
    if (approves !== 'any' && !approves.some((s) => CLIENT_SIGNERS.includes(s))) return;
    const create = this.grant(n, 'create', CERTS, 'certificatesigningrequests', '', '');
    const approval = create && this.grant(n, 'update', CERTS, 'certificatesigningrequests', 'approval', '');
    const signer = approval && CLIENT_SIGNERS.map((s) => this.grant(n, 'approve', CERTS, 'signers', '', '', s)).find((g) => g);
    if (!create || !approval || !signer) return;
    out.push({
      kind: 'csr-approve',
      action: () => 'create and approve a CertificateSigningRequest for a client certificate in Group system:masters',
      grants: [create, approval, signer],
      to: [this.clusterAdmin],
    });
  }

  private admissionEdges(n: Node, out: Edge[]): void {
    for (const resource of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
      for (const verb of ['create', 'update', 'patch']) {
        const g = this.names(n, '', verb, ADMISSION, resource) === 'any' ? this.grant(n, verb, ADMISSION, resource, '', '') : undefined;
        if (!g) continue;
        out.push({
          kind: 'admission-write',
          action: () => `${verb} ${resource}.${ADMISSION}: a webhook that sees or changes every object written`,
          grants: [g],
          to: [this.admission],
        });
        return;
      }
    }
  }

  /**
   * The shortest way to cluster-admin of every node, within `hops` steps: one breadth-first search
   * backwards from cluster-admin over the edges of every node, so each subject's path is read off.
   */
  private towardsAdmin(hops: number): Map<Node, { edge: Edge; to: Node }> {
    const cached = this.admin.get(hops);
    if (cached) return cached;
    const all: Node[] = [...this.subjects(), ...this.accountsIn('')];
    // Breadth-first, so each node's depth is its fewest steps from a subject: past `hops`, no path of a subject goes on.
    const depth = new Map(all.map((n) => [n, 0]));
    const back = new Map<Node | string, Array<{ from: Node; edge: Edge }>>();
    const link = (k: Node | string, from: Node, edge: Edge) => void (back.get(k) ?? back.set(k, []).get(k)!).push({ from, edge });
    for (let i = 0; i < all.length; i++) {
      const d = depth.get(all[i])! + 1;
      if (d > hops) break;
      for (const edge of this.edgesOf(all[i])) {
        if (edge.pool !== undefined) link(`pool:${edge.pool}`, all[i], edge);
        for (const t of edge.to ?? []) {
          link(t, all[i], edge);
          if (!depth.has(t)) {
            all.push(t);
            depth.set(t, d);
          }
        }
      }
    }
    const next = new Map<Node, { edge: Edge; to: Node }>();
    const done = new Set<Node>([this.clusterAdmin, ...all.filter((n) => this.isClusterAdmin(n))]);
    let frontier = [...done];
    for (let d = 0; d < hops && frontier.length; d++) {
      const found: Node[] = [];
      for (const x of frontier) {
        const ns = x.ref.kind === 'ServiceAccount' ? x.user.name.split(':')[2] : undefined;
        const froms = [...(back.get(x) ?? []), ...(ns ? [...(back.get(`pool:${ns}`) ?? []), ...(back.get('pool:') ?? [])] : [])];
        for (const { from, edge } of froms) {
          if (done.has(from)) continue;
          done.add(from);
          next.set(from, { edge, to: x });
          found.push(from);
        }
      }
      frontier = found;
    }
    this.admin.set(hops, next);
    return next;
  }

  /**
   * What `root` can gain within `hops` steps. With a way to cluster-admin, that shortest path alone
   * (cluster-admin holds all the rest); otherwise the shortest path to each node that holds more,
   * breadth-first, at most MAX_TARGETS of them.
   */
  search(root: Node, hops = DEFAULT_HOPS): SubjectEscalation {
    if (this.isClusterAdmin(root)) return { subject: root.ref, alreadyClusterAdmin: true, paths: [] };
    const next = this.towardsAdmin(hops);
    if (next.has(root)) {
      const steps: Step[] = [];
      for (let cur = root, hop = next.get(cur); hop; cur = hop.to, hop = next.get(cur))
        steps.push({ kind: hop.edge.kind, action: hop.edge.action(hop.to), grants: hop.edge.grants, to: hop.to.ref });
      return {
        subject: root.ref,
        alreadyClusterAdmin: false,
        paths: [{ from: root.ref, steps, target: steps[steps.length - 1].to, clusterAdmin: true }],
      };
    }
    const parent = new Map<Node, { from: Node; edge: Edge }>();
    const visited = new Set<Node>([root]);
    const reached: Node[] = [];
    let truncated = false;
    let frontier = [root];
    for (let depth = 0; depth < hops && frontier.length && !truncated; depth++) {
      const found: Node[] = [];
      for (const n of frontier) {
        for (const edge of this.edgesOf(n)) {
          for (const t of this.targets(edge)) {
            if (visited.has(t)) continue;
            visited.add(t);
            if (visited.size >= MAX_VISITS) truncated = true;
            if (truncated) break;
            // A node holding nothing more than the root leads nowhere the root cannot go; nor does a role
            // bound for itself that adds nothing to what the node held.
            if (!this.gains(root, t) || (t.held === n && !this.gains(n, t))) continue;
            parent.set(t, { from: n, edge });
            reached.push(t);
            if (t.ref.kind !== 'Admission') found.push(t);
            truncated = reached.length >= MAX_TARGETS || visited.size >= MAX_VISITS;
            if (truncated) break;
          }
          if (truncated) break;
        }
        if (truncated) break;
      }
      frontier = found;
    }
    const paths = reached.map((t) => {
      const steps: Step[] = [];
      for (let cur = t; cur !== root;) {
        const { from, edge } = parent.get(cur)!;
        steps.unshift({ kind: edge.kind, action: edge.action(cur), grants: edge.grants, to: cur.ref });
        cur = from;
      }
      return { from: root.ref, steps, target: t.ref, clusterAdmin: false };
    });
    return { subject: root.ref, alreadyClusterAdmin: false, paths, ...(truncated ? { truncated } : {}) };
  }
}

const fresh = () =>
  ({ roles: new Map(), rules: new Map(), asked: new Map(), owner: new Map() }) satisfies Pick<Node, 'roles' | 'rules' | 'asked' | 'owner'>;

const ids = new WeakMap<Role | ClusterRole, number>();
let nextId = 0;

function idOf(role: Role | ClusterRole): number {
  let id = ids.get(role);
  if (id === undefined) ids.set(role, (id = nextId++));
  return id;
}

/** Of one value list each, those both allow ("*": any); none when they share none. */
function meet(a: readonly string[], b: readonly string[]): string[] {
  if (a.includes('*')) return [...b];
  if (b.includes('*')) return [...a];
  return a.filter((x) => b.includes(x));
}

/** The resources both lists match (resourceMatches: "*", the name, "*\/sub"). */
function meetResources(a: readonly string[], b: readonly string[]): string[] {
  const out = new Set<string>();
  const within = (x: string, y: string) => y === '*' || x === y || (y.startsWith('*/') && x.endsWith(y.slice(1)));
  for (const x of a)
    for (const y of b)
      if (within(x, y)) out.add(x);
      else if (within(y, x)) out.add(y);
  return [...out];
}

/** The resource requests two rules both allow, as one rule (none when disjoint). */
function meetRules(a: PolicyRule, b: PolicyRule): PolicyRule[] {
  const verbs = meet(a.verbs, b.verbs);
  const apiGroups = meet(a.apiGroups ?? [], b.apiGroups ?? []);
  const resources = meetResources(a.resources ?? [], b.resources ?? []);
  const [an, bn] = [a.resourceNames ?? [], b.resourceNames ?? []];
  const resourceNames = !an.length ? bn : !bn.length ? an : an.filter((x) => bn.includes(x));
  if (!verbs.length || !apiGroups.length || !resources.length || (an.length && bn.length && !resourceNames.length)) return [];
  return [{ verbs, apiGroups, resources, ...(resourceNames.length ? { resourceNames } : {}) }];
}

/** What a rewritten role can hold: every permission (what escalate allows writing). */
const EVERY_PERMISSION: ClusterRole = { kind: 'ClusterRole', metadata: { name: '(every permission)' }, rules: FULL_AUTHORITY };

function describeHolder(b: Binding): string {
  return b.kind === 'RoleBinding'
    ? `RoleBinding ${b.metadata.namespace ?? ''}/${b.metadata.name}`
    : `ClusterRoleBinding ${b.metadata.name}`;
}

const CLUSTER_SCOPED = new Set([
  'users',
  'groups',
  'nodes',
  'certificatesigningrequests',
  'signers',
  'clusterroles',
  'clusterrolebindings',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
]);

function resourceScope(resource: string): string {
  return CLUSTER_SCOPED.has(resource) ? 'at cluster scope' : 'in every namespace';
}

/** Every subject the bindings name, with its identity and the scopes where it holds something. */
export function subjectNodes(ws: Workspace): Map<string, { label: string; user: UserInfo; scopes: string[] }> {
  const g = new EscalationGraph(ws);
  return new Map(g.subjects().map((n) => [n.ref.key, { label: n.ref.label, user: n.user, scopes: g.scopesOf(n) }]));
}
