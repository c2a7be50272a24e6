// What the cursor is on in a manifest: the object, the path inside it (`rules[1].verbs[2]`,
// `roleRef.name`), and the token being typed. Robust to the half-typed YAML an editor holds:
// the tree (the parsed manifest, or a tolerant re-parse of a broken document) answers where it has
// a node at the cursor; indentation answers on blank lines and empty values.
import { nodeAt, positionAt, type Manifest, type ParsedFile, type Span, type YMap, type YNode } from '../manifest/parse';
import { positionFromLines } from './lines';
import type { Path } from './path';
import { tolerantTree } from './tolerant';

export interface Cursor {
  offset: number;
  /** The YAML document around the cursor (from its `---` line, if any, to the next). */
  doc: Span;
  /** The object the cursor is in (a List's item, for Lists); undefined in an empty document. */
  object?: YMap;
  /** The parsed manifest, when the document is a clean Kubernetes object. */
  manifest?: Manifest;
  /** Path from the object to the cursor. */
  path: Path;
  /** 'key': on or typing a key of the map at `path`; 'value': on or typing the value at `path`. */
  at: 'key' | 'value';
  /** The whole existing key under the cursor (at 'key'). */
  key?: string;
  /** The token's text before the cursor, quotes excluded. */
  prefix: string;
  /** The whole token's text, quotes excluded. */
  token: string;
  /** The quote the token is in. */
  quote: '"' | "'" | '';
  /** The token's span (quotes included), to replace; within the cursor's line. */
  range: Span;
  /** Inside a flow collection (`[a, b]`, `{k: v}`). */
  flow: boolean;
  /** The other items of the list the cursor's item is in. */
  siblings: string[];
  /** A .json file: values are always written as JSON strings. */
  json: boolean;
}

export function cursorAt(file: ParsedFile, offset: number): Cursor {
  const { text, lineStarts } = file;
  const at = Math.max(0, Math.min(offset, text.length));
  const doc = documentSpan(text, lineStarts, at);
  const manifest = file.manifests.find((m) => m.item === undefined && m.span.start >= doc.start && m.span.start < doc.end);
  const root = manifest?.node ?? tolerantTree(text.slice(doc.start, doc.end), doc.start);
  const line = lineBounds(text, lineStarts, at);
  // A clean tree knows best; in a broken one, yaml's recovery may fold later lines into an
  // unclosed `[`, so a line that shows its own `key:` or `- ` is read from its indentation.
  let hit: Hit | undefined = manifest ? fromTree(manifest.node, at, text, line) : undefined;
  if (!hit) {
    const byLines = fromLines(file, doc, at, line);
    hit = !manifest && !byLines.structural && root ? (fromTree(root, at, text, line) ?? byLines) : byLines;
  }
  const c: Cursor = {
    offset: at,
    doc,
    path: hit.path,
    at: hit.at,
    prefix: '',
    token: '',
    quote: '',
    range: hit.span,
    flow: hit.flow,
    siblings: [],
    json: /\.json$/i.test(file.file),
  };
  if (manifest) c.manifest = manifest;
  if (hit.key !== undefined) c.key = hit.key;
  const start = Math.min(hit.span.start, at);
  const q = text[start];
  c.quote = q === '"' || q === "'" ? q : '';
  c.prefix = text.slice(start + (c.quote ? 1 : 0), at);
  const whole = text.slice(start + (c.quote ? 1 : 0), Math.max(at, hit.span.end));
  c.token = c.quote && whole.endsWith(c.quote) ? whole.slice(0, -1) : whole;
  c.object = root;
  // A List's items are objects of their own.
  const kind = root && nodeAt(root, ['kind']);
  if (root && kind?.type === 'scalar' && String(kind.value).endsWith('List') && c.path[0] === 'items' && typeof c.path[1] === 'number') {
    const item = nodeAt(root, ['items', c.path[1]]);
    c.object = item?.type === 'map' ? item : undefined;
    c.path = c.path.slice(2);
  }
  const last = c.path[c.path.length - 1];
  if (c.at === 'value' && typeof last === 'number') {
    const list = c.object && nodeAt(c.object, c.path.slice(0, -1));
    const fromList = list?.type === 'seq' ? list.items.flatMap((n, i) => (i !== last ? scalarText(n) : [])) : [];
    c.siblings = [...new Set([...fromList, ...hit.siblings])];
  }
  return c;
}

/** A scalar's string form, [] for others. */
function scalarText(n: YNode): string[] {
  return n.type === 'scalar' && n.value !== null ? [String(n.value)] : [];
}

/** The string at a path of a tree, '' when absent or not a string. */
export function textAt(node: YNode | undefined, path: Path): string {
  const n = node && nodeAt(node, path);
  return n?.type === 'scalar' && typeof n.value === 'string' ? n.value : '';
}

/** The strings of a list at a path of a tree. */
export function listAt(node: YNode | undefined, path: Path): string[] {
  const n = node && nodeAt(node, path);
  return n?.type === 'seq' ? n.items.flatMap(scalarText) : [];
}

interface Hit {
  path: Path;
  at: 'key' | 'value';
  key?: string;
  span: Span;
  flow: boolean;
  siblings: string[];
}

/** From the `---` line at or above the offset to the next one. */
export function documentSpan(text: string, lineStarts: number[], offset: number): Span {
  const marker = (i: number) => /^(---|\.\.\.)(\s|$)/.test(text.slice(lineStarts[i], lineStarts[i] + 4));
  const line = positionAt(lineStarts, offset).line;
  let first = line;
  while (first > 0 && !marker(first)) first--;
  let next = line + 1;
  while (next < lineStarts.length && !marker(next)) next++;
  return { start: lineStarts[first], end: next < lineStarts.length ? lineStarts[next] : text.length };
}

function lineBounds(text: string, lineStarts: number[], offset: number): Span {
  const { line } = positionAt(lineStarts, offset);
  let end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
  while (end > lineStarts[line] && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return { start: lineStarts[line], end };
}

const clamp = (s: Span, line: Span): Span => ({ start: Math.max(s.start, line.start), end: Math.min(s.end, line.end) });
const within = (n: YNode, off: number): boolean => n.span.start <= off && off <= n.span.end;

/** The scalar, key or flow-collection gap at the offset; undefined in block whitespace. */
function fromTree(node: YNode, off: number, text: string, line: Span, path: Path = []): Hit | undefined {
  if (node.type === 'scalar') {
    if (node.value === null || node.span.start === node.span.end || !within(node, off)) return undefined;
    return { path, at: 'value', span: clamp(node.span, line), flow: false, siblings: [] };
  }
  if (node.type === 'map') {
    for (const e of node.entries) {
      if (e.keySpan.start < e.keySpan.end && e.keySpan.start <= off && off <= e.keySpan.end) {
        return { path, at: 'key', key: e.key, span: clamp(e.keySpan, line), flow: false, siblings: [] };
      }
      const hit = within(e.value, off) ? fromTree(e.value, off, text, line, [...path, e.key]) : undefined;
      if (hit) return hit;
    }
    return undefined;
  }
  for (let i = 0; i < node.items.length; i++) {
    const hit = within(node.items[i], off) ? fromTree(node.items[i], off, text, line, [...path, i]) : undefined;
    if (hit) return { ...hit, flow: hit.flow || text[node.span.start] === '[' };
  }
  const { start, end } = node.span;
  if (text[start] === '[' && start < off && (off < end || text[end - 1] !== ']')) {
    // Between items of `[a, b]`: a new item at this position.
    const index = node.items.filter((it) => it.span.end < off).length;
    return { path: [...path, index], at: 'value', span: { start: off, end: off }, flow: true, siblings: [] };
  }
  return undefined;
}

/** From indentation, and the flow collection or scalar typed on the cursor's line. */
function fromLines(file: ParsedFile, doc: Span, off: number, line: Span): Hit & { structural: boolean } {
  const pos = positionFromLines(file.text, file.lineStarts, doc.start, off);
  let { path, at } = pos;
  let token = pos.rest;
  let flow = false;
  let siblings: string[] = [];
  const items = pos.rest.startsWith('[') || pos.rest.startsWith('{') ? splitFlow(pos.rest.slice(1)) : undefined;
  if (at === 'value' && items) {
    flow = true;
    const last = items[items.length - 1];
    if (pos.rest.startsWith('[')) {
      path = [...path, items.length - 1];
      siblings = items.slice(0, -1).map(unquote).filter(Boolean);
      token = last;
    } else {
      const m = /^\s*("[^"]*"|'[^']*'|[^:]*?):\s+(.*)$/.exec(last);
      if (m) [path, token] = [[...path, unquote(m[1])], m[2]];
      else [at, token] = ['key', last];
    }
  }
  const structural = pos.at === 'value';
  if (items === null) return { path, at: 'value', span: { start: off, end: off }, flow: true, siblings: [], structural }; // after a closed collection
  token = token.trimStart();
  const start = off - token.length;
  return { path, at, span: { start, end: tokenEnd(file.text, start, off, line.end, at) }, flow, siblings, structural };
}

/** Items of a flow collection's text after its bracket, split on top-level commas; null when it closes before the end. */
function splitFlow(s: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let depth = 0;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      if (depth === 0) return null;
      depth--;
    } else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}

/** Where the token at `start` ends: after its closing quote, or at the end of the word. */
function tokenEnd(text: string, start: number, off: number, lineEnd: number, at: 'key' | 'value'): number {
  const q = text[start];
  if (q === '"' || q === "'") {
    const close = text.indexOf(q, Math.max(off, start + 1));
    return close >= 0 && close < lineEnd ? close + 1 : off;
  }
  const stop = at === 'key' ? /[\s,\]}#:]/ : /[\s,\]}#]/;
  let end = off;
  while (end < lineEnd && !stop.test(text[end])) end++;
  return end;
}
