// A pod template that runs as its namespace's `default` ServiceAccount with the API token mounted.
import { serviceAccountOf, tokenMount, type Workload } from '../manifest/workloads';
import { accountRelated, accountsOf, bindingRelated, describeBinding, mountReason, type Accounts } from './accounts';
import type { Check, CheckContext, Finding } from './check';
import { spanAt } from './locate';

const ID = 'default-service-account-used';
const q = (s: string): string => JSON.stringify(s);

export const defaultServiceAccountUsed: Check = {
  id: ID,
  severity: 'information',
  summary:
    'A pod template without serviceAccountName (it runs as the namespace’s "default" account) with the API token mounted; a warning when that account holds permissions',
  run(ctx: CheckContext): Finding[] {
    const accounts = accountsOf(ctx);
    return ctx.workloads.flatMap((w) => workloadFinding(ctx, accounts, w));
  },
};

function workloadFinding(ctx: CheckContext, accounts: Accounts, w: Workload): Finding[] {
  // Only complete pod specs: an object being typed, or one the API server rejects, is left alone.
  if (!w.podSpec || serviceAccountOf(w) !== 'default') return [];
  const account = accounts.find(w.namespace, 'default');
  const mount = tokenMount(w, account?.object);
  if (!mount.mounted) return [];
  const { granting } = accounts.grants(w.namespace, 'default');
  const named = w.serviceAccountName ? `names the "default" ServiceAccount` : `names no serviceAccountName`;
  const grants = granting.length
    ? ` That account holds permissions of its own (${granting.map(describeBinding).join(', ')}): every pod of ${q(w.namespace)} that names no account gets them.`
    : ` Every pod of ${q(w.namespace)} that names no account shares this identity, and whatever is ever granted to it.`;
  const message =
    `${w.kind} ${q(w.name)} ${named}, so its pods run as ServiceAccount "default" of namespace ${q(w.namespace)} with its API token mounted ${mountReason(mount)}.` +
    grants +
    ` Create a ServiceAccount for this workload and set serviceAccountName, or set automountServiceAccountToken: false in the pod spec if it does not call the Kubernetes API.`;
  const span = w.serviceAccountName?.span ?? w.podSpecKey ?? spanAt(w.manifest.node, w.podSpecPath);
  const f: Finding = { check: ID, severity: granting.length ? 'warning' : 'information', message, file: w.file, span };
  const related = [
    ...(account ? accountRelated(account, `ServiceAccount "default" in namespace ${q(w.namespace)}`) : []),
    ...granting.flatMap((b) => bindingRelated(ctx, b, `${describeBinding(b)} grants to the "default" account`)),
  ];
  if (related.length) f.related = related;
  return [f];
}
