// Reads manifest files and folders from disk (or stdin) and parses them. Never throws for a bad
// path: a missing or unreadable one becomes a ParsedFile with an `unreadable` problem, so one bad
// argument does not hide what the others say.
import type { Dirent, Stats } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { DEFAULT_MAX_BYTES, parseManifestText, problemFile, tooLargeMessage } from './parse';
import type { ParseOptions, ParsedFile } from './parse';

export interface LoadOptions extends ParseOptions {
  readStdin?: () => Promise<string>;
}

export const STDIN_NAME = '<stdin>';
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
/** Files read at the same time: enough to hide disk latency, few enough to not exhaust handles. */
const READ_CONCURRENCY = 16;

export async function loadManifestPaths(paths: string[], opts: LoadOptions = {}): Promise<ParsedFile[]> {
  const out: ParsedFile[] = [];
  const seen = new Set<string>(); // a file named twice (or found twice) is read once
  for (const p of paths) {
    if (p === '-') {
      out.push(await loadStdin(opts));
      continue;
    }
    let st: Stats;
    try {
      st = await stat(p);
    } catch (e) {
      out.push(unreadable(p, e));
      continue;
    }
    const files: Array<string | ParsedFile> = st.isDirectory() ? await listFolder(p) : [p];
    const fresh = files.filter((f) => typeof f !== 'string' || !seen.has(path.resolve(f)));
    for (const f of fresh) if (typeof f === 'string') seen.add(path.resolve(f));
    out.push(...(await mapLimit(fresh, READ_CONCURRENCY, (f) => (typeof f === 'string' ? loadFile(f, opts) : Promise.resolve(f)))));
  }
  return out;
}

/** Reads and parses one file; the size is checked before reading so a huge file costs nothing. */
export async function loadFile(file: string, opts: ParseOptions = {}): Promise<ParsedFile> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    const st = await stat(file);
    if (!st.isFile()) return problemFile(file, 'unreadable', `cannot read ${file}: not a regular file`);
    if (st.size > maxBytes) return problemFile(file, 'too-large', tooLargeMessage(st.size, maxBytes));
    const text = (await readFile(file)).toString('utf8');
    return parseManifestText(text, file, opts);
  } catch (e) {
    return unreadable(file, e);
  }
}

/**
 * Manifest files under a folder, recursively, sorted by path (code-point order, not locale, so
 * output is the same everywhere). Unreadable sub-folders come back as problem files in place.
 */
async function listFolder(root: string): Promise<Array<string | ParsedFile>> {
  const out: Array<string | ParsedFile> = [];
  const visited = new Set<string>(); // real paths: a symlink loop must not recurse forever
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      const real = await realpath(dir);
      if (visited.has(real)) return;
      visited.add(real);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      out.push(unreadable(dir, e));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = await stat(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // dangling link: nothing to read, and not something the user named
        }
      }
      if (isDir) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) await walk(full);
      } else if (isFile && MANIFEST_EXTENSIONS.some((ext) => entry.name.toLowerCase().endsWith(ext))) {
        out.push(full);
      }
    }
  };
  await walk(root);
  return out;
}

async function loadStdin(opts: LoadOptions): Promise<ParsedFile> {
  try {
    const text = await (opts.readStdin ?? (() => readProcessStdin(opts.maxBytes ?? DEFAULT_MAX_BYTES)))();
    return parseManifestText(text, STDIN_NAME, opts);
  } catch (e) {
    if (e instanceof StdinTooLarge) return problemFile(STDIN_NAME, 'too-large', tooLargeMessage(e.bytes, e.maxBytes));
    return unreadable(STDIN_NAME, e);
  }
}

class StdinTooLarge extends Error {
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super('stdin too large');
  }
}

/** Reads all of stdin, keeping at most maxBytes in memory (the rest is drained, not stored). */
function readProcessStdin(maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    process.stdin.on('data', (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += b.length;
      if (bytes <= maxBytes) chunks.push(b);
    });
    process.stdin.once('error', reject);
    process.stdin.once('end', () => {
      if (bytes > maxBytes) reject(new StdinTooLarge(bytes, maxBytes));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

function unreadable(file: string, e: unknown): ParsedFile {
  return problemFile(file, 'unreadable', `cannot read ${file}: ${osReason(e)}`);
}

/** "ENOENT: no such file or directory, stat 'x'" -> "no such file or directory". */
function osReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /^[A-Z0-9_]+: (.*?), \w+ '.*'$/s.exec(msg);
  return m ? m[1] : msg;
}

/** Maps with at most `limit` calls in flight; results keep the input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
