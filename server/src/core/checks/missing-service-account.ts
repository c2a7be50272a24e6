// A ServiceAccount subject, or a workload's serviceAccountName, naming an account that does not
// exist in its namespace.
import type { Manifest, Span } from '../manifest/parse';
import type { Workload } from '../manifest/workloads';
import type { Binding } from '../rbac/evaluator';
import { accountName, accountRelated, accountsOf, type Accounts } from './accounts';
import type { Check, CheckContext, ClusterRefs, Finding, Related, Severity } from './check';
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
    const cluster = ctx.cluster;
    const known: Known = {
      accounts,
      cluster,
      exists: (ns, name) => accounts.exists(ns, name) || cluster?.serviceAccount(ns, name) === true,
    };
    const subjects = ctx.objects.flatMap(({ object, manifest }) =>
      (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') && mayMiss(known, object)
        ? subjectFindings(known, object, manifest)
        : [],
    );
    return [...subjects, ...ctx.workloads.flatMap((w) => workloadFinding(known, w))];
  },
};

/** The workspace's accounts, and the connected cluster's. */
interface Known {
  accounts: Accounts;
  cluster: ClusterRefs | undefined;
  exists(namespace: string, name: string): boolean;
}

/** That the account does not exist and where it was looked for, up to what follows from it; conditional when the cluster's accounts could not be read. */
function absence(known: Known): string {
  const c = known.cluster;
  const every = 'among the accounts every cluster has';
  if (!c) return `does not exist (neither in the workspace nor ${every}): `;
  if (!c.complete.serviceAccounts)
    return `is neither in the workspace nor ${every}, and the cluster (context ${q(c.context)}) could not be checked (kubeid may not list serviceaccounts there). If it does not exist there either, `;
  return `does not exist (neither in the workspace, nor in the cluster (context ${q(c.context)}), nor ${every}): `;
}

/** A cluster that refused to list accounts may hold this one: a lower severity than a sure claim. */
const severity = (known: Known): Severity => (known.cluster && !known.cluster.complete.serviceAccounts ? 'information' : 'warning');

/** Whether a decoded subject names an account that does not exist: the tree (built anew for cluster objects) is read only then. */
function mayMiss(known: Known, b: Binding): boolean {
  const scope = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
  return b.subjects.some((s) => s.kind === 'ServiceAccount' && !known.exists(s.namespace || scope, s.name));
}

function subjectFindings(known: Known, b: Binding, m: Manifest): Finding[] {
  return mapItems(m, 'subjects').flatMap(({ node, index }) => {
    const [kind, name, namespace, apiGroup] = ['kind', 'name', 'namespace', 'apiGroup'].map((k) => str(node, k));
    // Subjects the API server rejects are invalid-subject's.
    if (kind.value !== 'ServiceAccount' || apiGroup.value !== '' || name.value === '' || dns1123SubdomainErrors(name.value).length)
      return [];
    // A subject without namespace is in the RoleBinding's; a ClusterRoleBinding has none to give.
    const ns = namespace.value || (b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '');
    if (ns === '' || namespace.wrongType) return [];
    const namespaceKnown = namespace.value !== '' || m.namespace !== undefined;
    const missing = check(known, ns, name.value, namespaceKnown, 'name that namespace in the subject');
    if (!missing) return [];
    const from = namespace.value ? '' : ` (the RoleBinding's: the subject names none)`;
    const message =
      `${accountName(ns, name.value)}${from} ${absence(known)}this subject matches no one until it is created, and then whoever may create ServiceAccounts in ${q(ns)} can create it and receive what ${b.kind} ${q(b.metadata.name)} grants.` +
      missing.hint;
    return [withRelated(findingAt(ID, severity(known), m, ['subjects', index, 'name'], message), missing.related)];
  });
}

function workloadFinding(known: Known, w: Workload): Finding[] {
  const field = w.serviceAccountName;
  if (!field) return [];
  const missing = check(known, w.namespace, field.value, w.namespaceWritten, 'a pod can only run as an account of its own namespace');
  if (!missing) return [];
  const pods = w.kind === 'Pod' ? 'the Pod' : 'its pods';
  const message =
    `${w.kind} ${q(w.name)} runs as ${accountName(w.namespace, field.value)}, which ${absence(known)}the API server refuses ${pods} until it is created (ServiceAccount admission: "error looking up service account ${w.namespace}/${field.value}: serviceaccount ${q(field.value)} not found").` +
    (field.key === 'serviceAccount' ? ' (serviceAccount is the deprecated name of serviceAccountName.)' : '') +
    missing.hint;
  return [withRelated(spanFinding(w, field.span, message, severity(known)), missing.related)];
}

/** Why the account is missing, with a hint and related places; undefined when it exists or its namespace is not known. */
function check(
  known: Known,
  ns: string,
  name: string,
  namespaceKnown: boolean,
  otherNamespace: string,
): { hint: string; related: Related[] } | undefined {
  if (known.exists(ns, name)) return undefined;
  const { accounts } = known;
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

function spanFinding(w: Workload, span: Span, message: string, severity: Severity): Finding {
  return { check: ID, severity, message, file: w.file, span };
}

function withRelated(f: Finding, related: Related[]): Finding {
  if (related.length) f.related = related;
  return f;
}
