// An API token mounted for an account that holds no permissions of its own: it serves no one but
// an attacker who gets into the container.
import type { Manifest } from '../manifest/parse';
import { serviceAccountOf, tokenMount, type Workload } from '../manifest/workloads';
import type { ServiceAccount } from '../rbac/types';
import { accountName, accountRelated, accountsOf, type Accounts } from './accounts';
import type { Check, CheckContext, Finding, Related } from './check';
import { findingAt } from './locate';

const ID = 'automount-unneeded';
const q = (s: string): string => JSON.stringify(s);
const NOTHING = 'holds no permissions beyond what every service account of its namespace has (no binding grants it anything of its own)';

export const automountUnneeded: Check = {
  id: ID,
  severity: 'information',
  summary: 'An API token is mounted (by the ServiceAccount or the pod spec) but the account holds no permissions of its own',
  run(ctx: CheckContext): Finding[] {
    const accounts = accountsOf(ctx);
    // Built on the first ServiceAccount: after an edit, `ctx.objects` often holds none.
    let byAccount: Map<string, Workload[]> | undefined;
    const runningAs = (sa: ServiceAccount): Workload[] => {
      if (!byAccount) {
        byAccount = new Map();
        for (const w of ctx.workspace.workloads) {
          const k = `${w.namespace}/${serviceAccountOf(w)}`;
          const list = byAccount.get(k);
          if (list) list.push(w);
          else byAccount.set(k, [w]);
        }
      }
      return byAccount.get(`${sa.metadata.namespace ?? ''}/${sa.metadata.name}`) ?? [];
    };
    const own = ctx.objects.flatMap(({ object, manifest }) =>
      object.kind === 'ServiceAccount' ? accountFinding(accounts, object, manifest, runningAs(object)) : [],
    );
    return [...own, ...ctx.workloads.flatMap((w) => workloadFinding(accounts, w))];
  },
};

/** Whether the account has nothing of its own; a binding to a missing role counts as intent (missing-role reports it). */
function unneeded(accounts: Accounts, ns: string, name: string): boolean {
  const g = accounts.grants(ns, name);
  return g.granting.length === 0 && g.unresolved.length === 0;
}

/** A ServiceAccount that does not turn automounting off, without permissions; workloads: those running as it. */
function accountFinding(accounts: Accounts, sa: ServiceAccount, m: Manifest, workloads: readonly Workload[]): Finding[] {
  const ns = sa.metadata.namespace ?? '';
  const name = sa.metadata.name;
  if (sa.automountServiceAccountToken === false || name === '' || !unneeded(accounts, ns, name)) return [];
  const explicit = sa.automountServiceAccountToken === true;
  // The pods that get the token because of this account's setting.
  const users = workloads.filter((w) => w.podSpec && tokenMount(w, sa).by !== 'pod');
  const mounted = explicit ? 'sets automountServiceAccountToken: true' : 'leaves automountServiceAccountToken unset (mounted by default)';
  const pods = users.length ? ` (${users.length} workload${users.length > 1 ? 's' : ''} of the workspace)` : '';
  const message =
    `${accountName(ns, name)} ${NOTHING}, yet it ${mounted}, so its API token is mounted into every pod that runs as it${pods}. ` +
    `Set automountServiceAccountToken: false on the ServiceAccount; a pod that does call the API can still set automountServiceAccountToken: true.`;
  const f = findingAt(ID, 'information', m, explicit ? ['automountServiceAccountToken'] : ['metadata', 'name'], message);
  const related: Related[] = users.map((w) => ({
    file: w.file,
    span: w.serviceAccountName?.span ?? w.podSpecKey ?? w.manifest.span,
    message: `${w.kind} ${q(w.name)} runs as this account with the token mounted`,
  }));
  if (related.length) f.related = related;
  return [f];
}

/** A pod spec that sets automountServiceAccountToken: true for an account without permissions. */
function workloadFinding(accounts: Accounts, w: Workload): Finding[] {
  const field = w.automountServiceAccountToken;
  const name = serviceAccountOf(w);
  // A missing account is missing-service-account's.
  if (!field?.value || !accounts.exists(w.namespace, name) || !unneeded(accounts, w.namespace, name)) return [];
  const message =
    `${w.kind} ${q(w.name)} mounts the API token of ${accountName(w.namespace, name)}, which ${NOTHING}. ` +
    `Set automountServiceAccountToken: false, unless the pods call the API with only those permissions.`;
  const f: Finding = { check: ID, severity: 'information', message, file: w.file, span: field.span };
  const entry = accounts.find(w.namespace, name);
  if (entry) {
    const related = accountRelated(entry, accountName(w.namespace, name));
    if (related.length) f.related = related;
  }
  return [f];
}
