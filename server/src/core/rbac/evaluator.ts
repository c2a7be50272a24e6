// The RBAC authorizer over a Policy: VisitRulesFor, Authorize, RulesFor and the subject locator
// (plugin/pkg/auth/authorizer/rbac, pkg/registry/rbac/validation/rule.go; spec §3, §4).
import { aggregateClusterRoles, type AggregationResult } from './aggregation';
import { MASTERS, serviceAccountUsername } from './identity';
import { ruleAllows } from './matchers';
import type {
  ClusterRole,
  ClusterRoleBinding,
  Policy,
  PolicyRule,
  RbacObject,
  RequestAttributes,
  Role,
  RoleBinding,
  Subject,
  UserInfo,
} from './types';

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

/**
 * Bindings of one scope indexed by the subject keys that can match them, as positions in the
 * evaluator's binding list: an evaluator over the same bindings, some replaced by copies with the
 * same name and subjects (an edit elsewhere in their file moved them), shares the index.
 */
class BindingIndex {
  /** Positions in the binding list, in lister (input) order. */
  readonly all: number[] = [];
  private readonly bySubject = new Map<string, number[]>();
  /** By roleRef, as `kind/name`. */
  private readonly byRole = new Map<string, number[]>();

  add(binding: Binding, position: number, namespace: string): void {
    this.all.push(position);
    for (const key of subjectKeys(binding.subjects, namespace)) push(this.bySubject, key, position);
    push(this.byRole, `${binding.roleRef.kind}/${binding.roleRef.name}`, position);
  }

  /** Positions of the bindings whose subjects match the username (a User's name or a ServiceAccount's username). */
  naming(username: string): readonly number[] {
    return this.bySubject.get(`u:${username}`) ?? [];
  }

  /** Positions of the bindings of the role (kind Role or ClusterRole). */
  to(kind: string, name: string): readonly number[] {
    return this.byRole.get(`${kind}/${name}`) ?? [];
  }

  /** Positions of the bindings that may apply to the user, in lister order. */
  candidates(user: UserInfo): number[] {
    const lists: number[][] = [];
    const u = this.bySubject.get(`u:${user.name}`);
    if (u) lists.push(u);
    for (const g of user.groups) {
      const l = this.bySubject.get(`g:${g}`);
      if (l) lists.push(l);
    }
    if (lists.length === 0) return [];
    if (lists.length === 1) return lists[0];
    return [...new Set(lists.flat())].sort((a, b) => a - b);
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
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

/**
 * Whether `after` holds the objects of `before` at the same positions, some replaced by objects of
 * the same kind, namespace and name for which `keeps(old, new)` holds (what an edit that renames
 * nothing does, in the edited object and in the objects it moved).
 */
export function replacedInPlace<T extends RbacObject>(
  before: readonly T[],
  after: readonly T[],
  keeps: (a: T, b: T) => boolean = () => true,
): boolean {
  if (before === after) return true;
  if (before.length !== after.length) return false;
  for (let i = 0; i < after.length; i++) {
    const [a, b] = [before[i], after[i]];
    if (a === b) continue;
    const same = a.kind === b.kind && a.metadata.name === b.metadata.name && a.metadata.namespace === b.metadata.namespace;
    if (!same || !keeps(before[i], after[i])) return false;
  }
  return true;
}

/** What an evaluator derives from its policy before any question. */
interface Derived {
  /** The policy it was given (before aggregation). */
  input: Policy;
  aggregation?: AggregationResult;
  /** Positions in the evaluator's policy lists, by name and by namespace/name. */
  clusterRoles: Map<string, number>;
  roles: Map<string, number>;
  clusterBindings: BindingIndex;
  namespaceBindings: Map<string, BindingIndex>;
  /** Every RoleBinding, whatever its namespace (who is bound where, and to what): built on first use, as answers do not need it. */
  roleBindings?: BindingIndex;
}

/** Whether two bindings are filed alike in a BindingIndex. */
const filedAlike = (a: Binding, b: Binding): boolean => {
  if (a.roleRef.kind !== b.roleRef.kind || a.roleRef.name !== b.roleRef.name) return false;
  const ns = a.kind === 'RoleBinding' ? (a.metadata.namespace ?? '') : '';
  const [x, y] = [subjectKeys(a.subjects, ns), subjectKeys(b.subjects, ns)];
  return x === y || (x.length === y.length && x.every((k, i) => k === y[i]));
};

const sameLabels = (a: Record<string, string> = {}, b: Record<string, string> = {}): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
};

/**
 * The aggregation of `before` still holds for `after` (its input, replaced in place): the replaced
 * ClusterRoles are copies with the same labels, rules and aggregationRule, or roles that aggregate
 * nothing and that no aggregated role selects (before or after: same labels).
 */
function keepsAggregation(before: Derived, after: Policy): AggregationResult | undefined {
  const agg = before.aggregation;
  if (!agg) return undefined;
  const keeps = (a: ClusterRole, b: ClusterRole): boolean =>
    (a.metadata === b.metadata && a.rules === b.rules && a.aggregationRule === b.aggregationRule) ||
    (!a.aggregationRule && !b.aggregationRule && !agg.selected.has(a.metadata.name) && sameLabels(a.metadata.labels, b.metadata.labels));
  if (!replacedInPlace(before.input.clusterRoles, after.clusterRoles, keeps)) return undefined;
  // An aggregated role's output is its input with the aggregated rules: the same rules on the new copy.
  const clusterRoles = after.clusterRoles.map((cr, i) => {
    const [was, out] = [before.input.clusterRoles[i], agg.clusterRoles[i]];
    return cr === was ? out : out === was ? cr : { ...cr, rules: out.rules };
  });
  return { ...agg, clusterRoles };
}

function positions<T>(list: readonly T[], key: (o: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  list.forEach((o, i) => out.set(key(o), i)); // a later object of the same name wins, as in a lister
  return out;
}

function derive(policy: Policy, opts: EvaluatorOptions, before: Derived | undefined): Derived {
  const reuse = before && (before.aggregation !== undefined) === (opts.aggregate !== false) ? before : undefined;
  const aggregation =
    opts.aggregate === false ? undefined : ((reuse && keepsAggregation(reuse, policy)) ?? aggregateClusterRoles(policy.clusterRoles));
  const clusterRoles = aggregation?.clusterRoles ?? policy.clusterRoles;
  const out: Derived = {
    input: policy,
    aggregation,
    clusterRoles:
      reuse && replacedInPlace(reuse.input.clusterRoles, policy.clusterRoles)
        ? reuse.clusterRoles
        : positions(clusterRoles, (cr) => cr.metadata.name),
    roles:
      reuse && replacedInPlace(reuse.input.roles, policy.roles)
        ? reuse.roles
        : positions(policy.roles, (r) => `${r.metadata.namespace ?? ''}/${r.metadata.name}`),
    clusterBindings: new BindingIndex(),
    namespaceBindings: new Map<string, BindingIndex>(),
  };
  if (reuse && replacedInPlace<Binding>(reuse.input.clusterRoleBindings, policy.clusterRoleBindings, filedAlike)) {
    out.clusterBindings = reuse.clusterBindings;
  } else {
    policy.clusterRoleBindings.forEach((crb, i) => out.clusterBindings.add(crb, i, ''));
  }
  if (reuse && replacedInPlace<Binding>(reuse.input.roleBindings, policy.roleBindings, filedAlike)) {
    out.namespaceBindings = reuse.namespaceBindings;
    out.roleBindings = reuse.roleBindings;
  } else {
    policy.roleBindings.forEach((rb, i) => {
      const ns = rb.metadata.namespace ?? '';
      let idx = out.namespaceBindings.get(ns);
      if (!idx) out.namespaceBindings.set(ns, (idx = new BindingIndex()));
      idx.add(rb, i, ns);
    });
  }
  return out;
}

export class RbacEvaluator {
  readonly policy: Policy;
  /** Aggregation problems (invalid selectors, no fixed point). */
  readonly aggregationErrors: string[];
  /** Per aggregated ClusterRole, the ClusterRole each of its rules comes from. */
  readonly ruleOrigins: ReadonlyMap<string, string[]>;
  private readonly derived: Derived;

  /**
   * `previous`: an evaluator of an earlier version of the policy. What it derived (aggregation,
   * indexes) is reused where this policy only replaces objects in place and the replacements
   * cannot change it; the answers are those of an evaluator built afresh (test/property/incremental.test.ts).
   */
  constructor(policy: Policy, opts: EvaluatorOptions = {}, previous?: RbacEvaluator) {
    this.derived = derive(policy, opts, previous?.derived);
    const agg = this.derived.aggregation;
    this.policy = agg ? { ...policy, clusterRoles: agg.clusterRoles } : policy;
    this.aggregationErrors = agg?.errors ?? [];
    this.ruleOrigins = agg?.ruleOrigins ?? new Map(opts.ruleOrigins ?? []);
  }

  /** For an aggregated ClusterRole: per rule, the ClusterRole it was aggregated from (undefined: its own). */
  aggregatedFrom(clusterRole: string): ReadonlyArray<string | undefined> | undefined {
    return this.ruleOrigins.get(clusterRole);
  }

  clusterRole(name: string): ClusterRole | undefined {
    const i = this.derived.clusterRoles.get(name);
    return i === undefined ? undefined : this.policy.clusterRoles[i];
  }

  role(namespace: string, name: string): Role | undefined {
    const i = this.derived.roles.get(`${namespace}/${name}`);
    return i === undefined ? undefined : this.policy.roles[i];
  }

  /**
   * The bindings whose subjects match a username (a User's name or a ServiceAccount's username), with
   * where they grant ('' cluster-wide): the ClusterRoleBindings, then the RoleBindings, in lister order.
   */
  bindingsNaming(username: string): Array<{ binding: Binding; scope: string }> {
    const { clusterBindings } = this.derived;
    const { policy } = this;
    const roleBindings = this.allRoleBindings();
    return [
      ...clusterBindings.naming(username).map((i) => ({ binding: policy.clusterRoleBindings[i], scope: '' })),
      ...roleBindings
        .naming(username)
        .map((i) => ({ binding: policy.roleBindings[i], scope: policy.roleBindings[i].metadata.namespace ?? '' })),
    ];
  }

  /**
   * The bindings that reference a role: a Role by the RoleBindings of its namespace, a ClusterRole
   * (namespace '') by ClusterRoleBindings and RoleBindings anywhere; in lister order.
   */
  bindingsTo(kind: 'Role' | 'ClusterRole', namespace: string, name: string): Binding[] {
    const { clusterBindings, namespaceBindings } = this.derived;
    const { policy } = this;
    if (kind === 'Role') return (namespaceBindings.get(namespace)?.to(kind, name) ?? []).map((i) => policy.roleBindings[i]);
    return [
      ...clusterBindings.to(kind, name).map((i): Binding => policy.clusterRoleBindings[i]),
      ...this.allRoleBindings()
        .to(kind, name)
        .map((i) => policy.roleBindings[i]),
    ];
  }

  private allRoleBindings(): BindingIndex {
    let idx = this.derived.roleBindings;
    if (!idx) {
      idx = this.derived.roleBindings = new BindingIndex();
      this.policy.roleBindings.forEach((rb, i) => idx!.add(rb, i, rb.metadata.namespace ?? ''));
    }
    return idx;
  }

  /** Namespaces that hold at least one RoleBinding. */
  bindingNamespaces(): string[] {
    return [...this.derived.namespaceBindings.keys()];
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
    if (!this.visitScope(this.derived.clusterBindings, this.policy.clusterRoleBindings, user, '', visit)) return;
    if (namespace === '') return;
    const idx = this.derived.namespaceBindings.get(namespace);
    if (idx) this.visitScope(idx, this.policy.roleBindings, user, namespace, visit);
  }

  private visitScope(idx: BindingIndex, list: readonly Binding[], user: UserInfo, namespace: string, visit: Visit): boolean {
    for (const i of idx.candidates(user)) {
      const binding = list[i];
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
    const idx = scope === '' ? this.derived.clusterBindings : this.derived.namespaceBindings.get(scope);
    const list = scope === '' ? this.policy.clusterRoleBindings : this.policy.roleBindings;
    const out: Array<Role | ClusterRole> = [];
    for (const i of idx?.candidates(user) ?? []) {
      const binding: Binding = list[i];
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
    const scan = (idx: BindingIndex | undefined, list: readonly Binding[], namespace: string) => {
      for (const i of idx?.all ?? []) {
        const binding = list[i];
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
    scan(this.derived.clusterBindings, this.policy.clusterRoleBindings, '');
    const ns = attrs.resourceRequest ? attrs.namespace : '';
    if (ns !== '') scan(this.derived.namespaceBindings.get(ns), this.policy.roleBindings, ns);
    return result;
  }
}
