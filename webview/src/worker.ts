// The Web Worker that runs the view pipeline for large graphs, off the main thread. It is bundled
// on its own (scripts/build.mjs) and its text embedded in the webview bundle, which starts it from
// a blob: URL (views.ts): no second file to serve, so it works in the VS Code panel and in the
// self-contained page alike.
import { decodeGraph, type CompactGraph } from '../../server/src/core/graph/compact';
import { Pipeline } from './pipeline';
import type { FromWorker, ToWorker } from './views';

const scope = self as unknown as { postMessage(m: FromWorker): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
let pipeline: Pipeline | undefined;

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'data') {
    pipeline = new Pipeline(decodeGraph(typeof m.data === 'string' ? (JSON.parse(m.data) as CompactGraph) : m.data));
    return;
  }
  try {
    if (!pipeline) throw new Error('no graph');
    scope.postMessage({ type: 'view', seq: m.seq, result: pipeline.run(m.request) });
  } catch (err) {
    scope.postMessage({ type: 'error', seq: m.seq, message: (err as Error).message });
  }
};
