// Real-editor harness: the packaged kubeid.vsix installed into code-server (VS Code for the web),
// driven by Playwright in Debian's chromium. See shared/notes/real-vscode-e2e.md and
// scripts/setup-code-server.sh, which installs code-server into .vscode-test/code-server.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

type Box = NonNullable<Awaited<ReturnType<Locator['boundingBox']>>>;

export const root = path.resolve(__dirname, '../../..');
export const fixtureWorkspace = path.join(root, 'test/fixtures/e2e-workspace');
/** The workspace of the editing tests (test/e2e/editing.test.ts), which change its files: open it with `copy`. */
export const editingWorkspace = path.join(root, 'test/fixtures/e2e-editing');
const codeServer = path.join(root, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
const chromiumPath = '/usr/bin/chromium';
const vsix = path.join(root, 'kubeid.vsix');
const artifacts = path.join(root, 'test-artifacts');

/** Generous: the first start of code-server and its extension host can take 30-60 s. */
export const slow = 120_000;

/** Why the real-editor tests cannot run here, or undefined when they can. */
export function missingPrerequisite(): string | undefined {
  const setup = 'run `npm run setup:e2e` (bash scripts/setup-code-server.sh) first';
  if (!existsSync(codeServer)) return `code-server is not installed in .vscode-test/code-server: ${setup}`;
  if (!existsSync(chromiumPath)) return `chromium is not installed at ${chromiumPath}: ${setup}`;
  return undefined;
}

/** The VSIX under test: `npm run package` output, re-packaged when missing or older than dist/. */
export function ensureVsix(): string {
  const inputs = [
    'dist/client.js',
    'dist/server.js',
    'dist/cli.js',
    'dist/webview.js',
    'dist/matrix.js',
    'dist/kube-client.js',
    'package.json',
  ];
  const missing = inputs.filter((f) => !existsSync(path.join(root, f)));
  if (missing.length) throw new Error(`${missing.join(', ')} missing: run \`npm run build\` first`);
  const newest = Math.max(...inputs.map((f) => statSync(path.join(root, f)).mtimeMs));
  if (!existsSync(vsix) || statSync(vsix).mtimeMs < newest) {
    const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
    execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '-o', vsix], { cwd: root, stdio: 'ignore' });
  }
  return vsix;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export class Editor {
  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: ChildProcess,
    private readonly tmp: string,
    private readonly log: () => string,
    /** The folder open in the editor: the one given to start, or its copy. */
    readonly workspace: string,
    private readonly logName: string,
  ) {}

  /**
   * Installs the VSIX into a fresh code-server, opens the folder `source` in chromium, waits for the workbench.
   * With `copy`, opens a copy of the folder in the temp dir (removed by close), so edits and saves never reach the repo.
   * `settings` are added to the user settings (e.g. `kubeid.kubeconfig`).
   */
  static async start(source: string, options: { copy?: boolean; settings?: Record<string, unknown> } = {}): Promise<Editor> {
    const missing = missingPrerequisite();
    if (missing) throw new Error(missing);
    const extension = ensureVsix();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubeid-e2e-'));
    const workspace = options.copy ? path.join(tmp, path.basename(source)) : source;
    if (options.copy) cpSync(source, workspace, { recursive: true });
    // One log per workspace: two test files may run at the same time.
    const logName = `e2e-code-server-${path.basename(source)}.log`;
    const userData = path.join(tmp, 'user-data');
    const dirs = ['--user-data-dir', userData, '--extensions-dir', path.join(tmp, 'extensions')];
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    writeFileSync(
      path.join(userData, 'User/settings.json'),
      JSON.stringify({
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'git.openRepositoryInParentFolders': 'never',
        ...options.settings,
      }),
    );
    execFileSync(process.execPath, [codeServer, ...dirs, '--install-extension', extension], { stdio: 'pipe', timeout: slow });

    const port = await freePort();
    // Its own process group (detached), so teardown can kill code-server with the extension host,
    // language server and file watcher it forks.
    const server = spawn(
      process.execPath,
      [
        codeServer,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        ...dirs,
        '--disable-telemetry',
        '--disable-update-check',
        workspace,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    server.stdout.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr.on('data', (d: Buffer) => (log += d.toString()));
    // Last resort if the test process ends before teardown (skipped once code-server has exited,
    // so a recycled pid is never signalled).
    process.once('exit', () => server.exitCode === null && server.signalCode === null && killProcessGroup(server));

    let browser: Browser | undefined;
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, server, () => log);
      browser = await chromium.launch({
        executablePath: chromiumPath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
        ],
      });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: slow });
      return new Editor(page, browser, server, tmp, () => log, workspace, logName);
    } catch (e) {
      await browser?.close().catch(() => undefined);
      await stopProcessGroup(server);
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`code-server did not start: ${(e as Error).message}\n--- code-server log ---\n${log}`);
    }
  }

  /** Ctrl+P, type the file name, Enter; resolves once its editor tab is active. */
  async quickOpen(file: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first();
    // Quick Open searches a file list cached per session: a file a test has just written can be
    // missing from it ("No matching results") while the Explorer shows it. A new session searches anew.
    for (const deadline = Date.now() + slow; ;) {
      await this.page.keyboard.press('Control+P');
      await input.waitFor({ timeout: slow });
      await input.fill(file);
      try {
        await row.waitFor({ timeout: 10_000 });
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await this.page.keyboard.press('Escape');
      }
    }
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tab.active', { hasText: file }).waitFor({ timeout: slow });
  }

  /** Ctrl+Shift+P, type the command title, Enter. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: slow });
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: slow });
    await this.page.keyboard.press('Enter');
  }

  /** A status bar item of kubeid, by the id given to createStatusBarItem (DOM id: `<extension id>.<item id>`). */
  statusItem(id: string) {
    return this.page.locator(`[id="kubeid.kubeid.${id}"]`);
  }

  /** The editor of the active tab (one editor group). */
  get activeEditor() {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  }

  /**
   * The box of `squiggle` once it shares its row with the line showing `lineText` and both have stopped
   * moving. Code lenses arrive on their own and push the lines below them down: a box measured before
   * they settle is a row off, and a hover there misses.
   */
  async squiggleOnLine(squiggle: Locator, lineText: string): Promise<{ box: Box; line: Locator }> {
    const line = this.activeEditor.locator('.view-line', { hasText: lineText });
    let last = '';
    for (const deadline = Date.now() + 30_000; ;) {
      const [box, lineBox] = [await squiggle.boundingBox(), await line.boundingBox()];
      const now = `squiggle at y=${box?.y}, line "${lineText}" at y=${lineBox?.y}`;
      if (box && lineBox && Math.abs(box.y - lineBox.y) < 2 && now === last) return { box, line };
      if (Date.now() > deadline) throw new assert.AssertionError({ message: `the squiggle is not on the line: ${now}` });
      last = now;
      await this.page.waitForTimeout(500);
    }
  }

  /** Ctrl+G `line:column` (both from 1); resolves once the status bar shows the cursor there. */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: slow });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line}, Col ${column}` }).waitFor({ timeout: slow });
  }

  /**
   * The text of the active editor as rendered (every line of a file that fits on the screen): its lines
   * in order of position (Monaco reuses line nodes), with the non-breaking spaces it renders as spaces.
   */
  async text(): Promise<string> {
    return this.activeEditor.locator('.view-lines').evaluate((el: any) =>
      [...el.querySelectorAll(':scope > .view-line')]
        .sort((a: any, b: any) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((line: any) => (line.textContent as string).replace(/\u00a0/g, ' '))
        .join('\n'),
    );
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(artifacts, { recursive: true });
    const file = `e2e-${name.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '')}.png`;
    await this.page.screenshot({ path: path.join(artifacts, file) }).catch(() => undefined);
  }

  /** Stops chromium and code-server, keeps code-server's log in test-artifacts/, removes the temp dirs. */
  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await stopProcessGroup(this.server);
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(path.join(artifacts, this.logName), this.log());
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

function killProcessGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Kills the whole group and waits until code-server itself has exited. */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
  killProcessGroup(child);
  await exited;
}

async function waitForHttp(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + slow;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with code ${server.exitCode}`);
    const up = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 200)); // polling interval, not a wait for a condition
  }
  throw new Error(`code-server did not answer ${url} within ${slow / 1000} s\n${log()}`);
}
