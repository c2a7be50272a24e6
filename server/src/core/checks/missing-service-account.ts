// A ServiceAccount subject, or a workload's serviceAccountName, naming an account that does not
// exist in its namespace.
import type { Manifest, Span } from '../manifest/parse';
import type { Workload } from '../manifest/workloads';
import type { Binding } from '../rbac/evaluator';
import { accountName, accountRelated, accountsOf, type Accounts } from './accounts';
import type { Check, CheckContext, Finding, Related } from './check';
import { dns1123SubdomainErrors } from './fields';
import { findingAt } from './locate';
import { mapItems, str } from './read';
import { closest } from './suggest';

const ID = 'missing-service-account';
const q = (s: string): string => JSON.stringify(s);
/** Most namespaces named in a hint. */
const MAX_LISTED = 3;

export const missingServiceAccount: Check = {
  id: ID,
  severity: 'warning',
  summary: 'A ServiceAccount subject or a workload’s serviceAccountName naming an account that does not exist in its namespace',
  run(ctx: CheckContext): Finding[] {
    const accounts = accountsOf(ctx);
    const subjects = ctx.objects.flatMap(({ object, manifest }) =>
      (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') && mayMiss(accounts, object)
        ? subjectFindings(accounts, object, manifest)
        : [],
    );
    return [...subjects, ...ctx.workloads.flatMap((w) => workloadFinding(accounts, w))];
  },
};

/** Whether a decoded subject names an account that does not exist: the tree (built anew for cluster objects) is read only then. */
function mayMiss(accounts: Accounts, b: Binding): boolean {
  const scope = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
  return b.subjects.some((s) => s.kind === 'ServiceAccount' && !accounts.exists(s.namespace || scope, s.name));
}

function subjectFindings(accounts: Accounts, b: Binding, m: Manifest): Finding[] {
  return mapItems(m, 'subjects').flatMap(({ node, index }) => {
    const [kind, name, namespace, apiGroup] = ['kind', 'name', 'namespace', 'apiGroup'].map((k) => str(node, k));
    // Subjects the API server rejects are invalid-subject's.
    if (kind.value !== 'ServiceAccount' || apiGroup.value !== '' || name.value === '' || dns1123SubdomainErrors(name.value).length)
      return [];
    // A subject without namespace is in the RoleBinding's; a ClusterRoleBinding has none to give.
    const ns = namespace.value || (b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '');
    if (ns === '' || namespace.wrongType) return [];
    const known = namespace.value !== '' || m.namespace !== undefined;
    const missing = check(accounts, ns, name.value, known, 'name that namespace in the subject');
    if (!missing) return [];
    const from = namespace.value ? '' : ` (the RoleBinding's: the subject names none)`;
    const message =
      `${accountName(ns, name.value)}${from} does not exist, neither in the workspace nor among the accounts every cluster has: ` +
      `this subject matches no one until it is created, and then whoever may create ServiceAccounts in ${q(ns)} can create it and receive what ${b.kind} ${q(b.metadata.name)} grants.` +
      missing.hint;
    return [withRelated(findingAt(ID, 'warning', m, ['subjects', index, 'name'], message), missing.related)];
  });
}

function workloadFinding(accounts: Accounts, w: Workload): Finding[] {
  const field = w.serviceAccountName;
  if (!field) return [];
  const missing = check(accounts, w.namespace, field.value, w.namespaceWritten, 'a pod can only run as an account of its own namespace');
  if (!missing) return [];
  const pods = w.kind === 'Pod' ? 'the Pod' : 'its pods';
  const message =
    `${w.kind} ${q(w.name)} runs as ${accountName(w.namespace, field.value)}, which does not exist (neither in the workspace nor among the accounts every cluster has): ` +
    `the API server refuses ${pods} until it is created (ServiceAccount admission: "error looking up service account ${w.namespace}/${field.value}: serviceaccount ${q(field.value)} not found").` +
    (field.key === 'serviceAccount' ? ' (serviceAccount is the deprecated name of serviceAccountName.)' : '') +
    missing.hint;
  return [withRelated(spanFinding(w, field.span, message), missing.related)];
}

/** Why the account is missing, with a hint and related places; undefined when it exists or its namespace is not known. */
function check(
  accounts: Accounts,
  ns: string,
  name: string,
  namespaceKnown: boolean,
  otherNamespace: string,
): { hint: string; related: Related[] } | undefined {
  if (accounts.exists(ns, name)) return undefined;
  const elsewhere = accounts.named(name);
  // No namespace written: it is chosen when the object is applied, probably the account's.
  if (!namespaceKnown && elsewhere.length > 0) return undefined;
  const close = closest(name, accounts.namesIn(ns));
  if (close !== undefined) {
    const entry = accounts.find(ns, close)!;
    return { hint: ` Did you mean ${q(close)}?`, related: accountRelated(entry, accountName(ns, close)) };
  }
  if (elsewhere.length > 0) {
    const listed = elsewhere.slice(0, MAX_LISTED);
    const more = elsewhere.length > MAX_LISTED ? ` and ${elsewhere.length - MAX_LISTED} more` : '';
    const where = listed.map((e) => q(e.object.metadata.namespace ?? '')).join(', ') + more;
    return {
      hint: ` A ServiceAccount ${q(name)} exists in namespace ${where}: ${otherNamespace}, or create the account in ${q(ns)}.`,
      related: listed.flatMap((e) => accountRelated(e, accountName(e.object.metadata.namespace ?? '', name))),
    };
  }
  return { hint: ` Create the ServiceAccount in ${q(ns)}, or fix the name.`, related: [] };
}

function spanFinding(w: Workload, span: Span, message: string): Finding {
  return { check: ID, severity: 'warning', message, file: w.file, span };
}

function withRelated(f: Finding, related: Related[]): Finding {
  if (related.length) f.related = related;
  return f;
}
