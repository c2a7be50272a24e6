// Where the cursor is in a YAML document, read from indentation alone. Used where the tree has
// no node: a blank line inside a rule, `  - ` under `rules:`, `verbs: [get, ` that does not parse.
// Each line is read as its structural elements: `- ` dashes and `key:`s, with their columns.
import type { Path } from './path';
import { positionAt } from '../manifest/parse';

interface Elem {
  col: number;
  /** A `- ` sequence entry; otherwise a `key:`. */
  dash: boolean;
  key: string;
}

interface ParsedLine {
  elems: Elem[];
  /** Column and text after the last element (a value, or a token being typed). */
  restCol: number;
  rest: string;
}

// A key: quoted, or plain up to the first `:` followed by a space or the end.
const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s"'#[\]{},][^#]*?))[ \t]*:(?=[ \t]|$)/;

export function parseLine(line: string): ParsedLine {
  const elems: Elem[] = [];
  let pos = line.length - line.trimStart().length;
  for (;;) {
    if (line[pos] === '-' && (pos + 1 === line.length || line[pos + 1] === ' ' || line[pos + 1] === '\t')) {
      elems.push({ col: pos, dash: true, key: '' });
      pos++;
      while (line[pos] === ' ' || line[pos] === '\t') pos++;
      continue;
    }
    const m = KEY.exec(line.slice(pos));
    if (!m) break;
    elems.push({ col: pos, dash: false, key: m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3] });
    pos += m[0].length + 1;
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
    break;
  }
  pos = Math.min(pos, line.length);
  return { elems, restCol: pos, rest: line.slice(pos) };
}

export interface LinePosition {
  path: Path;
  /** 'key': a key of the map at `path` is being typed; 'value': the value at `path`. */
  at: 'key' | 'value';
  /** Offset where the text after the last element starts, and that text up to the cursor. */
  restStart: number;
  rest: string;
}

/**
 * The path at `offset`, from the lines of the document (starting at `docStart`) up to the cursor.
 * Lines above are read with their whole text; the cursor's line only up to the cursor.
 */
export function positionFromLines(text: string, lineStarts: number[], docStart: number, offset: number): LinePosition {
  const lineOf = (off: number): number => positionAt(lineStarts, off).line;
  const first = lineOf(docStart);
  const cur = lineOf(offset);
  const cache = new Map<number, Elem[] | undefined>();
  const elemsOf = (i: number): Elem[] | undefined => {
    if (cache.has(i)) return cache.get(i);
    const raw = text.slice(lineStarts[i], (lineStarts[i + 1] ?? text.length + 1) - 1).replace(/\r$/, '');
    const skip = /^\s*(#|$)/.test(raw) || /^(---|\.\.\.)(\s|$)/.test(raw);
    const elems = skip ? undefined : parseLine(raw).elems;
    cache.set(i, elems?.length ? elems : undefined);
    return cache.get(i);
  };

  /** The element above line `from` that owns column `col` (the rightmost one left of it); a dash may belong to a key at its own column. */
  const owner = (from: number, col: number, dash: boolean): { line: number; idx: number; index: number } | undefined => {
    let index = 0;
    for (let l = from - 1; l >= first; l--) {
      const es = elemsOf(l);
      if (!es) continue;
      let idx = -1;
      for (let k = 0; k < es.length; k++) if (es[k].col < col) idx = k;
      if (idx >= 0) return { line: l, idx, index };
      const same = es.find((e) => e.col === col);
      if (dash && same?.dash) index++;
      else if (dash && same) return { line: l, idx: es.indexOf(same), index }; // `rules:` then `- ...` at the same column
    }
    return dash ? { line: -1, idx: -1, index } : undefined;
  };

  /** The path of element `idx` of a line: its own segment after those of the elements left of it, or of its owner above. */
  const pathOf = (line: number, idx: number, es: Elem[]): Path => {
    // A loop, not recursion: the nesting is up to the text (`- - - …` 10,000 times on one line
    // overflowed the stack, and V8 aborts the process when that happens while compiling a regexp).
    const reversed: Array<string | number> = [];
    for (;;) {
      const e = es[idx];
      if (idx > 0) {
        reversed.push(e.dash ? 0 : e.key);
        idx--;
        continue;
      }
      const o = owner(line, e.col, e.dash);
      reversed.push(e.dash ? (o?.index ?? 0) : e.key);
      if (!o || o.line < 0) return reversed.reverse();
      [line, idx, es] = [o.line, o.idx, elemsOf(o.line)!];
    }
  };

  const lineText = text.slice(lineStarts[cur], offset);
  const { elems, restCol, rest } = parseLine(lineText);
  const restStart = lineStarts[cur] + restCol;
  if (elems.length > 0) return { path: pathOf(cur, elems.length - 1, elems), at: 'value', restStart, rest };
  // Nothing structural before the cursor: a key of the map this column belongs to is being typed.
  const col = restCol;
  const o = owner(cur, col, false);
  return { path: o ? pathOf(o.line, o.idx, elemsOf(o.line)!) : [], at: 'key', restStart, rest };
}
