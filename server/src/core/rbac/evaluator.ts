// The RBAC authorizer over a Policy: VisitRulesFor, Authorize, RulesFor and the subject locator
// (plugin/pkg/auth/authorizer/rbac, pkg/registry/rbac/validation/rule.go; spec §3, §4).
import { aggregateClusterRoles } from './aggregation';
import { MASTERS, serviceAccountUsername } from './identity';
import { ruleAllows } from './matchers';
import type { ClusterRole, ClusterRoleBinding, Policy, PolicyRule, RequestAttributes, Role, RoleBinding, Subject, UserInfo } from './types';

export type Binding = RoleBinding | ClusterRoleBinding;

/** Where a rule came from: the binding (and its first subject that matched), the role and the rule. */
export interface RuleSource {
  binding: Binding;
  subjectIndex: number;
  role: Role | ClusterRole;
  ruleIndex: number;
  /** For a rule of an aggregated ClusterRole: the ClusterRole it was aggregated from. */
  aggregatedFrom?: string;
}

export interface Decision {
  allowed: boolean;
  /** Which authorizer allowed: the privileged-group authorizer (system:masters, outside RBAC) or RBAC. */
  allowedBy?: 'system:masters' | 'rbac';
  /** The reason text the API server gives ("RBAC: allowed by ..." / resolution errors / ""). */
  reason: string;
  source?: RuleSource;
  /** Role resolution errors met on the way (missing roles, unsupported roleRef kinds). */
  errors: string[];
}

export interface SourcedRule {
  rule: PolicyRule;
  source: RuleSource;
}

export interface RulesForResult {
  rules: SourcedRule[];
  errors: string[];
}

export interface WhoCanEntry {
  subject: Subject;
  /** Absent for the built-in system:masters entry. */
  source?: RuleSource;
}

export interface WhoCanResult {
  entries: WhoCanEntry[];
  /** Subjects of allowing bindings that can never match anyone, with why. */
  ignored: Array<{ subject: Subject; binding: Binding; why: string }>;
  errors: string[];
}

export interface EvaluatorOptions {
  /** Compute ClusterRole aggregation (offline manifests). A live cluster already stores the result. */
  aggregate?: boolean;
  /** Without aggregation: where the rules of aggregated ClusterRoles came from, when known (see aggregatedFrom). */
  ruleOrigins?: ReadonlyMap<string, string[]>;
}

type Visit = (source: RuleSource | null, rule: PolicyRule | null, err: string | null) => boolean;

interface IndexedBinding {
  binding: Binding;
  position: number;
}

/** Bindings of one scope indexed by the subject keys that can match them. */
class BindingIndex {
  readonly all: IndexedBinding[] = [];
  private readonly bySubject = new Map<string, IndexedBinding[]>();

  add(binding: Binding, namespace: string): void {
    const entry = { binding, position: this.all.length };
    this.all.push(entry);
    for (const key of subjectKeys(binding.subjects, namespace)) {
      let list = this.bySubject.get(key);
      if (!list) this.bySubject.set(key, (list = []));
      list.push(entry);
    }
  }

  /** The bindings that may apply to the user, in lister (input) order. */
  candidates(user: UserInfo): IndexedBinding[] {
    const lists: IndexedBinding[][] = [];
    const u = this.bySubject.get(`u:${user.name}`);
    if (u) lists.push(u);
    for (const g of user.groups) {
      const l = this.bySubject.get(`g:${g}`);
      if (l) lists.push(l);
    }
    if (lists.length === 0) return [];
    if (lists.length === 1) return lists[0];
    const seen = new Set<number>();
    const out: IndexedBinding[] = [];
    for (const l of lists) {
      for (const e of l) {
        if (seen.has(e.position)) continue;
        seen.add(e.position);
        out.push(e);
      }
    }
    return out.sort((a, b) => a.position - b.position);
  }
}

const keysOf = new WeakMap<readonly Subject[], Map<string, string[]>>();

/** The distinct subjectKeys of a subjects list, kept per list and namespace: evaluators are rebuilt on every edit in the editor. */
function subjectKeys(subjects: readonly Subject[], namespace: string): string[] {
  let byNamespace = keysOf.get(subjects);
  if (!byNamespace) keysOf.set(subjects, (byNamespace = new Map<string, string[]>()));
  let keys = byNamespace.get(namespace);
  if (!keys) {
    const set = new Set<string>();
    for (const s of subjects) {
      const key = subjectKey(s, namespace);
      if (key !== undefined) set.add(key);
    }
    byNamespace.set(namespace, (keys = [...set]));
  }
  return keys;
}

/**
 * The key a subject matches users by: "u:<username>" (users and service accounts, whose
 * username is system:serviceaccount:NS:NAME) or "g:<group>". Undefined when it can never match.
 */
function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace ? s.namespace : bindingNamespace;
      return ns === '' ? undefined : `u:${serviceAccountUsername(ns, s.name)}`;
    }
    default:
      return undefined;
  }
}

/** appliesToUser (rule.go): exact, case-sensitive. */
export function appliesToUser(user: UserInfo, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.name === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace ? s.namespace : bindingNamespace;
      return ns !== '' && user.name === serviceAccountUsername(ns, s.name);
    }
    default:
      return false;
  }
}

/** Why a subject can never match (undefined when it can). */
function neverMatches(s: Subject, bindingNamespace: string): string | undefined {
  if (s.kind !== 'User' && s.kind !== 'Group' && s.kind !== 'ServiceAccount') {
    return `subject kind "${s.kind}" is not User, Group or ServiceAccount (kinds are case-sensitive)`;
  }
  if (s.kind === 'ServiceAccount' && !s.namespace && bindingNamespace === '') {
    return 'a ServiceAccount subject of a ClusterRoleBinding needs a namespace';
  }
  return undefined;
}

/** utilerrors.NewAggregate(errs).Error(): duplicates dropped, brackets only for several. */
export function aggregateErrors(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  if (unique.length === 0) return '';
  if (unique.length === 1) return unique[0];
  return `[${unique.join(', ')}]`;
}

/** Go's %q, close enough for names: a double-quoted string with escapes. */
const q = (s: string): string => JSON.stringify(s);

export function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') {
    return `ServiceAccount ${q(`${s.name}/${s.namespace ? s.namespace : bindingNamespace}`)}`;
  }
  return `${s.kind} ${q(s.name)}`;
}

/** clusterRoleBindingDescriber / roleBindingDescriber String(). */
export function describeSource(src: RuleSource): string {
  const b = src.binding;
  const ns = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
  const subject = describeSubject(b.subjects[src.subjectIndex], ns);
  const ref = `${b.roleRef.kind} ${q(b.roleRef.name)}`;
  return b.kind === 'ClusterRoleBinding'
    ? `ClusterRoleBinding ${q(b.metadata.name)} of ${ref} to ${subject}`
    : `RoleBinding ${q(`${b.metadata.name}/${ns}`)} of ${ref} to ${subject}`;
}

export class RbacEvaluator {
  readonly policy: Policy;
  /** Aggregation problems (invalid selectors, no fixed point). */
  readonly aggregationErrors: string[];
  private readonly clusterRoles = new Map<string, ClusterRole>();
  private readonly roles = new Map<string, Role>();
  /** Per aggregated ClusterRole, the ClusterRole each of its rules comes from. */
  readonly ruleOrigins: ReadonlyMap<string, string[]>;
  private readonly clusterBindings = new BindingIndex();
  private readonly namespaceBindings = new Map<string, BindingIndex>();

  constructor(policy: Policy, opts: EvaluatorOptions = {}) {
    const agg = opts.aggregate === false ? undefined : aggregateClusterRoles(policy.clusterRoles);
    this.policy = agg ? { ...policy, clusterRoles: agg.clusterRoles } : policy;
    this.aggregationErrors = agg?.errors ?? [];
    this.ruleOrigins = agg?.ruleOrigins ?? new Map(opts.ruleOrigins ?? []);
    for (const cr of this.policy.clusterRoles) this.clusterRoles.set(cr.metadata.name, cr);
    for (const r of this.policy.roles) this.roles.set(`${r.metadata.namespace ?? ''}/${r.metadata.name}`, r);
    for (const crb of this.policy.clusterRoleBindings) this.clusterBindings.add(crb, '');
    for (const rb of this.policy.roleBindings) {
      const ns = rb.metadata.namespace ?? '';
      let idx = this.namespaceBindings.get(ns);
      if (!idx) this.namespaceBindings.set(ns, (idx = new BindingIndex()));
      idx.add(rb, ns);
    }
  }

  /** For an aggregated ClusterRole: per rule, the ClusterRole it was aggregated from (undefined: its own). */
  aggregatedFrom(clusterRole: string): ReadonlyArray<string | undefined> | undefined {
    return this.ruleOrigins.get(clusterRole);
  }

  clusterRole(name: string): ClusterRole | undefined {
    return this.clusterRoles.get(name);
  }

  role(namespace: string, name: string): Role | undefined {
    return this.roles.get(`${namespace}/${name}`);
  }

  /** Namespaces that hold at least one RoleBinding. */
  bindingNamespaces(): string[] {
    return [...this.namespaceBindings.keys()];
  }

  /** GetRoleReferenceRules: a missing role or an unknown kind is an error, never a deny. */
  resolveRoleRef(binding: Binding, bindingNamespace: string): { role: Role | ClusterRole } | { error: string } {
    const ref = binding.roleRef;
    if (ref.kind === 'Role') {
      const role = this.role(bindingNamespace, ref.name);
      return role ? { role } : { error: `role.rbac.authorization.k8s.io ${q(ref.name)} not found` };
    }
    if (ref.kind === 'ClusterRole') {
      const role = this.clusterRole(ref.name);
      return role ? { role } : { error: `clusterrole.rbac.authorization.k8s.io ${q(ref.name)} not found` };
    }
    return { error: `unsupported role reference kind: ${q(ref.kind)}` };
  }

  /** VisitRulesFor: every ClusterRoleBinding, then the RoleBindings of `namespace`. */
  visitRulesFor(user: UserInfo, namespace: string, visit: Visit): void {
    if (!this.visitScope(this.clusterBindings, user, '', visit)) return;
    if (namespace === '') return;
    const idx = this.namespaceBindings.get(namespace);
    if (idx) this.visitScope(idx, user, namespace, visit);
  }

  private visitScope(idx: BindingIndex, user: UserInfo, namespace: string, visit: Visit): boolean {
    for (const { binding } of idx.candidates(user)) {
      const subjectIndex = binding.subjects.findIndex((s) => appliesToUser(user, s, namespace));
      if (subjectIndex < 0) continue;
      const resolved = this.resolveRoleRef(binding, namespace);
      if ('error' in resolved) {
        if (!visit(null, null, resolved.error)) return false;
        continue;
      }
      const { role } = resolved;
      const origins = role.kind === 'ClusterRole' ? this.ruleOrigins.get(role.metadata.name) : undefined;
      for (let ruleIndex = 0; ruleIndex < role.rules.length; ruleIndex++) {
        const source: RuleSource = { binding, subjectIndex, role, ruleIndex };
        if (origins?.[ruleIndex] !== undefined) source.aggregatedFrom = origins[ruleIndex];
        if (!visit(source, role.rules[ruleIndex], null)) return false;
      }
    }
    return true;
  }

  /**
   * The roles the bindings of exactly one scope ("" = the ClusterRoleBindings, else the RoleBindings
   * of that namespace) grant the user, each once, in lister order; roleRefs that do not resolve
   * grant nothing. RulesFor is the rules of scope "" and then of the namespace.
   */
  rolesBound(user: UserInfo, scope: string): Array<Role | ClusterRole> {
    const idx = scope === '' ? this.clusterBindings : this.namespaceBindings.get(scope);
    const out: Array<Role | ClusterRole> = [];
    for (const { binding } of idx?.candidates(user) ?? []) {
      if (!binding.subjects.some((s) => appliesToUser(user, s, scope))) continue;
      const resolved = this.resolveRoleRef(binding, scope);
      if (!('error' in resolved) && !out.includes(resolved.role)) out.push(resolved.role);
    }
    return out;
  }

  /** RBAC's answer alone (RBACAuthorizer.Authorize): allow or no opinion, never deny. */
  authorizeRbac(user: UserInfo, attrs: RequestAttributes): Decision {
    let found: RuleSource | undefined;
    const errors: string[] = [];
    this.visitRulesFor(user, attrs.resourceRequest ? attrs.namespace : '', (source, rule, err) => {
      if (source && rule && ruleAllows(attrs, rule)) {
        found = source;
        return false;
      }
      if (err !== null) errors.push(err);
      return true;
    });
    if (found) return { allowed: true, allowedBy: 'rbac', reason: `RBAC: allowed by ${describeSource(found)}`, source: found, errors };
    return { allowed: false, reason: errors.length ? `RBAC: ${aggregateErrors(errors)}` : '', errors };
  }

  /** The authorizer chain as far as kubeid can see it: system:masters, then RBAC. */
  authorize(user: UserInfo, attrs: RequestAttributes): Decision {
    if (user.groups.includes(MASTERS)) return { allowed: true, allowedBy: 'system:masters', reason: '', errors: [] };
    return this.authorizeRbac(user, attrs);
  }

  /** RulesFor: every rule that applies in `namespace` ("" = cluster-wide only), no dedup. */
  rulesFor(user: UserInfo, namespace: string): RulesForResult {
    const rules: SourcedRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (source, rule, err) => {
      if (source && rule) rules.push({ rule, source });
      if (err !== null) errors.push(err);
      return true;
    });
    return { rules, errors };
  }

  /**
   * SubjectAccessEvaluator.AllowedSubjects with provenance: Group system:masters, then every
   * subject of every ClusterRoleBinding (and RoleBinding of the request namespace) whose role
   * allows the request. Subjects that can never match are reported apart.
   */
  whoCan(attrs: RequestAttributes): WhoCanResult {
    const result: WhoCanResult = {
      entries: [{ subject: { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: MASTERS } }],
      ignored: [],
      errors: [],
    };
    const scan = (idx: BindingIndex | undefined, namespace: string) => {
      for (const { binding } of idx?.all ?? []) {
        if (binding.subjects.length === 0) continue;
        const resolved = this.resolveRoleRef(binding, namespace);
        if ('error' in resolved) {
          result.errors.push(resolved.error);
          continue;
        }
        const ruleIndex = resolved.role.rules.findIndex((r) => ruleAllows(attrs, r));
        if (ruleIndex < 0) continue;
        binding.subjects.forEach((subject, subjectIndex) => {
          const why = neverMatches(subject, namespace);
          if (why) return void result.ignored.push({ subject, binding, why });
          const s = subject.kind === 'ServiceAccount' && !subject.namespace ? { ...subject, namespace } : subject;
          const source: RuleSource = { binding, subjectIndex, role: resolved.role, ruleIndex };
          const from = this.ruleOrigins.get(resolved.role.metadata.name)?.[ruleIndex];
          if (resolved.role.kind === 'ClusterRole' && from !== undefined) source.aggregatedFrom = from;
          result.entries.push({ subject: s, source });
        });
      }
    };
    scan(this.clusterBindings, '');
    const ns = attrs.resourceRequest ? attrs.namespace : '';
    if (ns !== '') scan(this.namespaceBindings.get(ns), ns);
    return result;
  }
}
