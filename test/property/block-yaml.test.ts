// The fast path of manifest parsing (block-yaml.ts) against the full one (yaml's Parser and
// Composer): on every text the fast reader accepts, both must give the same objects, trees, spans,
// values, comments, problems and document counts. Texts are random manifests in many layouts
// (indents, comments at every depth, blank lines, flow collections, quoting, tricky scalars, CRLF),
// then randomly mutated, so that both accepted and refused texts near the subset's edges occur.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { readBlockYaml } from '../../server/src/core/manifest/block-yaml';
import {
  composeDocuments,
  computeLineStarts,
  DEFAULT_MAX_NODES,
  MAX_DEPTH,
  parseDocuments,
  type ParsedFile,
} from '../../server/src/core/manifest/parse';
import { repoPath, repoRoot } from '../helpers/repo';
import { params } from './arbitraries';

const fresh = (text: string): ParsedFile => ({
  file: 'f.yaml',
  text,
  manifests: [],
  problems: [],
  comments: [],
  lineStarts: computeLineStarts(text),
});

/** Whether the fast path took the text; when it did, asserts it gave what the full path gives. */
function agree(text: string): boolean {
  if (!readBlockYaml(text, DEFAULT_MAX_NODES, MAX_DEPTH)) return false;
  const fast = fresh(text);
  const full = fresh(text);
  const counts = parseDocuments(fast, DEFAULT_MAX_NODES);
  assert.deepEqual(counts, composeDocuments(full, DEFAULT_MAX_NODES), 'documents and plainness');
  assert.deepEqual(fast.comments, full.comments, 'comments');
  assert.deepEqual(fast.problems, full.problems, 'problems');
  assert.deepEqual(fast.manifests, full.manifests, 'objects, trees and spans');
  return true;
}

/** Scalar sources: plain, quoted and flow, of every type the core schema resolves. */
const SCALARS = [
  'web',
  'nginx:1.27',
  'http://example.com:80/x',
  'a#b',
  'a # comment',
  'two  words',
  '-1',
  '+12',
  '--port=8080',
  '007',
  '0x1F',
  '0o17',
  '1.5',
  '1.50',
  '.5',
  '1e3',
  '-.inf',
  '.NaN',
  'true',
  'False',
  'TRUE',
  'yes',
  'null',
  'Null',
  '~',
  '""',
  '"a b"',
  '"x: y # z"',
  "'it''s'",
  "''",
  '[]',
  '[ ]',
  '{}',
  '["get", "list"]',
  '[get, list, watch]',
  '[system:masters, ops]',
  '[a, [b, c], {d: e}]',
  '{ name: x, ns: "y" }',
  '{a: b:c}',
  '🚀 team',
  // multi-line plain scalars: § is the indent of a continuation line
  'one\n§two',
  'one\n\n§two\n§three',
  'word\n§ indented more  ',
  '1\n§2',
  'one\n§two # c',
  'one # c\n§two',
  'a\n§-b\n§c:d',
  // block scalars
  '|\n§line one\n§  more: x # y\n\n§last',
  '>-\n§a\n§b\n\n\n§c',
  '| # header\n§# not a comment\n§---',
  '|-\n§x',
  '>\n§x',
];
/** Values the reader leaves to the full path, valid YAML or not. */
const REFUSED = [
  '|+\n§x',
  '|2\n§ x',
  '|\n\n§x',
  '>\n§a\n§  b',
  '|x',
  '"es\\"cape"',
  '"open',
  '[a, ]',
  '[a:, b]',
  '{a}',
  '[unclosed',
  '&anchor x',
  '*alias',
  '!tag x',
  '|',
  '? x',
  'a: b',
  'one\n§two: three',
  'one\n§- two',
  'one\n§"two"',
];
const KEYS = ['name', 'verbs', 'a b', '"quoted"', "'single'", '1', '1.0', 'true', '~', 'x.y/z', 'key', 'k#h'];
const scalar = fc.oneof({ arbitrary: fc.constantFrom(...SCALARS), weight: 12 }, { arbitrary: fc.constantFrom(...REFUSED), weight: 1 });
const key = fc.oneof(
  { arbitrary: fc.constantFrom(...KEYS), weight: 12 },
  { arbitrary: fc.constantFrom('<<', '-x', '? k', 'k :', 'key'), weight: 1 },
);

type Tree = { s: string } | { m: Array<[string, Tree]> } | { q: Tree[] };
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar.map((s): Tree => ({ s })),
    fc.uniqueArray(fc.tuple(key, tie('tree')), { maxLength: 4, selector: ([k]) => k }).map((m): Tree => ({ m })),
    fc.array(tie('tree'), { maxLength: 3 }).map((q): Tree => ({ q })),
  ),
}));

/** Renders a tree as block YAML; `tape` drives the layout choices (indent widths, comments, blank lines). */
function render(docs: Array<Array<[string, Tree]>>, tape: number[], separators: string[]): string {
  let t = 0;
  const pick = (n: number): number => (tape.length === 0 ? 0 : tape[t++ % tape.length] % n);
  const pad = (n: number): string => ' '.repeat(n);
  const lines: string[] = [];
  const decorate = (indent: number): void => {
    switch (pick(8)) {
      case 0:
        lines.push(`${pad(pick(indent + 5))}# note ${pick(9)}`);
        break;
      case 1:
        lines.push('');
        break;
      case 2:
        lines.push(pad(pick(6)));
        break;
    }
  };
  const trailer = (): string => (pick(6) === 0 ? ' # tail' : pick(9) === 0 ? '  ' : '');
  /** `lead` (`key:` or `-`, indented to `at`) starts the line that holds or introduces `node`. */
  const block = (node: Tree, at: number, lead: string, inMap: boolean): void => {
    if ('s' in node) {
      // Continuation lines mostly share one indent deeper than the collection; some stray from it.
      const indent = at + 1 + pick(3);
      const stray = (): number => (pick(3) === 0 ? at : at + 1 + pick(4));
      return void lines.push(`${lead} ${node.s.replace(/§/g, () => pad(pick(5) === 0 ? stray() : indent))}${trailer()}`);
    }
    if ('m' in node) {
      if (node.m.length === 0) return void lines.push(`${lead}${pick(3) === 0 ? '' : ' {}'}${trailer()}`);
      if (!inMap && pick(2) === 0) {
        // compact: `- key: value`, the map's keys at the column after `- `
        node.m.forEach(([k, v], i) => block(v, at + 2, i === 0 ? `${lead} ${k}:` : `${pad(at + 2)}${k}:`, true));
        return;
      }
      const inner = at + 1 + pick(4);
      lines.push(`${lead}${trailer()}`);
      decorate(inner);
      for (const [k, v] of node.m) {
        block(v, inner, `${pad(inner)}${k}:`, true);
        decorate(inner);
      }
      return;
    }
    if (node.q.length === 0) return void lines.push(`${lead}${pick(3) === 0 ? '' : ' []'}${trailer()}`);
    lines.push(`${lead}${trailer()}`);
    // A map's value may be a sequence at the map's own indent.
    const col = inMap && pick(3) === 0 ? at : at + 1 + pick(3);
    for (const item of node.q) {
      block(item, col, `${pad(col)}-`, false);
      decorate(col);
    }
  };
  docs.forEach((entries, d) => {
    if (d > 0 || pick(4) === 0) lines.push(separators[d % separators.length]);
    decorate(0);
    // Most roots are objects, so that the comparison covers manifests, not just comments.
    if (pick(5) > 0) lines.push('apiVersion: v1', `kind: ${pick(2) ? 'ConfigMap' : 'RoleList'}`);
    for (const [k, v] of entries) {
      block(v, 0, `${k}:`, true);
      decorate(0);
    }
  });
  // Some files come from Windows.
  const eol = pick(5) === 0 ? '\r\n' : '\n';
  return lines.join(eol) + (pick(4) === 0 ? '' : eol);
}

const MUTATION_CHARS = [' ', '\n', '#', ':', '-', '[', ']', '{', '}', ',', '"', "'", '&', '*', '!', '|', '?', 'a', '1', '\t', '\r'];
const mutation = fc.tuple(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom('insert', 'delete', 'replace'),
  fc.constantFrom(...MUTATION_CHARS),
);

function mutate(text: string, edits: Array<[number, string, string]>): string {
  for (const [at, op, c] of edits) {
    const i = Math.floor(at * text.length);
    if (op === 'insert') text = text.slice(0, i) + c + text.slice(i);
    else if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
    else text = text.slice(0, i) + c + text.slice(i + 1);
  }
  return text;
}

const SEPARATORS = fc.array(
  fc.oneof(
    { arbitrary: fc.constantFrom('---', '--- # next', '---  '), weight: 12 },
    { arbitrary: fc.constantFrom('...', '%YAML 1.2\n---', '---x'), weight: 1 },
  ),
  { minLength: 1, maxLength: 2 },
);
const texts = fc
  .tuple(
    fc.array(
      fc.uniqueArray(fc.tuple(fc.oneof(key, fc.constantFrom('metadata', 'rules', 'data')), tree), { maxLength: 5, selector: ([k]) => k }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
    SEPARATORS,
  )
  .map(([docs, tape, seps]) => render(docs, tape, seps));

test('the fast path gives what the full path gives, on every text it takes (random manifests)', () => {
  let taken = 0;
  let runs = 0;
  fc.assert(
    fc.property(texts, (text) => {
      runs++;
      if (agree(text)) taken++;
    }),
    params(20261129, 3000),
  );
  // The generator keeps most texts inside the subset; if the reader stopped taking them, this test would test nothing.
  assert.ok(taken > runs / 4, `the fast path took ${taken} of ${runs} texts`);
});

test('the fast path gives what the full path gives, on every text it takes (mutated manifests)', () => {
  fc.assert(
    fc.property(texts, fc.array(mutation, { minLength: 1, maxLength: 3 }), (text, edits) => {
      agree(mutate(text, edits));
    }),
    params(20261130, 3000),
  );
});

test('the manifests of the example workspace and the test fixtures take the fast path, with the same result', () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) files.push(p);
    }
  };
  walk(repoPath('example'));
  walk(repoPath('test/fixtures'));
  const refused = files.filter((f) => !agree(readFileSync(f, 'utf8')));
  // What the fast path leaves to the full one: an escaped quote, YAML errors, an alias bomb.
  assert.deepEqual(
    refused.map((f) => relative(repoRoot, f)).sort(),
    ['test/fixtures/audit/hostile.yaml', 'test/fixtures/lint/broken.yaml', 'test/fixtures/manifest/lol.yaml'].sort(),
  );
});
