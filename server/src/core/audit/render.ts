// The audit report as Markdown and as one self-contained HTML page (no external resource, every
// name escaped) with the worst escalation paths drawn as inline SVG chains and, when given, as the
// access graph of those paths, drawn by the graph view's bundle (its one script, under a nonce).
import type { Severity } from '../checks/check';
import { encodeGraph } from '../graph/compact';
import { graphPage, type PageOptions } from '../graph/page';
import type { GraphData } from '../graph/protocol';
import type { EscalationPath, Step } from './escalation';
import type { Grant, ObjectRef } from './objects';
import { incompleteText } from './partial';
import type { AuditFinding, AuditReport, SeverityCounts } from './report';

/** Most subjects and findings listed in a section; -o json has them all. */
const MAX_LISTED = 200;
/** Paths drawn in the HTML report. */
export const MAX_DRAWN = 5;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function countsText(c: SeverityCounts): string {
  return `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.information + c.hint, 'info')}`;
}

export function at(o: ObjectRef | undefined): string {
  return o?.file ? `${o.file}${o.line ? `:${o.line}` : ''}` : '';
}

function objectText(o: ObjectRef): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/** The objects of a grant, each with its text: the binding, then the role at the rule. */
function grantObjects(g: Grant): Array<{ o: ObjectRef; text: string }> {
  const out = [{ o: g.binding!, text: `${objectText(g.binding!)}${at(g.binding) ? ` (${at(g.binding)})` : ''}` }];
  if (g.role)
    out.push({
      o: g.role.file ? { ...g.role, line: g.ruleLine ?? g.role.line } : g.role,
      text: `${objectText(g.role)} rule ${g.ruleIndex}${g.aggregatedFrom ? ` (from ClusterRole ${g.aggregatedFrom})` : ''}${g.role.file ? ` (${g.role.file}:${g.ruleLine ?? g.role.line})` : ''}`,
    });
  return out;
}

function grantText(g: Grant): string {
  if (g.allowedBy === 'system:masters') return `${g.permission}: member of system:masters`;
  return `${g.permission}: ${grantObjects(g)
    .map((x) => x.text)
    .join(' → ')}`;
}

/** The worst paths first: to cluster-admin, then admission, then the shortest. */
export function worstPaths(report: AuditReport): EscalationPath[] {
  const rank = (p: EscalationPath) => (p.clusterAdmin ? 0 : p.target.kind === 'Admission' ? 1 : 2);
  return report.escalations
    .filter((s) => !s.managedBy)
    .flatMap((s) => s.paths)
    .sort((a, b) => rank(a) - rank(b) || b.steps.length - a.steps.length || a.from.label.localeCompare(b.from.label));
}

// ---------------------------------------------------------------------------------------------
// Markdown

const md = (s: string): string =>
  s.replace(/[\\`*_[\]<>|&#]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));

function mdSteps(steps: Step[]): string[] {
  return steps.flatMap((s, i) => [`${i + 1}. **${md(s.to.label)}** — ${md(s.action)}`, ...s.grants.map((g) => `   - ${md(grantText(g))}`)]);
}

function mdFindings(findings: AuditFinding[]): string[] {
  if (!findings.length) return ['None.', ''];
  const shown = findings
    .slice(0, MAX_LISTED)
    .map((f) => `- **${f.severity}** \`${f.rule}\` ${md(f.message)}${at(f.object) ? ` (${md(at(f.object))})` : ''}`);
  return [...shown, ...(findings.length > MAX_LISTED ? [`- … and ${findings.length - MAX_LISTED} more (see -o json)`] : []), ''];
}

/** "Who can become cluster-admin": every subject that holds every permission or has a path to it, by steps. */
export function whoCanBecome(report: AuditReport): string[] {
  const out: string[] = ['## Who can become cluster-admin', ''];
  if (!report.clusterAdmins.length) return [...out, 'Nobody but members of system:masters.', ''];
  out.push('| Subject | Steps | How | Managed by |', '|---|---|---|---|');
  for (const c of report.clusterAdmins.slice(0, MAX_LISTED))
    out.push(
      `| ${md(c.subject.label)} | ${c.hops} | ${c.path ? md(c.path.steps.map((s) => s.action).join(' → ')) : 'holds every permission'} | ${md(c.managedBy ?? '')} |`,
    );
  if (report.clusterAdmins.length > MAX_LISTED) out.push(`| … and ${report.clusterAdmins.length - MAX_LISTED} more | | | |`);
  return [...out, ''];
}

export function toMarkdown(report: AuditReport): string {
  const out: string[] = ['# kubeid audit', ''];
  out.push(
    `**What you own: ${countsText(report.summary.owned)}.** Managed by Kubernetes or a vendor: ${countsText(report.summary.managed)}.`,
    '',
  );
  out.push(`Escalation paths are searched up to ${plural(report.hops, 'step')}.`, '');
  if (report.incomplete) out.push(`**Partial snapshot.** ${md(incompleteText(report.incomplete).join(' '))}`, '');

  out.push(...whoCanBecome(report));

  for (const managed of [false, true]) {
    const subjects = report.escalations.filter((s) => !!s.managedBy === managed);
    out.push(managed ? '## Escalation paths through managed objects' : '## Escalation paths', '');
    if (!subjects.length) out.push('None.', '');
    for (const s of subjects.slice(0, MAX_LISTED)) {
      out.push(`### ${md(s.subject.label)}${s.managedBy ? ` (${md(s.managedBy)})` : ''}`, '');
      for (const p of s.paths.slice(0, 20))
        out.push(`To **${md(p.target.label)}**${p.clusterAdmin ? ' (cluster-admin)' : ''}:`, '', ...mdSteps(p.steps), '');
      if (s.paths.length > 20) out.push(`… and ${s.paths.length - 20} more paths (see -o json).`, '');
      if (s.truncated) out.push('The search stopped at the first gains found: there may be more.', '');
    }
    if (subjects.length > MAX_LISTED) out.push(`… and ${subjects.length - MAX_LISTED} more subjects (see -o json).`, '');
  }

  if (report.changes) {
    out.push('## Permissions changed since the baseline', '');
    if (!report.changes.length) out.push('No subject gained or lost an effective permission.', '');
    for (const c of report.changes) {
      out.push(`### ${md(c.subject)} — ${c.namespace ? `namespace ${md(c.namespace)}` : 'cluster-wide'}`, '');
      for (const [title, rows] of [
        ['Gained', c.gained],
        ['Lost', c.lost],
      ] as const) {
        if (!rows.length) continue;
        out.push(`${title}:`, '', '| Resources | Non-Resource URLs | Resource Names | Verbs |', '|---|---|---|---|');
        for (const r of rows) out.push(`| ${r.map(md).join(' | ')} |`);
        out.push('');
      }
    }
  }

  const others = report.findings.filter((f) => !f.rule.startsWith('escalation'));
  out.push('## Findings', '', ...mdFindings(others.filter((f) => !f.managedBy)));
  out.push('## Findings on managed objects', '', ...mdFindings(others.filter((f) => f.managedBy)));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// HTML

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const h = escapeHtml;
const BOX_W = 210;
const BOX_H = 54;
const GAP = 70;

/** One path as a chain of boxes: the subject, then each identity or capability reached, each arrow labelled with its technique. */
export function pathSvg(p: EscalationPath, id: number): string {
  const labels = [p.from.label, ...p.steps.map((s) => s.to.label)];
  const width = labels.length * BOX_W + (labels.length - 1) * GAP + 2;
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const parts: string[] = [];
  labels.forEach((label, i) => {
    const x = 1 + i * (BOX_W + GAP);
    const last = i === labels.length - 1;
    const cls = last && p.clusterAdmin ? 'admin' : last ? 'target' : 'node';
    parts.push(`<rect class="${cls}" x="${x}" y="20" width="${BOX_W}" height="${BOX_H}" rx="6"/>`);
    parts.push(
      `<text x="${x + BOX_W / 2}" y="${20 + BOX_H / 2 + 4}" text-anchor="middle"><title>${h(label)}</title>${h(cut(label, 30))}</text>`,
    );
    if (i > 0) {
      const x0 = x - GAP;
      parts.push(`<line x1="${x0}" y1="${20 + BOX_H / 2}" x2="${x - 4}" y2="${20 + BOX_H / 2}" marker-end="url(#arrow${id})"/>`);
      parts.push(
        `<text class="edge" x="${x0 + GAP / 2}" y="14" text-anchor="middle"><title>${h(p.steps[i - 1].action)}</title>${h(p.steps[i - 1].kind)}</text>`,
      );
    }
  });
  return (
    `<svg class="chain" role="img" aria-label="${h(labels.join(' → '))}" width="${width}" height="${BOX_H + 30}" viewBox="0 0 ${width} ${BOX_H + 30}" xmlns="http://www.w3.org/2000/svg">` +
    `<defs><marker id="arrow${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>` +
    parts.join('') +
    '</svg>'
  );
}

// Scoped to the report: the graph of the same page has its own stylesheet.
const STYLE = `.report{font:14px/1.45 system-ui,sans-serif;padding:1em 2em;color:#1b1f24;background:#fff;max-width:1200px}
.report table{border-collapse:collapse;margin:.5em 0}.report td,.report th{border:1px solid #ccd;padding:.25em .5em;text-align:left;vertical-align:top}
.report .error{color:#b00020;font-weight:600}.report .warning{color:#8a5a00;font-weight:600}.report .information,.report .hint{color:#2a5db0}
.report .partial{border-left:4px solid #8a5a00;padding:.25em .75em;background:#fff8e6}
svg.chain{display:block;margin:.5em 0 1.5em;overflow:visible}svg.chain rect{fill:#eef2f7;stroke:#5b6b7f}svg.chain rect.admin{fill:#fde2e2;stroke:#b00020}
svg.chain rect.target{fill:#fff4d6;stroke:#8a5a00}svg.chain line{stroke:#5b6b7f;stroke-width:1.5}svg.chain text{font-size:12px}svg.chain text.edge{fill:#5b6b7f}
.report code{background:#f3f4f6;padding:0 .2em}.report li{margin:.15em 0}`;

/** Where the graph of the worst paths goes: a frame of its own within the page. */
const GRAPH_STYLE = `body{margin:0;background:#fff}#kubeid-graph{height:75vh;margin:0 2em;border:1px solid #ccd}#kubeid-graph>main,#kubeid-graph #app{height:100%}`;

export interface HtmlOptions {
  /** The access graph of the worst paths (pathsGraph), drawn by the graph view's bundle: the page then runs that one script. */
  graph?: { data: GraphData; nonce: string; script: PageOptions['script'] };
  /** A link to an object (in the editor: a command URI that opens its manifest, or the live object); none for plain text. */
  link?: (o: ObjectRef) => string | undefined;
}

type Link = HtmlOptions['link'];

function linked(o: ObjectRef, text: string, link: Link): string {
  const href = link?.(o);
  return href ? `<a href="${h(href)}">${h(text)}</a>` : h(text);
}

/** Where a finding's object is: its file and line, or (from a cluster) the live object. */
function whereHtml(o: ObjectRef | undefined, link: Link): string {
  if (!o) return '';
  const text = at(o) || (o.origin === 'cluster' ? `live ${objectText(o)}` : '');
  return text ? linked(o, text, link) : '';
}

function htmlFindings(findings: AuditFinding[], link: Link): string {
  if (!findings.length) return '<p>None.</p>';
  const rows = findings
    .slice(0, MAX_LISTED)
    .map(
      (f) =>
        `<tr><td class="${f.severity}">${h(f.severity)}</td><td><code>${h(f.rule)}</code></td><td>${h(f.message)}</td><td>${whereHtml(f.object, link)}</td></tr>`,
    );
  const more = findings.length > MAX_LISTED ? `<p>… and ${findings.length - MAX_LISTED} more (see -o json).</p>` : '';
  return `<table><tr><th>Severity</th><th>Rule</th><th>Finding</th><th>Where</th></tr>${rows.join('')}</table>${more}`;
}

function grantHtml(g: Grant, link: Link): string {
  if (g.allowedBy === 'system:masters') return h(grantText(g));
  return `${h(g.permission)}: ${grantObjects(g)
    .map((x) => linked(x.o, x.text, link))
    .join(' → ')}`;
}

function htmlSteps(steps: Step[], link: Link): string {
  return `<ol>${steps.map((s) => `<li><b>${h(s.to.label)}</b> — ${h(s.action)}<ul>${s.grants.map((g) => `<li>${grantHtml(g, link)}</li>`).join('')}</ul></li>`).join('')}</ol>`;
}

export function toHtml(report: AuditReport, opts: HtmlOptions = {}): string {
  const link = opts.link;
  const b: string[] = [];
  const sev = (s: Severity, n: number) => `<span class="${s}">${plural(n, s === 'information' ? 'info' : s)}</span>`;
  const c = report.summary.owned;
  b.push('<h1>kubeid audit</h1>');
  b.push(
    `<p><b>What you own:</b> ${sev('error', c.error)}, ${sev('warning', c.warning)}, ${sev('information', c.information + c.hint)}. Managed by Kubernetes or a vendor: ${h(countsText(report.summary.managed))}. Paths searched up to ${plural(report.hops, 'step')}.</p>`,
  );
  if (report.incomplete) b.push(`<p class="partial"><b>Partial snapshot.</b> ${incompleteText(report.incomplete).map(h).join(' ')}</p>`);
  const worst = worstPaths(report).slice(0, MAX_DRAWN);
  // The report is cut in two around the graph: the graph's stylesheet is not the report's.
  const graphAt = worst.length && opts.graph ? b.length + 1 : -1;
  if (worst.length) {
    b.push('<h2>The worst escalation paths</h2>');
    worst.forEach((p, i) =>
      b.push(
        `<p>${h(p.from.label)} → ${h(p.target.label)}${p.clusterAdmin ? ' (cluster-admin)' : ''} in ${plural(p.steps.length, 'step')}</p>${pathSvg(p, i)}`,
      ),
    );
  }
  b.push('<h2>Who can become cluster-admin</h2>');
  if (!report.clusterAdmins.length) b.push('<p>Nobody but members of system:masters.</p>');
  else
    b.push(
      `<table><tr><th>Subject</th><th>Steps</th><th>How</th><th>Managed by</th></tr>${report.clusterAdmins
        .slice(0, MAX_LISTED)
        .map(
          (e) =>
            `<tr><td>${h(e.subject.label)}</td><td>${e.hops}</td><td>${e.path ? h(e.path.steps.map((s) => s.action).join(' → ')) : 'holds every permission'}</td><td>${h(e.managedBy ?? '')}</td></tr>`,
        )
        .join('')}</table>`,
    );
  for (const managed of [false, true]) {
    const subjects = report.escalations.filter((s) => !!s.managedBy === managed);
    b.push(`<h2>${managed ? 'Escalation paths through managed objects' : 'Escalation paths'}</h2>`);
    if (!subjects.length) b.push('<p>None.</p>');
    for (const s of subjects.slice(0, MAX_LISTED)) {
      b.push(`<h3>${h(s.subject.label)}${s.managedBy ? ` (${h(s.managedBy)})` : ''}</h3>`);
      for (const p of s.paths.slice(0, 20))
        b.push(`<p>To <b>${h(p.target.label)}</b>${p.clusterAdmin ? ' (cluster-admin)' : ''}:</p>${htmlSteps(p.steps, link)}`);
    }
  }
  if (report.changes) {
    b.push('<h2>Permissions changed since the baseline</h2>');
    if (!report.changes.length) b.push('<p>No subject gained or lost an effective permission.</p>');
    for (const ch of report.changes) {
      b.push(`<h3>${h(ch.subject)} — ${ch.namespace ? `namespace ${h(ch.namespace)}` : 'cluster-wide'}</h3>`);
      for (const [title, rows] of [
        ['Gained', ch.gained],
        ['Lost', ch.lost],
      ] as const) {
        if (!rows.length) continue;
        b.push(`<p>${title}:</p><table><tr><th>Resources</th><th>Non-Resource URLs</th><th>Resource Names</th><th>Verbs</th></tr>`);
        b.push(rows.map((r) => `<tr>${r.map((x) => `<td>${h(x)}</td>`).join('')}</tr>`).join('') + '</table>');
      }
    }
  }
  const others = report.findings.filter((f) => !f.rule.startsWith('escalation'));
  b.push(
    '<h2>Findings</h2>',
    htmlFindings(
      others.filter((f) => !f.managedBy),
      link,
    ),
  );
  b.push(
    '<h2>Findings on managed objects</h2>',
    htmlFindings(
      others.filter((f) => f.managedBy),
      link,
    ),
  );
  if (opts.graph && graphAt >= 0) {
    const body =
      `<div class="report">\n${b.slice(0, graphAt).join('\n')}\n<p>The access graph of these paths: subjects, bindings, roles and the resources of the rules they use.</p></div>\n` +
      `<div id="kubeid-graph" role="region" aria-label="Access graph of the worst escalation paths"></div>\n` +
      `<div class="report">\n${b.slice(graphAt).join('\n')}\n</div>`;
    return graphPage({
      nonce: opts.graph.nonce,
      title: 'kubeid audit',
      script: opts.graph.script,
      dataJson: JSON.stringify(encodeGraph(opts.graph.data)),
      body,
      css: STYLE + GRAPH_STYLE,
    });
  }
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<title>kubeid audit</title><style>body{margin:0}${STYLE}</style></head><body><div class="report">\n${b.join('\n')}\n</div></body></html>\n`
  );
}
