// `npm run bench`, cluster section: kubeid against the Kubernetes API test server. A snapshot of
// 100,000 RBAC objects read through pagination (time, peak memory), and an access matrix of
// 200 resources × 8 verbs with 20 ms of server latency per review (wall time). The server runs in
// this process; each client run is a child process, so its peak memory is kubeid's alone.
// Reports and never asserts, like bench.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClusterSource } from '../../server/src/cluster/adapter';
import { Catalogue, type ApiResource } from '../../server/src/core/catalogue/catalogue';
import { computeMatrix, MATRIX_VERBS } from '../../server/src/core/cluster/matrix';
import { DEFAULT_SCHEDULER } from '../../server/src/core/cluster/scheduler';
import { loadSnapshot, RBAC_KINDS, snapshotPolicy } from '../../server/src/core/cluster/snapshot';
import { startTestApiServer } from '../helpers/apiserver/index';
import { generateCluster, HUNDRED_K_SIZE } from './synthetic';
import { print, type Row } from './table';

const SEED = 20240601;
const MATRIX_RESOURCES = 200;
const LATENCY_MS = 20;

interface Result {
  ms: number;
  peakRssBytes: number;
  detail: string;
}

/** Child mode: one measured client run, its result as JSON on stdout. */
async function child(mode: string, kubeconfig: string): Promise<void> {
  const src = await KubeClusterSource.connect({ kubeconfig, timeoutMs: 120_000 });
  const t = performance.now();
  let detail: string;
  if (mode === 'snapshot') {
    const snap = await loadSnapshot(src, { kinds: RBAC_KINDS, pageSize: 500 });
    const listed = performance.now() - t;
    const sp = snapshotPolicy(snap);
    const objects = [...snap.kinds.values()].reduce((n, k) => n + k.items.size, 0);
    const p = sp.policy;
    detail = `${objects.toLocaleString('en-US')} objects (${p.roles.length + p.roleBindings.length + p.clusterRoles.length + p.clusterRoleBindings.length + p.serviceAccounts.length} decoded), listed in ${(listed / 1000).toFixed(1)} s, ${snap.unreadable.length} kinds unreadable`;
  } else {
    const builtin = Catalogue.builtin()
      .all()
      .filter((r) => MATRIX_VERBS.every((v) => r.verbs.includes(v)));
    const extra: ApiResource[] = Array.from({ length: MATRIX_RESOURCES - builtin.length }, (_, i) => ({
      ...builtin[0],
      group: 'bench.kubeid.dev',
      kind: `Widget${i}`,
      plural: `widgets${i}`,
      singular: `widget${i}`,
      shortNames: [],
    }));
    const resources = [...builtin, ...extra].slice(0, MATRIX_RESOURCES);
    const m = await computeMatrix(src, {
      resources,
      namespace: 'default',
      subject: { kind: 'impersonate', as: { user: 'jane' } },
      user: { name: 'jane', groups: ['system:authenticated'] },
      scheduler: DEFAULT_SCHEDULER,
    });
    const cells = m.rows.flatMap((r) => r.cells).filter((c) => c !== null);
    const failed = cells.filter((c) => c.server.answer === 'error').length;
    detail = `${m.rows.length} resources × ${m.verbs.length} verbs = ${cells.length} reviews, ${failed} failed; concurrency ${DEFAULT_SCHEDULER.concurrency}, ${DEFAULT_SCHEDULER.ratePerSecond}/s`;
  }
  const result: Result = { ms: performance.now() - t, peakRssBytes: process.resourceUsage().maxRSS * 1024, detail };
  process.stdout.write(JSON.stringify(result));
}

function measure(mode: string, kubeconfig: string): Result {
  const r = spawnSync(process.execPath, [__filename, mode, kubeconfig], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Result;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-cluster-bench-'));
  const rows: Row[] = [];
  const row = (measure: string, value: string, target?: string, ok?: boolean) => rows.push({ measure, value, target, ok });
  try {
    const c = generateCluster(SEED, HUNDRED_K_SIZE);
    const objects = [...c.serviceAccounts, ...c.roles, ...c.roleBindings, ...c.clusterRoles, ...c.clusterRoleBindings] as object[];
    const big = await startTestApiServer({ objects, defaults: false });
    try {
      const s = measure('snapshot', big.writeKubeconfig(dir, { file: 'big' }));
      row(
        `snapshot of ${objects.length.toLocaleString('en-US')} RBAC objects (pages of 500)`,
        `${(s.ms / 1000).toFixed(1)} s`,
        '< 15 s',
        s.ms < 15_000,
      );
      row(
        '  peak RSS of the kubeid process',
        `${(s.peakRssBytes / 1024 / 1024).toFixed(0)} MiB`,
        '< 1536 MiB',
        s.peakRssBytes < 1536 * 1024 * 1024,
      );
      row(`  ${s.detail}`, '');
    } finally {
      await big.stop();
    }
    const slow = await startTestApiServer({ latencyMs: LATENCY_MS });
    try {
      const m = measure('matrix', slow.writeKubeconfig(dir, { file: 'slow' }));
      row(`access matrix ${MATRIX_RESOURCES} × 8, ${LATENCY_MS} ms per review`, `${(m.ms / 1000).toFixed(1)} s`, '< 10 s', m.ms < 10_000);
      row(`  ${m.detail}`, '');
    } finally {
      await slow.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  print(rows, 'cluster measure');
}

if (process.argv[2] === 'snapshot' || process.argv[2] === 'matrix') {
  child(process.argv[2], process.argv[3]).catch((e: unknown) => {
    process.stderr.write(String(e instanceof Error ? e.stack : e));
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
