// "Did you mean": the closest candidate by case-insensitive equality, then by edit distance.

/** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate the word most likely means, or undefined when none is close. Ties: first candidate. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const list = [...candidates].filter((c) => c !== word && c !== '' && c !== '*');
  const exact = list.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  // Short words tolerate one edit, longer ones a third of their length.
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of list) {
    if (Math.abs(c.length - word.length) > limit) continue;
    const dist = editDistance(lower, c.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return best;
}

/** ' Did you mean "x"?' or ''; note follows the word, e.g. ' (in the "apps" group)'. */
export function didYouMean(word: string | undefined, note = ''): string {
  return word === undefined ? '' : ` Did you mean ${JSON.stringify(word)}${note}?`;
}
