// The ClusterSource of a real API server: @kubernetes/client-node supplies the credentials of the
// kubeconfig (token, client certificate, exec plugins, auth-providers); requests are plain HTTPS
// with a timeout each, a keep-alive agent, and errors that say what failed without a credential.
// Impersonation headers are set on review requests only.
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { resourcesFromAggregated, resourcesFromResourceLists } from '../core/catalogue/discovery';
import { apiVersionOf } from '../core/cluster/snapshot';
import { schedule } from '../core/cluster/scheduler';
import {
  ClusterError,
  isClusterError,
  type AccessReviewResult,
  type ClusterSource,
  type Discovery,
  type ListPage,
  type ResourceRef,
  type ReviewSubject,
  type RulesReviewResult,
  type WatchEvent,
  type WhoAmI,
} from '../core/cluster/source';
import type { ImpersonationRequest } from '../core/rbac/identity';
import type { RequestAttributes } from '../core/rbac/types';
import { loadKubeconfig, type KubeconfigOptions, type LoadedKubeconfig } from './kubeconfig';
import { redact } from './redact';

export interface ConnectOptions extends KubeconfigOptions {
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** A watch is closed by the server after this and opened again (default 300 s). */
  watchSeconds?: number;
}

/** Answers larger than this are refused (a hostile or broken server). */
const MAX_BODY = 512 * 1024 * 1024;

const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface Auth {
  headers: Record<string, string>;
  agent: http.Agent;
  basic?: string;
}

interface Response {
  status: number;
  body: Buffer;
  contentType: string;
}

interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  accept?: string;
  signal?: AbortSignal;
  /** What the request does, for messages: "list clusterroles". */
  what: string;
}

export class KubeClusterSource implements ClusterSource {
  private auth?: Promise<Auth>;
  private readonly secrets: Set<string>;
  private readonly timeoutMs: number;
  private readonly watchSeconds: number;

  private constructor(
    readonly config: LoadedKubeconfig,
    private readonly kc: KubeConfig,
    opts: ConnectOptions,
  ) {
    this.secrets = new Set(config.secrets);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.watchSeconds = opts.watchSeconds ?? 300;
  }

  /** Loads the kubeconfig (no request is sent yet). */
  static async connect(opts: ConnectOptions = {}): Promise<KubeClusterSource> {
    const config = loadKubeconfig(opts);
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromString(JSON.stringify(config.raw));
    return new KubeClusterSource(config, kc, opts);
  }

  /** Text with every credential of this connection removed. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  async list(ref: ResourceRef, opts: { limit?: number; continue?: string; signal?: AbortSignal }): Promise<ListPage> {
    const r = await this.json<{ items?: unknown; metadata?: { resourceVersion?: string; continue?: string } }>({
      method: 'GET',
      path: collectionPath(ref),
      query: { limit: opts.limit ? String(opts.limit) : undefined, continue: opts.continue },
      signal: opts.signal,
      what: `list ${describeRef(ref)}`,
    });
    const apiVersion = apiVersionOf(ref);
    const items = (Array.isArray(r.items) ? r.items : [])
      .filter((o): o is Record<string, unknown> => typeof o === 'object' && o !== null)
      .map((o) => ({ apiVersion, kind: ref.kind, ...o }));
    return { items, resourceVersion: r.metadata?.resourceVersion ?? '', continue: r.metadata?.continue || undefined };
  }

  async *watch(ref: ResourceRef, resourceVersion: string, signal?: AbortSignal): AsyncIterable<WatchEvent> {
    const what = `watch ${describeRef(ref)}`;
    const res = await this.send(
      {
        method: 'GET',
        path: collectionPath(ref),
        query: { watch: '1', resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(this.watchSeconds) },
        signal,
        what,
      },
      (this.watchSeconds + 30) * 1000,
      true,
    );
    let buffered = '';
    res.setEncoding('utf8'); // a character split between two chunks stays whole
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        buffered += chunk;
        if (buffered.length > MAX_BODY) throw new ClusterError('server', `${what}: an event larger than ${MAX_BODY} bytes`);
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) yield this.watchEvent(line, what);
        }
      }
    } catch (e) {
      throw this.networkError(e, what, signal);
    }
  }

  private watchEvent(line: string, what: string): WatchEvent {
    let ev: { type?: unknown; object?: unknown };
    try {
      ev = JSON.parse(line) as typeof ev;
    } catch {
      throw new ClusterError('server', `${what}: the server sent an event that is not JSON`);
    }
    const object = (typeof ev.object === 'object' && ev.object !== null ? ev.object : {}) as Record<string, unknown>;
    if (ev.type === 'ERROR') throw this.statusError(typeof object.code === 'number' ? object.code : 500, object, what);
    if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED' && ev.type !== 'BOOKMARK') {
      throw new ClusterError('server', `${what}: unknown event type ${JSON.stringify(ev.type)}`);
    }
    return { type: ev.type, object };
  }

  async discover(signal?: AbortSignal): Promise<Discovery> {
    const get = (path: string, accept?: string) => this.send({ method: 'GET', path, accept, signal, what: `discover ${path}` });
    const [core, groups] = await Promise.all([get('/api', AGGREGATED_ACCEPT), get('/apis', AGGREGATED_ACCEPT)]);
    const coreDoc = this.parse(core, 'discover /api') as { kind?: string };
    const groupsDoc = this.parse(groups, 'discover /apis') as { kind?: string; groups?: unknown };
    if (coreDoc.kind === 'APIGroupDiscoveryList' && groupsDoc.kind === 'APIGroupDiscoveryList') {
      const a = resourcesFromAggregated(coreDoc);
      const b = resourcesFromAggregated(groupsDoc);
      const stale = [...a.stale, ...b.stale];
      return {
        resources: [...a.resources, ...b.resources],
        problems: stale.map((gv) => `${gv}: not available (the aggregated API server does not answer)`),
      };
    }
    // Legacy discovery: one APIResourceList per group version, preferred version first.
    const gvs: { group: string; version: string }[] = [{ group: '', version: 'v1' }];
    for (const g of Array.isArray(groupsDoc.groups) ? (groupsDoc.groups as unknown[]) : []) {
      const { name, versions, preferredVersion } = g as {
        name?: string;
        versions?: { version?: string }[];
        preferredVersion?: { version?: string };
      };
      if (!name || !Array.isArray(versions)) continue;
      const vs = versions.map((v) => v.version ?? '').filter(Boolean);
      const pref = preferredVersion?.version;
      for (const v of pref && vs.includes(pref) ? [pref, ...vs.filter((x) => x !== pref)] : vs) gvs.push({ group: name, version: v });
    }
    const problems: string[] = [];
    const lists = await schedule(
      gvs,
      async (gv, s) => {
        const path = gv.group ? `/apis/${gv.group}/${gv.version}` : '/api/v1';
        return { ...gv, list: await this.json({ method: 'GET', path, signal: s, what: `discover ${path}` }) };
      },
      { concurrency: 8, ratePerSecond: 100, burst: 100, signal },
    );
    lists.forEach((l, i) => {
      if (!l.ok)
        problems.push(`${gvs[i].group || 'core'}/${gvs[i].version}: ${l.error instanceof Error ? l.error.message : String(l.error)}`);
    });
    if (signal?.aborted) throw new ClusterError('aborted', 'cancelled');
    return { resources: resourcesFromResourceLists(lists.flatMap((l) => (l.ok ? [l.value] : []))), problems };
  }

  async accessReview(subject: ReviewSubject, attrs: RequestAttributes, signal?: AbortSignal): Promise<AccessReviewResult> {
    const spec = attrs.resourceRequest
      ? {
          resourceAttributes: omitEmpty({
            namespace: attrs.namespace,
            verb: attrs.verb,
            group: attrs.apiGroup,
            resource: attrs.resource,
            subresource: attrs.subresource,
            name: attrs.name,
          }),
        }
      : { nonResourceAttributes: { path: attrs.path, verb: attrs.verb } };
    const self = subject.kind !== 'subject';
    const kind = self ? 'SelfSubjectAccessReview' : 'SubjectAccessReview';
    const body = {
      apiVersion: 'authorization.k8s.io/v1',
      kind,
      spec: self
        ? spec
        : {
            ...spec,
            ...omitEmpty({ user: subject.user.name, uid: subject.user.uid }),
            groups: subject.user.groups,
            extra: subject.user.extra,
          },
    };
    const r = await this.json<{ status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string } }>({
      method: 'POST',
      path: `/apis/authorization.k8s.io/v1/${kind.toLowerCase()}s`,
      body,
      headers: subject.kind === 'impersonate' ? impersonationHeaders(subject.as) : undefined,
      signal,
      what: `create ${kind}`,
    });
    return {
      allowed: r.status?.allowed === true,
      denied: r.status?.denied === true,
      reason: this.redact(r.status?.reason ?? ''),
      evaluationError: this.redact(r.status?.evaluationError ?? ''),
    };
  }

  async rulesReview(subject: ReviewSubject, namespace: string, signal?: AbortSignal): Promise<RulesReviewResult> {
    if (subject.kind === 'subject') throw new ClusterError('config', 'a rules review answers for the caller only: use impersonation');
    const r = await this.json<{ status?: Partial<RulesReviewResult> }>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
      headers: subject.kind === 'impersonate' ? impersonationHeaders(subject.as) : undefined,
      signal,
      what: 'create SelfSubjectRulesReview',
    });
    const s = r.status ?? {};
    return {
      resourceRules: Array.isArray(s.resourceRules) ? s.resourceRules : [],
      nonResourceRules: Array.isArray(s.nonResourceRules) ? s.nonResourceRules : [],
      incomplete: s.incomplete === true,
      evaluationError: this.redact(s.evaluationError ?? ''),
    };
  }

  /** SelfSubjectReview, falling back from v1 to v1beta1 to v1alpha1 as `kubectl auth whoami` does. */
  async whoami(signal?: AbortSignal): Promise<WhoAmI> {
    for (const version of ['v1', 'v1beta1', 'v1alpha1']) {
      const apiVersion = `authentication.k8s.io/${version}`;
      try {
        const r = await this.json<{
          status?: { userInfo?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } };
        }>({
          method: 'POST',
          path: `/apis/${apiVersion}/selfsubjectreviews`,
          body: { apiVersion, kind: 'SelfSubjectReview' },
          signal,
          what: 'create SelfSubjectReview',
        });
        const u = r.status?.userInfo ?? {};
        return {
          user: {
            name: u.username ?? '',
            groups: u.groups ?? [],
            ...(u.uid ? { uid: u.uid } : {}),
            ...(u.extra ? { extra: u.extra } : {}),
          },
          via: `${apiVersion} SelfSubjectReview`,
        };
      } catch (e) {
        if (!isClusterError(e, 'not-found')) throw e;
      }
    }
    throw new ClusterError(
      'not-found',
      'the selfsubjectreviews API is not enabled in the cluster: enable the APISelfSubjectReview feature gate and the authentication.k8s.io/v1beta1 API (Kubernetes 1.26–1.27), or upgrade to 1.28+',
    );
  }

  // ---------------------------------------------------------------------------------------------

  private async json<T>(spec: RequestSpec): Promise<T> {
    return this.parse(await this.send(spec), spec.what) as T;
  }

  private parse(r: Response, what: string): unknown {
    try {
      return JSON.parse(r.body.toString('utf8'));
    } catch {
      throw new ClusterError(
        'server',
        `${what}: the server's answer is not JSON (${r.contentType || 'no content type'}, HTTP ${r.status})`,
      );
    }
  }

  /** One request; a 401 refreshes the credentials (an exec plugin's token may have expired) and tries once more. */
  private send(spec: RequestSpec): Promise<Response>;
  private send(spec: RequestSpec, timeoutMs: number, stream: true): Promise<http.IncomingMessage>;
  private async send(spec: RequestSpec, timeoutMs = this.timeoutMs, stream = false): Promise<Response | http.IncomingMessage> {
    for (let attempt = 0; ; attempt++) {
      const auth = await this.credentials(attempt > 0);
      try {
        return await this.once(spec, auth, timeoutMs, stream);
      } catch (e) {
        if (attempt === 0 && isClusterError(e, 'unauthorized') && this.config.auth.kind === 'exec') continue;
        throw e;
      }
    }
  }

  private credentials(refresh: boolean): Promise<Auth> {
    if (!this.auth || refresh) {
      this.auth = this.loadCredentials().catch((e: unknown) => {
        this.auth = undefined;
        // An exec plugin's failure can quote its stderr or environment.
        const why = e instanceof Error ? e.message : String(e);
        throw new ClusterError('config', this.redact(`cannot get credentials for user "${this.config.user.name}": ${why}`));
      });
    }
    return this.auth;
  }

  private async loadCredentials(): Promise<Auth> {
    const o: https.RequestOptions = {};
    const plainHttp = this.config.cluster.server.startsWith('http:');
    try {
      await this.kc.applyToHTTPSOptions(o);
    } catch (e) {
      // client-node refuses http:// servers once the headers are set; kubectl allows them.
      if (!plainHttp) throw e;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      // A kubeconfig's `as:` would impersonate on every request: kubeid impersonates on reviews only.
      if (!/^impersonate-/i.test(k) && typeof v === 'string') headers[k] = v;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.Authorization ?? '');
    if (bearer) this.secrets.add(bearer[1]);
    const proxy = this.kc.getCurrentCluster()?.proxyUrl;
    const tls = { ca: o.ca, cert: o.cert, key: o.key, rejectUnauthorized: o.rejectUnauthorized, servername: o.servername };
    const agent =
      proxy && o.agent instanceof http.Agent
        ? o.agent
        : plainHttp
          ? new http.Agent({ keepAlive: true })
          : new https.Agent({ ...tls, keepAlive: true, maxSockets: 64 });
    return { headers, agent, basic: o.auth ?? undefined };
  }

  private once(spec: RequestSpec, auth: Auth, timeoutMs: number, stream: boolean): Promise<Response | http.IncomingMessage> {
    const base = new URL(this.config.cluster.server.replace(/\/+$/, ''));
    const url = new URL(base.pathname.replace(/\/$/, '') + spec.path, base);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const body = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const headers: http.OutgoingHttpHeaders = {
      ...auth.headers,
      ...spec.headers,
      Accept: spec.accept ?? 'application/json',
      'User-Agent': 'kubeid',
      ...(body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {}),
    };
    const what = spec.what;
    return new Promise((resolve, reject) => {
      if (spec.signal?.aborted) return reject(new ClusterError('aborted', `${what}: cancelled`));
      const mod = url.protocol === 'http:' ? http : https;
      const req = mod.request(url, { method: spec.method, headers, agent: auth.agent, auth: auth.basic, signal: spec.signal });
      const timer = setTimeout(
        () =>
          req.destroy(new ClusterError('timeout', `${what}: no answer from ${this.config.cluster.server} within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const fail = (e: unknown) => {
        clearTimeout(timer);
        reject(this.networkError(e, what, spec.signal));
      };
      req.on('error', fail);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (stream && status === 200) {
          clearTimeout(timer);
          // The idle limit of a watch: the server closes it after timeoutSeconds, bookmarks come meanwhile.
          res.socket.setTimeout(timeoutMs, () => res.destroy(new ClusterError('timeout', `${what}: the watch went silent`)));
          return resolve(res);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) res.destroy(new ClusterError('server', `${what}: the answer is larger than ${MAX_BODY / 1024 / 1024} MB`));
          else chunks.push(c);
        });
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const r: Response = { status, body: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? '') };
          if (status >= 200 && status < 300) return resolve(r);
          let parsed: unknown;
          try {
            parsed = JSON.parse(r.body.toString('utf8'));
          } catch {
            parsed = undefined;
          }
          reject(this.statusError(status, parsed, what));
        });
      });
      req.end(body);
    });
  }

  /** An error answer (a Status object, or anything else) as a ClusterError. */
  private statusError(status: number, body: unknown, what: string): ClusterError {
    const s = (typeof body === 'object' && body !== null ? body : {}) as { message?: unknown; details?: ClusterError['details'] };
    const text = typeof s.message === 'string' && s.message ? s.message : (http.STATUS_CODES[status] ?? 'error');
    const code =
      status === 401
        ? 'unauthorized'
        : status === 403
          ? 'forbidden'
          : status === 404
            ? 'not-found'
            : status === 410
              ? 'gone'
              : status === 504 || status === 408
                ? 'timeout'
                : 'server';
    const hint =
      status === 401 ? ` (the API server refused the credentials of user "${this.config.user.name}": ${this.config.auth.kind})` : '';
    return new ClusterError(code, this.redact(`${what}: ${text}${hint} (HTTP ${status})`), status, s.details);
  }

  private networkError(e: unknown, what: string, signal?: AbortSignal): ClusterError {
    if (e instanceof ClusterError) return e;
    if (signal?.aborted) return new ClusterError('aborted', `${what}: cancelled`);
    const err = e as NodeJS.ErrnoException;
    const server = this.config.cluster.server;
    const code = err?.code ?? '';
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host not found'
          : code === 'ECONNRESET' || err?.message === 'socket hang up'
            ? 'the server closed the connection without an answer'
            : /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code)
              ? `TLS: ${code} (is the certificate-authority of the kubeconfig the cluster's?)`
              : `${code || (err?.message ?? String(e))}`;
    return new ClusterError('unreachable', this.redact(`${what}: cannot reach ${server}: ${why}`));
  }
}

function describeRef(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function collectionPath(ref: ResourceRef): string {
  return ref.group ? `/apis/${ref.group}/${ref.version}/${ref.resource}` : `/api/${ref.version}/${ref.resource}`;
}

function omitEmpty(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => !!e[1]));
}

/**
 * The headers `kubectl --as USER --as-group G --as-uid U` sends (client-go transport
 * ImpersonatingRoundTripper): one Impersonate-Group line per group, one Impersonate-Extra-KEY line
 * per value, the key %-escaped where it is not a legal header character.
 */
export function impersonationHeaders(as: ImpersonationRequest): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = { 'Impersonate-User': as.user };
  if (as.uid) h['Impersonate-Uid'] = as.uid;
  if (as.groups?.length) h['Impersonate-Group'] = [...as.groups];
  for (const [k, values] of Object.entries(as.extra ?? {})) h[`Impersonate-Extra-${headerKeyEscape(k)}`] = [...values];
  return h;
}

const TOKEN = /^[!#$&'*+\-.^_`|~0-9A-Za-z]$/;

function headerKeyEscape(key: string): string {
  return [...Buffer.from(key, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return b < 0x80 && TOKEN.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}
