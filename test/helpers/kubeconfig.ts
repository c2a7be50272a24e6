// Kubeconfig files the tests write by hand, for what the test API server's own writeKubeconfig
// does not make: a single context "x" with a bearer token (e.g. for a server that is not there), or
// with an exec credential plugin.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Server {
  url: string;
  caPem: string;
}

function writeConfig(file: string, server: Server, user: object): void {
  const cluster = { server: server.url, 'certificate-authority-data': Buffer.from(server.caPem).toString('base64') };
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [{ name: 'c', cluster }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }),
  );
}

/** FILE: context "x", user with bearer TOKEN, cluster at server.url trusting server.caPem. */
export function writeTokenKubeconfig(file: string, server: Server, token: string): string {
  writeConfig(file, server, { token });
  return file;
}

/**
 * A kubeconfig in DIR whose only user is an exec credential plugin (a node script in DIR that prints
 * an ExecCredential with TOKEN) and leaves a marker file when it runs: the tests of the
 * untrusted-workspace guard check that the marker never appears.
 */

export function writeExecKubeconfig(dir: string, server: Server, token: string): { file: string; marker: string } {
  const marker = join(dir, 'plugin-ran');
  const script = join(dir, 'plugin.js');
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } };
  writeFileSync(
    script,
    `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); process.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`,
  );
  const file = join(dir, 'kubeconfig');
  writeConfig(file, server, {
    exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script], interactiveMode: 'Never' },
  });
  return { file, marker };
}
