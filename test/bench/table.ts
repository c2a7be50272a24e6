// The table every benchmark section prints: a measure, its value (right-aligned), the target and
// whether it was met, then a line counting the missed targets. Benchmarks report; they never assert.
export interface Row {
  measure: string;
  value: string;
  target?: string;
  ok?: boolean;
}

export function print(table: Row[], title = 'measure'): void {
  const cells = table.map((r) => [r.measure, r.value, r.target ?? '', r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED']);
  const header = [title, 'value', 'target', 'ok?'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === 1 ? x.padStart(widths[i]) : x.padEnd(widths[i])))
      .join(' | ')
      .trimEnd();
  console.log([line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n'));
  const missed = table.filter((r) => r.ok === false).length;
  console.log(missed ? `\n${missed} target(s) MISSED` : '\nall targets met');
}
