// Parses manifest files (YAML or JSON) into positioned trees and Kubernetes objects.
// Everything a user can type must come back as data or problems, never as an exception:
// the language server calls this on every keystroke, the CLI on whole repositories.
import { Composer, Parser, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Document, Node as YamlNode, Pair } from 'yaml';
import { readBlockYaml } from './block-yaml';

export interface Span {
  start: number;
  end: number;
}
export type YNode = YScalar | YMap | YSeq;
export interface YScalar {
  type: 'scalar';
  value: string | number | boolean | null;
  span: Span;
}
export interface YMap {
  type: 'map';
  entries: YEntry[];
  span: Span;
}
export interface YEntry {
  key: string;
  keySpan: Span;
  value: YNode;
}
export interface YSeq {
  type: 'seq';
  items: YNode[];
  span: Span;
}

/** One Kubernetes object found in a file. */
export interface Manifest {
  file: string;
  /** 0-based index of the YAML document in the file. */
  doc: number;
  /** Index inside a `kind: List` / `*List` items array. */
  item?: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Positioned tree of this object. */
  node: YMap;
  /** The same object as plain JSON data. */
  value: Record<string, unknown>;
  span: Span;
}

export type ProblemCode = 'yaml-syntax' | 'alias-limit' | 'too-large' | 'binary' | 'unreadable' | 'not-an-object' | 'invalid-field';

/** line/column are 1-based, for "file:line:col: message". */
export interface ManifestProblem {
  file: string;
  code: ProblemCode;
  message: string;
  span?: Span;
  line: number;
  column: number;
}

/** A `# ...` comment; text is without the '#'. */
export interface Comment {
  span: Span;
  text: string;
}

export interface ParsedFile {
  file: string;
  text: string;
  manifests: Manifest[];
  problems: ManifestProblem[];
  comments: Comment[];
  lineStarts: number[];
}

export interface ParseOptions {
  /** Default 10 MiB. */
  maxBytes?: number;
  /** Most tree nodes one document may expand to (aliases included). Default 1_000_000. */
  maxNodes?: number;
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_NODES = 1_000_000;
/** Alias dereferences per document, nested ones included: real manifests use a handful. */
export const MAX_ALIAS_EXPANSIONS = 10_000;
/**
 * Deepest collection nesting processed. yaml's composer recurses (it overflows the stack near
 * 1000 levels, and V8 can abort the process when that happens inside a regexp); Kubernetes
 * objects, CRD schemas included, stay far below this.
 */
export const MAX_DEPTH = 256;
/** Binary sniffing window, as git and grep do it. */
const BINARY_SNIFF_CHARS = 8000;

export function parseManifestText(text: string, file: string, opts: ParseOptions = {}): ParsedFile {
  const out: ParsedFile = { file, text, manifests: [], problems: [], comments: [], lineStarts: computeLineStarts(text) };
  if (!refused(out, opts.maxBytes ?? DEFAULT_MAX_BYTES)) parseDocuments(out, opts.maxNodes ?? DEFAULT_MAX_NODES);
  return out;
}

/** Text kubeid does not parse (too large, binary): reported in `out`, true. */
export function refused(out: ParsedFile, maxBytes: number): boolean {
  const { text } = out;
  const problem = (code: ProblemCode, message: string, span?: Span): void => {
    out.problems.push(makeProblem(out.file, out.lineStarts, code, message, span));
  };
  // A UTF-8 byte is at most one UTF-16 unit, so only count bytes when it could matter.
  const bytes = text.length * 3 > maxBytes ? Buffer.byteLength(text, 'utf8') : text.length;
  if (bytes > maxBytes) {
    problem('too-large', tooLargeMessage(bytes, maxBytes));
    return true;
  }
  const nul = text.slice(0, BINARY_SNIFF_CHARS).indexOf('\0');
  if (nul >= 0) {
    problem('binary', `file looks binary (NUL character within the first ${BINARY_SNIFF_CHARS} characters); not parsed`, {
      start: nul,
      end: nul + 1,
    });
    return true;
  }
  return false;
}

/** Token types a stream of plain documents consists of: no directives, no `...` end markers, no stray tokens. */
const PLAIN_TOKENS = new Set(['document', 'comment', 'newline', 'space']);

/**
 * The YAML documents of `out.text` into `out` (no size or binary check). Returns how many
 * documents the stream holds, and whether it is plain: at most one document without YAML
 * errors and nothing outside it but comments and blank lines, so that it parses the same alone
 * as inside a file (incremental.ts relies on it).
 */
export function parseDocuments(out: ParsedFile, maxNodes: number): { docs: number; plain: boolean } {
  const block = readBlockYaml(out.text, maxNodes, MAX_DEPTH);
  if (!block) return composeDocuments(out, maxNodes);
  out.comments.push(...block.comments);
  const problem = (code: ProblemCode, message: string, span?: Span): void => {
    out.problems.push(makeProblem(out.file, out.lineStarts, code, message, span));
  };
  block.docs.forEach((root, index) => root && addObjects(out, root, index, problem));
  // The reader accepts no directive, `...` or error: one document or none is plain.
  return { docs: block.docs.length, plain: block.docs.length <= 1 };
}

/** parseDocuments through yaml's Parser and Composer: all of YAML. Exported for the test that holds the fast path to it. */
export function composeDocuments(out: ParsedFile, maxNodes: number): { docs: number; plain: boolean } {
  const { text, file, lineStarts } = out;
  const problem = (code: ProblemCode, message: string, span?: Span): void => {
    out.problems.push(makeProblem(file, lineStarts, code, message, span));
  };
  const docs: Document.Parsed[] = [];
  let plain = true;
  const tooDeep = new Set<number>();
  try {
    // Parser + Composer is what parseAllDocuments does; keeping the CST gives us comment spans
    // and lets us refuse absurdly nested documents before the (recursive) composer sees them.
    const tokens = Array.from(new Parser().parse(text));
    // merge: `<<` keys as YAML 1.1 / go-yaml manifests use them. uniqueKeys is checked by
    // TreeBuilder with a hash map: yaml's own check is quadratic in the map size.
    const composer = new Composer({ merge: true, uniqueKeys: false });
    let docTokens = 0; // each document token becomes one Document, in order
    for (let token of tokens) {
      if (!PLAIN_TOKENS.has(token.type)) plain = false;
      const depth = walkCst(token, out.comments);
      if (token.type === 'document') {
        if (depth > MAX_DEPTH) {
          tooDeep.add(docTokens);
          token = { ...token, value: undefined };
        }
        docTokens++;
      }
      for (const doc of composer.next(token)) docs.push(doc);
    }
    for (const doc of composer.end(false, text.length)) docs.push(doc);
    out.comments.sort((a, b) => a.span.start - b.span.start);
    if (docTokens > 1) plain = false;
  } catch (e) {
    problem('yaml-syntax', `cannot parse: ${errorText(e)}`);
    return { docs: 0, plain: false };
  }

  docs.forEach((doc, index) => {
    if (tooDeep.has(index)) {
      const at = doc.range[0];
      problem('too-large', `document nests deeper than ${MAX_DEPTH} levels; not parsed`, { start: at, end: at });
      return;
    }
    if (doc.errors.length > 0) {
      plain = false; // an unclosed quote, e.g., runs on over the next `---` in the file
      // The first error only: later ones are usually consequences of it.
      const err = doc.errors[0];
      problem('yaml-syntax', `YAML syntax error: ${firstLine(err.message)}`, { start: err.pos[0], end: err.pos[1] });
      return;
    }
    const contents = doc.contents as YamlNode | null;
    if (!contents || !isMap(contents)) return; // scalars, sequences, empty documents: not objects
    const conv = new TreeBuilder(maxNodes);
    let tree: YNode;
    try {
      tree = conv.build(contents);
    } catch (e) {
      if (e instanceof TreeError) problem(e.code, e.message, e.span);
      else if (e instanceof RangeError) problem('yaml-syntax', 'document is nested too deeply to process');
      else throw e;
      return;
    }
    if (tree.type === 'map') addObjects(out, tree, index, problem);
  });
  return { docs: docs.length, plain };
}

/** Adds the document's object, or the items of a `*List`, to out.manifests. */
function addObjects(out: ParsedFile, root: YMap, doc: number, problem: (c: ProblemCode, m: string, s?: Span) => void): void {
  const head = objectHead(root);
  if (!head) {
    // Exactly one of apiVersion/kind next to metadata is almost surely a mistyped object.
    const api = nodeAt(root, ['apiVersion']);
    const kind = nodeAt(root, ['kind']);
    if ((api === undefined) !== (kind === undefined) && nodeAt(root, ['metadata'])?.type === 'map') {
      problem(
        'not-an-object',
        `object has ${api ? 'no kind' : 'no apiVersion'}: a Kubernetes object needs both apiVersion and kind`,
        root.span,
      );
    }
    return;
  }
  const items = nodeAt(root, ['items']);
  if (head.kind.endsWith('List') && items?.type === 'seq') {
    items.items.forEach((item, i) => {
      if (item.type === 'map' && objectHead(item)) out.manifests.push(makeManifest(out.file, doc, item, i));
      else if (item.type === 'scalar' && item.value === null) return;
      else problem('not-an-object', `${head.kind} items[${i}] is not a Kubernetes object (it needs apiVersion and kind)`, item.span);
    });
    return;
  }
  out.manifests.push(makeManifest(out.file, doc, root));
}

function objectHead(node: YMap): { apiVersion: string; kind: string } | undefined {
  const api = nodeAt(node, ['apiVersion']);
  const kind = nodeAt(node, ['kind']);
  if (api?.type === 'scalar' && typeof api.value === 'string' && kind?.type === 'scalar' && typeof kind.value === 'string') {
    return { apiVersion: api.value, kind: kind.value };
  }
  return undefined;
}

function makeManifest(file: string, doc: number, node: YMap, item?: number): Manifest {
  const head = objectHead(node)!;
  const name = nodeAt(node, ['metadata', 'name']);
  const ns = nodeAt(node, ['metadata', 'namespace']);
  const m: Manifest = {
    file,
    doc,
    apiVersion: head.apiVersion,
    kind: head.kind,
    name: name?.type === 'scalar' && typeof name.value === 'string' ? name.value : '',
    node,
    value: toPlain(node) as Record<string, unknown>,
    span: node.span,
  };
  if (item !== undefined) m.item = item;
  if (ns?.type === 'scalar' && typeof ns.value === 'string') m.namespace = ns.value;
  return m;
}

/**
 * Trees built from plain data have no text to point into: their spans are positions in a virtual
 * text where item i fills [i·2¹³, (i+1)·2¹³) and each node (and key) is one position in document
 * order, a node's span covering its subtree. (Small numbers stay V8 small integers up to 131,072
 * items; an item of more than 8,192 nodes gives its last ones the item's last position, so a span
 * never leaves its item.) A finding still names one element of one object, and
 * the object holding it is found by its span as in a file (the graph's risk colours of live
 * objects). These spans are never shown as lines and columns: the file has no text.
 */
const ITEM_STRIDE = 2 ** 13;

/**
 * Already-decoded JSON objects (the items of an API server list) as a ParsedFile whose manifests'
 * trees are built from the values, so that policyFromManifests decodes them exactly as it decodes
 * files. Objects without a string apiVersion and kind are skipped (the items of a typed list such
 * as RoleList come without them: set them first). Manifest i is item i; `value` is the object itself.
 */
export function manifestsFromObjects(objects: readonly unknown[], file: string): ParsedFile {
  const out: ParsedFile = { file, text: '', manifests: [], problems: [], comments: [], lineStarts: [0] };
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    if (!isObject(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') continue;
    if (nestsTooDeep(o, 0)) {
      const message = `object ${i} nests deeper than ${MAX_DEPTH} levels; not processed`;
      out.problems.push(makeProblem(file, out.lineStarts, 'too-large', message));
      continue;
    }
    out.manifests.push(new ObjectManifest(file, i, o as ObjectManifest['value']));
  }
  return out;
}

/**
 * The manifest of a plain object. Its tree is built anew on each access of `node` and not kept:
 * trees take about five times the memory of the objects, and a cluster's 100k objects need theirs
 * only while they are decoded. Hold on to `node` when you need it more than once (and note that a
 * getter is left out by `{ ...m }` and JSON.stringify).
 */
class ObjectManifest implements Manifest {
  readonly doc = 0;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  declare readonly namespace?: string;
  readonly span: Span;

  constructor(
    readonly file: string,
    readonly item: number,
    readonly value: Record<string, unknown> & { apiVersion: string; kind: string },
  ) {
    this.apiVersion = value.apiVersion;
    this.kind = value.kind;
    this.span = { start: item * ITEM_STRIDE, end: (item + 1) * ITEM_STRIDE };
    // What makeManifest reads from the tree, read from the object.
    const meta = value.metadata;
    this.name = isObject(meta) && typeof meta.name === 'string' ? meta.name : '';
    if (isObject(meta) && typeof meta.namespace === 'string') this.namespace = meta.namespace;
  }

  get node(): YMap {
    return plainTree(this.value, { next: this.span.start, end: this.span.end }) as YMap;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a JSON object nests collections deeper than MAX_DEPTH (the limit YAML documents have). */
function nestsTooDeep(v: object, depth: number): boolean {
  if (depth >= MAX_DEPTH) return true;
  // Recursing into collections only and without callbacks: this walks every object of a cluster.
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null && nestsTooDeep(x, depth + 1)) return true;
    }
    return false;
  }
  for (const key in v) {
    const x = (v as Record<string, unknown>)[key];
    if (typeof x === 'object' && x !== null && nestsTooDeep(x, depth + 1)) return true;
  }
  return false;
}

/** Positions of the virtual text still free in an item: `next` up to `end` (exclusive). */
interface Positions {
  next: number;
  end: number;
}

/** The next position; once the item's range is used up, its last one. */
const take = (at: Positions): number => (at.next < at.end ? at.next++ : at.end - 1);

/** The tree of a JSON value, its spans taken from `at` (see ITEM_STRIDE); undefined values are left out of objects, as JSON.stringify does. */
function plainTree(v: unknown, at: Positions): YNode {
  const start = take(at);
  if (typeof v !== 'object' || v === null) {
    const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
    return { type: 'scalar', value, span: { start, end: at.next } };
  }
  if (Array.isArray(v)) {
    const items: YNode[] = [];
    for (let i = 0; i < v.length; i++) items.push(plainTree(v[i], at));
    return { type: 'seq', items, span: { start, end: at.next } };
  }
  const entries: YEntry[] = [];
  for (const key of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[key];
    if (x === undefined) continue;
    const k = take(at);
    entries.push({ key, keySpan: { start: k, end: k + 1 }, value: plainTree(x, at) });
  }
  return { type: 'map', entries, span: { start, end: at.next } };
}

class TreeError extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly span?: Span,
  ) {
    super(message);
  }
}

/**
 * Turns a composed yaml document into our tree, resolving aliases and merge keys.
 * Every node created is counted, so an alias bomb stops after maxNodes nodes (bounded time and
 * memory) instead of expanding exponentially.
 */
class TreeBuilder {
  private nodes = 0;
  private aliases = 0;
  private readonly anchors = new Map<string, YamlNode>();
  /** Anchored nodes being expanded right now: an alias to one of them is a cycle. */
  private readonly expanding = new Set<YamlNode>();

  constructor(private readonly maxNodes: number) {}

  build(node: YamlNode): YNode {
    return this.node(node, false, 0);
  }

  /** inAlias: converting a copy made by an alias; anchors and duplicate keys were handled the first time. */
  private node(node: YamlNode, inAlias: boolean, depth: number): YNode {
    if (depth > MAX_DEPTH) {
      // Only reachable through aliases (the CST depth was checked): anchors nesting each other.
      throw new TreeError('alias-limit', `aliases nest deeper than ${MAX_DEPTH} levels; document not processed`, spanOf(node));
    }
    if (++this.nodes > this.maxNodes) {
      throw new TreeError(
        this.aliases > 0 ? 'alias-limit' : 'too-large',
        this.aliases > 0
          ? `aliases expand to more than ${this.maxNodes} nodes (maxNodes); document not processed (a YAML alias bomb?)`
          : `document has more than ${this.maxNodes} nodes (maxNodes); not processed`,
        spanOf(node),
      );
    }
    if (isAlias(node)) return this.alias(node, depth);
    if (!inAlias && node.anchor) this.anchors.set(node.anchor, node);
    if (isScalar(node)) return { type: 'scalar', value: scalarValue(node.value, node.source), span: spanOf(node) };
    if (isSeq(node)) {
      const items = node.items.map((it) =>
        isPair(it) ? this.pairMap(it, inAlias, depth + 1) : this.node(it as YamlNode, inAlias, depth + 1),
      );
      return { type: 'seq', items, span: spanOf(node) };
    }
    if (isMap(node)) return this.map(node.items, spanOf(node), inAlias, depth);
    throw new TreeError('yaml-syntax', 'unsupported YAML node', spanOf(node));
  }

  private alias(alias: Alias, depth: number): YNode {
    const span = spanOf(alias);
    if (++this.aliases > MAX_ALIAS_EXPANSIONS) {
      throw new TreeError(
        'alias-limit',
        `more than ${MAX_ALIAS_EXPANSIONS} alias expansions in one document; not processed (a YAML alias bomb?)`,
        span,
      );
    }
    const target = this.anchors.get(alias.source);
    if (!target)
      throw new TreeError('yaml-syntax', `unknown alias *${alias.source}: the anchor &${alias.source} must be defined before it`, span);
    if (this.expanding.has(target)) throw new TreeError('yaml-syntax', `alias *${alias.source} refers to a node that contains it`, span);
    this.expanding.add(target);
    try {
      // Children keep the anchor's positions; the alias itself points at the alias.
      return { ...this.node(target, true, depth), span };
    } finally {
      this.expanding.delete(target);
    }
  }

  /** A `[a: 1]` flow pair inside a sequence: a one-entry map, as toJS gives. */
  private pairMap(pair: Pair, inAlias: boolean, depth: number): YMap {
    const start = pair.key ? spanOf(pair.key as YamlNode).start : spanOf(pair.value as YamlNode).start;
    const end = pair.value ? spanOf(pair.value as YamlNode).end : spanOf(pair.key as YamlNode).end;
    return this.map([pair], { start, end }, inAlias, depth);
  }

  /** depth: the map's own depth; its keys and values are one deeper. */
  private map(pairs: Pair[], span: Span, inAlias: boolean, depth: number): YMap {
    const entries: YEntry[] = [];
    const index = new Map<string, number>(); // key -> position in entries
    const explicit = new Set<string>();
    for (const pair of pairs) {
      const keyNode = pair.key as YamlNode | null;
      const valueNode = pair.value as YamlNode | null;
      if (keyNode && isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        // `<<` merge key: sources' keys fill in what is not set yet; earlier sources win.
        for (const src of this.mergeSources(valueNode, keyNode, inAlias, depth + 1)) {
          for (const e of src.entries) {
            if (!index.has(e.key)) {
              index.set(e.key, entries.length);
              entries.push(e);
            }
          }
        }
        continue;
      }
      const { key, keySpan } = this.key(keyNode, valueNode, inAlias, depth + 1);
      const value = valueNode ? this.node(valueNode, inAlias, depth + 1) : this.emptyScalar(keySpan.end);
      if (explicit.has(key) && !inAlias) {
        throw new TreeError('yaml-syntax', `YAML syntax error: duplicate key "${key}" (map keys must be unique)`, keySpan);
      }
      explicit.add(key);
      const at = index.get(key);
      if (at === undefined) {
        index.set(key, entries.length);
        entries.push({ key, keySpan, value });
      } else {
        entries[at] = { key, keySpan, value }; // explicit keys override merged ones, in place like toJS
      }
    }
    return { type: 'map', entries, span };
  }

  private mergeSources(value: YamlNode | null, at: YamlNode, inAlias: boolean, depth: number): YMap[] {
    const v = value ? this.node(value, inAlias, depth) : undefined;
    const sources = v?.type === 'seq' ? v.items : v ? [v] : [];
    if (!v || sources.some((s) => s.type !== 'map')) {
      throw new TreeError(
        'yaml-syntax',
        'merge key <<: the value must be a map, an alias to a map, or a list of them',
        v?.span ?? spanOf(at),
      );
    }
    return sources as YMap[];
  }

  private key(keyNode: YamlNode | null, valueNode: YamlNode | null, inAlias: boolean, depth: number): { key: string; keySpan: Span } {
    if (!keyNode) {
      // `: value` with no key: yaml reads the key as null, which toJS stringifies to ''.
      const at = valueNode ? spanOf(valueNode).start : 0;
      return { key: '', keySpan: { start: at, end: at } };
    }
    const keySpan = spanOf(keyNode);
    const k = this.node(keyNode, inAlias, depth);
    // Same stringification as yaml's toJS for object keys.
    const key = k.type === 'scalar' ? (k.value === null ? '' : String(k.value)) : JSON.stringify(toPlain(k));
    return { key, keySpan };
  }

  private emptyScalar(at: number): YScalar {
    return { type: 'scalar', value: null, span: { start: at, end: at } };
  }
}

function scalarValue(v: unknown, source: unknown): string | number | boolean | null {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'symbol') return v.description ?? '';
  if (typeof v === 'bigint') return Number(v);
  // e.g. `!!binary` gives a Uint8Array: keep the text, which is what the API server stores.
  return typeof source === 'string' ? source : '';
}

function spanOf(node: YamlNode): Span {
  const r = node.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

/** Plain JSON data of a tree, as yaml's toJS would give. */
export function toPlain(node: YNode): unknown {
  switch (node.type) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const e of node.entries) {
        // defineProperty: a `__proto__` key must become data, not the prototype.
        Object.defineProperty(o, e.key, { value: toPlain(e.value), writable: true, enumerable: true, configurable: true });
      }
      return o;
    }
  }
}

/**
 * Walks a CST token without recursion (nesting depth is up to the file): collects its comment
 * tokens into `comments` and returns its deepest collection nesting.
 */
export function walkCst(root: unknown, comments: Comment[]): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [t, parentDepth] = stack.pop()!;
    if (Array.isArray(t)) {
      for (const x of t) stack.push([x, parentDepth]);
      continue;
    }
    if (!t || typeof t !== 'object') continue;
    const tok = t as { type?: unknown; offset?: unknown; source?: unknown };
    if (tok.type === 'comment' && typeof tok.offset === 'number' && typeof tok.source === 'string') {
      comments.push({ span: { start: tok.offset, end: tok.offset + tok.source.length }, text: tok.source.slice(1) });
    }
    const isCollection = tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection';
    const depth = parentDepth + (isCollection ? 1 : 0);
    if (depth > max) max = depth;
    for (const v of Object.values(t)) if (v && typeof v === 'object') stack.push([v, depth]);
  }
  return max;
}

export function computeLineStarts(text: string): number[] {
  // \r\n, \r and \n, as VS Code's TextDocument counts lines.
  const starts = [0];
  if (text.indexOf('\r') < 0) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** 0-based line and character of an offset. */
export function positionAt(lineStarts: number[], offset: number): { line: number; character: number } {
  const off = Math.max(0, offset);
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= off) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: off - lineStarts[lo] };
}

/** The node at a path of map keys and sequence indexes, or undefined. */
export function nodeAt(node: YNode, path: ReadonlyArray<string | number>): YNode | undefined {
  let cur: YNode | undefined = node;
  for (const p of path) {
    if (!cur) return undefined;
    if (typeof p === 'number') {
      cur = cur.type === 'seq' ? cur.items[p] : undefined;
    } else if (cur.type === 'map') {
      // Last entry wins, like a JS object built from the entries.
      let found: YNode | undefined;
      for (const e of cur.entries) if (e.key === p) found = e.value;
      cur = found;
    } else {
      return undefined;
    }
  }
  return cur;
}

export function makeProblem(file: string, lineStarts: number[], code: ProblemCode, message: string, span?: Span): ManifestProblem {
  const pos = positionAt(lineStarts, span?.start ?? 0);
  const p: ManifestProblem = { file, code, message, line: pos.line + 1, column: pos.character + 1 };
  if (span) p.span = span;
  return p;
}

/** A ParsedFile holding only a problem (unreadable, too large...), for callers that read files. */
export function problemFile(file: string, code: ProblemCode, message: string): ParsedFile {
  return { file, text: '', manifests: [], problems: [makeProblem(file, [0], code, message)], comments: [], lineStarts: [0] };
}

export function tooLargeMessage(bytes: number, maxBytes: number): string {
  return `file is ${formatBytes(bytes)}, over the ${formatBytes(maxBytes)} limit (maxBytes); not parsed`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function firstLine(s: string): string {
  // yaml appends " at line N, column M:" and a source excerpt when pretty-printing; keep the sentence.
  return s
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

function errorText(e: unknown): string {
  if (e instanceof RangeError) return 'nesting too deep';
  return firstLine(e instanceof Error ? e.message : String(e));
}
