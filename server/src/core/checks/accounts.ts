// Service accounts as the reference and workload checks see them: which exist, and which hold
// permissions of their own. Computed once per workspace and shared by the checks.
import type { Manifest } from '../manifest/parse';
import type { TokenMount } from '../manifest/workloads';
import { holdsAll } from '../rbac/covers';
import type { Binding, RbacEvaluator } from '../rbac/evaluator';
import { serviceAccountUser, serviceAccountUsername } from '../rbac/identity';
import type { ClusterRole, PolicyRule, Role, ServiceAccount } from '../rbac/types';
import { defaultPolicy } from '../policy/defaults';
import type { Workspace } from '../policy/workspace';
import type { CheckContext, Related } from './check';
import { spanAt } from './locate';

export interface AccountEntry {
  object: ServiceAccount;
  /** Absent for objects that are not from a workspace file. */
  manifest?: Manifest;
}

export interface OwnGrants {
  /** Bindings naming the account whose role grants more than every service account of its namespace has. */
  granting: Binding[];
  /** Bindings naming the account whose role cannot be resolved (missing-role reports those). */
  unresolved: Binding[];
}

/** An account no binding names: what every service account of a namespace may do. */
const BASELINE_ACCOUNT = 'kubeid-no-such-account';

export class Accounts {
  private readonly byKey = new Map<string, AccountEntry>();
  private readonly byName = new Map<string, AccountEntry[]>();
  private readonly byNamespace = new Map<string, string[]>();
  private readonly baselines = new Map<string, { rules: PolicyRule[]; covered: Map<Role | ClusterRole, boolean> }>();
  private readonly grantCache = new Map<string, OwnGrants>();

  private readonly evaluator: RbacEvaluator;

  constructor(ctx: CheckContext) {
    this.evaluator = ctx.workspace.evaluator;
    // Later objects of the same name replace earlier ones, as in the merged policy.
    for (const object of ctx.workspace.policy.serviceAccounts) {
      const entry: AccountEntry = { object };
      const m = ctx.workspace.manifestOf(object.source);
      if (m) entry.manifest = m;
      this.byKey.set(key(object.metadata.namespace ?? '', object.metadata.name), entry);
    }
    for (const entry of this.byKey.values()) {
      push(this.byName, entry.object.metadata.name, entry);
      push(this.byNamespace, entry.object.metadata.namespace ?? '', entry.object.metadata.name);
    }
  }

  /** The account's object, when the workspace defines it. */
  find(namespace: string, name: string): AccountEntry | undefined {
    return this.byKey.get(key(namespace, name));
  }

  /**
   * Whether the account exists on a cluster holding the workspace: defined in it, `default` (the
   * ServiceAccount controller creates it in every namespace), or a controller's account the
   * default policy binds (kube-controller-manager creates those in kube-system).
   */
  exists(namespace: string, name: string): boolean {
    return name === 'default' || this.byKey.has(key(namespace, name)) || builtInAccounts().has(key(namespace, name));
  }

  /** Accounts of that name in any namespace. */
  named(name: string): AccountEntry[] {
    return this.byName.get(name) ?? [];
  }

  /** Names of the accounts defined in a namespace. */
  namesIn(namespace: string): string[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /**
   * The bindings that give the account permissions of its own: bindings naming it (as a
   * ServiceAccount subject or by its username) whose role holds a rule that an account no
   * binding names (same groups: system:serviceaccounts[:NS], system:authenticated) lacks in that scope.
   */
  grants(namespace: string, name: string): OwnGrants {
    const user = serviceAccountUsername(namespace, name);
    let out = this.grantCache.get(user);
    if (out) return out;
    out = { granting: [], unresolved: [] };
    for (const { binding, scope } of this.evaluator.bindingsNaming(user)) {
      const resolved = this.evaluator.resolveRoleRef(binding, scope);
      if ('error' in resolved) out.unresolved.push(binding);
      else if (!this.coveredByBaseline(namespace, scope, resolved.role)) out.granting.push(binding);
    }
    this.grantCache.set(user, out);
    return out;
  }

  /** Whether an account no binding names already holds every rule of the role, in that scope. */
  private coveredByBaseline(namespace: string, scope: string, role: Role | ClusterRole): boolean {
    const k = key(namespace, scope);
    let baseline = this.baselines.get(k);
    if (!baseline) {
      const rules = this.evaluator.rulesFor(serviceAccountUser(namespace, BASELINE_ACCOUNT), scope).rules.map((r) => r.rule);
      this.baselines.set(k, (baseline = { rules, covered: new Map() }));
    }
    let covered = baseline.covered.get(role);
    if (covered === undefined) baseline.covered.set(role, (covered = holdsAll(baseline.rules, role.rules)));
    return covered;
  }
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

function push<T>(map: Map<string, T[]>, k: string, v: T): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

let builtIn: Set<string> | undefined;

/**
 * ns/name of the accounts the default policy binds (the controllers' in kube-system): they exist
 * on every cluster, whether or not the evaluation includes the default policy.
 */
function builtInAccounts(): Set<string> {
  if (!builtIn) {
    builtIn = new Set<string>();
    const p = defaultPolicy().policy;
    for (const b of [...p.clusterRoleBindings, ...p.roleBindings]) {
      for (const s of b.subjects) {
        const ns = s.namespace || (b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '');
        if (s.kind === 'ServiceAccount' && ns) builtIn.add(key(ns, s.name));
      }
    }
  }
  return builtIn;
}

const cache = new WeakMap<Workspace, Accounts>();

export function accountsOf(ctx: CheckContext): Accounts {
  let a = cache.get(ctx.workspace);
  if (!a) cache.set(ctx.workspace, (a = new Accounts(ctx)));
  return a;
}

/** Related information pointing at an account's metadata.name. */
export function accountRelated(entry: AccountEntry, message: string): Related[] {
  const m = entry.manifest;
  return m ? [{ file: m.file, span: spanAt(m.node, ['metadata', 'name']), message }] : [];
}

/** Related information pointing at a binding's metadata.name, when it comes from a workspace file. */
export function bindingRelated(ctx: CheckContext, binding: Binding, message: string): Related[] {
  const m = ctx.workspace.manifestOf(binding.source);
  return m ? [{ file: m.file, span: spanAt(m.node, ['metadata', 'name']), message }] : [];
}

/** `"name" in namespace "ns"` */
export function accountName(namespace: string, name: string): string {
  return `ServiceAccount ${JSON.stringify(name)} in namespace ${JSON.stringify(namespace)}`;
}

/** `RoleBinding "b" in "ns" → ClusterRole "edit"` */
export function describeBinding(b: Binding): string {
  const where = b.kind === 'RoleBinding' ? ` in ${JSON.stringify(b.metadata.namespace ?? '')}` : '';
  return `${b.kind} ${JSON.stringify(b.metadata.name)}${where} → ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)}`;
}

/** Why a token is mounted, in parentheses. */
export function mountReason(mount: TokenMount): string {
  if (mount.by === 'pod') return '(the pod spec sets automountServiceAccountToken: true)';
  if (mount.by === 'service-account') return '(the ServiceAccount sets automountServiceAccountToken: true)';
  return '(neither the pod spec nor the ServiceAccount sets automountServiceAccountToken, and the default is to mount it)';
}
