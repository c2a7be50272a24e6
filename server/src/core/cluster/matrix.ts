// The access matrix of one identity: resources × verbs, each cell answered by the API server (an
// access review) and, when a snapshot is given, by kubeid's own evaluation of it, with the likely
// cause of any disagreement. Also the difference between two identities' matrices.
import type { ApiResource } from '../catalogue/catalogue';
import type { RbacEvaluator } from '../rbac/evaluator';
import { MASTERS } from '../rbac/identity';
import type { ResourceAttributes, UserInfo } from '../rbac/types';
import { schedule, type SchedulerOptions } from './scheduler';
import { missingRbac, type Unreadable } from './snapshot';
import type { AccessReviewResult, ClusterSource, ReviewSubject } from './source';

export const MATRIX_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;

export type ServerAnswer = ({ answer: 'yes' | 'no' } & AccessReviewResult) | { answer: 'error'; error: string };

export interface KubeidAnswer {
  /** "unknown": RBAC said no, but kubeid could not read every RBAC kind. */
  answer: 'yes' | 'no' | 'unknown';
  reason: string;
}

export type Cause =
  | 'unreadable-objects' // kubeid could not read some RBAC objects
  | 'system:masters' // the privileged-group authorizer, outside RBAC
  | 'node-authorizer' // a node's identity: the Node authorizer
  | 'other-authorizer' // a webhook or another authorizer allowed
  | 'explicit-deny' // an authorizer before RBAC denied
  | 'changed' // RBAC objects changed since the snapshot (or the server evaluates differently)
  | 'review-failed'; // the server did not answer

export interface Cell {
  verb: string;
  attrs: ResourceAttributes;
  server: ServerAnswer;
  kubeid?: KubeidAnswer;
  /** Set when server and kubeid disagree (or the review failed): the likely cause, and in words. */
  cause?: Cause;
  explanation?: string;
}

export interface Row {
  group: string;
  resource: string;
  namespaced: boolean;
  /** One per verb of the matrix, in order; null where the resource does not serve the verb. */
  cells: (Cell | null)[];
}

export interface Matrix {
  namespace: string;
  verbs: string[];
  rows: Row[];
  /** The identity kubeid evaluated (as the API server builds it). */
  user: UserInfo;
  /** Reviews cancelled before they were sent. */
  cancelled: number;
}

export interface MatrixOptions {
  resources: readonly ApiResource[];
  /** Namespace of namespaced resources; cluster-scoped ones are asked at cluster scope. */
  namespace: string;
  subject: ReviewSubject;
  /** The identity as the API server sees it: for comparison and for causes. */
  user: UserInfo;
  verbs?: readonly string[];
  scheduler: SchedulerOptions;
  /** kubeid's side of the comparison: the snapshot's evaluator and the RBAC kinds it lacks. */
  compare?: { evaluator: RbacEvaluator; missing: readonly Unreadable[] };
}

/** The requests of a matrix: every resource (not subresources) × every verb it serves. */
export function matrixRows(resources: readonly ApiResource[], namespace: string, verbs: readonly string[]) {
  return resources.map((r) => ({
    group: r.group,
    resource: r.plural,
    namespaced: r.namespaced,
    requests: verbs.map((verb): ResourceAttributes | null =>
      r.verbs.includes(verb)
        ? {
            resourceRequest: true,
            verb,
            namespace: r.namespaced ? namespace : '',
            apiGroup: r.group,
            resource: r.plural,
            subresource: '',
            name: '',
          }
        : null,
    ),
  }));
}

export async function computeMatrix(source: ClusterSource, opts: MatrixOptions): Promise<Matrix> {
  const verbs = [...(opts.verbs ?? MATRIX_VERBS)];
  const rows = matrixRows(opts.resources, opts.namespace, verbs);
  const requests = rows.flatMap((r) => r.requests.filter((a): a is ResourceAttributes => a !== null));
  const answers = await schedule(requests, (attrs, signal) => source.accessReview(opts.subject, attrs, signal), opts.scheduler);
  let cancelled = 0;
  let i = 0;
  const out: Row[] = rows.map((r) => ({
    group: r.group,
    resource: r.resource,
    namespaced: r.namespaced,
    cells: r.requests.map((attrs) => {
      if (!attrs) return null;
      const settled = answers[i++];
      if (!settled.ok && (settled.error as { code?: string }).code === 'aborted') cancelled++;
      const server: ServerAnswer = settled.ok
        ? { answer: settled.value.allowed ? 'yes' : 'no', ...settled.value }
        : { answer: 'error', error: settled.error instanceof Error ? settled.error.message : String(settled.error) };
      const cell: Cell = { verb: attrs.verb, attrs, server };
      if (opts.compare) Object.assign(cell, compareCell(server, evaluate(opts.compare, opts.user, attrs), opts.user, opts.compare.missing));
      else if (server.answer === 'error') Object.assign(cell, { cause: 'review-failed', explanation: server.error });
      return cell;
    }),
  }));
  return { namespace: opts.namespace, verbs, rows: out, user: opts.user, cancelled };
}

function evaluate(compare: NonNullable<MatrixOptions['compare']>, user: UserInfo, attrs: ResourceAttributes): KubeidAnswer {
  const d = compare.evaluator.authorize(user, attrs);
  if (d.allowed) return { answer: 'yes', reason: d.allowedBy === 'system:masters' ? `member of ${MASTERS}` : d.reason };
  return { answer: compare.missing.length ? 'unknown' : 'no', reason: d.reason };
}

/** Server and kubeid side by side; a disagreement gets its likely cause. */
export function compareCell(
  server: ServerAnswer,
  kubeid: KubeidAnswer,
  user: UserInfo,
  missing: readonly Unreadable[],
): Pick<Cell, 'kubeid' | 'cause' | 'explanation'> {
  const out = { kubeid };
  if (server.answer === 'error') return { ...out, cause: 'review-failed', explanation: server.error };
  if (server.answer === kubeid.answer) return out;
  const said = server.reason ? `: "${server.reason}"` : '';
  if (server.answer === 'yes') {
    if (kubeid.answer === 'unknown') return { ...out, cause: 'unreadable-objects', explanation: missingRbac(missing) };
    if (server.reason.startsWith('RBAC:')) {
      return {
        ...out,
        cause: 'changed',
        explanation: `the server's RBAC allows it${said}, kubeid's snapshot does not: RBAC objects changed since it was read`,
      };
    }
    if (user.name.startsWith('system:node:') || user.groups.includes('system:nodes')) {
      return { ...out, cause: 'node-authorizer', explanation: `allowed by the Node authorizer for kubelets, outside RBAC${said}` };
    }
    if (user.groups.includes(MASTERS)) return { ...out, cause: 'system:masters', explanation: `allowed to group ${MASTERS} outside RBAC` };
    return {
      ...out,
      cause: 'other-authorizer',
      explanation: server.reason
        ? `allowed by an authorizer other than RBAC (a webhook, Node, ABAC)${said}`
        : `allowed outside RBAC with no reason given: group ${MASTERS} (privileged-group authorizer), the Node authorizer or a webhook`,
    };
  }
  // The server says no where kubeid says yes (kubeid never says "unknown" to a yes).
  if (server.denied) return { ...out, cause: 'explicit-deny', explanation: `an authorizer before RBAC (a webhook, Node) denied it${said}` };
  const why = server.evaluationError ? ` (the server reports: ${server.evaluationError})` : '';
  return {
    ...out,
    cause: 'changed',
    explanation: `kubeid's snapshot allows it (${kubeid.reason || 'RBAC'}), the server does not${why}: RBAC objects changed since the snapshot was read`,
  };
}

export interface MatrixDifference {
  group: string;
  resource: string;
  verb: string;
  a: ServerAnswer['answer'];
  b: ServerAnswer['answer'];
}

/** Cells where two identities' matrices (over the same resources and verbs) get different server answers. */
export function diffMatrices(a: Matrix, b: Matrix): MatrixDifference[] {
  const byKey = new Map(b.rows.map((r) => [`${r.group}/${r.resource}`, r]));
  const out: MatrixDifference[] = [];
  for (const ra of a.rows) {
    const rb = byKey.get(`${ra.group}/${ra.resource}`);
    if (!rb) continue;
    ra.cells.forEach((ca, i) => {
      const cb = rb.cells[b.verbs.indexOf(a.verbs[i])];
      if (!ca || !cb || ca.server.answer === cb.server.answer) return;
      out.push({ group: ra.group, resource: ra.resource, verb: a.verbs[i], a: ca.server.answer, b: cb.server.answer });
    });
  }
  return out;
}
