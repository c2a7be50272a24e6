// The graph a self-contained page embeds (`kubeid graph -o graph.html`, the audit HTML report), read
// back as the browser reads it: the data element's text ends at the first `</script`, whatever it
// holds; then base64 and gzip, as webview/src/main.ts decodes them.
import { gunzipSync } from 'node:zlib';
import { decodeGraph, type CompactGraph } from '../../server/src/core/graph/compact';
import { GRAPH_DATA_ENCODING, type GraphData } from '../../server/src/core/graph/protocol';

const DATA_ELEMENT = new RegExp(
  `<script type="application/octet-stream" data-encoding="${GRAPH_DATA_ENCODING.replace('+', '\\+')}" id="kubeid-graph-data">([\\s\\S]*?)</script`,
  'i',
);

/** The data element's text, its JSON and the graph; undefined when the page embeds none. Throws when the text is not base64. */
export function embeddedGraph(html: string): { text: string; json: string; graph: GraphData } | undefined {
  const text = DATA_ELEMENT.exec(html)?.[1];
  if (text === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error(`the embedded graph is not base64: ${text.slice(0, 80)}`);
  const json = gunzipSync(Buffer.from(text, 'base64')).toString('utf8');
  return { text, json, graph: decodeGraph(JSON.parse(json) as CompactGraph) };
}
