// Markdown tables for hovers. Cells are code spans, so names cannot inject Markdown.
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(header: string[], rows: string[][], limit = 40): string {
  const shown = rows.slice(0, limit);
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...shown.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  if (rows.length > limit) lines.push('', `… and ${rows.length - limit} more`);
  return lines.join('\n');
}

/** Inline code that survives backticks inside. */
export function inlineCode(s: string): string {
  if (s === '') return '`""`';
  const fence = s.includes('`') ? '``' : '`';
  return `${fence}${s}${fence}`;
}
