// `npm run example`: kubeid's questions on the bundled example workspace (example/), no cluster needed.
import { spawnSync } from 'node:child_process';

const runs = [
  ['who-can', 'get', 'secrets', '-n', 'shop', '--from', 'example'],
  ['can-i', 'create', 'pods', '--subresource', 'exec', '-n', 'shop', '--as', 'dana', '--as-group', 'on-call', '--from', 'example'],
  [
    'can-i',
    'update',
    'deployments.apps/web',
    '--subresource',
    'scale',
    '-n',
    'shop',
    '--as',
    'system:serviceaccount:ci:deployer',
    '--from',
    'example',
    '-o',
    'json',
  ],
  ['can-i', '--list', '--as', 'system:serviceaccount:shop:checkout', '-n', 'shop', '--from', 'example'],
  ['lint', 'example', '--fail-on', 'never'],
  ['audit', '--from', 'example', '--fail-on', 'never'],
  ['graph', 'example', '-o', 'example-graph.html'],
];
let worst = 0;
for (const args of runs) {
  console.log(`\n$ kubeid ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
  // can-i exits 1 for "no": that is an answer, not a failure.
  if ((r.status ?? 3) > 1) worst = r.status ?? 3;
}
process.exit(worst);
