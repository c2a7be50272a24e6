// The test API server's storage, an etcd behind a watch cache in miniature: objects by resource,
// keyed "namespace/name" and listed in key order; one resourceVersion counter for all writes;
// a history of changes since the last compaction, which serves watches from a resourceVersion and
// consistent pages (a continued list reads the state at its first page's resourceVersion, the
// history undone); and what the API server answers when a resourceVersion or continue token is older
// than the compaction (410 Expired).
import { randomUUID } from 'node:crypto';
import { compileSelector, type LabelMatcher } from '../../../server/src/core/rbac/labels';
import type { LabelSelector, LabelSelectorRequirement } from '../../../server/src/core/rbac/types';
import type { ServedResource } from './discovery';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A stored object: any kind, with the metadata the store sets. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface StoreEvent {
  type: EventType;
  rv: number;
  /** "group/resource" */
  gr: string;
  key: string;
  /** The object after the change (for DELETED: its last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (absent for ADDED). */
  prev?: KubeObject;
}

/** A failure the API server reports as a Status. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: object,
  ) {
    super(message);
  }
}

interface Table {
  resource: ServedResource;
  objects: Map<string, KubeObject>;
  sorted?: string[];
}

export interface ListOptions {
  /** "" = every namespace. */
  namespace: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export const grOf = (r: ServedResource) => `${r.group}/${r.resource}`;
export const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

export class Store {
  private rv = 0;
  private compactedAt = 0;
  private history: StoreEvent[] = [];
  private readonly tables = new Map<string, Table>();
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  get resourceVersion(): number {
    return this.rv;
  }

  /** Every table's objects, tables in creation order, objects in insertion order (a replaced object keeps its place). */
  *objects(): Iterable<{ resource: ServedResource; object: KubeObject }> {
    for (const t of this.tables.values()) for (const object of t.objects.values()) yield { resource: t.resource, object };
  }

  objectsOf(gr: string): Iterable<KubeObject> {
    return this.tables.get(gr)?.objects.values() ?? [];
  }

  get(resource: ServedResource, namespace: string, name: string): KubeObject | undefined {
    return this.tables.get(grOf(resource))?.objects.get(keyOf(resource.namespaced ? namespace : '', name));
  }

  /** Creates or replaces an object of `resource`; returns the stored copy. */
  put(resource: ServedResource, input: object): KubeObject {
    // A copy with metadata of its own (the only part the store writes); nested values are shared, never changed.
    const given = input as Partial<KubeObject>;
    const meta = { ...(given.metadata ?? {}) } as KubeObject['metadata'];
    const object = { ...given, metadata: meta } as KubeObject;
    if (typeof meta.name !== 'string' || meta.name === '')
      throw new StatusError(422, 'Invalid', 'metadata.name: Required value: name is required');
    if (resource.namespaced) meta.namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
    else delete meta.namespace;
    const gr = grOf(resource);
    let table = this.tables.get(gr);
    if (!table) this.tables.set(gr, (table = { resource, objects: new Map() }));
    const key = keyOf(meta.namespace, meta.name);
    const prev = table.objects.get(key);
    meta.uid = prev?.metadata.uid ?? meta.uid ?? randomUUID();
    meta.creationTimestamp = prev?.metadata.creationTimestamp ?? meta.creationTimestamp ?? now();
    meta.resourceVersion = String(++this.rv);
    if (!prev) table.sorted = undefined;
    table.objects.set(key, object);
    this.emit({ type: prev ? 'MODIFIED' : 'ADDED', rv: this.rv, gr, key, object, prev });
    return object;
  }

  /** Deletes an object; returns its last state, or undefined if there was none. */
  delete(resource: ServedResource, namespace: string | undefined, name: string): KubeObject | undefined {
    const gr = grOf(resource);
    const table = this.tables.get(gr);
    const key = keyOf(resource.namespaced ? namespace || 'default' : '', name);
    const prev = table?.objects.get(key);
    if (!table || !prev) return undefined;
    table.objects.delete(key);
    table.sorted = undefined;
    const object = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ type: 'DELETED', rv: this.rv, gr, key, object, prev });
    return object;
  }

  /** Forgets the history: resourceVersions before now are too old for watches and continue tokens. */
  compact(): void {
    this.compactedAt = this.rv;
    this.history = [];
  }

  /** Calls `f` with every change from now on; returns the unsubscribe function. */
  subscribe(f: (e: StoreEvent) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    for (const f of this.listeners) f(e);
  }

  /** The changes of `gr` after resourceVersion `rv`, or a 410 if the history no longer reaches back that far. */
  eventsSince(gr: string, rv: number): StoreEvent[] {
    if (rv < this.compactedAt) throw new StatusError(410, 'Expired', `too old resource version: ${rv} (${this.compactedAt})`);
    return this.history.filter((e) => e.rv > rv && e.gr === gr);
  }

  list(resource: ServedResource, o: ListOptions): ListResult {
    const gr = grOf(resource);
    const match = objectMatcher(o.labelSelector, o.fieldSelector);
    let snapshot = this.rv;
    let start = '';
    if (o.continue) {
      const token = decodeContinue(o.continue);
      if (token.rv < this.compactedAt) {
        // What the API server says when etcd compacted the page's revision away.
        throw new StatusError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      snapshot = token.rv;
      start = token.start;
    } else if (o.resourceVersion && o.resourceVersion !== '0') {
      const asked = Number(o.resourceVersion);
      if (!Number.isSafeInteger(asked) || asked < 0)
        throw new StatusError(400, 'BadRequest', `invalid resource version: ${o.resourceVersion}`);
      if (asked > this.rv) throw new StatusError(504, 'Timeout', `Too large resource version: ${asked}, current: ${this.rv}`);
    }
    const prefix = resource.namespaced && o.namespace ? `${o.namespace}/` : '';
    const { keys, at } = this.keysAt(gr, snapshot);
    let i = lowerBound(keys, start > prefix ? start : prefix);
    const items: KubeObject[] = [];
    const limit = o.limit && o.limit > 0 ? o.limit : Infinity;
    for (; i < keys.length && keys[i].startsWith(prefix) && items.length < limit; i++) {
      const object = at(keys[i]);
      if (object && match(object)) items.push(object);
    }
    const out: ListResult = { items, resourceVersion: String(snapshot) };
    if (i < keys.length && keys[i].startsWith(prefix)) {
      out.continue = encodeContinue(snapshot, `${keys[i - 1]}\u0000`);
      if (!o.labelSelector && !o.fieldSelector) {
        let end = keys.length;
        if (prefix) end = lowerBound(keys, `${prefix.slice(0, -1)}0`); // "/" + 1
        out.remainingItemCount = end - i;
      }
    }
    return out;
  }

  /** The sorted keys of `gr` at resourceVersion `rv` and the object of a key then. */
  private keysAt(gr: string, rv: number): { keys: string[]; at: (key: string) => KubeObject | undefined } {
    const table = this.tables.get(gr);
    if (!table) return { keys: [], at: () => undefined };
    const current = (table.sorted ??= [...table.objects.keys()].sort(compareKeys));
    const later = rv < this.rv ? this.history.filter((e) => e.gr === gr && e.rv > rv) : [];
    if (later.length === 0) return { keys: current, at: (k) => table.objects.get(k) };
    // Undo the later changes: a key's state then is the state before its first later change.
    const then = new Map<string, KubeObject | undefined>();
    for (const e of later) if (!then.has(e.key)) then.set(e.key, e.prev);
    const keys = [...new Set([...current, ...then.keys()])]
      .filter((k) => (then.has(k) ? then.get(k) !== undefined : true))
      .sort(compareKeys);
    return { keys, at: (k) => (then.has(k) ? then.get(k) : table.objects.get(k)) };
  }
}

let second = 0;
let secondText = '';
/** The time as metav1.Time writes it (RFC 3339, whole seconds); made once a second, for big stores. */
function now(): string {
  const t = Math.floor(Date.now() / 1000);
  if (t !== second) [second, secondText] = [t, new Date(t * 1000).toISOString().replace('.000Z', 'Z')];
  return secondText;
}

const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function lowerBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Continue tokens as the API server writes them: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":KEY}.
function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (t.v === 'meta.k8s.io/v1' && typeof t.rv === 'number' && Number.isSafeInteger(t.rv) && t.rv > 0 && typeof t.start === 'string') {
      return { rv: t.rv, start: t.start };
    }
  } catch {
    // reported below
  }
  throw new StatusError(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/** A matcher for ?labelSelector= and ?fieldSelector= (metadata.name and metadata.namespace). */
export function objectMatcher(
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
): (o: KubeObject | undefined) => boolean {
  let labels: LabelMatcher = () => true;
  if (labelSelector) {
    const selector = parseLabelSelector(labelSelector);
    try {
      labels = compileSelector(selector);
    } catch (e) {
      throw new StatusError(400, 'BadRequest', `unable to parse requirement: ${(e as Error).message}`);
    }
  }
  const fields = fieldSelector ? parseFieldSelector(fieldSelector) : [];
  return (o) => {
    if (o === undefined || !labels(o.metadata.labels)) return false;
    return fields.every(([field, op, value]) => {
      const actual = field === 'metadata.name' ? o.metadata.name : (o.metadata.namespace ?? '');
      return op === '!=' ? actual !== value : actual === value;
    });
  };
}

/** The string form of a label selector (labels.Parse): k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k. */
export function parseLabelSelector(s: string): LabelSelector {
  const matchExpressions: LabelSelectorRequirement[] = [];
  const parts = s.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(p))) {
      matchExpressions.push({ key: m[1], operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3]] });
    } else if ((m = /^([^\s!=]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
      const values = m[3].split(',').map((v) => v.trim());
      matchExpressions.push({ key: m[1], operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^!\s*([^\s!=]+)$/.exec(p))) {
      matchExpressions.push({ key: m[1], operator: 'DoesNotExist' });
    } else if (/^[^\s!=(),]+$/.test(p)) {
      matchExpressions.push({ key: p, operator: 'Exists' });
    } else {
      throw new StatusError(400, 'BadRequest', `unable to parse requirement: ${JSON.stringify(p)}`);
    }
  }
  return { matchExpressions };
}

function parseFieldSelector(s: string): [string, '=' | '!=', string][] {
  return s.split(',').map((p) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(p.trim());
    if (!m) throw new StatusError(400, 'BadRequest', `invalid selector: '${s}'; can't understand '${p}'`);
    const field = m[1].trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace') {
      throw new StatusError(400, 'BadRequest', `field label not supported: ${field}`);
    }
    return [field, m[2] === '!=' ? '!=' : '=', m[3].trim()];
  });
}
