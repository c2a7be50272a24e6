// The HTML audit report in headless chromium: the page `kubeid audit -o html` writes draws the
// access graph of the worst paths with the graph view's bundle, under its CSP (no violation, no
// page error), between the report's sections; a screenshot is kept in test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { repoPath, repoRoot } from '../helpers/repo';
import { launch, openGraph, screenshot } from './browser';

let browser: Browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('the audit page draws the graph of the worst paths inside the report, with no CSP violation', async () => {
  const r = spawnSync(process.execPath, [repoPath('dist/cli.js'), 'audit', '--from', 'test/fixtures/audit/paths.yaml', '-o', 'html'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(r.status, 1, r.stderr);
  const file = join(mkdtempSync(join(tmpdir(), 'kubeid-audit-page-')), 'audit.html');
  writeFileSync(file, r.stdout);
  const { page, errors } = await openGraph(browser, file);
  // The graph is in its element, after the heading of the worst paths and before the chains.
  const nodes = await page.locator('#kubeid-graph svg.graph .node').all();
  const drawn = await Promise.all(nodes.map((n) => n.getAttribute('data-id')));
  assert.ok(drawn.includes('User:mallory') && drawn.includes('RoleBinding:a/mallory-pods'), drawn.join(' '));
  const top = async (selector: string) => (await page.locator(selector).first().boundingBox())!.y;
  const [heading, graph, chain] = [
    await top('h2:text-is("The worst escalation paths")'),
    await top('#kubeid-graph'),
    await top('svg.chain'),
  ];
  assert.ok(heading < graph && graph < chain, `${heading} ${graph} ${chain}`);
  assert.ok((await page.locator('#kubeid-graph').boundingBox())!.height > 300, 'the graph has room');
  assert.ok((await page.locator('h1', { hasText: 'kubeid audit' }).count()) === 1);
  await screenshot(page, 'audit-report');
  assert.deepEqual(errors, []);
});
