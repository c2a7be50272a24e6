// The audit of a workspace (manifests now, a cluster snapshot later): escalation paths, who can
// become cluster-admin, unused and dangling access, and privilege creep against a baseline, as
// findings with severities, what the user owns apart from what Kubernetes or a vendor manages.
import type { Severity } from '../checks/check';
import type { Workspace } from '../policy/workspace';
import { DEFAULT_HOPS, EscalationGraph, type EscalationPath, type NodeRef, type SubjectEscalation } from './escalation';
import { hygiene, type AuditFinding, type HygieneOptions } from './hygiene';
import { withheldRules, withhold, type Incomplete, type UnreadKind } from './partial';
import { diffPermissions, type PermissionChange } from './snapshot';

export type { AuditFinding } from './hygiene';

export interface AuditOptions extends HygieneOptions {
  /** Longest escalation path searched (default 3). */
  hops?: number;
  /** The state to compare effective permissions with (privilege creep). */
  baseline?: Workspace;
  /** Kinds a cluster snapshot (audited, or the baseline) could not list: claims resting on them are withheld. */
  unreadable?: UnreadKind[];
  baselineUnreadable?: UnreadKind[];
}

export interface SubjectReport extends SubjectEscalation {
  /** Set when every path of the subject runs through objects Kubernetes or a vendor manages. */
  managedBy?: string;
}

export interface ClusterAdminEntry {
  subject: NodeRef;
  /** 0: holds every permission already. */
  hops: number;
  path?: EscalationPath;
  managedBy?: string;
}

export type SeverityCounts = Record<Severity, number>;

export interface AuditReport {
  kind: 'KubeidAudit';
  version: 1;
  hops: number;
  /** Findings on what the user owns, and on what Kubernetes or vendors manage. */
  summary: { owned: SeverityCounts; managed: SeverityCounts };
  /** Every finding, the most severe first; those with `managedBy` are about managed objects. */
  findings: AuditFinding[];
  /** Subjects that can gain something, with their paths. */
  escalations: SubjectReport[];
  /** The answer to "who can become cluster-admin?". */
  clusterAdmins: ClusterAdminEntry[];
  /** With a baseline: effective permissions gained and lost per subject. */
  changes?: PermissionChange[];
  /** Set when the cluster snapshot (or the baseline) could not list every kind. */
  incomplete?: Incomplete;
}

/** Every rule a finding of the audit can carry, for SARIF and the README. */
export const AUDIT_RULES: ReadonlyArray<{ id: string; summary: string; severity: Severity }> = [
  {
    id: 'escalation-cluster-admin',
    severity: 'error',
    summary: 'A subject can become cluster-admin (every permission) through a chain of escalation steps',
  },
  {
    id: 'escalation-admission',
    severity: 'error',
    summary: 'A subject can reach admission control (webhooks): intercept or change any object written',
  },
  {
    id: 'escalation',
    severity: 'warning',
    summary: 'A subject can gain the permissions of other identities or roles through escalation steps',
  },
  { id: 'permissions-gained', severity: 'warning', summary: 'A subject holds effective permissions it did not hold in the baseline' },
  { id: 'permissions-lost', severity: 'information', summary: 'A subject no longer holds effective permissions it held in the baseline' },
  { id: 'dangling-role-ref', severity: 'warning', summary: 'A binding refers to a Role or ClusterRole that does not exist' },
  { id: 'dangling-service-account', severity: 'warning', summary: 'A binding names a ServiceAccount that does not exist' },
  {
    id: 'dangling-namespace',
    severity: 'warning',
    summary: 'A binding, or a ServiceAccount it names, is in a namespace that does not exist',
  },
  { id: 'duplicate-binding', severity: 'warning', summary: 'A binding grants the same role to the same subjects as another' },
  { id: 'redundant-binding', severity: 'information', summary: "A subject's grant that another of its bindings already covers" },
  {
    id: 'unused-role',
    severity: 'information',
    summary: 'A Role or ClusterRole no binding references (and no aggregated ClusterRole picks up)',
  },
  { id: 'unused-service-account', severity: 'information', summary: 'A ServiceAccount no workload runs as' },
];

const ORDER: Severity[] = ['error', 'warning', 'information', 'hint'];

/** The objects a path's grants come from; when all are managed, who manages them. */
function pathManagedBy(p: EscalationPath): string | undefined {
  let first: string | undefined;
  for (const s of p.steps)
    for (const g of s.grants)
      for (const r of [g.binding, g.role]) {
        if (!r?.origin) continue;
        if (!r.managedBy) return undefined;
        first ??= r.managedBy;
      }
  return first;
}

const stepCount = (n: number): string => `${n} step${n === 1 ? '' : 's'}`;

function describePath(p: EscalationPath): string {
  return p.steps.map((s) => s.action).join('; then ');
}

function escalationFinding(s: SubjectReport): AuditFinding {
  const first = s.paths[0];
  const object = first.steps[0].grants[0]?.binding;
  const admin = s.paths.find((p) => p.clusterAdmin);
  const admission = s.paths.find((p) => p.target.kind === 'Admission');
  const base = { ...(object ? { object } : {}), ...(s.managedBy ? { managedBy: s.managedBy } : {}) };
  if (admin)
    return {
      rule: 'escalation-cluster-admin',
      severity: 'error',
      message: `${s.subject.label} can become cluster-admin in ${stepCount(admin.steps.length)}: ${describePath(admin)}.`,
      ...base,
    };
  if (admission)
    return {
      rule: 'escalation-admission',
      severity: 'error',
      message: `${s.subject.label} can reach admission control in ${stepCount(admission.steps.length)}: ${describePath(admission)}.`,
      ...base,
    };
  const shown = s.paths.slice(0, 3).map((p) => `${p.target.label} (${stepCount(p.steps.length)})`);
  const more = s.paths.length > 3 ? `, and ${s.paths.length - 3} more` : '';
  return {
    rule: 'escalation',
    severity: 'warning',
    message: `${s.subject.label} can gain what it does not hold by acting as ${shown.join(', ')}${more}. First: ${describePath(first)}.`,
    ...base,
  };
}

function changeFindings(changes: PermissionChange[]): AuditFinding[] {
  const where = (c: PermissionChange) => (c.namespace ? `in namespace ${c.namespace}` : 'cluster-wide');
  const list = (v: string) => v.slice(1, -1).split(' ').join(', ');
  const rows = (r: string[][]) => {
    const shown = r
      .slice(0, 10)
      .map(([res, urls, names, verbs]) => `${list(verbs)} ${res || list(urls)}${names !== '[]' ? ` named ${list(names)}` : ''}`);
    return shown.join('; ') + (r.length > 10 ? `; and ${r.length - 10} more` : '');
  };
  return changes.flatMap((c) => [
    ...(c.gained.length
      ? [
          {
            rule: 'permissions-gained',
            severity: 'warning' as const,
            message: `${c.subject} gained ${where(c)}: ${rows(c.gained)}.`,
            ...(c.gainedBy[0] ? { object: c.gainedBy[0] } : {}),
          },
        ]
      : []),
    ...(c.lost.length
      ? [
          {
            rule: 'permissions-lost',
            severity: 'information' as const,
            message: `${c.subject} lost ${where(c)}: ${rows(c.lost)}.`,
            ...(c.lostBy[0] ? { object: c.lostBy[0] } : {}),
          },
        ]
      : []),
  ]);
}

export function audit(ws: Workspace, opts: AuditOptions = {}): AuditReport {
  const hops = opts.hops ?? DEFAULT_HOPS;
  const graph = new EscalationGraph(ws);
  const escalations: SubjectReport[] = [];
  const clusterAdmins: ClusterAdminEntry[] = [];
  for (const root of graph.subjects()) {
    const r: SubjectReport = graph.search(root, hops);
    const managed = r.paths.map(pathManagedBy);
    if (managed.length && managed.every((m) => m)) r.managedBy = managed[0];
    if (r.alreadyClusterAdmin) clusterAdmins.push({ subject: r.subject, hops: 0 });
    const admin = r.paths.find((p) => p.clusterAdmin);
    if (admin)
      clusterAdmins.push({ subject: r.subject, hops: admin.steps.length, path: admin, ...(r.managedBy ? { managedBy: r.managedBy } : {}) });
    if (r.paths.length) escalations.push(r);
  }
  clusterAdmins.sort((a, b) => a.hops - b.hops || a.subject.label.localeCompare(b.subject.label));
  const unreadable = opts.unreadable ?? [];
  const baselineUnreadable = opts.baseline ? (opts.baselineUnreadable ?? []) : [];
  const withheld = withheldRules(unreadable, opts.baseline ? baselineUnreadable : undefined);
  const changes = opts.baseline ? withholdChanges(diffPermissions(opts.baseline, ws), withheld) : undefined;
  const others = withhold([...(changes ? changeFindings(changes) : []), ...hygiene(ws, opts)], withheld);
  for (const f of others) if (f.object?.managedBy) f.managedBy = f.object.managedBy;
  const findings = [...escalations.map(escalationFinding), ...others];
  findings.sort(
    (a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity) || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message),
  );
  const summary = { owned: counts(), managed: counts() };
  for (const f of findings) summary[f.managedBy ? 'managed' : 'owned'][f.severity]++;
  const incomplete: Incomplete | undefined =
    unreadable.length || baselineUnreadable.length
      ? { unreadable, ...(baselineUnreadable.length ? { baselineUnreadable } : {}), withheld }
      : undefined;
  return {
    kind: 'KubeidAudit',
    version: 1,
    hops,
    summary,
    findings,
    escalations,
    clusterAdmins,
    ...(changes ? { changes } : {}),
    ...(incomplete ? { incomplete } : {}),
  };
}

/** Changes without the gains or losses kubeid cannot claim (see partial.ts). */
function withholdChanges(changes: PermissionChange[], withheld: readonly string[]): PermissionChange[] {
  const gained = !withheld.includes('permissions-gained');
  const lost = !withheld.includes('permissions-lost');
  return changes
    .map((c) => ({
      ...c,
      gained: gained ? c.gained : [],
      gainedBy: gained ? c.gainedBy : [],
      lost: lost ? c.lost : [],
      lostBy: lost ? c.lostBy : [],
    }))
    .filter((c) => c.gained.length || c.lost.length);
}

const counts = (): SeverityCounts => ({ error: 0, warning: 0, information: 0, hint: 0 });
