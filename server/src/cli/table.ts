// Go's text/tabwriter as kubectl configures it (printers.GetNewTabWriter: minwidth 6, tabwidth 4,
// padding 3, padded with spaces): each column as wide as its widest cell plus 3, at least 6;
// the last cell of a row is not padded. And the `kubectl auth can-i --list` table on top of it.
import { accessListRows } from '../core/rbac/rules-table';
import type { PolicyRule } from '../core/rbac/types';

export function formatTable(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Math.max(6, cell.length + 3));
    });
  }
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]) : cell)).join('') + '\n').join('');
}

/** The table of `kubectl auth can-i --list`: rules broken down, compacted and sorted as kubectl does. */
export function accessTable(rules: readonly PolicyRule[], headers: boolean): string {
  const header = headers ? [['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']] : [];
  return formatTable([...header, ...accessListRows(rules)]);
}
