// The HTML page that hosts the graph webview: in a VS Code panel (bundle loaded from dist/) and in
// the self-contained file `kubeid graph -o graph.html` writes (bundle and data inlined). No data is
// ever interpolated as markup: the graph goes gzip-compressed and base64-encoded in a data element.
import { gzipSync } from 'node:zlib';
import { GRAPH_DATA_ENCODING } from './protocol';

export interface PageOptions {
  /** A fresh random value per page (crypto.randomBytes). */
  nonce: string;
  title: string;
  /** The bundle's URL (VS Code: webview.asWebviewUri), or its text to inline. */
  script: { src: string; cspSource: string } | { inline: string };
  /** JSON of the graph, embedded in the page (the self-contained file); the panel posts it instead. */
  dataJson?: string;
  /** Markup around the graph (the audit report), escaped by its maker; the graph goes in its element #kubeid-graph. */
  body?: string;
  /** A stylesheet for that markup, admitted by the nonce. */
  css?: string;
}

/**
 * The graph's JSON as the page embeds it. The browser tokenizes every character of a script
 * element before any script runs (1.8 s for the 17 MiB of JSON a 20,000-binding cluster once
 * made): gzip in base64 is 2.4 MiB of it, and base64 has no `<` to close the element or open a comment.
 */
function embeddedData(json: string): string {
  return `<script type="application/octet-stream" data-encoding="${GRAPH_DATA_ENCODING}" id="kubeid-graph-data">${gzipSync(json).toString('base64')}</script>\n`;
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function graphPage(o: PageOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('graphPage: the nonce must be at least 16 base64 characters');
  const extra = 'src' in o.script ? ` ${o.script.cspSource}` : '';
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${o.nonce}'`,
    `style-src 'nonce-${o.nonce}'${extra}`,
    // The PNG export draws the SVG through an image: blob: and data: only.
    `img-src blob: data:${extra}`,
    // The view pipeline of a large graph runs in a worker the bundle starts from a blob: URL of its
    // own embedded text (webview/src/views.ts). VS Code webviews cannot start a worker from their
    // resource URL (it is cross-origin) and nothing else is loaded: blob: only, no script-src change.
    `worker-src blob:`,
  ].join('; ');
  const data = o.dataJson === undefined ? '' : embeddedData(o.dataJson);
  const script =
    'src' in o.script
      ? `<script nonce="${o.nonce}" src="${escapeAttr(o.script.src)}"></script>`
      : // A script element ends at the first `</script`, wherever it is in the text.
        `<script nonce="${o.nonce}">${o.script.inline.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(o.title)}</title>
${o.css === undefined ? '' : `<style nonce="${o.nonce}">${o.css.replace(/<\/(style)/gi, '<\\/$1')}</style>\n`}</head>
<body>
${o.body === undefined ? '' : `${o.body}\n`}${data}${script}
</body>
</html>
`;
}
