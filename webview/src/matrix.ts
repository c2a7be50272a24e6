// The access-matrix page's script (client/src/matrix-panel.ts hosts it): builds the table from the
// JSON the extension posts, with textContent only (no HTML from data), and sends back button clicks.
import type { AccessMatrixResult, AccessSubject, MatrixCellResult } from '../../server/src/protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

type ToPage =
  | { type: 'start'; subject: AccessSubject; namespace: string; diffWith?: AccessSubject }
  | { type: 'progress'; percentage: number; message: string }
  | { type: 'result'; result: AccessMatrixResult }
  | { type: 'error'; message: string };

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = (tag: string, text?: string, cls?: string): HTMLElement => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

const cancel = $<HTMLButtonElement>('cancel');
const rerun = $<HTMLButtonElement>('rerun');
const diff = $<HTMLButtonElement>('diff');
const onlyYes = $<HTMLInputElement>('only-yes');
const progress = $<HTMLProgressElement>('progress');
let last: AccessMatrixResult | undefined;

function busy(on: boolean): void {
  cancel.disabled = !on;
  rerun.disabled = on;
  diff.disabled = on;
  progress.classList.toggle('hidden', !on);
}

function cellText(c: MatrixCellResult): string {
  const mark = c.server === 'yes' ? '✓' : c.server === 'no' ? '✗' : '!';
  return c.cause && c.kubeid && c.kubeid !== c.server ? `${mark} (kubeid: ${c.kubeid})` : mark;
}

function cellTitle(c: MatrixCellResult): string {
  return [
    `server: ${c.server}${c.reason ? ` — ${c.reason}` : ''}`,
    ...(c.kubeid ? [`kubeid: ${c.kubeid}${c.kubeidReason ? ` — ${c.kubeidReason}` : ''}`] : []),
    ...(c.cause ? [`cause: ${c.cause}${c.explanation ? ` — ${c.explanation}` : ''}`] : []),
  ].join('\n');
}

function render(r: AccessMatrixResult): void {
  $('title').textContent = `Access of ${r.identity} in namespace ${r.namespace}`;
  $('subtitle').textContent =
    `As the API server of context ${r.context} answers for ${r.user.name} [${r.user.groups.join(', ')}] (cluster-scoped resources at cluster scope); ✓ allowed, ✗ denied, ! the review failed.` +
    (r.cancelled ? ` Cancelled: ${r.cancelled} reviews were not sent.` : '');
  $('missing').textContent = r.missing ? `kubeid's side is incomplete: ${r.missing}` : '';
  $('command').textContent = `Each cell is what ${r.command} answers.`;
  const differs = new Map((r.diff?.differences ?? []).map((d) => [`${d.resource} ${d.verb}`, d]));
  const table = $('matrix');
  table.replaceChildren();
  const head = el('thead');
  const hr = el('tr');
  hr.append(el('th', 'resource', 'res'), ...r.verbs.map((v) => el('th', v)));
  head.append(hr);
  const body = el('tbody');
  for (const row of r.rows) {
    if (onlyYes.checked && !row.cells.some((c) => c?.server === 'yes')) continue;
    const tr = el('tr');
    tr.append(el('td', row.resource + (row.namespaced ? '' : ' (cluster)'), 'res'));
    row.cells.forEach((c, i) => {
      if (!c) return void tr.append(el('td', 'n/a', 'na'));
      const d = differs.get(`${row.resource} ${r.verbs[i]}`);
      const td = el('td', cellText(c), `${c.server}${c.cause ? ' disagree' : ''}${d ? ' differs' : ''}`);
      td.title = cellTitle(c) + (d && r.diff ? `\n${r.diff.identity}: ${d.b}` : '');
      tr.append(td);
    });
    body.append(tr);
  }
  table.append(head, body);

  const problems = r.rows.flatMap((row) => row.cells.filter((c): c is MatrixCellResult => !!c?.cause).map((c) => ({ row, c })));
  const out = $('disagreements');
  out.replaceChildren();
  if (problems.length) {
    out.append(el('h2', `Server and kubeid disagree on ${problems.length} cell(s)`));
    const list = el('ul');
    for (const { row, c } of problems.slice(0, 500)) {
      list.append(
        el('li', `${c.verb} ${row.resource}: server ${c.server}, kubeid ${c.kubeid ?? '-'} — ${c.cause}: ${c.explanation ?? ''}`),
      );
    }
    out.append(list);
  } else if (r.rows.some((row) => row.cells.some((c) => c?.kubeid))) {
    out.append(el('p', 'Server and kubeid agree on every cell.', 'note'));
  }

  const d = $('diff-out');
  d.replaceChildren();
  if (r.diff) {
    d.append(el('h2', `${r.identity} versus ${r.diff.identity} (${r.diff.user.name} [${r.diff.user.groups.join(', ')}])`));
    if (!r.diff.differences.length) d.append(el('p', 'The server answers both identities alike on every cell.', 'note'));
    const list = el('ul');
    for (const x of r.diff.differences) list.append(el('li', `${x.verb} ${x.resource}: ${r.identity} ${x.a}, ${r.diff.identity} ${x.b}`));
    d.append(list);
  }
}

window.addEventListener('message', (e: MessageEvent<ToPage>) => {
  const m = e.data;
  if (m.type === 'start') {
    busy(true);
    progress.value = 0;
    $('error').textContent = '';
    $('progress-text').textContent =
      `asking the API server about ${m.subject.name}${m.diffWith ? ` and ${m.diffWith.name}` : ''} in ${m.namespace}…`;
  } else if (m.type === 'progress') {
    progress.value = m.percentage;
    $('progress-text').textContent = m.message;
  } else if (m.type === 'result') {
    busy(false);
    $('progress-text').textContent = '';
    last = m.result;
    render(m.result);
  } else if (m.type === 'error') {
    busy(false);
    $('progress-text').textContent = '';
    $('error').textContent = m.message;
  }
});

cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
rerun.addEventListener('click', () => vscode.postMessage({ type: 'rerun' }));
diff.addEventListener('click', () => vscode.postMessage({ type: 'diff' }));
onlyYes.addEventListener('change', () => last && render(last));
busy(true);
vscode.postMessage({ type: 'ready' });
