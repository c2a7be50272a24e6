// Combining policies the way applying manifests to a cluster does: a later object with the same
// kind, namespace and name replaces the earlier one, in its place.
import { replacedInPlace } from '../rbac/evaluator';
import type { Policy, RbacObject } from '../rbac/types';

function key(o: RbacObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** Per merged list, the position of each object in base followed by overlay. */
type Plan = Record<keyof Policy, number[]>;

function mergeList<T extends RbacObject>(base: readonly T[], overlay: readonly T[], plan: number[]): T[] {
  const out: T[] = [];
  const at = new Map<string, number>();
  [...base, ...overlay].forEach((o, j) => {
    const k = key(o);
    const i = at.get(k);
    if (i === undefined) at.set(k, out.push(o) - 1);
    else out[i] = o;
    plan[i ?? out.length - 1] = j;
  });
  return out;
}

const plans = new WeakMap<Policy, { base: Policy; overlay: Policy; plan: Plan }>();
const LISTS = ['roles', 'clusterRoles', 'roleBindings', 'clusterRoleBindings', 'serviceAccounts'] as const;

/**
 * `previous`: the merge of an earlier version of the same policies. When neither renames anything
 * since, the objects land where they did, and the merge is read off its plan without keys.
 */
export function mergePolicies(base: Policy, overlay: Policy, previous?: Policy): Policy {
  const was = previous && plans.get(previous);
  const out = {} as Policy;
  if (
    was &&
    LISTS.every((k) => replacedInPlace<RbacObject>(was.base[k], base[k]) && replacedInPlace<RbacObject>(was.overlay[k], overlay[k]))
  ) {
    for (const k of LISTS) {
      const [b, o] = [base[k] as readonly RbacObject[], overlay[k] as readonly RbacObject[]];
      (out[k] as RbacObject[]) = was.plan[k].map((j) => (j < b.length ? b[j] : o[j - b.length]));
    }
    plans.set(out, { base, overlay, plan: was.plan });
    return out;
  }
  const plan = {} as Plan;
  for (const k of LISTS) (out[k] as RbacObject[]) = mergeList<RbacObject>(base[k], overlay[k], (plan[k] = []));
  plans.set(out, { base, overlay, plan });
  return out;
}
