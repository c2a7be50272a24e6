// Where the view pipeline runs: on the main thread for small graphs, in a Web Worker for large ones
// so that filtering, focusing and laying out 36,000 nodes never freezes the panel. When the worker
// cannot start (an older page's CSP) or fails, the main thread takes over: slower, never broken.
import type { CompactGraph } from '../../server/src/core/graph/compact';
import type { GraphData } from '../../server/src/core/graph/protocol';
import type { GraphIndex } from '../../server/src/core/graph/view';
import { filtering, Pipeline, type ViewRequest, type ViewResult } from './pipeline';

/** Above this many nodes the pipeline runs in the worker (filtering then takes over 50 ms). */
export const WORKER_ABOVE = 5000;

/** The worker bundle's text, put here by scripts/build.mjs. */
declare const KUBEID_VIEW_WORKER: string;

export type ToWorker = { type: 'data'; data: CompactGraph | string } | { type: 'view'; seq: number; request: ViewRequest };
export type FromWorker = { type: 'view'; seq: number; result: ViewResult } | { type: 'error'; seq: number; message: string };

export class Views {
  private local: Pipeline | undefined;
  private worker: Worker | undefined;
  /** The worker could not start or broke: the main thread does everything. */
  private failed: boolean;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (r: ViewResult) => void; request: ViewRequest }>();

  /** `raw`: the graph as the page or the host gave it, handed to the worker as is. */
  constructor(
    private readonly data: GraphData,
    private readonly index: GraphIndex,
    private readonly raw: CompactGraph | string,
  ) {
    this.failed = data.nodes.length <= WORKER_ABOVE;
  }

  /**
   * Starts the worker of a large graph. Called once the first view is drawn: the worker reads its
   * own copy of the graph (a second or so of work for 36,000 nodes) that would delay that view.
   */
  start(): void {
    if (this.worker || this.failed) return;
    try {
      const url = URL.createObjectURL(new Blob([KUBEID_VIEW_WORKER], { type: 'text/javascript' }));
      this.worker = new Worker(url);
      URL.revokeObjectURL(url);
      this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.answer(e.data);
      this.worker.onerror = () => this.fallBack();
      this.worker.postMessage({ type: 'data', data: this.raw } satisfies ToWorker);
    } catch {
      this.failed = true;
    }
  }

  /** The view now (main thread), or a promise of it (worker). */
  run(request: ViewRequest): ViewResult | Promise<ViewResult> {
    // A view needing no filtering is quick on the main thread (the index is there): the first one
    // of a large graph, typically, is drawn without waiting for the worker to read the graph.
    if (!this.worker && filtering(request.filter)) this.start();
    if (!this.worker) return this.runHere(request);
    const seq = ++this.seq;
    this.worker.postMessage({ type: 'view', seq, request } satisfies ToWorker);
    return new Promise((resolve) => this.waiting.set(seq, { resolve, request }));
  }

  private runHere(request: ViewRequest): ViewResult {
    return (this.local ??= new Pipeline(this.data, this.index)).run(request);
  }

  private answer(m: FromWorker): void {
    const w = this.waiting.get(m.seq);
    if (!w) return;
    this.waiting.delete(m.seq);
    w.resolve(m.type === 'view' ? m.result : this.runHere(w.request));
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.failed = true;
  }

  private fallBack(): void {
    this.dispose();
    for (const w of this.waiting.values()) w.resolve(this.runHere(w.request));
    this.waiting.clear();
  }
}
