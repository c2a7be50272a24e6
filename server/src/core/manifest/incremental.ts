// Re-parsing a file after an edit without parsing its unchanged YAML documents again. The text is
// cut before every `---` line (a document start marker at column 0 starts a new document, even
// inside a block scalar, so a piece parses alone as it does in the file); a piece whose text is
// unchanged keeps its parse, moved to its new offset. A piece that is not one plain document
// (directives, `...` markers, stray tokens, YAML errors: an unclosed quote runs on over the next
// `---`) makes the whole file parse as before. The result equals parseManifestText's: same
// manifests, spans, problems and comments (test/property/incremental.test.ts).
import {
  computeLineStarts,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_NODES,
  makeProblem,
  parseDocuments,
  parseManifestText,
  refused,
  type Comment,
  type Manifest,
  type ParsedFile,
  type ParseOptions,
  type ProblemCode,
  type Span,
  type YEntry,
  type YMap,
  type YNode,
} from './parse';

/** One piece of a file: a document with the comments and blank lines up to the next `---`. */
interface Piece {
  text: string;
  start: number;
  /** Documents before this piece in the file. */
  doc: number;
  docs: number;
  manifests: Manifest[];
  comments: Comment[];
  problems: Array<{ code: ProblemCode; message: string; span?: Span }>;
}

const pieces = new WeakMap<ParsedFile, Piece[]>();
/** A manifest of an unchanged document that moved: the one it is a copy of, and by how much it moved. */
const origins = new WeakMap<Manifest, { from: Manifest; delta: number }>();

/** The manifest `m` is a moved copy of (same document text, spans `delta` further), if any. */
export function movedFrom(m: Manifest): { from: Manifest; delta: number } | undefined {
  return origins.get(m);
}

/** The documents that changed between two versions of a file, as offset ranges of the old and the new text. */
export interface TextChange {
  /** [start, end) in the old text; the text after `end` moved by `delta`. */
  old: Span;
  new: Span;
  delta: number;
}

/**
 * What changed from `before` to `after`, both parsed by reparseManifestText: the documents between
 * the unchanged ones at the start and at the end. Undefined when either was parsed whole.
 */
export function changeBetween(before: ParsedFile, after: ParsedFile): TextChange | undefined {
  const old = pieces.get(before);
  const next = pieces.get(after);
  if (!old || !next) return undefined;
  const { head, tail } = unchanged(
    old.map((p) => p.text),
    next.map((p) => p.text),
  );
  const oldStart = head < old.length ? old[head].start : before.text.length;
  const oldEnd = tail > 0 ? old[old.length - tail].start : before.text.length;
  const newStart = head < next.length ? next[head].start : after.text.length;
  const newEnd = tail > 0 ? next[next.length - tail].start : after.text.length;
  return { old: { start: oldStart, end: oldEnd }, new: { start: newStart, end: newEnd }, delta: newEnd - oldEnd };
}

/** How many pieces at the start and at the end are the same in both. */
function unchanged(old: string[], next: string[]): { head: number; tail: number } {
  let head = 0;
  while (head < next.length && head < old.length && next[head] === old[head]) head++;
  let tail = 0;
  while (tail < next.length - head && tail < old.length - head && next[next.length - 1 - tail] === old[old.length - 1 - tail]) tail++;
  return { head, tail };
}

/**
 * parseManifestText(text, file), reusing the documents of `before` (an earlier parse of the same
 * file by this function) whose text is unchanged.
 */
export function reparseManifestText(before: ParsedFile | undefined, text: string, file: string, opts: ParseOptions = {}): ParsedFile {
  const maxNodes = opts.maxNodes ?? DEFAULT_MAX_NODES;
  const out: ParsedFile = { file, text, manifests: [], problems: [], comments: [], lineStarts: computeLineStarts(text) };
  if (refused(out, opts.maxBytes ?? DEFAULT_MAX_BYTES)) return out;
  const cuts = documentCuts(text);
  if (!cuts) return parseManifestText(text, file, opts);
  const old = before?.file === file ? (pieces.get(before) ?? []) : [];
  const texts = cuts.map((start, i) => text.slice(start, cuts[i + 1] ?? text.length));
  // The unchanged pieces at the start and at the end keep their parse.
  const { head, tail } = unchanged(
    old.map((p) => p.text),
    texts,
  );
  const next: Piece[] = [];
  let doc = 0;
  for (let i = 0; i < texts.length; i++) {
    const start = cuts[i];
    const reused = i < head ? old[i] : i >= texts.length - tail ? old[old.length - (texts.length - i)] : undefined;
    const piece = reused ? moved(reused, start, doc, file) : parsePiece(texts[i], start, doc, file, maxNodes);
    if (!piece) return parseManifestText(text, file, opts);
    next.push(piece);
    doc += piece.docs;
  }
  for (const p of next) {
    out.manifests.push(...p.manifests);
    out.comments.push(...p.comments);
    for (const q of p.problems) out.problems.push(makeProblem(file, out.lineStarts, q.code, q.message, q.span));
  }
  pieces.set(out, next);
  return out;
}

/** Offsets where pieces start: 0 and every `---` line; undefined when a lone CR makes lines ambiguous. */
function documentCuts(text: string): number[] | undefined {
  if (/\r(?!\n)/.test(text)) return undefined;
  const cuts = [0];
  for (let i = text.indexOf('\n---'); i >= 0; i = text.indexOf('\n---', i + 1)) {
    const after = text.charCodeAt(i + 4);
    // `---` then a space, tab, line break or the end of the text.
    if (Number.isNaN(after) || after === 32 || after === 9 || after === 10 || after === 13) cuts.push(i + 1);
  }
  return cuts;
}

function parsePiece(text: string, start: number, doc: number, file: string, maxNodes: number): Piece | undefined {
  const alone: ParsedFile = { file, text, manifests: [], problems: [], comments: [], lineStarts: computeLineStarts(text) };
  const { docs, plain } = parseDocuments(alone, maxNodes);
  // A problem without a place is about the whole text: let the whole file be parsed.
  if (!plain || alone.problems.some((p) => !p.span)) return undefined;
  const piece: Piece = { text, start: 0, doc: 0, docs, manifests: alone.manifests, comments: alone.comments, problems: alone.problems };
  return moved(piece, start, doc, file);
}

/** The piece at another offset and document index (itself when neither changed). */
function moved(p: Piece, start: number, doc: number, file: string): Piece {
  if (p.start === start && p.doc === doc) return p;
  const d = start - p.start;
  const span = (s: Span): Span => ({ start: s.start + d, end: s.end + d });
  return {
    text: p.text,
    start,
    doc,
    docs: p.docs,
    manifests: p.manifests.map((m) => {
      const out = movedManifest(m, d, file, m.doc - p.doc + doc);
      origins.set(out, { from: m, delta: d });
      return out;
    }),
    comments: p.comments.map((c) => ({ span: span(c.span), text: c.text })),
    problems: p.problems.map((q) => (q.span ? { code: q.code, message: q.message, span: span(q.span) } : q)),
  };
}

/** Where the tree of a moved manifest comes from: a tree built by a parse, and how far to move it. */
const trees = new WeakMap<Manifest, { root: Manifest; delta: number }>();

/**
 * A manifest moved by `d`. Its tree is moved when first read: most moved documents are never read
 * again (their objects are reused moved, manifest incremental decoding in policy/workspace.ts).
 */
function movedManifest(m: Manifest, d: number, file: string, doc: number): Manifest {
  const from = trees.get(m) ?? { root: m, delta: 0 };
  let source: { root: Manifest; delta: number } | undefined = { root: from.root, delta: from.delta + d };
  let node: YMap | undefined;
  // A getter in the literal, not Object.defineProperty: the manifest keeps a fast object shape.
  const out: Manifest = {
    file,
    doc,
    apiVersion: m.apiVersion,
    kind: m.kind,
    name: m.name,
    value: m.value,
    span: { start: m.span.start + d, end: m.span.end + d },
    get node(): YMap {
      if (source) {
        node = shiftNode(source.root.node, source.delta);
        source = undefined;
        trees.delete(out); // copies of this one now move its own tree
      }
      return node!;
    },
  };
  if (m.item !== undefined) out.item = m.item;
  if (m.namespace !== undefined) out.namespace = m.namespace;
  trees.set(out, source);
  return out;
}

function shiftNode<T extends YNode>(n: T, d: number): T {
  const span = { start: n.span.start + d, end: n.span.end + d };
  switch (n.type) {
    case 'scalar':
      return { type: 'scalar', value: n.value, span } as T;
    case 'seq':
      return { type: 'seq', items: n.items.map((i) => shiftNode(i, d)), span } as T;
    case 'map':
      return {
        type: 'map',
        entries: n.entries.map((e): YEntry => ({
          key: e.key,
          keySpan: { start: e.keySpan.start + d, end: e.keySpan.end + d },
          value: shiftNode(e.value, d),
        })),
        span,
      } as T;
  }
  return n;
}
