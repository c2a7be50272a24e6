// An in-memory ClusterSource for unit tests of the cluster core: objects by resource served in
// pages, watch events queued by the test, access reviews answered by a function, failures on demand.
import {
  ClusterError,
  type AccessReviewResult,
  type ClusterSource,
  type Discovery,
  type ListPage,
  type ResourceRef,
  type ReviewSubject,
  type RulesReviewResult,
  type WatchEvent,
  type WhoAmI,
} from '../../server/src/core/cluster/source';
import type { RequestAttributes } from '../../server/src/core/rbac/types';

export class FakeClusterSource implements ClusterSource {
  readonly objects = new Map<string, Record<string, unknown>[]>();
  /** resource → error thrown by list (every page, or the page after `afterPages`). */
  readonly listErrors = new Map<string, { error: ClusterError; afterPages?: number; times?: number }>();
  /** Each watch() call takes the next script for its resource: events, then an error or the end. */
  readonly watchScripts = new Map<string, Array<{ events: WatchEvent[]; then?: ClusterError }>>();
  readonly calls: string[] = [];
  answer: (subject: ReviewSubject, attrs: RequestAttributes) => Promise<AccessReviewResult> | AccessReviewResult = () => ({
    allowed: false,
    denied: false,
    reason: '',
    evaluationError: '',
  });
  rv = 100;

  list(ref: ResourceRef, opts: { limit?: number; continue?: string }): Promise<ListPage> {
    this.calls.push(`list ${ref.resource} ${opts.continue ?? ''}`);
    const start = opts.continue ? Number(opts.continue) : 0;
    const fault = this.listErrors.get(ref.resource);
    if (fault && (fault.afterPages === undefined || start > 0) && (fault.times === undefined || fault.times-- > 0))
      return Promise.reject(fault.error);
    const all = this.objects.get(ref.resource) ?? [];
    const limit = opts.limit ?? all.length;
    const items = all
      .slice(start, start + limit)
      .map((o) => ({ apiVersion: ref.group ? `${ref.group}/${ref.version}` : ref.version, kind: ref.kind, ...o }));
    const next = start + limit < all.length ? String(start + limit) : undefined;
    return Promise.resolve({ items, resourceVersion: String(this.rv), continue: next });
  }

  async *watch(ref: ResourceRef, resourceVersion: string, signal?: AbortSignal): AsyncIterable<WatchEvent> {
    this.calls.push(`watch ${ref.resource} ${resourceVersion}`);
    const script = this.watchScripts.get(ref.resource)?.shift();
    if (!script) return await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve())); // quiet until cancelled
    for (const e of script.events) {
      await Promise.resolve();
      yield e;
    }
    if (script.then) throw script.then;
  }

  discover(): Promise<Discovery> {
    return Promise.resolve({ resources: [], problems: [] });
  }

  async accessReview(subject: ReviewSubject, attrs: RequestAttributes): Promise<AccessReviewResult> {
    this.calls.push(`review ${attrs.verb}`);
    return this.answer(subject, attrs);
  }

  rulesReview(): Promise<RulesReviewResult> {
    return Promise.resolve({ resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' });
  }

  whoami(): Promise<WhoAmI> {
    return Promise.resolve({ user: { name: 'me', groups: ['system:authenticated'] }, via: 'fake' });
  }
}

export function obj(name: string, namespace?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { metadata: { name, ...(namespace ? { namespace } : {}), resourceVersion: '1' }, ...extra };
}
