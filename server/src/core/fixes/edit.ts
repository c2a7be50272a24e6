// Text edits on YAML (and JSON) manifests that keep the author's layout: flow or block
// collections, quotes, indentation. Offsets into the file text; the server turns them into ranges.
import type { Span, YMap, YNode, YSeq } from '../manifest/parse';

export interface Edit {
  span: Span;
  text: string;
}

const isFlow = (text: string, node: YMap | YSeq): boolean => text[node.span.start] === '[' || text[node.span.start] === '{';
/** Where the line holding `offset` starts. Offset 0 is on the first line: `lastIndexOf('\n', -1)` would look at index 0. */
export const lineStart = (text: string, offset: number): number => (offset <= 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1);
const lineEnd = (text: string, offset: number): number => {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i > 0 && text[i - 1] === '\r' ? i - 1 : i;
};
const eol = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');
/** The spaces and tabs a line starts with. */
export const indentOf = (text: string, offset: number): string => /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];

/** Words YAML 1.1 or 1.2 would read as something else than a string when unquoted. */
const NOT_PLAIN = /^[-?:,[\]{}#&*!|>'"%@`~+.\d\s]|: | #|:$|\s$|^(?:true|false|yes|no|on|off|y|n|null)$/i;

/** A scalar holding `value`, quoted as `old` (the text it replaces) is. */
export function scalarText(old: string, value: string): string {
  if (old.startsWith("'")) return `'${value.replace(/'/g, "''")}'`;
  if (old.startsWith('"') || value === '' || NOT_PLAIN.test(value)) return JSON.stringify(value);
  return value;
}

/** Replaces the scalar `node` by `value`, keeping its quotes. */
export function replaceScalar(text: string, node: YNode, value: string): Edit {
  return { span: node.span, text: scalarText(text.slice(node.span.start, node.span.end), value) };
}

/** Replaces one item of a sequence by several, one per line in a block sequence; undefined if the layout is unusual. */
export function replaceItem(text: string, seq: YSeq, item: YNode, values: readonly string[]): Edit | undefined {
  if (values.length === 0) return undefined;
  const old = text.slice(item.span.start, item.span.end);
  const items = values.map((v) => scalarText(old, v));
  if (isFlow(text, seq)) return { span: item.span, text: items.join(', ') };
  const prefix = text.slice(lineStart(text, item.span.start), item.span.start);
  if (!/^[ \t]*-[ \t]+$/.test(prefix)) return undefined;
  return { span: item.span, text: items.join(eol(text) + prefix) };
}

/** Adds an item at the end of a non-empty sequence. */
export function appendItem(text: string, seq: YSeq, value: string): Edit | undefined {
  const last = seq.items.at(-1);
  if (!last) return undefined;
  const item = scalarText(text.slice(last.span.start, last.span.end), value);
  const end = trimEnd(text, last.span);
  if (isFlow(text, seq)) return { span: { start: end, end }, text: `, ${item}` };
  const prefix = text.slice(lineStart(text, last.span.start), last.span.start);
  if (!/^[ \t]*-[ \t]+$/.test(prefix)) return undefined;
  const at = lineEnd(text, end);
  return { span: { start: at, end: at }, text: eol(text) + prefix + item };
}

/** Sets `key` of a map to a value written as YAML text: replaces the value, or adds the entry after the last one. */
export function setEntry(text: string, map: YMap, key: string, value: string): Edit | undefined {
  const existing = map.entries.filter((e) => e.key === key).at(-1);
  if (existing) {
    const v = existing.value.span;
    // `key:` with no value: the empty value sits right after the colon.
    return v.start === v.end ? { span: { start: v.start, end: v.end }, text: ` ${value}` } : { span: v, text: value };
  }
  const last = map.entries.at(-1);
  if (isFlow(text, map)) {
    const quoted = last && text[last.keySpan.start] === '"';
    const entry = `${quoted ? JSON.stringify(key) : key}: ${value}`;
    if (!last) return { span: { start: map.span.start + 1, end: map.span.start + 1 }, text: entry };
    const end = trimEnd(text, last.value.span.end > last.keySpan.end ? last.value.span : last.keySpan);
    return { span: { start: end, end }, text: `, ${entry}` };
  }
  if (!last) return undefined;
  const first = map.entries[0].keySpan.start;
  const indent = ' '.repeat(first - lineStart(text, first));
  const at = lineEnd(text, trimEnd(text, last.value.span.end > last.keySpan.end ? last.value.span : last.keySpan));
  return { span: { start: at, end: at }, text: `${eol(text)}${indent}${key}: ${value}` };
}

/** The end of a span without the whitespace block collections end with. */
function trimEnd(text: string, span: Span): number {
  let end = span.end;
  while (end > span.start && /\s/.test(text[end - 1])) end--;
  return end;
}
