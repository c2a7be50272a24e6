// A kubeconfig in DIR whose only user is an exec credential plugin (a node script in DIR that
// prints an ExecCredential with TOKEN) and leaves a marker file when it runs: the tests of the
// untrusted-workspace guard check that the marker never appears.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeExecKubeconfig(dir: string, server: { url: string; caPem: string }, token: string): { file: string; marker: string } {
  const marker = join(dir, 'plugin-ran');
  const script = join(dir, 'plugin.js');
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } };
  writeFileSync(
    script,
    `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); process.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`,
  );
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [
        { name: 't', cluster: { server: server.url, 'certificate-authority-data': Buffer.from(server.caPem).toString('base64') } },
      ],
      users: [
        {
          name: 'p',
          user: {
            exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script], interactiveMode: 'Never' },
          },
        },
      ],
      contexts: [{ name: 'x', context: { cluster: 't', user: 'p' } }],
    }),
  );
  return { file, marker };
}
