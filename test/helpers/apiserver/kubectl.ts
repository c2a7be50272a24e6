// The installed kubectl against the test API server: a kubeconfig and a discovery cache of its own,
// and each run's requests as the server recorded them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeconfigOptions, RecordedRequest, TestApiServer } from './index';

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The requests the server received during this run. */
  requests: RecordedRequest[];
}

export interface Kubectl {
  kubeconfig: string;
  run(args: string[], opts?: { timeoutMs?: number }): KubectlResult;
  dispose(): void;
}

/** kubectl's client version (e.g. "v1.32.4"), or undefined if there is no usable kubectl. */
export function kubectlVersion(bin = 'kubectl'): string | undefined {
  const r = spawnSync(bin, ['version', '--client', '-o', 'json'], { encoding: 'utf8', env: kubectlEnv(), timeout: 30_000 });
  if (r.status !== 0) return undefined;
  try {
    return (JSON.parse(r.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
  } catch {
    return undefined;
  }
}

function kubectlEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return env;
}

/**
 * A temporary kubeconfig for the server (current context "admin", a client certificate in
 * system:masters, unless opts.context names another) and a way to run
 * `kubectl --kubeconfig F --cache-dir D ARGS...`.
 */
export function kubectlFor(server: TestApiServer, opts: KubeconfigOptions & { bin?: string } = {}): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-kubectl-'));
  const kubeconfig = server.writeKubeconfig(dir, opts);
  const cacheDir = join(dir, 'cache');
  return {
    kubeconfig,
    run(args, o = {}) {
      const before = server.requests().length;
      const r = spawnSync(opts.bin ?? 'kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {
        encoding: 'utf8',
        env: kubectlEnv(),
        timeout: o.timeoutMs ?? 60_000,
      });
      if (r.error && !(o.timeoutMs && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')) throw r.error;
      return { code: r.status, stdout: r.stdout, stderr: r.stderr, requests: server.requests().slice(before) };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
