// A path into a manifest tree: map keys and sequence indexes, as in `rules[1].verbs[2]`.
export type Path = ReadonlyArray<string | number>;

/** `rules[1].verbs[2]`, the way the API server writes field paths. */
export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Whether `path` matches `pattern`, where '#' in the pattern stands for any index. */
export function pathIs(path: Path, ...pattern: string[]): boolean {
  return path.length === pattern.length && pattern.every((p, i) => (p === '#' ? typeof path[i] === 'number' : path[i] === p));
}
