// The fast path of manifest parsing. Kubernetes manifests are almost always written in a small part
// of YAML: block maps and sequences, plain scalars (multi-line ones too), one-line quoted scalars,
// one-line flow collections, literal and folded block scalars, comments and `---`. This reader
// handles exactly that part, in one pass over the text, and builds the same trees, spans and
// comments as the full path of parse.ts (yaml's Parser and Composer, then TreeBuilder) would. On
// anything else (anchors and aliases, tags, escapes, multi-line quoted scalars, tabs, lone CRs,
// directives, anything YAML rejects) it gives up and returns undefined, and the full path parses
// the whole text. test/property/block-yaml.test.ts checks both paths agree on every text the
// reader accepts.
import type { Comment, YEntry, YMap, YNode, YScalar, YSeq } from './parse';

export interface BlockYaml {
  /** The root map of each document of the stream, in order; undefined for an empty document. */
  docs: Array<YMap | undefined>;
  /** In text order. */
  comments: Comment[];
}

/** Thrown inside the reader, caught by readBlockYaml: one object, no stack trace per text. */
const GIVE_UP = new Error('not in the block YAML subset');

/** Characters outside what the reader handles anywhere: controls, tab, CR but in CRLF, DEL, a byte-order mark. */
const UNHANDLED_CHARS = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ufeff]|\r(?!\n)/;

const CR = 13;
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const DQUOTE = 34;
const SQUOTE = 39;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const COMMA = 44;
const PIPE = 124;
const GT = 62;

/** What a line holds. */
const CONTENT = 0;
const BLANK = 1;
const COMMENT = 2;
const MARKER = 3; // `---` at column 0
const EOF = 4;

/** First characters of a plain scalar the reader does not take on (YAML indicators, and `-?:` handled apart). */
const NOT_PLAIN_START = new Set([...',[]{}#&*!|>\'"%@`?:'].map((c) => c.charCodeAt(0)));
/** Characters that end a plain scalar inside a flow collection, or that the reader does not take on there. */
const FLOW_STOP = new Set([...',[]{}:'].map((c) => c.charCodeAt(0)));

/**
 * The documents of `text` if it is within the reader's subset of YAML, else undefined.
 * maxNodes and maxDepth are the full path's limits: a text beyond them is left to it, which reports them.
 */
export function readBlockYaml(text: string, maxNodes: number, maxDepth: number): BlockYaml | undefined {
  if (UNHANDLED_CHARS.test(text)) return undefined;
  try {
    return new Reader(text, maxNodes, maxDepth).stream();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

/** One-line scalar resolution of the YAML 1.2 core schema, as yaml resolves untagged plain scalars. */
function plainScalar(s: string): string | number | boolean | null {
  switch (s.charCodeAt(0)) {
    case 126: // ~
    case 110: // n
    case 78: // N
      return s === '~' || s === 'null' || s === 'Null' || s === 'NULL' ? null : s;
    case 116: // t
    case 84: // T
      return s === 'true' || s === 'True' || s === 'TRUE' ? true : s;
    case 102: // f
    case 70: // F
      return s === 'false' || s === 'False' || s === 'FALSE' ? false : s;
  }
  if (!/^[-+.0-9]/.test(s)) return s;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s))
    return parseFloat(s);
  return s;
}

/**
 * A recursive-descent reader over lines. Spans follow yaml's node ranges: a scalar from its first
 * to past its last character; a collection from its first key or `-` to the end of its last item's
 * node, which for a one-line value is past its line's newline plus any comment lines after it
 * indented deeper than the collection (yaml attaches those to the value), and for a collection
 * also covers the comment lines that follow its last item when one of them is indented at least as
 * deep as it (yaml keeps those in the collection when it closes; it hands the others up).
 */
class Reader {
  readonly comments: Comment[] = [];
  private nodes = 0;
  // The current line: its start, first non-space character, end (before its `\r\n` or `\n`, or
  // the text's end), newline (its `\n`, or the text's end), kind.
  private ls = 0;
  private cs = 0;
  private le = 0;
  private nl = 0;
  private kind = EOF;
  /**
   * The node end (in yaml's sense: the third number of its range) of the value read last, which is
   * where the collection holding it ends when it is the last item.
   */
  private nodeEnd = 0;
  /** Where the run of blank and comment lines skipped last ends: the next content, `---` or the text's end. */
  private runEnd = 0;
  /** The deepest indent of the comments of that run not yet attached to a node, -1 if none. */
  private runComment = -1;

  constructor(
    private readonly text: string,
    private readonly maxNodes: number,
    private readonly maxDepth: number,
  ) {}

  stream(): BlockYaml {
    const docs: Array<YMap | undefined> = [];
    let open = false;
    let root: YMap | undefined;
    this.load(0);
    for (;;) {
      this.skipRun(Infinity);
      if (this.kind === EOF) break;
      if (this.kind === MARKER) {
        if (open) docs.push(root);
        open = true;
        root = undefined;
        let i = this.ls + 3;
        while (this.text.charCodeAt(i) === SPACE) i++;
        if (i < this.le) this.comment(i, this.le); // `--- # ...`
        this.next();
        continue;
      }
      // Content at the top: a root map at column 0 (each document has one; the map reads to its end).
      if (this.cs !== this.ls || this.isSeqItem(this.cs)) throw GIVE_UP;
      open = true;
      root = this.map(0, this.cs, 1);
    }
    if (open) docs.push(root);
    return { docs, comments: this.comments };
  }

  private load(at: number): void {
    const t = this.text;
    const n = t.length;
    this.ls = at;
    if (at >= n) {
      this.cs = this.le = this.nl = n;
      this.kind = EOF;
      return;
    }
    let i = at;
    while (t.charCodeAt(i) === SPACE) i++;
    this.cs = i;
    const nl = t.indexOf('\n', i);
    this.nl = nl < 0 ? n : nl;
    this.le = nl > i && t.charCodeAt(nl - 1) === CR ? nl - 1 : this.nl;
    const c = t.charCodeAt(i);
    if (i >= this.le) this.kind = BLANK;
    else if (c === HASH) this.kind = COMMENT;
    else if (i === at && (c === DASH || c === 46 || c === 37) && this.markerLine(at)) this.kind = MARKER;
    else this.kind = CONTENT;
  }

  /** A line at column 0 starting with `-`, `.` or `%`: whether it is `---` (maybe with a comment); gives up on `...`, directives and content after `---`. */
  private markerLine(at: number): boolean {
    const t = this.text;
    if (t.charCodeAt(at) === 37) throw GIVE_UP; // %YAML, %TAG
    const three = t.slice(at, at + 3);
    if (three !== '---' && three !== '...') return false;
    if (three === '...' || at + 3 < this.le) {
      if (three === '...' || t.charCodeAt(at + 3) !== SPACE) throw GIVE_UP; // `...`, or `----` and the like
      let i = at + 3;
      while (t.charCodeAt(i) === SPACE) i++;
      if (i < this.le && t.charCodeAt(i) !== HASH) throw GIVE_UP; // `--- value`
    }
    return true;
  }

  private next(): void {
    this.load(this.nl < this.text.length ? this.nl + 1 : this.text.length);
  }

  /** Past the current line's newline (or at the text's end). */
  private lineEnd(): number {
    return this.nl < this.text.length ? this.nl + 1 : this.nl;
  }

  private comment(start: number, end: number): void {
    this.comments.push({ span: { start, end }, text: this.text.slice(start + 1, end) });
  }

  private count(): void {
    if (++this.nodes > this.maxNodes) throw GIVE_UP;
  }

  /**
   * Skips blank and comment lines from the current one. Returns the end of the comment lines that
   * yaml attaches to the one-line value just read (those right after it indented deeper than
   * `coll`, the indent of the collection holding it), -1 if none; sets runEnd and runComment.
   */
  private skipRun(coll: number): number {
    let attached = -1;
    let attaching = true;
    let deepest = -1;
    while (this.kind === BLANK || this.kind === COMMENT) {
      if (this.kind === COMMENT) {
        this.comment(this.cs, this.le);
        const indent = this.cs - this.ls;
        if (attaching && indent > coll) attached = this.lineEnd();
        else {
          attaching = false;
          if (indent > deepest) deepest = indent;
        }
      }
      this.next();
    }
    this.runEnd = this.kind === CONTENT ? this.cs : this.ls;
    this.runComment = deepest;
    return attached;
  }

  /** A collection closes: its node end (see the class comment), from the end of its last item. */
  private close(indent: number, lastEnd: number): void {
    if (indent > 0 && this.runComment >= indent) {
      this.nodeEnd = this.runEnd;
      this.runComment = -1;
    } else {
      this.nodeEnd = lastEnd;
    }
  }

  /** `-` followed by a space or the line's end. */
  private isSeqItem(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    return at + 1 >= this.le || this.text.charCodeAt(at + 1) === SPACE;
  }

  /** A block map whose first key is at `at` on the current line, its keys at column `indent`. */
  private map(indent: number, at: number, depth: number): YMap {
    if (depth >= this.maxDepth) throw GIVE_UP;
    this.count();
    const entries: YEntry[] = [];
    const keys = new Set<string>();
    const start = at;
    for (;;) {
      const colon = this.keyEnd(at);
      if (colon < 0) throw GIVE_UP;
      const key = this.keyText(at, colon);
      // Duplicate keys and merge keys: the full path reports and resolves them.
      if (keys.has(key) || key === '<<') throw GIVE_UP;
      keys.add(key);
      this.count();
      const value = this.value(colon + 1, indent, true, depth, false);
      entries.push({ key, keySpan: { start: at, end: colon }, value });
      if (this.kind !== CONTENT) break;
      const ind = this.cs - this.ls;
      if (ind < indent) break;
      if (ind > indent) throw GIVE_UP;
      at = this.cs;
    }
    const end = this.nodeEnd;
    this.close(indent, end);
    return { type: 'map', entries, span: { start, end } };
  }

  /** A block sequence whose first `-` starts the current line's content. */
  private seq(depth: number): YSeq {
    if (depth >= this.maxDepth) throw GIVE_UP;
    this.count();
    const indent = this.cs - this.ls;
    const items: YNode[] = [];
    const start = this.cs;
    for (let first = true; ; first = false) {
      // Comments between the last item and this `-` belong to this item in yaml (see value()).
      const commented = !first && this.runComment >= 0;
      let p = this.cs + 1;
      while (this.text.charCodeAt(p) === SPACE) p++;
      if (this.isSeqItem(p)) throw GIVE_UP; // `- - x`
      if (p < this.le && this.text.charCodeAt(p) !== HASH && this.keyEnd(p) >= 0) {
        items.push(this.map(p - this.ls, p, depth + 1)); // `- key: value`
      } else {
        items.push(this.value(p, indent, false, depth, commented));
      }
      if (this.kind !== CONTENT) break;
      const ind = this.cs - this.ls;
      if (ind < indent) break;
      if (ind > indent) throw GIVE_UP;
      if (!this.isSeqItem(this.cs)) break; // the map holding this sequence at its own indent goes on
    }
    const end = this.nodeEnd;
    this.close(indent, end);
    return { type: 'seq', items, span: { start, end } };
  }

  /**
   * The value after a key's `:` or an item's `-`, from `from` on the current line; `coll` is the
   * indent of the collection holding it; `commented`: comment lines come before the item's `-`.
   * Leaves the reader on the next content line (or `---` or the end) and the value's node end in nodeEnd.
   */
  private value(from: number, coll: number, inMap: boolean, depth: number, commented: boolean): YNode {
    const t = this.text;
    let p = from;
    while (t.charCodeAt(p) === SPACE) p++;
    if (p >= this.le || t.charCodeAt(p) === HASH) {
      // Nothing on this line: a nested collection on the next lines, or null.
      const trailing = p < this.le;
      if (trailing) this.comment(p, this.le);
      this.next();
      this.skipRun(Infinity);
      if (this.kind === CONTENT) {
        const ind = this.cs - this.ls;
        const item = this.isSeqItem(this.cs);
        // A map's value may be a sequence at the map's own indent.
        if (ind > coll || (inMap && ind === coll && item)) {
          if (item) return this.seq(depth + 1);
          return this.map(ind, this.cs, depth + 1);
        }
      }
      // yaml gives a null with comments around it (after a key's `:`, anywhere in an item) a node
      // end past them: left to the full path.
      if (trailing || commented || this.runComment >= 0) throw GIVE_UP;
      this.count();
      this.nodeEnd = p;
      return { type: 'scalar', value: null, span: { start: p, end: p } };
    }
    let node: YNode;
    let end: number;
    const c = t.charCodeAt(p);
    if (c === PIPE || c === GT) return this.blockScalar(p, coll);
    if (c === LBRACKET || c === LBRACE) {
      node = this.flow(p, depth + 1);
      end = node.span.end;
    } else {
      this.count();
      if (c === DQUOTE || c === SQUOTE) {
        end = this.quotedEnd(p);
        node = { type: 'scalar', value: this.quotedText(p, end), span: { start: p, end } };
      } else {
        end = this.plainEnd(p, false);
        const folded = this.continuation(p, end, coll);
        if (folded !== undefined) end = this.nodeEnd;
        node = { type: 'scalar', value: plainScalar(folded ?? t.slice(p, end)), span: { start: p, end } };
      }
    }
    this.lineRest(end);
    const lineEnd = this.lineEnd();
    this.next();
    const attached = this.skipRun(coll);
    this.nodeEnd = attached >= 0 ? attached : lineEnd;
    return node;
  }

  /**
   * The lines that continue a plain scalar (from `p` to `end` on the current line): the next lines
   * indented deeper than its collection `coll`, up to a comment. Returns the folded value (lines
   * joined by a space, n blank lines between them giving n newlines) and leaves its end in nodeEnd
   * and the reader on its last line; undefined, the reader unmoved, when no line continues it.
   */
  private continuation(p: number, end: number, coll: number): string | undefined {
    const t = this.text;
    let i = end;
    while (t.charCodeAt(i) === SPACE) i++;
    if (i < this.le) return undefined; // a comment ends it
    const first = this.ls;
    let last = first;
    let value = t.slice(p, end);
    let blanks = 0;
    for (this.next(); ; this.next()) {
      if (this.kind === BLANK) {
        blanks++;
        continue;
      }
      if (this.kind !== CONTENT || this.cs - this.ls <= coll) break;
      const e = this.plainEnd(this.cs, false);
      value += blanks > 0 ? '\n'.repeat(blanks) : ' ';
      value += t.slice(this.cs, e);
      end = e;
      last = this.ls;
      blanks = 0;
      i = e;
      while (t.charCodeAt(i) === SPACE) i++;
      if (i < this.le) break; // a comment ends it
    }
    this.load(last);
    if (last === first) return undefined;
    this.nodeEnd = end;
    return value;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header is at `p`, its collection's indent
   * `coll`; clip or strip (`-`) chomping. Gives up on keep chomping, indentation indicators, leading
   * blank lines, an empty scalar, blank lines holding more spaces than the indent, and more-indented
   * lines in a folded scalar. Leaves the reader after it (comment lines after a block scalar are
   * never attached to it in yaml) and its end in nodeEnd.
   */
  private blockScalar(p: number, coll: number): YScalar {
    const t = this.text;
    this.count();
    const literal = t.charCodeAt(p) === PIPE;
    let i = p + 1;
    const strip = t.charCodeAt(i) === DASH;
    if (strip) i++;
    if (i < this.le && t.charCodeAt(i) !== SPACE) throw GIVE_UP; // `|+`, `|2`, `|x`
    while (t.charCodeAt(i) === SPACE) i++;
    if (i < this.le) this.comment(i, this.le); // `| # ...`: not `#` right after the indicator, see above
    this.next();
    // The indent of the first line sets the scalar's; a `#` line inside is text, not a comment.
    if (this.kind !== CONTENT && this.kind !== COMMENT) throw GIVE_UP;
    const indent = this.cs - this.ls;
    if (indent <= coll) throw GIVE_UP;
    let value = '';
    let end = 0;
    let blanks = 0;
    for (let first = true; ; this.next()) {
      const kind: number = this.kind;
      if (kind === EOF) break;
      if (kind === BLANK) {
        if (this.le - this.ls > indent) throw GIVE_UP;
        blanks++;
        continue;
      }
      if (this.cs - this.ls < indent) break;
      if (!literal && this.cs - this.ls > indent) throw GIVE_UP;
      const line = t.slice(this.ls + indent, this.le);
      if (first) value = line;
      else if (literal) value += '\n'.repeat(blanks + 1) + line;
      else value += (blanks > 0 ? '\n'.repeat(blanks) : ' ') + line;
      first = false;
      blanks = 0;
      end = this.lineEnd();
    }
    if (!strip) value += '\n';
    this.skipRun(Infinity);
    this.nodeEnd = end;
    return { type: 'scalar', value, span: { start: p, end } };
  }

  /** After a one-line value: spaces, then the line's end or a comment. */
  private lineRest(from: number): void {
    const t = this.text;
    let i = from;
    while (t.charCodeAt(i) === SPACE) i++;
    if (i >= this.le) return;
    if (t.charCodeAt(i) !== HASH || i === from) throw GIVE_UP;
    this.comment(i, this.le);
  }

  /**
   * The end of a one-line plain scalar from `p` (trailing spaces left out). In block context it
   * runs to the line's end or a comment; a `: ` inside it gives up (a map on one line, which YAML
   * refuses). In a flow collection it also stops at `,`, `]`, `}` and `:`.
   */
  private plainEnd(p: number, flow: boolean): number {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (NOT_PLAIN_START.has(c) || (c === DASH && (p + 1 >= this.le || t.charCodeAt(p + 1) === SPACE || flow))) throw GIVE_UP;
    let i = p + 1;
    let end = i;
    for (; i < this.le; i++) {
      const x = t.charCodeAt(i);
      if (x === SPACE) continue;
      if (x === HASH && t.charCodeAt(i - 1) === SPACE) break;
      if (flow && FLOW_STOP.has(x)) {
        if (x === LBRACKET || x === LBRACE) throw GIVE_UP;
        // `a:b` is one scalar (`system:masters`, `web:1`); before a space or flow indicator, `:` ends it.
        if (x === COLON && i + 1 < this.le && !FLOW_STOP.has(t.charCodeAt(i + 1)) && t.charCodeAt(i + 1) !== SPACE) {
          end = i + 1;
          continue;
        }
        break; // `,`, `]`, `}` or `:`: the flow collection decides
      }
      if (x === COLON && (i + 1 >= this.le || t.charCodeAt(i + 1) === SPACE)) throw GIVE_UP;
      end = i + 1;
    }
    return end;
  }

  /** Where the key starting at `at` ends (its `:`), or -1 when the line does not start a `key: ` there. */
  private keyEnd(at: number): number {
    const t = this.text;
    const c = t.charCodeAt(at);
    let i: number;
    if (c === DQUOTE || c === SQUOTE) {
      i = this.quotedEnd(at);
    } else {
      if (NOT_PLAIN_START.has(c) || c === DASH) {
        // `-x: y` is a key in YAML, but rare in manifests; `- ` starts an item.
        return -1;
      }
      i = at + 1;
      for (; i < this.le; i++) {
        const x = t.charCodeAt(i);
        if (x === COLON && (i + 1 >= this.le || t.charCodeAt(i + 1) === SPACE)) break;
        if (x === HASH && t.charCodeAt(i - 1) === SPACE) return -1;
      }
      if (i >= this.le) return -1;
      if (t.charCodeAt(i - 1) === SPACE) throw GIVE_UP; // `key :`
      if (i - at > 1000) throw GIVE_UP; // yaml refuses implicit keys over 1024 characters
    }
    if (t.charCodeAt(i) !== COLON || (i + 1 < this.le && t.charCodeAt(i + 1) !== SPACE)) return -1;
    return i;
  }

  /** The key as the full path stringifies it (String of the resolved scalar, '' for null). */
  private keyText(at: number, colon: number): string {
    const c = this.text.charCodeAt(at);
    if (c === DQUOTE || c === SQUOTE) return this.quotedText(at, colon);
    const v = plainScalar(this.text.slice(at, colon));
    return v === null ? '' : String(v);
  }

  /** Past the closing quote of a one-line quoted scalar at `p`; gives up on escapes and on a quote left open on its line. */
  private quotedEnd(p: number): number {
    const t = this.text;
    const q = t.charCodeAt(p);
    for (let i = p + 1; i < this.le; i++) {
      const x = t.charCodeAt(i);
      if (x === q) {
        if (q === SQUOTE && t.charCodeAt(i + 1) === SQUOTE) {
          i++;
          continue;
        }
        return i + 1;
      }
      if (x === 92 && q === DQUOTE) throw GIVE_UP; // backslash escapes
    }
    throw GIVE_UP;
  }

  private quotedText(p: number, end: number): string {
    const s = this.text.slice(p + 1, end - 1);
    return this.text.charCodeAt(p) === SQUOTE && s.includes("''") ? s.replace(/''/g, "'") : s;
  }

  /** A flow collection on one line, `[a, "b", {c: d}]` or `{ name: x, labels: {} }`, its items scalars or flow collections. */
  private flow(p: number, depth: number): YSeq | YMap {
    if (depth >= this.maxDepth) throw GIVE_UP;
    const t = this.text;
    const isMap = t.charCodeAt(p) === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    const items: YNode[] = [];
    const entries: YEntry[] = [];
    const keys = new Set<string>();
    let i = p + 1;
    while (t.charCodeAt(i) === SPACE) i++;
    if (t.charCodeAt(i) !== close) {
      for (;;) {
        if (isMap) {
          const keyStart = i;
          i = this.flowScalarEnd(i);
          // `key: value` only: no `{a}`, `{a: }` or `{a:b}`.
          if (t.charCodeAt(i) !== COLON || t.charCodeAt(i + 1) !== SPACE) throw GIVE_UP;
          const key = this.keyText(keyStart, i);
          if (key === '<<' || keys.has(key)) throw GIVE_UP;
          keys.add(key);
          const keySpan = { start: keyStart, end: i };
          i += 2;
          while (t.charCodeAt(i) === SPACE) i++;
          entries.push({ key, keySpan, value: this.flowItem(i, depth) });
        } else {
          items.push(this.flowItem(i, depth));
        }
        i = this.nodeEnd;
        while (t.charCodeAt(i) === SPACE) i++;
        const x = t.charCodeAt(i);
        if (x === close) break;
        if (x !== COMMA) throw GIVE_UP;
        i++;
        while (t.charCodeAt(i) === SPACE) i++;
        if (t.charCodeAt(i) === close) throw GIVE_UP; // a trailing comma
      }
    }
    this.count();
    const span = { start: p, end: i + 1 };
    this.nodeEnd = span.end;
    return isMap ? { type: 'map', entries, span } : { type: 'seq', items, span };
  }

  /** An item of a flow collection at `i`: a scalar or a flow collection; its end in nodeEnd. */
  private flowItem(i: number, depth: number): YNode {
    const c = this.text.charCodeAt(i);
    if (c === LBRACKET || c === LBRACE) return this.flow(i, depth + 1);
    const end = this.flowScalarEnd(i);
    this.count();
    this.nodeEnd = end;
    return { type: 'scalar', value: this.scalarText(i, end), span: { start: i, end } };
  }

  /** The end of a quoted or plain scalar at `i` inside a flow collection (a plain one stops before `,`, `]`, `}` or `:`). */
  private flowScalarEnd(i: number): number {
    const c = this.text.charCodeAt(i);
    return c === DQUOTE || c === SQUOTE ? this.quotedEnd(i) : this.plainEnd(i, true);
  }

  /** The value of the quoted or plain scalar text from `p` to `end`. */
  private scalarText(p: number, end: number): string | number | boolean | null {
    const c = this.text.charCodeAt(p);
    return c === DQUOTE || c === SQUOTE ? this.quotedText(p, end) : plainScalar(this.text.slice(p, end));
  }
}
