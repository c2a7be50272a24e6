// Drives the bundled language server (dist/server.js) over JSON-RPC on stdio, as an editor does.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { ClusterStatus, ServerStatus } from '../../server/src/protocol';
import { repoPath } from './repo';

export interface LspSession {
  conn: MessageConnection;
  statuses: ServerStatus[];
  /** Every other notification from the server (kubeid/clusterStatus, $/progress ...), in order. */
  notifications: Array<{ method: string; params: any }>;
  /** What the server wrote on stderr. */
  stderr: string[];
  /** Latest diagnostics per document URI. */
  diagnostics: Map<string, Diagnostic[]>;
  /** Waits (at most 20 s) until `pred` holds, re-checking on every message from the server. */
  until<T>(what: string, pred: () => T | undefined | false): Promise<T>;
  open(path: string, text: string): Promise<string>;
  change(uri: string, version: number, text: string): Promise<void>;
  stop(): Promise<void>;
}

/** The kubeid/clusterStatus notifications so far. */
export const clusterStatuses = (s: LspSession): ClusterStatus[] =>
  s.notifications.filter((n) => n.method === 'kubeid/clusterStatus').map((n) => n.params as ClusterStatus);

/** The first cluster status after the `from`th that is not "loading": the connection settled. */
export const clusterSettled = (s: LspSession, from = 0): Promise<ClusterStatus> =>
  s.until('a settled cluster status', () =>
    clusterStatuses(s)
      .slice(from)
      .find((x) => x.state !== 'loading'),
  );

/** The diagnostics of a check on a document once `pred` holds for them. */
export const diagnosticsOf = (s: LspSession, uri: string, code: string, what: string, pred: (ds: Diagnostic[]) => boolean) =>
  s.until(what, () => {
    const ds = s.diagnostics.get(uri)?.filter((d) => d.code === code);
    return ds && pred(ds) ? ds : undefined;
  });

export interface StartOptions {
  initializationOptions?: unknown;
  /** The server's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Declare window.workDoneProgress, so that the server reports progress. */
  workDoneProgress?: boolean;
}

export async function startServer(folder: string, settings: unknown = {}, opts: StartOptions = {}): Promise<LspSession> {
  const child = spawn(process.execPath, [repoPath('dist/server.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  const stderr: string[] = [];
  child.stderr.on('data', (d: Buffer) => {
    stderr.push(d.toString('utf8'));
    process.stderr.write(d);
  });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const statuses: ServerStatus[] = [];
  const diagnostics = new Map<string, Diagnostic[]>();
  const notifications: Array<{ method: string; params: any }> = [];
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  conn.onNotification((method: string, params: any) => {
    notifications.push({ method, params });
    wake();
  });
  conn.onUnhandledProgress((params) => {
    notifications.push({ method: '$/progress', params });
    wake();
  });
  conn.onNotification('kubeid/serverStatus', (s: ServerStatus) => {
    statuses.push(s);
    wake();
  });
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
    diagnostics.set(p.uri, p.diagnostics);
    wake();
  });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
  conn.onRequest(() => null);
  conn.listen();
  const uri = pathToFileURL(folder).href;
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri,
    capabilities: { workspace: { configuration: true }, ...(opts.workDoneProgress ? { window: { workDoneProgress: true } } : {}) },
    workspaceFolders: [{ uri, name: 'ws' }],
    ...(opts.initializationOptions !== undefined ? { initializationOptions: opts.initializationOptions } : {}),
  });
  await conn.sendNotification('initialized', {});

  const until = async <T>(what: string, pred: () => T | undefined | false): Promise<T> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const hit = pred();
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(statuses.at(-1))}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  };
  return {
    conn,
    statuses,
    notifications,
    stderr,
    diagnostics,
    until,
    async open(path, text) {
      const docUri = pathToFileURL(path).href;
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: docUri, languageId: 'yaml', version: 1, text } });
      return docUri;
    },
    async change(docUri, version, text) {
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri: docUri, version }, contentChanges: [{ text }] });
    },
    async stop() {
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      conn.dispose();
      child.kill();
    },
  };
}

/** The position of the `nth` occurrence of `needle` in `text`, `delta` characters in. */
export function positionOf(text: string, needle: string, nth = 0, delta = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} (#${nth}) not in the text`);
  }
  const before = text.slice(0, at + delta).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

/** The text after applying LSP text edits (non-overlapping, any order), as an editor does. */
export function applyTextEdits(
  text: string,
  edits: ReadonlyArray<{
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    newText: string;
  }>,
): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }) => Math.min((starts[p.line] ?? text.length) + p.character, text.length);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  return sorted.reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

/** A temporary workspace folder holding these files (relative path → text). */
export function writeWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-ws-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
