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
document.body.append(root);

let app: App | undefined;
function show(data: CompactGraph): void {
  try {
    root.className = '';
    app = new App(root, decodeGraph(data), host);
    document.body.dataset.ready = 'true';
    // Since navigation started: what the graph benchmark reports as time to first render.
    document.body.dataset.readyMs = performance.now().toFixed(0);
  } catch (e) {
    root.textContent = `The access graph could not be shown: ${(e as Error).message}`;
  }
}

const embedded = document.getElementById('kubeid-graph-data');
if (embedded?.textContent) {
  show(JSON.parse(embedded.textContent) as CompactGraph);
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
