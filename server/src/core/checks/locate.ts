// Where a finding points: the element at a field path, or the nearest part of it that exists.
import { nodeAt, type Manifest, type Span, type YMap, type YNode } from '../manifest/parse';
import type { Finding, Severity } from './check';

export type Path = ReadonlyArray<string | number>;

/**
 * The span of the value at `path` (its key when the value is empty, as in `verbs:`). A missing
 * field falls back to the nearest existing parent: the key of a map field (`roleRef`), a list
 * item (the rule or subject map), or for the object itself its `kind`.
 */
export function spanAt(root: YMap, path: Path): Span {
  let cur: YNode = root;
  let key: Span | undefined;
  for (const p of path) {
    let next: YNode | undefined;
    let nextKey: Span | undefined;
    if (typeof p === 'number') {
      if (cur.type === 'seq') next = cur.items[p];
    } else if (cur.type === 'map') {
      for (const e of cur.entries) if (e.key === p) [next, nextKey] = [e.value, e.keySpan];
    }
    if (!next) return parentSpan(root, cur, key);
    cur = next;
    key = nextKey;
  }
  return cur.span.start === cur.span.end && key ? key : cur.span;
}

function parentSpan(root: YMap, node: YNode, key: Span | undefined): Span {
  if (node === root) return nodeAt(root, ['kind'])?.span ?? root.span;
  return key ?? node.span;
}

/** A finding on an object's manifest at a field path. */
export function findingAt(check: string, severity: Severity, m: Manifest, path: Path, message: string): Finding {
  return { check, severity, message, file: m.file, span: spanAt(m.node, path) };
}

/** `rules[0].verbs` from ['rules', 0, 'verbs'], as the API server writes field paths. */
export function fieldPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A finding on one list item, its message led by the item's path and value: `rules[0].verbs[1] "gets": ...`. */
export function itemFinding(check: string, severity: Severity, m: Manifest, path: Path, value: string, message: string): Finding {
  return findingAt(check, severity, m, path, `${fieldPath(path)} ${JSON.stringify(value)}: ${message}`);
}
