// Robustness (issue 3, item 9): the language server (dist/server.js over JSON-RPC) must never crash
// or hang on bad input. A workspace of hostile files (broken YAML, 50 MB, an alias bomb, binary
// bytes named .yaml, 10,000 levels of nesting, JSON that is not Kubernetes, empty files), the same
// contents opened as documents, a document typed one character at a time, and a seeded fuzz of
// thousands of random edits with requests in between. Every input gets a clear diagnostic or is
// skipped, every request answers in time, and the server writes nothing to stderr. Regressions:
// quick fixes in a file whose first line is blank (an endless loop), and `- ` nested 10,000 deep
// (a stack overflow that aborted node). A failing fuzz run saves its request and text in tmpdir().
// Big inputs are generated at test time into a temp dir (nothing large is committed).
// Fuzz knobs: KUBEID_FUZZ_SEED, KUBEID_FUZZ_EDITS, KUBEID_FUZZ_REQUEST_RATE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  CodeLens,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Location,
  Position,
  Range,
  TextEdit,
} from 'vscode-languageserver-protocol';
import type { ServerStatus } from '../../server/src/protocol';
import { positionOf } from '../helpers/lsp';
import { repoPath } from '../helpers/repo';

const MB = 1024 * 1024;
/** No request may take longer; a slower answer is a hang. */
const REQUEST_TIMEOUT = 20_000;
/** Requests on a normal file once the hostile workspace is loaded must be this quick. */
const QUICK = 3_000;

// ---------------------------------------------------------------------------------------------
// A language server session that also watches the process: its stderr, its exit, the errors it
// logs to the client, and every request answered in time (or failed with a ResponseError).

interface Outcome<T> {
  result?: T;
  error?: ResponseError<unknown>;
  ms: number;
}

interface Watched {
  statuses: ServerStatus[];
  diagnostics: Map<string, Diagnostic[]>;
  /** window/logMessage errors: a handler that threw and was caught (`kubeid: ... failed`, a failed notification handler). */
  logErrors: string[];
  stderr(): string;
  alive(): boolean;
  /** `what` (or its thunk, read on failure) names what is awaited in the timeout error. */
  until<T>(what: string | (() => string), pred: () => T | undefined | false, ms?: number): Promise<T>;
  /** Resolves after the next kubeid/serverStatus (sent after each refresh of the diagnostics). */
  nextRefresh(): Promise<ServerStatus>;
  request<T>(method: string, params: unknown, ms?: number): Promise<Outcome<T>>;
  notify(method: string, params: unknown): Promise<void>;
  open(path: string, text: string): Promise<string>;
  close(uri: string): Promise<void>;
  /** Shuts the server down (killing it if it does not exit); whether it shut down cleanly. Never throws. */
  stop(): Promise<boolean>;
}

async function startWatched(folder: string): Promise<Watched> {
  const child = spawn(process.execPath, [repoPath('dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < MB) stderr += s;
  });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const statuses: ServerStatus[] = [];
  const diagnostics = new Map<string, Diagnostic[]>();
  const logErrors: string[] = [];
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.on('exit', wake);
  conn.onNotification('kubeid/serverStatus', (s: ServerStatus) => {
    statuses.push(s);
    wake();
  });
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
    diagnostics.set(p.uri, p.diagnostics);
    wake();
  });
  conn.onNotification('window/logMessage', (p: { type: number; message: string }) => {
    if (p.type === 1) logErrors.push(p.message);
  });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  conn.onRequest(() => null);
  conn.listen();
  const alive = () => child.exitCode === null && child.signalCode === null;
  /** Rejects when the server exits: a request to a dead server fails at once, not at its timeout. */
  const exited = new Promise<never>((_, reject) => child.on('exit', () => reject(new Error('the server exited'))));
  exited.catch(() => undefined);

  const until = async <T>(about: string | (() => string), pred: () => T | undefined | false, ms = 60_000): Promise<T> => {
    const what = () => (typeof about === 'string' ? about : about());
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = pred();
      if (hit) return hit;
      if (!alive()) throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) waiting for ${what()}; stderr: ${stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what()}; last status: ${JSON.stringify(statuses.at(-1))}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  };

  const request = async <T>(method: string, params: unknown, ms = REQUEST_TIMEOUT): Promise<Outcome<T>> => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method} did not answer within ${ms} ms (server alive: ${alive()})`)), ms);
    });
    try {
      const sent = params === undefined ? conn.sendRequest<T>(method) : conn.sendRequest<T>(method, params);
      const result = await Promise.race([sent, timeout, exited]);
      return { result, ms: performance.now() - started };
    } catch (e) {
      if (e instanceof ResponseError) return { error: e, ms: performance.now() - started };
      if (!alive()) throw new Error(`${method}: the server exited (${child.exitCode ?? child.signalCode}); stderr:\n${stderr}`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  };

  const uri = pathToFileURL(folder).href;
  await request('initialize', {
    processId: process.pid,
    rootUri: uri,
    capabilities: { workspace: { configuration: true } },
    workspaceFolders: [{ uri, name: 'ws' }],
  });
  await conn.sendNotification('initialized', {});
  return {
    statuses,
    diagnostics,
    logErrors,
    stderr: () => stderr,
    alive,
    until,
    nextRefresh() {
      const n = statuses.length;
      return until('a refresh', () => statuses.length > n && statuses.at(-1));
    },
    request,
    notify: (method, params) => conn.sendNotification(method, params),
    async open(path, text) {
      const docUri = pathToFileURL(path).href;
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: docUri, languageId: 'yaml', version: 1, text } });
      return docUri;
    },
    close: (docUri) => conn.sendNotification('textDocument/didClose', { textDocument: { uri: docUri } }),
    async stop() {
      let clean = false;
      try {
        if (alive()) {
          const r = await request('shutdown', undefined, 10_000);
          await conn.sendNotification('exit');
          await until('the server to exit', () => !alive() || undefined, 10_000);
          clean = !r.error && child.exitCode === 0;
        }
      } catch {
        // Not answering or not exiting: killed below, and the caller asserts `clean`.
      } finally {
        conn.dispose();
        if (alive()) child.kill('SIGKILL');
      }
      return clean;
    },
  };
}

/** What must hold of a session at the end: alive until stopped, no crash trace, no caught handler failure. */
function assertHealthy(s: Watched): void {
  assert.ok(s.alive(), `the server died; stderr:\n${s.stderr()}`);
  assert.doesNotMatch(s.stderr(), /unhandled|uncaught|fatal|error/i, `the server wrote to stderr:\n${s.stderr()}`);
  assert.deepEqual(s.logErrors, [], 'the server logged handler failures');
}

// ---------------------------------------------------------------------------------------------
// Inputs.

/** mulberry32: a small seeded PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: web
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pod"]
    verbs: ["get", "lst"]
`;

const BROKEN = 'apiVersion: v1\nkind: [broken\nmetadata: {name: x\n';

/** The billion laughs: nine levels of nine aliases each (9^9 strings if expanded). */
const ALIAS_BOMB =
  ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    .concat([...'bcdefghi'].map((k, i) => `${k}: &${k} [${Array<string>(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`))
    .join('\n') + '\n';

const DEEP = 10_000;
const DEEP_FLOW = `a: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`;
/** Block sequences 10,000 deep on one line. */
const DEEP_BLOCK = `${'- '.repeat(DEEP)}x\n`;
const DEEP_JSON = `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}\n`;
const NOT_KUBERNETES = JSON.stringify({ name: 'my-app', version: '1.0.0', scripts: { test: 'node --test' }, kind: 42 }, null, 2);
const SEPARATORS = '---\n---\n...\n---\n';

/** Random bytes with NULs, as a binary file misnamed .yaml holds. */
function binaryBytes(size: number, seed: number): Buffer {
  const rnd = prng(seed);
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = i % 97 === 13 ? 0 : Math.floor(rnd() * 256);
  return b;
}

/** At least `bytes` of RBAC documents separated by `---` (a generated bundle). */
function bigBundle(bytes: number): string {
  const doc = (i: number) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-${i}\n  namespace: ns-${i % 50}\nrules:\n  - apiGroups: [""]\n    resources: ["configmaps"]\n    verbs: ["get", "list"]\n---\n`;
  const parts: string[] = [];
  for (let i = 0, n = 0; n < bytes; i++) {
    const d = doc(i);
    parts.push(d);
    n += d.length;
  }
  return parts.join('');
}

/** At least `bytes` in ONE document (a huge ConfigMap): the worst case for re-parsing at the cursor. */
function bigDocument(bytes: number): string {
  const parts = ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: shop\ndata:\n'];
  const value = 'x'.repeat(80);
  for (let i = 0, n = 0; n < bytes; i++) {
    const line = `  key-${i}: "${value}"\n`;
    parts.push(line);
    n += line.length;
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Text positions, as TextDocument counts them (\r\n, \r and \n end a line).

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (c === 13 || c === 10) starts.push(i + 1);
  }
  return starts;
}

function positionAt(starts: number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

function endOf(text: string): Position {
  return positionAt(lineStarts(text), text.length);
}

/** Why a range the server returned for `text` is not one of it, or undefined when it is. */
function badRange(text: string, starts: number[], r: Range | undefined, what: string): string | undefined {
  if (!r) return `${what}: no range`;
  const lineLength = (l: number) => (l + 1 < starts.length ? starts[l + 1] : text.length) - starts[l];
  for (const p of [r.start, r.end]) {
    if (!(p.line >= 0 && p.line < starts.length && p.character >= 0 && p.character <= lineLength(p.line))) {
      return `${what}: ${JSON.stringify(r)} is outside the document (${starts.length} lines)`;
    }
  }
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) {
    return `${what}: ${JSON.stringify(r)} ends before it starts`;
  }
  return undefined;
}

const contains = (outer: Range, inner: Range): boolean => {
  const le = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
};

/** Everything wrong with a response to `method` on a document holding `text` (ranges in other documents are not checked). */
function responseProblems(method: string, result: unknown, uri: string, text: string, starts = lineStarts(text)): string[] {
  const out: string[] = [];
  const check = (r: Range | undefined, what: string) => {
    const bad = badRange(text, starts, r, what);
    if (bad) out.push(bad);
  };
  const edits = (changes: Record<string, TextEdit[]> | undefined, what: string) => {
    for (const e of changes?.[uri] ?? []) check(e.range, `${what} edit`);
  };
  if (result === null || result === undefined) return out;
  switch (method) {
    case 'textDocument/hover':
      if ((result as Hover).range) check((result as Hover).range, 'hover');
      break;
    case 'textDocument/completion':
      for (const item of (result as CompletionList).items) {
        if (item.textEdit && 'range' in item.textEdit) check(item.textEdit.range, `completion ${item.label}`);
        for (const e of item.additionalTextEdits ?? []) check(e.range, `completion ${item.label} additional`);
      }
      break;
    case 'textDocument/documentSymbol': {
      const walk = (s: DocumentSymbol) => {
        check(s.range, `symbol ${s.name}`);
        check(s.selectionRange, `symbol ${s.name} selection`);
        // VS Code rejects a symbol whose selectionRange is outside its range.
        if (!contains(s.range, s.selectionRange)) out.push(`symbol ${s.name}: selectionRange is outside its range`);
        (s.children ?? []).forEach(walk);
      };
      (result as DocumentSymbol[]).forEach(walk);
      break;
    }
    case 'textDocument/codeLens':
      for (const l of result as CodeLens[]) check(l.range, `lens ${l.command?.title}`);
      break;
    case 'textDocument/definition':
    case 'textDocument/references':
      for (const l of result as Location[]) if (l.uri === uri) check(l.range, method);
      break;
    case 'textDocument/codeAction':
      for (const a of result as CodeAction[]) edits(a.edit?.changes, `action ${a.title}`);
      break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 1 + 2 + mid-token editing: a hostile workspace, the same contents opened, typing.

test('hostile workspace files and documents: a clear diagnostic or a skip, never a crash or a hang', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-robust-'));
  const binary = binaryBytes(256 * 1024, 7);
  const started = performance.now();
  const files: Record<string, string | Buffer> = {
    'rbac.yaml': ROLE,
    'broken.yaml': BROKEN,
    'huge.yaml': bigBundle(50 * MB),
    'bomb.yaml': ALIAS_BOMB,
    'binary.yaml': binary,
    'deep-flow.yaml': DEEP_FLOW,
    'deep-block.yaml': DEEP_BLOCK,
    'deep.json': DEEP_JSON,
    'package.json': NOT_KUBERNETES,
    'empty.yaml': '',
    'separators.yaml': SEPARATORS,
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  t.diagnostic(`workspace written in ${ms(started)} (huge.yaml: ${(files['huge.yaml'].length / MB).toFixed(1)} MiB)`);
  const uri = (name: string) => pathToFileURL(join(dir, name)).href;
  const codes = (s: Watched, name: string) => (s.diagnostics.get(uri(name)) ?? []).map((d) => String(d.code));

  const s = await startWatched(dir);
  try {
    // 1. The workspace loads; each unreadable file is one problem and, where it has a place, one diagnostic.
    const loadStart = performance.now();
    const ready = await s.until('ready', () => s.statuses.find((x) => x.state === 'ready'));
    t.diagnostic(`workspace ready in ${ms(loadStart)}: ${JSON.stringify(ready)}`);
    assert.equal(ready.problems, 7, 'broken, huge, bomb, binary and the three deep files');
    assert.deepEqual(ready.objects, { Role: 1 });

    const rbac = s.diagnostics.get(uri('rbac.yaml')) ?? [];
    const at = (d: Diagnostic) => ROLE.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character);
    assert.deepEqual(rbac.map((d) => `${String(d.code)} ${at(d)}`).sort(), ['unknown-resource "pod"', 'unknown-verb "lst"']);

    const one = (name: string, code: string, message: RegExp) => {
      const ds = s.diagnostics.get(uri(name)) ?? [];
      assert.deepEqual(
        ds.map((d) => d.code),
        [code],
        `${name}: ${JSON.stringify(ds)}`,
      );
      const m = ds[0].message;
      assert.match(typeof m === 'string' ? m : m.value, message, name);
      assert.equal(ds[0].severity, 1, `${name} is an error`);
    };
    one('broken.yaml', 'yaml-syntax', /YAML syntax error/);
    one('bomb.yaml', 'alias-limit', /alias bomb/);
    one('binary.yaml', 'binary', /looks binary/);
    one('deep-flow.yaml', 'too-large', /nests deeper than 256 levels/);
    one('deep-block.yaml', 'too-large', /nests deeper than 256 levels/);
    one('deep.json', 'too-large', /nests deeper than 256 levels/);
    // The 50 MB file is skipped unread (stat, then a `too-large` problem at the top of the file).
    assert.deepEqual(codes(s, 'huge.yaml'), ['too-large']);
    for (const quiet of ['package.json', 'empty.yaml', 'separators.yaml']) assert.deepEqual(codes(s, quiet), [], quiet);

    // The server answers on a normal file, quickly.
    const rbacUri = await s.open(join(dir, 'rbac.yaml'), ROLE);
    const quick = await normalFileRequests(s, rbacUri);
    t.diagnostic(`requests on rbac.yaml after the load: ${quick}`);

    // 2. The same contents opened as unsaved documents (not on disk).
    const opened: Record<string, { text: string; codes: string[] }> = {
      'open-broken.yaml': { text: BROKEN, codes: ['yaml-syntax'] },
      'open-bomb.yaml': { text: ALIAS_BOMB, codes: ['alias-limit'] },
      'open-binary.yaml': { text: binary.toString('utf8'), codes: ['binary'] },
      'open-deep-flow.yaml': { text: DEEP_FLOW, codes: ['too-large'] },
      'open-deep-block.yaml': { text: DEEP_BLOCK, codes: ['too-large'] },
      'open-deep.json': { text: DEEP_JSON, codes: ['too-large'] },
      'open-not-kubernetes.json': { text: NOT_KUBERNETES, codes: [] },
      'open-empty.yaml': { text: '', codes: [] },
      'open-separators.yaml': { text: SEPARATORS, codes: [] },
      'open-crlf.yaml': { text: ROLE.replace(/\n/g, '\r\n'), codes: ['unknown-resource', 'unknown-verb'] },
    };
    const openStart = performance.now();
    for (const [name, { text }] of Object.entries(opened)) await s.open(join(dir, name), text);
    const afterOpen = await problemsAre(s, ready.problems + 6);
    await s.until('diagnostics of the opened documents', () =>
      Object.entries(opened).every(([name, o]) => !o.codes.length || s.diagnostics.get(uri(name))?.length),
    );
    for (const [name, o] of Object.entries(opened)) assert.deepEqual(codes(s, name).sort(), o.codes, name);
    let slowest = 0;
    for (const [name, { text }] of Object.entries(opened)) slowest = Math.max(slowest, await everyRequest(s, uri(name), text));
    t.diagnostic(`10 documents opened and diagnosed in ${ms(openStart)}; slowest request on them: ${slowest.toFixed(0)} ms`);
    assert.deepEqual(s.logErrors, [], 'no request on them failed inside the server');

    // A 50 MB document in didOpen, in one YAML document (the worst case for reading the cursor).
    const huge = bigDocument(50 * MB);
    const hugeStart = performance.now();
    const hugeUri = await s.open(join(dir, 'open-huge.yaml'), huge);
    // Counted as unreadable in the status.
    await problemsAre(s, afterOpen.problems + 1);
    t.diagnostic(`50 MiB didOpen: model updated and status sent in ${ms(hugeStart)}`);
    assert.deepEqual(
      (s.diagnostics.get(hugeUri) ?? []).map((d) => String(d.code)),
      ['too-large'],
    );
    const hugeSlowest = await everyRequest(s, hugeUri, huge);
    t.diagnostic(`slowest request on the 50 MiB document: ${hugeSlowest.toFixed(0)} ms`);
    assert.deepEqual(s.logErrors, [], 'no request on it failed inside the server');
    t.diagnostic(`requests on rbac.yaml with the 50 MiB document open: ${await normalFileRequests(s, rbacUri)}`);

    // Closing them drops them from the model (they are not on disk) and clears their diagnostics.
    for (const name of [...Object.keys(opened), 'open-huge.yaml']) await s.close(uri(name));
    await problemsAre(s, ready.problems);
    for (const name of Object.keys(opened)) assert.deepEqual(codes(s, name), [], `${name} after close`);
    assert.deepEqual(codes(s, 'rbac.yaml').sort(), ['unknown-resource', 'unknown-verb']);

    // A document edited mid-token: `    verbs: ["get", "lst"]` typed one character at a time, with
    // completion and hover at the cursor after each keystroke, then "lst" fixed from inside the token.
    const typingStart = performance.now();
    const head = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: typing\n  namespace: shop\nrules:\n';
    const rule = '  - apiGroups: [""]\n    resources: ["pods"]\n';
    const line = '    verbs: ["get", "lst"]';
    const typed = join(dir, 'typing.yaml');
    const typedUri = await s.open(typed, head + rule);
    const row = endOf(head + rule).line;
    const offered = new Map<string, string[]>();
    for (let i = 0; i < line.length; i++) {
      const range = { start: { line: row, character: i }, end: { line: row, character: i } };
      await s.notify('textDocument/didChange', {
        textDocument: { uri: typedUri, version: i + 2 },
        contentChanges: [{ range, text: line[i] }],
      });
      const cursor = { line: row, character: i + 1 };
      const c = await s.request<CompletionList>('textDocument/completion', { textDocument: { uri: typedUri }, position: cursor });
      const h = await s.request<Hover | null>('textDocument/hover', { textDocument: { uri: typedUri }, position: cursor });
      for (const o of [c, h]) assert.equal(o.error, undefined, `after typing ${JSON.stringify(line.slice(0, i + 1))}: ${o.error?.message}`);
      offered.set(line.slice(0, i + 1), c.result?.items.map((x) => x.label) ?? []);
    }
    assert.ok(offered.get('    verbs: ["ge')!.includes('get'), `["ge offers get: ${offered.get('    verbs: ["ge')!.join(', ')}`);
    assert.ok(offered.get('    verbs: ["get", "l')!.includes('list'));
    assert.ok(offered.get('    ver')!.includes('verbs'), `a key being typed: ${offered.get('    ver')!.join(', ')}`);
    // Only the final text has exactly this diagnostic (the half-typed ones do not parse).
    const typedDiags = () => (s.diagnostics.get(typedUri) ?? []).map((d) => `${String(d.code)} ${JSON.stringify(d.range)}`);
    const lst = { start: { line: row, character: line.indexOf('"lst"') }, end: { line: row, character: line.indexOf('"lst"') + 5 } };
    await s.until(
      () => `the typed line's diagnostic (${JSON.stringify(typedDiags())})`,
      () => JSON.stringify(typedDiags()) === JSON.stringify([`unknown-verb ${JSON.stringify(lst)}`]),
    );
    const inside = { line: row, character: lst.start.character + 2 }; // "l|st"
    await s.notify('textDocument/didChange', {
      textDocument: { uri: typedUri, version: line.length + 2 },
      contentChanges: [{ range: { start: inside, end: inside }, text: 'i' }],
    });
    await s.until(
      () => `the fixed line has no diagnostics (${JSON.stringify(typedDiags())})`,
      () => typedDiags().length === 0,
    );
    t.diagnostic(`typed ${line.length} characters (a completion and a hover each) in ${ms(typingStart)}`);

    // Quick fixes in a file whose first line is blank: "Disable … for this document" looked for the
    // start of line 0 with lastIndexOf('\n', -1), found the blank line's \n at index 0, and looped
    // forever (the server never answered anything again).
    const blankUri = await s.open(join(dir, 'blank-first-line.yaml'), `\n${ROLE}`);
    const blankDiags = await s.until('its diagnostics', () => s.diagnostics.get(blankUri)?.length === 2 && s.diagnostics.get(blankUri));
    for (const d of blankDiags) {
      const actions = await s.request<CodeAction[]>(
        'textDocument/codeAction',
        { textDocument: { uri: blankUri }, range: d.range, context: { diagnostics: [d] } },
        5_000,
      );
      const forDocument = actions.result?.find((a) => a.title === `Disable ${String(d.code)} for this document`);
      assert.deepEqual(forDocument?.edit?.changes?.[blankUri], [
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `# kubeid-disable ${String(d.code)}\n` },
      ]);
    }
    assertHealthy(s);
    assert.ok(await s.stop(), 'the server shuts down cleanly');
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a document nested 10,000 deep, asked about again and again in a fresh server, does not abort it', { timeout: 60_000 }, async () => {
  // yaml's composer recursed 10,000 deep when completion and hover re-read this document; on a
  // fresh process the third request aborted node (FATAL ERROR: RegExpCompiler Allocation failed,
  // SIGABRT: no try/catch can stop that).
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-deep-'));
  const s = await startWatched(dir);
  try {
    await s.until('ready', () => s.statuses.find((x) => x.state === 'ready'));
    const uri = await s.open(join(dir, 'deep.yaml'), DEEP_BLOCK);
    for (let i = 0; i < 4; i++) {
      for (const position of [
        { line: 0, character: 0 },
        { line: 0, character: DEEP_BLOCK.length - 1 },
      ]) {
        for (const method of ['textDocument/hover', 'textDocument/completion']) {
          const o = await s.request(method, { textDocument: { uri }, position });
          assert.equal(o.error, undefined, `${method}: ${o.error?.message}`);
        }
      }
    }
    await s.until('its diagnostic', () => s.diagnostics.get(uri)?.length);
    assert.deepEqual(
      s.diagnostics.get(uri)!.map((d) => d.code),
      ['too-large'],
    );
    assertHealthy(s);
    assert.ok(await s.stop(), 'the server shuts down cleanly');
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Waits until the status counts `n` unreadable files or documents (a refresh may come between two opens). */
function problemsAre(s: Watched, n: number): Promise<ServerStatus> {
  return s.until(`${n} problems in the status`, () => s.statuses.at(-1)?.problems === n && s.statuses.at(-1));
}

/** Hover, completion and document symbols on the ROLE document: correct and quick. */
async function normalFileRequests(s: Watched, uri: string): Promise<string> {
  const doc = { textDocument: { uri } };
  const hover = await s.request<Hover>('textDocument/hover', { ...doc, position: positionOf(ROLE, '"lst"', 0, 2) });
  assert.match(JSON.stringify(hover.result?.contents), /lst/);
  const completion = await s.request<CompletionList>('textDocument/completion', { ...doc, position: positionOf(ROLE, '"lst"', 0, 2) });
  assert.ok(completion.result?.items.some((i) => i.label === 'list'));
  const symbols = await s.request<DocumentSymbol[]>('textDocument/documentSymbol', doc);
  assert.deepEqual(
    symbols.result?.map((x) => x.name),
    ['Role web'],
  );
  const times = { hover: hover.ms, completion: completion.ms, documentSymbol: symbols.ms };
  for (const [what, t] of Object.entries(times)) assert.ok(t < QUICK, `${what} took ${t.toFixed(0)} ms`);
  return Object.entries(times)
    .map(([what, t]) => `${what} ${t.toFixed(0)} ms`)
    .join(', ');
}

/** Every request kind at the start, the middle, the end and past the end of a document; returns the slowest time. */
async function everyRequest(s: Watched, uri: string, text: string): Promise<number> {
  const starts = lineStarts(text);
  const positions: Position[] = [
    { line: 0, character: 0 },
    positionAt(starts, Math.floor(text.length / 2)),
    positionAt(starts, text.replace(/[\r\n]+$/, '').length), // the end of the last line with text
    endOf(text),
    { line: starts.length + 5, character: 1_000 },
  ];
  const doc = { textDocument: { uri } };
  const diagnostics = s.diagnostics.get(uri) ?? [];
  let slowest = 0;
  const ask = async (method: string, params: unknown) => {
    const o = await s.request(method, params);
    assert.equal(o.error, undefined, `${method} on ${uri}: ${o.error?.message}`);
    assert.deepEqual(responseProblems(method, o.result, uri, text, starts), [], `${method} on ${uri}`);
    slowest = Math.max(slowest, o.ms);
  };
  await ask('textDocument/documentSymbol', doc);
  await ask('textDocument/codeLens', doc);
  for (const position of positions) {
    await ask('textDocument/hover', { ...doc, position });
    await ask('textDocument/completion', { ...doc, position });
    await ask('textDocument/definition', { ...doc, position });
    await ask('textDocument/references', { ...doc, position, context: { includeDeclaration: true } });
    await ask('textDocument/codeAction', { ...doc, range: { start: position, end: position }, context: { diagnostics } });
  }
  return slowest;
}

// ---------------------------------------------------------------------------------------------
// 3. Fuzz: thousands of random edits on an open RBAC document, requests in between.

const FUZZ_WORKSPACE = `apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    verbs: ["get", "list", "watch"]
`;

const FUZZ_BASE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: editor
  namespace: shop
rules:
  - apiGroups: ["", "apps"]
    resources: ["pods", "pods/exec", "deployments"]
    verbs: ["get", "list", "create", "*"]
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["db"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: editor, namespace: shop}
subjects:
  - kind: ServiceAccount
    name: app
  - {kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: editor}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: readers}
subjects: [{kind: ServiceAccount, name: default, namespace: shop}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: app
      containers: [{name: web, image: nginx}]
`;

const TOKENS = [
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  ':',
  ': ',
  '-',
  '- ',
  '*',
  '"*"',
  ',',
  ' ',
  '  ',
  '\n',
  '\n  ',
  '\t',
  '#',
  '# kubeid-disable ',
  '&a ',
  '*a',
  '<<: *a',
  '<<:',
  '!!binary ',
  '|',
  '>-',
  '?',
  '%',
  '@',
  '`',
  '\\',
  '...',
  '---\n',
  'é',
  '日本',
  '😀',
  '\u200b',
  '\u2028',
  '\ufeff',
  '\r',
  '\r\n',
  '\ud83d',
  '\u0000',
  'verbs',
  'get',
  'ge',
  'pods',
  'apiGroups',
  'kind',
  'name',
  'roleRef',
];
const FRAGMENTS = [
  '  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["get", "list"]\n',
  'verbs: ["ge',
  'resources: ["pods/exec", "*/scale", "deployments/*"]',
  'apiGroups: ["*"]',
  'kind: ClusterRoleBinding\n',
  'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n',
  'subjects:\n  - kind: ServiceAccount\n    name: app\n',
  '  - {kind: User, name: "system:anonymous"}\n',
  'aggregationRule:\n  clusterRoleSelectors: [{matchLabels: {a: b}}]\n',
  'nonResourceURLs: ["/healthz", "*"]\n',
  'base: &a {verbs: [get]}\n',
  '- <<: *a\n  resources: [pods]\n',
  'automountServiceAccountToken: true\n',
  '---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x, namespace: shop}\n',
  '{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "rules": [{"verbs": ["*"]}]}',
  '# kubeid-disable-next-line wildcard-verbs\n',
  'items:\n  - apiVersion: v1\n',
];
const CHECK_IDS = [
  'wildcard-verbs',
  'wildcard-resources',
  'wildcard-api-groups',
  'unknown-verb',
  'unknown-resource',
  'wrong-api-group',
  'invalid-role-ref',
  'invalid-subject',
  'missing-service-account',
  'missing-role',
  'default-service-account-used',
  'automount-unneeded',
  'secrets-read',
  'pod-exec',
  'yaml-syntax',
  'binds-cluster-admin',
  'all-authenticated-subject',
];
/** Words the requests are aimed at (roles, accounts, verbs, resources, fields). */
const WORDS = [
  'editor',
  'reader',
  'app',
  'default',
  'pods',
  'secrets',
  'get',
  '"*"',
  'ServiceAccount',
  'roleRef',
  'verbs',
  'subjects',
  'name: ',
];
const METHODS = [
  'textDocument/completion',
  'textDocument/hover',
  'textDocument/codeAction',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentSymbol',
  'textDocument/codeLens',
];

test('fuzz: thousands of random edits with requests in between; the server keeps answering', { timeout: 240_000 }, async (t) => {
  const seed = Number(process.env.KUBEID_FUZZ_SEED ?? 20_261_128);
  const edits = Number(process.env.KUBEID_FUZZ_EDITS ?? 3_000);
  t.diagnostic(`fuzz seed ${seed} (KUBEID_FUZZ_SEED=${seed} KUBEID_FUZZ_EDITS=${edits} replays it)`);
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

  const dir = mkdtempSync(join(tmpdir(), 'kubeid-fuzz-'));
  writeFileSync(join(dir, 'workspace.yaml'), FUZZ_WORKSPACE);
  const s = await startWatched(dir);
  const started = performance.now();
  /** Per method: requests, error responses, non-empty answers, slowest and total time. */
  const stats = new Map<string, { n: number; errors: number; hits: number; max: number; total: number }>();
  const problems: string[] = [];
  let step = 0;
  try {
    await s.until('ready', () => s.statuses.find((x) => x.state === 'ready'));
    let text = FUZZ_BASE;
    let version = 1;
    const uri = await s.open(join(dir, 'fuzz.yaml'), text);
    let lensArgs: unknown;

    /** An offset of the text, never between the \r and \n of a line break (no position points there). */
    const offset = (max = text.length) => {
      let o = int(max + 1);
      if (text[o - 1] === '\r' && text[o] === '\n') o--;
      return o;
    };
    const send = (changes: unknown[]) =>
      s.notify('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: changes });
    const replace = async (a: number, b: number, insert: string) => {
      const starts = lineStarts(text);
      const range = { start: positionAt(starts, a), end: positionAt(starts, b) };
      text = text.slice(0, a) + insert + text.slice(b);
      await send([{ range, text: insert }]);
    };
    const reset = async (to: string) => {
      text = to;
      await send([{ text }]);
    };
    const lineSpan = () => {
      const starts = lineStarts(text);
      const l = int(starts.length);
      return { start: starts[l], end: l + 1 < starts.length ? starts[l + 1] : text.length };
    };

    const edit = async () => {
      const r = rnd();
      if (text.length > 12_000 || r < 0.02) return reset(rnd() < 0.3 ? FUZZ_BASE.replace(/\n/g, '\r\n') : FUZZ_BASE);
      if (r < 0.4) {
        const at = offset();
        return replace(at, at, pick(TOKENS));
      }
      if (r < 0.55) {
        const at = offset();
        return replace(at, at, pick(FRAGMENTS));
      }
      if (r < 0.75) {
        const a = offset();
        let b = Math.min(text.length, a + 1 + int(12));
        if (text[b - 1] === '\r' && text[b] === '\n') b++;
        return replace(a, b, '');
      }
      if (r < 0.82) {
        const { start, end } = lineSpan();
        return replace(start, end, '');
      }
      if (r < 0.87) {
        const { start, end } = lineSpan();
        return replace(end, end, text.slice(start, end) || '\n');
      }
      if (r < 0.93) {
        const { start } = lineSpan();
        return text.startsWith('  ', start) && rnd() < 0.5 ? replace(start, start + 2, '') : replace(start, start, '  ');
      }
      const a = offset();
      const b = Math.min(text.length, a + int(8));
      return replace(a, b + (text[b - 1] === '\r' && text[b] === '\n' ? 1 : 0), pick(TOKENS));
    };

    const randomPosition = (): Position => {
      const starts = lineStarts(text);
      if (rnd() < 0.05) return { line: int(starts.length + 10), character: int(200) };
      // Half the time inside a word that means something (a role, an account, a verb, a field).
      const word = pick(WORDS);
      const found = rnd() < 0.5 ? text.indexOf(word, int(text.length)) : -1;
      return positionAt(starts, found >= 0 ? found + int(word.length + 1) : offset());
    };
    const randomRequest = (): [string, unknown] => {
      const doc = { textDocument: { uri } };
      const method = rnd() < 0.03 && lensArgs ? 'kubeid/effectivePermissions' : pick(METHODS);
      const position = randomPosition();
      switch (method) {
        case 'kubeid/effectivePermissions':
          return [method, lensArgs];
        case 'textDocument/references':
          return [method, { ...doc, position, context: { includeDeclaration: rnd() < 0.5 } }];
        case 'textDocument/codeAction': {
          // The last published diagnostics (stale, as an editor's may be) and a made-up one anywhere.
          // Without their `data`: the check's own fix carried there is an edit of the text it was
          // published for, which the server returns as is (a known limitation, not a crash).
          const published = (s.diagnostics.get(uri) ?? []).filter(() => rnd() < 0.5).map((d) => ({ ...d, data: undefined }));
          const made: Diagnostic = {
            range: { start: position, end: randomPosition() },
            message: 'x',
            source: 'kubeid',
            code: pick(CHECK_IDS),
          };
          const only = rnd() < 0.2 ? { only: [pick(['quickfix', 'refactor', 'source'])] } : {};
          return [method, { ...doc, range: { start: position, end: position }, context: { diagnostics: [...published, made], ...only } }];
        }
        case 'textDocument/documentSymbol':
        case 'textDocument/codeLens':
          return [method, doc];
        default:
          return [method, { ...doc, position }];
      }
    };

    const BATCH = 8;
    /** Share of edits followed by a request: every request after an edit recomputes the analysis (the machine running this is slow and shared). */
    const REQUEST_RATE = Number(process.env.KUBEID_FUZZ_REQUEST_RATE ?? 0.4);
    for (step = 0; step < edits;) {
      // A batch of edits and requests sent without waiting, as an editor does while the user types.
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < BATCH && step < edits; i++, step++) {
        await edit();
        if (rnd() < REQUEST_RATE) {
          const [method, params] = randomRequest();
          const snapshot = text;
          const at = step;
          pending.push(
            s.request(method, params).then(
              (o) => {
                const st = stats.get(method) ?? { n: 0, errors: 0, hits: 0, max: 0, total: 0 };
                stats.set(method, {
                  n: st.n + 1,
                  errors: st.errors + (o.error ? 1 : 0),
                  hits: st.hits + (answered(o.result) ? 1 : 0),
                  max: Math.max(st.max, o.ms),
                  total: st.total + o.ms,
                });
                if (o.error) problems.push(`step ${at} ${method}: error ${o.error.code} ${o.error.message}`);
                else for (const p of responseProblems(method, o.result, uri, snapshot)) problems.push(`step ${at} ${method}: ${p}`);
                if (method === 'textDocument/codeLens') {
                  const args = (o.result as CodeLens[] | null)?.find((l) => l.command?.command === 'kubeid.effectivePermissions')?.command
                    ?.arguments;
                  if (args) lensArgs = args[0];
                }
              },
              (e: Error) => {
                const saved = join(tmpdir(), `kubeid-fuzz-failure-${seed}-${at}.json`);
                writeFileSync(saved, JSON.stringify({ seed, step: at, method, params, text: snapshot }, null, 2));
                throw new Error(`step ${at}: ${e.message}\nthe request and the text it was sent for: ${saved}`);
              },
            ),
          );
        }
      }
      await Promise.all(pending).catch((e: Error) => {
        throw new Error(`seed ${seed}: ${e.message}\nstderr: ${s.stderr()}`);
      });
      assert.ok(s.alive(), `seed ${seed}: the server died near step ${step}; stderr:\n${s.stderr()}\ntext:\n${text}`);
      // Now and then let the debounced refresh run: every check over the fuzzed text, diagnostics published.
      if (step % 200 === 0) await s.nextRefresh();
    }
    const fuzzTime = performance.now() - started;

    // Back to a known-good text: its diagnostics are exactly the expected ones.
    await reset(ROLE);
    const want = ['unknown-resource "pod"', 'unknown-verb "lst"'];
    const at = (d: Diagnostic) => ROLE.split('\n')[d.range.start.line]?.slice(d.range.start.character, d.range.end.character);
    const seen = () => (s.diagnostics.get(uri) ?? []).map((d) => `${String(d.code)} ${at(d)}`).sort();
    await s.until(
      `the diagnostics of the final text (last: ${JSON.stringify(seen())})`,
      () => JSON.stringify(seen()) === JSON.stringify(want),
    );
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(seen(), want, 'no later publication replaced them');
    assert.equal(s.statuses.at(-1)?.objects.Role, 1);
    const symbols = await s.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      symbols.result?.map((x) => x.name),
      ['Role web'],
      'the server holds the same text as the client',
    );

    const summary = [...stats]
      .map(
        ([m, st]) =>
          `${m.replace('textDocument/', '')} ${st.n} (non-empty ${st.hits}, errors ${st.errors}, mean ${(st.total / st.n).toFixed(1)} ms, max ${st.max.toFixed(0)} ms)`,
      )
      .join('; ');
    t.diagnostic(
      `${edits} edits, ${[...stats.values()].reduce((n, st) => n + st.n, 0)} requests in ${(fuzzTime / 1000).toFixed(1)} s: ${summary}`,
    );
    assert.deepEqual(problems.slice(0, 20), [], `seed ${seed}: ${problems.length} bad responses`);
    assertHealthy(s);
    assert.ok(await s.stop(), 'the server shuts down cleanly');
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Whether a response says something: not null, not an empty list. */
function answered(result: unknown): boolean {
  if (result === null || result === undefined) return false;
  if (Array.isArray(result)) return result.length > 0;
  const items = (result as Partial<CompletionList>).items;
  return items ? items.length > 0 : true;
}

function ms(since: number): string {
  return `${(performance.now() - since).toFixed(0)} ms`;
}
