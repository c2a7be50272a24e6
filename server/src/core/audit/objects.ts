// How the audit names objects: kind, name, namespace, where they are written (file:line), and who
// manages them — the default cluster policy, a cloud vendor or OpenShift — so a report speaks
// first about what the user owns.
import { nodeAt } from '../manifest/parse';
import { rulesEqual } from '../rbac/aggregation';
import type { Decision } from '../rbac/evaluator';
import type { ObjectMeta, Origin, PolicyRule, SourceRef } from '../rbac/types';
import type { Workspace } from '../policy/workspace';

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
  origin?: Origin;
  file?: string;
  line?: number;
  /** Set for objects the user does not own: "Kubernetes default policy", "Amazon EKS", ... */
  managedBy?: string;
}

/** One permission a step uses, and the binding, role and rule that grant it. */
export interface Grant {
  /** "create pods in namespace a" */
  permission: string;
  allowedBy: 'system:masters' | 'rbac';
  binding?: ObjectRef;
  role?: ObjectRef;
  ruleIndex?: number;
  rule?: PolicyRule;
  /** Line of the rule in the role's file. */
  ruleLine?: number;
  /** For a rule of an aggregated ClusterRole: the ClusterRole it comes from. */
  aggregatedFrom?: string;
}

interface Described {
  kind: string;
  metadata: ObjectMeta;
  source?: SourceRef;
}

const refs = new WeakMap<object, ObjectRef>();

export function refOf(ws: Workspace, o: Described): ObjectRef {
  let ref = refs.get(o);
  if (!ref) refs.set(o, (ref = makeRef(ws, o)));
  return ref;
}

function makeRef(ws: Workspace, o: Described): ObjectRef {
  const ref: ObjectRef = { kind: o.kind, name: o.metadata.name };
  if (o.metadata.namespace) ref.namespace = o.metadata.namespace;
  if (o.source) ref.origin = o.source.origin;
  const at = ws.locate(o.source);
  if (at) [ref.file, ref.line] = [at.file, at.line];
  const managed = managedBy(o);
  if (managed) ref.managedBy = managed;
  return ref;
}

/** The line of rule `index` of a role: in its own manifest, or (aggregated) in the ClusterRole it comes from. */
function ruleLine(ws: Workspace, role: Described & { rules: PolicyRule[] }, index: number, from?: string): number | undefined {
  const origin = from ? ws.policy.clusterRoles.find((c) => c.metadata.name === from) : role;
  if (!origin) return undefined;
  const at = from ? origin.rules.findIndex((r) => rulesEqual(r, role.rules[index])) : index;
  const m = ws.manifestOf(origin.source);
  const node = m && at >= 0 ? nodeAt(m.node, ['rules', at]) : undefined;
  return node && origin.source ? ws.locate({ ...origin.source, start: node.span.start })?.line : undefined;
}

const ruleLines = new WeakMap<object, Map<number, number | undefined>>();

/** The grant behind an allowed decision; `madeByStep` when the binding is the one an earlier step of the path creates. */
export function grantOf(ws: Workspace, permission: string, d: Decision, madeByStep = false): Grant {
  if (d.allowedBy === 'system:masters' || !d.source) return { permission, allowedBy: 'system:masters' };
  const { binding, role, ruleIndex, aggregatedFrom } = d.source;
  const g: Grant = {
    permission,
    allowedBy: 'rbac',
    binding: madeByStep
      ? {
          kind: binding.kind,
          name: binding.metadata.name,
          ...(binding.metadata.namespace ? { namespace: binding.metadata.namespace } : {}),
        }
      : refOf(ws, binding),
    role: refOf(ws, role),
    ruleIndex,
    rule: role.rules[ruleIndex],
  };
  const lines = ruleLines.get(role) ?? ruleLines.set(role, new Map()).get(role)!;
  if (!lines.has(ruleIndex)) lines.set(ruleIndex, ruleLine(ws, role, ruleIndex, aggregatedFrom));
  const line = lines.get(ruleIndex);
  if (line !== undefined) g.ruleLine = line;
  if (aggregatedFrom) g.aggregatedFrom = aggregatedFrom;
  return g;
}

const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';
const AKS_LABEL = 'kubernetes.azure.com/managedby';

/** Name prefixes and labels vendors mark their objects with. */
const VENDORS: Array<{ by: string; prefixes: string[]; labels: string[] }> = [
  { by: 'Amazon EKS', prefixes: ['eks:'], labels: ['eks.amazonaws.com/component'] },
  { by: 'Google GKE', prefixes: ['gke-', 'gce:', 'gcp:'], labels: [] },
  { by: 'Azure AKS', prefixes: ['aks-'], labels: [AKS_LABEL] },
  { by: 'OpenShift', prefixes: ['system:openshift:'], labels: [] },
];

/** Who manages the object, when not the user: the default cluster policy, a cloud vendor, OpenShift. */
export function managedBy(o: Described): string | undefined {
  const labels = o.metadata.labels ?? {};
  if (o.source?.origin === 'default-policy' || labels[BOOTSTRAP_LABEL] === 'rbac-defaults') return 'Kubernetes default policy';
  for (const v of VENDORS) {
    if (v.prefixes.some((p) => o.metadata.name.startsWith(p)) || v.labels.some((l) => l in labels)) return v.by;
  }
  if (o.metadata.namespace?.startsWith('openshift-') || o.metadata.namespace === 'openshift') return 'OpenShift';
  return undefined;
}
