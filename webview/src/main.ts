// Webview entry point: styles, then the graph from the page (the file `kubeid graph` writes) or
// from the host (VS Code posts it after the `ready` handshake).
import { decodeGraph, type CompactGraph } from '../../server/src/core/graph/compact';
import type { HostToWebview } from '../../server/src/core/graph/protocol';
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

let app: App | undefined;
/** `raw` is the page's JSON text or the host's object: the worker of a large graph gets it as is. */
function show(raw: CompactGraph | string): void {
  try {
    root.className = '';
    app?.dispose();
    // A graph sent again (the workspace changed) opens in the view state the last one saved.
    app = new App(root, decodeGraph(typeof raw === 'string' ? (JSON.parse(raw) as CompactGraph) : raw), host, raw);
  } catch (e) {
    root.textContent = `The access graph could not be shown: ${(e as Error).message}`;
  }
}

const embedded = document.getElementById('kubeid-graph-data');
if (embedded?.textContent) {
  show(embedded.textContent);
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
