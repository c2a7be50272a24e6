// The tree of one YAML document as an editor holds it mid-edit. yaml recovers from most errors
// (an unclosed `[`, a missing quote, a key without a value) and still gives positioned nodes;
// parse.ts refuses such documents, which is right for checks but not for completion.
import { Composer, Parser, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode, Pair } from 'yaml';
import { MAX_DEPTH as PARSE_MAX_DEPTH, walkCst, type Span, type YEntry, type YMap, type YNode } from '../manifest/parse';

/** Collections nested deeper are left out (the editor's document is user input). */
const MAX_DEPTH = 64;

/** The tree of `text` (one document), its spans shifted by `base`; undefined when it holds no map. */
export function tolerantTree(text: string, base: number): YMap | undefined {
  let contents: unknown;
  // yaml makes an Error, stack and all, per syntax error; a half-typed document has many and they
  // are dropped here, so skip the stacks (completion runs on every keystroke).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // parseDocument, with parse.ts's guard: yaml's composer recurses per nesting level and
    // overflows the stack on `- - - …` 10,000 deep (V8 may abort the process if that happens while
    // it compiles a regexp), so deeper documents are not composed; indentation answers.
    const tokens = Array.from(new Parser().parse(text));
    if (tokens.some((t) => walkCst(t, []) > PARSE_MAX_DEPTH)) return undefined;
    const [doc] = new Composer({ uniqueKeys: false }).compose(tokens, true, text.length);
    contents = doc?.contents;
  } catch {
    return undefined;
  } finally {
    Error.stackTraceLimit = limit;
  }
  const root = contents ? convert(contents as YamlNode, base, 0) : undefined;
  return root?.type === 'map' ? root : undefined;
}

function spanOf(node: YamlNode | null | undefined, base: number): Span {
  const r = node?.range;
  return r ? { start: r[0] + base, end: r[1] + base } : { start: base, end: base };
}

function convert(node: YamlNode, base: number, depth: number): YNode {
  const span = spanOf(node, base);
  if (depth > MAX_DEPTH) return { type: 'scalar', value: null, span };
  if (isScalar(node)) {
    const v = node.value;
    const value =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === null ? null : String(node.source ?? '');
    return { type: 'scalar', value, span };
  }
  if (isSeq(node)) {
    const items = node.items.map((it) => (isPair(it) ? pairMap(it, base, depth + 1) : convert(it as YamlNode, base, depth + 1)));
    return { type: 'seq', items, span };
  }
  if (isMap(node)) return { type: 'map', entries: node.items.map((p) => entry(p, base, depth + 1)), span };
  return { type: 'scalar', value: null, span }; // aliases: not followed while editing
}

function entry(pair: Pair, base: number, depth: number): YEntry {
  const key = pair.key as YamlNode | null;
  const keySpan = key ? spanOf(key, base) : spanOf(pair.value as YamlNode | null, base);
  const k: unknown = key && isScalar(key) ? key.value : '';
  const keyText = typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' ? String(k) : '';
  const value = pair.value
    ? convert(pair.value as YamlNode, base, depth)
    : ({ type: 'scalar', value: null, span: { start: keySpan.end, end: keySpan.end } } as const);
  return { key: keyText, keySpan, value };
}

function pairMap(pair: Pair, base: number, depth: number): YMap {
  const e = entry(pair, base, depth);
  return { type: 'map', entries: [e], span: { start: e.keySpan.start, end: e.value.span.end } };
}
