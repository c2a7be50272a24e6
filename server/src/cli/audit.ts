// kubeid audit: escalation paths, who can become cluster-admin, unused and dangling access and,
// against a baseline snapshot, the effective permissions gained and lost, of manifests (--from) or
// of the current kube context; Markdown, HTML, JSON or SARIF, with CI exit codes as kubeid lint's.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { bool, list, parseArgs, str, UsageError, type ParsedArgs } from './args';
import { CLUSTER_FLAGS, connect, readCluster } from './cluster';
import { fromManifests, InputError, json, readWorkspace, type Io } from './common';
import { webviewBundle } from './graph';
import { failOnLevels } from './lint';
import { toSarif, type SarifFinding } from './sarif';
import { pathsGraph } from '../core/audit/graph';
import { namespacesOf, unreadKinds, type UnreadKind } from '../core/audit/partial';
import { audit, AUDIT_RULES, type AuditFinding } from '../core/audit/report';
import { countsText, MAX_DRAWN, toHtml, toMarkdown, whoCanBecome, worstPaths } from '../core/audit/render';
import { readSnapshot, SnapshotError, snapshotWorkspaceOf } from '../core/audit/snapshot';
import { snapshotPolicy, snapshotWorkspace } from '../core/cluster/snapshot';
import type { Workspace } from '../core/policy/workspace';

const FLAGS = [
  ...CLUSTER_FLAGS,
  { name: 'from', type: 'list' as const },
  { name: 'no-defaults', type: 'boolean' as const },
  { name: 'output', short: 'o', type: 'string' as const },
  { name: 'baseline', type: 'string' as const },
  { name: 'fail-on', type: 'string' as const },
  { name: 'hops', type: 'string' as const },
  { name: 'who-can-become', type: 'string' as const },
  { name: 'namespaces-complete', type: 'boolean' as const },
];

const FORMATS = ['md', 'html', 'json', 'sarif'];

export async function auditCommand(argv: string[], io: Io, version: string): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const format = str(a, 'output') || 'md';
  if (!FORMATS.includes(format)) throw new UsageError(`unknown output format "${format}", allowed formats are: ${FORMATS.join(', ')}`);
  const failOn = failOnLevels(str(a, 'fail-on'));
  const hopsText = str(a, 'hops') ?? '3';
  const hops = Number(hopsText);
  if (!/^\d+$/.test(hopsText) || hops < 1 || hops > 10)
    throw new UsageError(`invalid argument "${hopsText}" for --hops: a whole number from 1 to 10`);
  const target = str(a, 'who-can-become');
  if (target !== undefined && target !== 'cluster-admin')
    throw new UsageError(`invalid argument "${target}" for --who-can-become: only cluster-admin is supported`);
  if (target && format !== 'md' && format !== 'json') throw new UsageError('--who-can-become prints md or json');
  if (a.positionals.length) throw new UsageError(`kubeid audit takes its manifests with --from, got: ${a.positionals.join(' ')}`);

  const baselineFile = str(a, 'baseline');
  // Read first: a wrong baseline path fails before the cluster is asked.
  const baseline = baselineFile === undefined ? undefined : await readBaseline(baselineFile);
  const { ws, unreadable, source, namespacesKnown } = await auditedState(a, io);
  const namespaces = bool(a, 'namespaces-complete') || namespacesKnown ? namespacesOf(ws) : undefined;
  const report = audit(ws, { hops, baseline: baseline?.ws, baselineUnreadable: baseline?.unreadable, namespaces, unreadable });

  if (target) {
    if (format === 'json') json(io, report.clusterAdmins);
    else io.out(whoCanBecome(report).join('\n'));
    return 0;
  }
  if (format === 'json') json(io, report);
  else if (format === 'html')
    io.out(
      toHtml(report, {
        graph: {
          data: pathsGraph(ws, worstPaths(report).slice(0, MAX_DRAWN), source),
          nonce: randomBytes(18).toString('base64'),
          script: { inline: webviewBundle() },
        },
      }),
    );
  else if (format === 'sarif') json(io, toSarif(report.findings.map(sarifFinding), AUDIT_RULES, { version, cwd: process.cwd() }));
  else io.out(toMarkdown(report) + '\n');
  io.err(`${countsText(report.summary.owned)} (managed objects: ${countsText(report.summary.managed)})\n`);
  return report.findings.some((f) => !f.managedBy && failOn.includes(f.severity)) ? 1 : 0;
}

/** The manifests of --from, or the current kube context's objects (its namespaces then known, its partial kinds named). */
async function auditedState(
  a: ParsedArgs,
  io: Io,
): Promise<{ ws: Workspace; unreadable: UnreadKind[]; source: string; namespacesKnown: boolean }> {
  if (fromManifests(a))
    return { ws: await readWorkspace(a, io), unreadable: [], source: list(a, 'from').join(' '), namespacesKnown: false };
  if (bool(a, 'no-defaults')) throw new UsageError("--no-defaults applies to --from: a cluster's default policy is among its objects");
  const src = await connect(a);
  const snapshot = await readCluster(src, io);
  return {
    ws: snapshotWorkspace(snapshotPolicy(snapshot)),
    unreadable: unreadKinds(snapshot.unreadable),
    source: `context ${src.config.context}`,
    namespacesKnown: snapshot.kinds.has('namespaces'),
  };
}

async function readBaseline(file: string): Promise<{ ws: Workspace; unreadable: UnreadKind[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read the baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const s = readSnapshot(text, file);
    return { ws: snapshotWorkspaceOf(s, file), unreadable: s.unreadable ?? [] };
  } catch (e) {
    if (e instanceof SnapshotError) throw new InputError(e.message);
    throw e;
  }
}

/** Findings point at the object's line; objects of the default policy are in no file of the user's. */
function sarifFinding(f: AuditFinding): SarifFinding {
  const o = f.object;
  const located = o?.file && o.origin !== 'default-policy';
  return { rule: f.rule, severity: f.severity, message: f.message, ...(located ? { file: o.file, line: o.line || 1 } : {}) };
}
