// kubeid access-matrix: what an identity may do, resource by resource and verb by verb, as the API
// server answers (one access review per cell, in parallel, rate-limited); with --compare next to
// kubeid's own evaluation of the cluster's RBAC objects, each difference with its likely cause;
// with --diff-as, the cells where a second identity gets another answer.
import { bool, list, parseArgs, str, UsageError, type ParsedArgs } from './args';
import { CLUSTER_FLAGS, clusterCatalogue, connect, evaluatedUser, impersonation, reviewSubject } from './cluster';
import { json, outputFormat, type Io } from './common';
import { formatTable } from './table';
import { computeMatrix, diffMatrices, MATRIX_VERBS, matrixRows, type Matrix, type MatrixOptions } from '../core/cluster/matrix';
import { DEFAULT_SCHEDULER } from '../core/cluster/scheduler';
import { loadSnapshot, missingRbac, RBAC_KINDS, snapshotPolicy } from '../core/cluster/snapshot';
import { explainRefusal } from '../core/cluster/impersonation';
import { isClusterError, type ReviewSubject } from '../core/cluster/source';
import { impersonatedUser, type ImpersonationRequest } from '../core/rbac/identity';
import type { UserInfo } from '../core/rbac/types';

const FLAGS = [
  ...CLUSTER_FLAGS,
  { name: 'as', type: 'string' as const },
  { name: 'as-group', type: 'list' as const },
  { name: 'as-uid', type: 'string' as const },
  { name: 'namespace', short: 'n', type: 'string' as const },
  { name: 'output', short: 'o', type: 'string' as const },
  { name: 'compare', type: 'boolean' as const },
  { name: 'use-sar', type: 'boolean' as const },
  { name: 'verb', type: 'list' as const },
  { name: 'diff-as', type: 'string' as const },
  { name: 'diff-as-group', type: 'list' as const },
  { name: 'concurrency', type: 'string' as const },
  { name: 'qps', type: 'string' as const },
];

export async function accessMatrix(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const format = outputFormat(a);
  if (a.positionals.length) throw new UsageError(`access-matrix takes no arguments, got: ${a.positionals.join(' ')}`);
  const as = impersonation(a);
  const subject = reviewSubject(as, bool(a, 'use-sar'));
  const diffAs = otherIdentity(a);
  const verbs = list(a, 'verb').length ? list(a, 'verb') : [...MATRIX_VERBS];
  const concurrency = positive(a, 'concurrency', DEFAULT_SCHEDULER.concurrency);
  const qps = positive(a, 'qps', DEFAULT_SCHEDULER.ratePerSecond);
  const src = await connect(a);
  const namespace = str(a, 'namespace') || src.config.namespace;
  const catalogue = await clusterCatalogue(src, io);
  const resources = catalogue.all().filter((r) => r.verbs.some((v) => verbs.includes(v)));
  const user = await evaluatedUser(src, as).catch((e: unknown) => {
    // Without SelfSubjectReview the server still answers the reviews; only the comparison needs the groups.
    if (!isClusterError(e, 'not-found') || bool(a, 'compare')) throw e;
    io.err(`Warning: ${e.message}\n`);
    return { name: `${src.config.user.name} (kubeconfig user)`, groups: [] };
  });
  let compare: MatrixOptions['compare'];
  if (bool(a, 'compare')) {
    const sp = snapshotPolicy(await loadSnapshot(src, { kinds: RBAC_KINDS }));
    const missing = missingRbac(sp.missing);
    if (missing) io.err(`Warning: ${missing}\n`);
    compare = { evaluator: sp.evaluator, missing: sp.missing };
  }
  // Ctrl-C stops sending reviews; those in flight finish, and the matrix says what was not asked.
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const ask = async (subject: ReviewSubject, user: UserInfo): Promise<Matrix> => {
    // A refused impersonation (or review) refuses every cell alike: one clear error before 1,000 refusals.
    const first = matrixRows(resources.slice(0, 1), namespace, verbs)[0]?.requests.find((r) => r !== null);
    try {
      if (first) await src.accessReview(subject, first);
    } catch (e) {
      throw explainRefusal(e, subject);
    }
    const scheduler = { concurrency, ratePerSecond: qps, burst: qps, signal: abort.signal };
    return computeMatrix(src, { resources, namespace, subject, user, verbs, compare, scheduler });
  };
  let matrix: Matrix;
  let other: Matrix | undefined;
  try {
    matrix = await ask(subject, user);
    if (diffAs) other = await ask(reviewSubject(diffAs, bool(a, 'use-sar')), impersonatedUser(diffAs));
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const differences = other ? diffMatrices(matrix, other) : undefined;
  if (format === 'json') {
    json(io, other ? { ...matrix, other, differences } : matrix);
    return 0;
  }
  const mark = (c: Matrix['rows'][number]['cells'][number]) => (!c ? 'n/a' : c.server.answer === 'error' ? 'ERROR' : c.server.answer);
  const rows = matrix.rows.map((r) => [r.group ? `${r.resource}.${r.group}` : r.resource, ...r.cells.map(mark)]);
  io.out(
    `Access of ${user.name} [${user.groups.join(' ')}] in namespace ${namespace} (cluster-scoped resources at cluster scope), as the API server answers:\n`,
  );
  io.out(formatTable([['NAME', ...matrix.verbs.map((v) => v.toUpperCase())], ...rows]));
  if (matrix.cancelled) io.err(`Warning: cancelled: ${matrix.cancelled} reviews were not sent\n`);
  const problems = matrix.rows.flatMap((r) =>
    r.cells.flatMap((c) =>
      c?.cause
        ? [
            [
              `${r.group ? `${r.resource}.${r.group}` : r.resource}`,
              c.verb,
              c.server.answer,
              c.kubeid?.answer ?? '-',
              c.cause,
              c.explanation ?? '',
            ],
          ]
        : [],
    ),
  );
  if (compare) {
    io.out(problems.length ? `\nServer and kubeid disagree on ${problems.length} cells:\n` : '\nServer and kubeid agree on every cell.\n');
    if (problems.length) io.out(formatTable([['NAME', 'VERB', 'SERVER', 'KUBEID', 'CAUSE', 'WHY'], ...problems]));
  } else if (problems.length) {
    io.err(`Warning: ${problems.length} reviews failed, e.g. ${problems[0][5]}\n`);
  }
  if (other && differences) {
    const b = other.user;
    io.out(
      differences.length
        ? `\n${differences.length} cells differ between ${user.name} and ${b.name} [${b.groups.join(' ')}]:\n`
        : `\n${user.name} and ${b.name} [${b.groups.join(' ')}] get the same answers.\n`,
    );
    const name = (d: (typeof differences)[number]) => (d.group ? `${d.resource}.${d.group}` : d.resource);
    if (differences.length)
      io.out(formatTable([['NAME', 'VERB', user.name, b.name], ...differences.map((d) => [name(d), d.verb, d.a, d.b])]));
  }
  return 0;
}

/** --diff-as / --diff-as-group: the identity to compare with. */
function otherIdentity(a: ParsedArgs): ImpersonationRequest | undefined {
  const user = str(a, 'diff-as');
  const groups = list(a, 'diff-as-group');
  if (!user) {
    if (groups.length) throw new UsageError('--diff-as-group requires --diff-as');
    return undefined;
  }
  return { user, ...(groups.length ? { groups } : {}) };
}

function positive(a: ParsedArgs, name: string, fallback: number): number {
  const v = str(a, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got "${v}"`);
  return n;
}
