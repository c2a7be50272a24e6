// The bundled CLI (node dist/cli.js) run as a user runs it, from the repository root, with its exit
// code and output. $KUBECONFIG is cleared: a test that talks to a cluster names its --kubeconfig.
import { spawnSync } from 'node:child_process';
import { repoPath, repoRoot } from './repo';

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

export function runKubeid(args: string[], input?: string): CliRun {
  const r = spawnSync(process.execPath, [repoPath('dist/cli.js'), ...args], {
    cwd: repoRoot,
    input,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: '' },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
