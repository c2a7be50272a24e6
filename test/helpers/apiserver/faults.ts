// Faults on demand: a test names requests (a path, or a regular expression over path and query,
// optionally a method) and how they fail: a status (401, 403, 404, 500, 429 with a Status body as the
// API server writes them; 404 as for an API the server does not serve), a delay, or a dropped connection; for a number of requests or until cleared.

export interface Fault {
  /** A string matches the URL path exactly; a RegExp is tested against "path?query" (just the path without a query). */
  path: string | RegExp;
  /** Only requests of this method (GET, POST, ...); any method when absent. */
  method?: string;
  /** Answer with this status and a Status body instead of serving the request. */
  status?: 401 | 403 | 404 | 429 | 500;
  /** Wait this long first (then serve the request, or fail it as told). */
  delayMs?: number;
  /** Destroy the connection without an answer (after the delay, if any). */
  drop?: boolean;
  /** Apply to this many requests, then go away (default: until cleared). */
  times?: number;
}

export class Faults {
  private list: Fault[] = [];

  add(f: Fault): void {
    if (f.status === undefined && f.delayMs === undefined && !f.drop) throw new Error('a fault needs status, delayMs or drop');
    this.list.push({ ...f });
  }

  clear(): void {
    this.list = [];
  }

  /** The fault that applies to a request, counted as used. */
  take(method: string, path: string, query: string): Fault | undefined {
    const i = this.list.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(query ? `${path}?${query}` : path)),
    );
    if (i < 0) return undefined;
    const f = this.list[i];
    if (f.times !== undefined && --f.times <= 0) this.list.splice(i, 1);
    return f;
  }
}
