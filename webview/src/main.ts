// Webview entry point: styles, then the graph from the page (the file `kubeid graph` writes) or
// from the host (VS Code posts it after the `ready` handshake).
import { decodeGraph, type CompactGraph } from '../../server/src/core/graph/compact';
import { GRAPH_DATA_ENCODING, type HostToWebview } from '../../server/src/core/graph/protocol';
import { App } from './app';
import { connectHost } from './host';
import { GRAPH_CSS } from './style';

// The page's CSP admits styles with this script's nonce only.
const style = document.createElement('style');
style.nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
style.textContent = GRAPH_CSS;
document.head.append(style);

const host = connectHost();
const root = document.createElement('main');
root.className = 'message';
root.textContent = 'Loading the access graph…';
// A page with more than the graph (the audit report) gives it an element of its own.
(document.getElementById('kubeid-graph') ?? document.body).append(root);

const cannotShow = (why: string): void => {
  root.textContent = `The access graph could not be shown: ${why}`;
};

let app: App | undefined;
/** `raw` is the page's JSON text or the host's object: the worker of a large graph gets it as is. */
function show(raw: CompactGraph | string): void {
  try {
    root.className = '';
    app?.dispose();
    // A graph sent again (the workspace changed) opens in the view state the last one saved.
    app = new App(root, decodeGraph(typeof raw === 'string' ? (JSON.parse(raw) as CompactGraph) : raw), host, raw);
  } catch (e) {
    cannotShow((e as Error).message);
  }
}

/** The graph's JSON the page embeds (server/src/core/graph/page.ts): gzip, in base64. */
async function embeddedJson(element: HTMLElement): Promise<string> {
  if (element.dataset.encoding !== GRAPH_DATA_ENCODING) throw new Error(`its data has an unknown encoding (${element.dataset.encoding})`);
  if (typeof DecompressionStream !== 'function') throw new Error('this browser cannot decompress its data (no DecompressionStream)');
  let binary: string;
  try {
    binary = atob(element.textContent ?? '');
  } catch {
    throw new Error('its data is not base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // Read chunk by chunk: Response.text() of the same stream takes twice as long in chromium.
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const utf8 = new TextDecoder();
  let json = '';
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) json += utf8.decode(chunk.value, { stream: true });
  } catch (e) {
    throw new Error(`its data is not valid gzip (${(e as Error).message})`);
  }
  return json + utf8.decode();
}

const embedded = document.getElementById('kubeid-graph-data');
if (embedded) {
  embeddedJson(embedded).then(show, (e: Error) => cannotShow(e.message));
} else {
  host.onMessage((m: HostToWebview) => {
    switch (m.type) {
      case 'graph':
        show(m.data);
        break;
      case 'reveal':
        app?.reveal(m.nodeId);
        break;
      case 'error':
        root.textContent = m.message;
        break;
      default: {
        const never: never = m;
        void never;
      }
    }
  });
  host.post({ type: 'ready' });
}
