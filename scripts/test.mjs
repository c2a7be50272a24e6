// Runs the whole test suite on the build made by `npm run build` (tsc -b output in out/).
// Usage: node scripts/test.mjs [unit|cli|property|server|webview|e2e|electron ...]   (default: all)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const all = ['unit', 'property', 'cli', 'kubectl', 'cluster', 'server', 'webview', 'e2e', 'electron'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : all;
const dirs = wanted.map((w) => `out/test/${w}`).filter((d) => existsSync(d));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...dirs], { stdio: 'inherit' });
process.exit(r.status ?? 1);
