// `npm run bench`, last section: `kubeid audit` of the synthetic cluster of 100,500 RBAC objects
// (test/bench/synthetic.ts HUNDRED_K_SIZE, the cluster section's, plus its 2,200 Namespaces): workspace, escalation search from every subject,
// unused and dangling access, the Markdown report, and peak memory. Reports, never asserts.
import { cpus, loadavg } from 'node:os';
import { manifestsFromObjects } from '../../server/src/core/manifest/parse';
import { buildWorkspace } from '../../server/src/core/policy/workspace';
import { audit } from '../../server/src/core/audit/report';
import { toMarkdown } from '../../server/src/core/audit/render';
import { print, type Row } from './table';
import { generateCluster, HUNDRED_K_SIZE, KINDS } from './synthetic';

const SEED = 20240601;
const TARGET_MS = 30_000;

const now = (): bigint => process.hrtime.bigint();
const msSince = (t: bigint): number => Number(now() - t) / 1e6;
const ms = (x: number): string => `${x.toFixed(0)} ms`;
const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
const count = (n: number): string => n.toLocaleString('en-US');

function main(): void {
  if (process.env.NODE_TEST_CONTEXT) return;
  console.log(`\nkubeid audit benchmark — node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}\n`);
  const rows: Row[] = [];
  const row = (measure: string, value: string, target?: string, ok?: boolean) => rows.push({ measure, value, target, ok });
  const cluster = generateCluster(SEED, HUNDRED_K_SIZE);
  const objects = KINDS.map((k) => k.items(cluster).map((o) => ({ apiVersion: k.apiVersion, kind: k.kind, ...o })));
  row('objects', count(objects.reduce((n, l) => n + l.length, 0)));

  let t = now();
  const ws = buildWorkspace(objects.map((items, i) => manifestsFromObjects(items, `cluster/${KINDS[i].kind}`)));
  const buildMs = msSince(t);
  row('workspace (objects → evaluator)', ms(buildMs));

  t = now();
  const cpu = process.cpuUsage();
  const report = audit(ws);
  const auditMs = msSince(t);
  const { user, system } = process.cpuUsage(cpu);
  row('audit (escalation paths from every subject, unused, dangling, redundant)', ms(auditMs), `< ${TARGET_MS} ms`, auditMs < TARGET_MS);
  // Far above the wall time: GC threads on the other core; far below: the machine was busy.
  row('  CPU time of the audit (all threads)', ms((user + system) / 1000));
  row(
    '  subjects that can escalate / can become cluster-admin',
    `${count(report.escalations.length)} / ${count(report.clusterAdmins.length)}`,
  );
  row('  paths found', count(report.escalations.reduce((n, s) => n + s.paths.length, 0)));
  row(
    '  findings (owned / managed)',
    `${count(report.findings.filter((f) => !f.managedBy).length)} / ${count(report.findings.filter((f) => f.managedBy).length)}`,
  );

  t = now();
  const md = toMarkdown(report);
  row('Markdown report', `${ms(msSince(t))}, ${mb(md.length)}`);
  const total = buildMs + auditMs;
  row('workspace + audit', ms(total), `< ${TARGET_MS} ms`, total < TARGET_MS);
  row('peak RSS (whole run)', mb(process.resourceUsage().maxRSS * 1024));
  print(rows);
}

main();
