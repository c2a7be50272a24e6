// The graph page in headless chromium (Debian's /usr/bin/chromium through playwright-core), for
// the webview tests and the graph benchmark.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { webviewBundle } from '../../server/src/cli/graph';
import { encodeGraph } from '../../server/src/core/graph/compact';
import { graphPage } from '../../server/src/core/graph/page';
import type { GraphData } from '../../server/src/core/graph/protocol';
import { repoPath, repoRoot } from '../helpers/repo';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = repoPath('test-artifacts');

/** Writes the page `kubeid graph` makes of `paths` (the bundled CLI, as users run it). */
export function writeGraphPage(paths: string[], extra: string[] = []): string {
  const out = join(mkdtempSync(join(tmpdir(), 'kubeid-graph-')), 'graph.html');
  const r = spawnSync(process.execPath, [repoPath('dist/cli.js'), 'graph', ...paths, '-o', out, ...extra], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`kubeid graph failed (${r.status}): ${r.stderr}`);
  return out;
}

/** Writes the page `kubeid graph` makes, of a graph built by the caller (bundle and data inlined); its path. */
export function writeDataPage(data: GraphData, title: string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'kubeid-graph-')), 'graph.html');
  const nonce = randomBytes(18).toString('base64');
  writeFileSync(
    out,
    graphPage({ nonce, title, script: { inline: webviewBundle(repoPath('dist')) }, dataJson: JSON.stringify(encodeGraph(data)) }),
  );
  return out;
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium is not installed at ${CHROMIUM}: run \`npm run setup:e2e\``);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

/** Opens the page and waits until the graph is drawn; page errors and CSP violations fail the test. */
export async function openGraph(
  browser: Browser,
  html: string,
  viewport = { width: 1400, height: 900 },
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `webview-${name}.png`) });
}
