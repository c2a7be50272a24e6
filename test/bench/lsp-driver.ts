// A minimal editor for the language-server benchmark: starts any language server on stdio, speaks
// JSON-RPC to it as VS Code would (answers its configuration and registration requests) and keeps
// the arrival time of every notification, so the benchmark can say when diagnostics came in.
// Unlike test/helpers/lsp.ts (kubeid only, assertions in mind) it drives kubeid and
// yaml-language-server alike, sends incremental changes and never gives up before its deadline.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { CompletionItem, CompletionList, Diagnostic, Position } from 'vscode-languageserver-protocol';

/** Kernel clock ticks per second, the unit of /proc/PID/stat times. */
const CLOCK_TICKS = ((): number => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(r.stdout) > 0 ? Number(r.stdout) : 100;
})();

export interface Published {
  /** Order of arrival among every notification from the server. */
  seq: number;
  uri: string;
  /** performance.now() when the notification arrived. */
  at: number;
  diagnostics: Diagnostic[];
  /** Size of the notification's params as JSON, for the traffic figures. */
  bytes: number;
}

export interface Notified {
  seq: number;
  method: string;
  at: number;
  params: unknown;
}

export interface ServerCommand {
  name: string;
  args: string[];
  /** Value of each configuration section the server asks for (workspace/configuration). */
  configuration(section: string | undefined): unknown;
}

export class LspClient {
  readonly conn: MessageConnection;
  readonly published: Published[] = [];
  readonly notifications: Notified[] = [];
  /** Latest diagnostics per URI. */
  readonly latest = new Map<string, Diagnostic[]>();
  /** How many workspace/configuration requests the server made. */
  configurationRequests = 0;
  private readonly child: ChildProcess;
  private readonly waiters: Array<() => void> = [];
  private stderr = '';
  private seq = 0;
  private exited: Promise<void>;

  constructor(private readonly server: ServerCommand) {
    this.child = spawn(process.execPath, server.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.conn = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.conn.onNotification((method: string, params: unknown) => {
      const at = performance.now();
      const seq = ++this.seq;
      if (method === 'textDocument/publishDiagnostics') {
        const p = params as { uri: string; diagnostics: Diagnostic[] };
        this.published.push({ seq, uri: p.uri, at, diagnostics: p.diagnostics, bytes: JSON.stringify(p).length });
        this.latest.set(p.uri, p.diagnostics);
      } else {
        this.notifications.push({ seq, method, at, params });
      }
      this.wake();
    });
    this.conn.onRequest((method: string, params: unknown) => {
      if (method === 'workspace/configuration') {
        this.configurationRequests++;
        this.wake();
        return (params as { items: Array<{ section?: string }> }).items.map((i) => server.configuration(i.section) ?? null);
      }
      return null; // client/registerCapability, window/workDoneProgress/create...
    });
    this.conn.listen();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private wake(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Resolves with pred's first truthy value, re-checked on every message from the server. */
  async until<T>(what: string, pred: () => T | undefined | false, timeoutMs = 180_000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = pred();
      if (hit) return hit;
      const left = deadline - performance.now();
      if (left <= 0 || this.child.exitCode !== null) {
        throw new Error(`${this.server.name}: ${left <= 0 ? 'timed out' : 'exited'} waiting for ${what}\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** initialize, then initialized; returns the time `initialized` was sent. */
  async initialize(folder: string): Promise<number> {
    const uri = pathToFileURL(folder).href;
    await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      rootPath: folder,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: {
          synchronization: { didSave: false },
          completion: { completionItem: { snippetSupport: true } },
          publishDiagnostics: { relatedInformation: true },
        },
      },
      workspaceFolders: [{ uri, name: 'bench' }],
    });
    const at = performance.now();
    await this.conn.sendNotification('initialized', {});
    return at;
  }

  async open(path: string, text: string): Promise<string> {
    const uri = pathToFileURL(path).href;
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return uri;
  }

  /** Replaces one whole line (without its line break) by `text`, as an incremental change. */
  async replaceLine(uri: string, version: number, line: number, oldLength: number, text: string): Promise<void> {
    const range = { start: { line, character: 0 }, end: { line, character: oldLength } };
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r: CompletionList | CompletionItem[] | null = await this.conn.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position,
    });
    return Array.isArray(r) ? r : (r?.items ?? []);
  }

  /**
   * CPU time (user + system, all threads) the server process has used so far, in ms (Linux; 10 ms
   * steps). On a shared machine it says what the work costs where wall time also says what the
   * neighbours did.
   */
  cpuMs(): number | undefined {
    try {
      // Fields after the command name, which is in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      return undefined;
    }
  }

  /** Peak resident set of the server process so far (Linux), in bytes. */
  peakRss(): number | undefined {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** shutdown and exit, as an editor closes; waits for the process (a --cpu-prof profile is written at exit). */
  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 10_000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    const killed = setTimeout(() => this.child.kill(), 15_000);
    await this.exited;
    clearTimeout(killed);
    this.conn.dispose();
  }
}
