// One esbuild script for every bundle: the extension (client), the language server, the CLI and
// the webview. Type checking and the test build are `tsc -b`; this script runs both.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

if (!process.argv.includes('--no-typecheck')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], { stdio: 'inherit' });
}

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const node = { ...common, platform: 'node', target: 'node20', format: 'cjs' };
const browser = { ...common, platform: 'browser', target: 'es2022', format: 'iife' };

// The webview's worker (webview/src/worker.ts) goes into the webview bundle as a string, started
// from a blob: URL: one file to serve and to inline in the page `kubeid graph` writes.
const worker = await build({ ...browser, sourcemap: false, entryPoints: ['webview/src/worker.ts'], write: false });

// @kubernetes/client-node is large (15 MB bundled): the language server and the CLI load it from its
// own file on first connection, so that starting them (and every offline command) does not parse it.
const kubeClient = 'kube-client.js';
const lazyKubeClient = {
  name: 'lazy-kube-client',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: `./${kubeClient}`, external: true }));
  },
};

await Promise.all([
  build({ ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...node, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', plugins: [lazyKubeClient] }),
  build({ ...node, entryPoints: ['@kubernetes/client-node'], outfile: `dist/${kubeClient}` }),
  build({
    ...node,
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cli.js',
    plugins: [lazyKubeClient],
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    ...browser,
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview.js',
    define: { KUBEID_VIEW_WORKER: JSON.stringify(worker.outputFiles[0].text) },
  }),
  build({
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: ['webview/src/matrix.ts'],
    outfile: 'dist/matrix.js',
  }),
]);
chmodSync('dist/cli.js', 0o755);
if (watch) console.log('watch mode is not supported; re-run the build');
