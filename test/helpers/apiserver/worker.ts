// The test API server's worker thread: the HTTPS server and what it serves. Every request, in order:
// the global latency; a fault, if one matches; authentication (401); impersonation (403 unless the
// caller may impersonate each requested item); authorization of the request itself by kubeid's
// evaluator for the (impersonated) user, system:masters allowed (403 in the API server's words); then
//   GET /version, /healthz, /livez, /readyz;
//   GET /api, /apis (aggregated discovery v2 when asked, else legacy), /api/v1, /apis/<g>, /apis/<g>/<v>;
//   POST the review resources (reviews.ts);
//   GET a stored resource of any served group/version: list (limit/continue, resourceVersion,
//   labelSelector, fieldSelector on metadata.name/namespace), one object, or a watch (?watch=1,
//   JSON lines ADDED/MODIFIED/DELETED, BOOKMARK with allowWatchBookmarks, an ERROR 410 event for a
//   compacted resourceVersion, timeoutSeconds); as a meta.k8s.io Table when the Accept header asks
//   (the API server's default table: Name, Created At);
//   anything else: 404, or 405 for a method a resource does not serve.
// The test thread drives it through ports (index.ts): control calls answered synchronously, and
// every request recorded before it is answered.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { loadManifestPaths } from '../../../server/src/core/manifest/load';
import { isReadError } from '../../../server/src/core/policy/workspace';
import { BOOTSTRAP_POLICY } from '../../../server/src/core/policy/bootstrap.generated';
import { MASTERS } from '../../../server/src/core/rbac/identity';
import type { Decision } from '../../../server/src/core/rbac/evaluator';
import type { RequestAttributes, UserInfo } from '../../../server/src/core/rbac/types';
import { authenticate, forbidden, impersonate, impersonates, requestInfo, type Authorize, type Headers, type RequestInfo } from './auth';
import type { ServedResource } from './discovery';
import { Faults } from './faults';
import type { Control, RecordedRequest, WorkerInit } from './index';
import { answerReview, decodeProtobuf, REVIEWS } from './reviews';
import { ClusterState } from './state';
import { grOf, objectMatcher, StatusError, type KubeObject, type StoreEvent } from './store';

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

interface Reply {
  status: number;
  type?: string;
  body: unknown;
}

interface Context {
  opts: WorkerInit['opts'];
  state: ClusterState;
  faults: Faults;
  records: MessagePort;
}

const { init, records, control, replies, signal } = workerData as {
  init: WorkerInit;
  records: MessagePort;
  control: MessagePort;
  replies: MessagePort;
  signal: Int32Array;
};
start().catch((e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));

async function start(): Promise<void> {
  const { opts, certs } = init;
  const seed: object[] = [];
  if (opts.defaults !== false) for (const b of BOOTSTRAP_POLICY) for (const o of b.objects) seed.push(o.value as object);
  if (opts.from?.length) {
    const files = await loadManifestPaths(opts.from);
    const unreadable = files.flatMap((f) => f.problems).filter(isReadError);
    if (unreadable.length) throw new Error(unreadable.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
    for (const f of files) for (const m of f.manifests) seed.push(m.value);
  }
  seed.push(...(opts.objects ?? []));
  const ctx: Context = { opts, state: new ClusterState(seed), faults: new Faults(), records };
  control.on('message', (c: Control) => {
    let reply: { value?: unknown; error?: string };
    try {
      reply = { value: controlCall(ctx, c) };
    } catch (e) {
      reply = { error: e instanceof Error ? e.message : String(e) };
    }
    replies.postMessage(reply);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
  const server: Server = createServer(
    { cert: certs.serverCertPem, key: certs.serverKeyPem, ca: [certs.caPem], requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void handle(ctx, req, res, Buffer.concat(chunks)));
    },
  );
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  parentPort!.postMessage({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

function controlCall(ctx: Context, c: Control): unknown {
  switch (c.op) {
    case 'fault':
      return ctx.faults.add(c.fault);
    case 'clearFaults':
      return ctx.faults.clear();
    case 'apply':
      return ctx.state.apply(c.object);
    case 'remove':
      return ctx.state.remove(c.kind, c.namespace, c.name);
    case 'compact':
      return ctx.state.store.compact();
    case 'resourceVersion':
      return String(ctx.state.store.resourceVersion);
  }
}

function headersOf(req: IncomingMessage): Headers {
  const out: Headers = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) (out[req.rawHeaders[i].toLowerCase()] ??= []).push(req.rawHeaders[i + 1]);
  return out;
}

function statusBody(e: StatusError) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: e.message,
    reason: e.reason,
    ...(e.details ? { details: e.details } : {}),
    code: e.code,
  };
}

const statusReply = (e: StatusError): Reply => ({ status: e.code, body: statusBody(e) });

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const [path, query] = q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
  const headers = headersOf(req);
  const record: RecordedRequest = {
    method: req.method ?? 'GET',
    path,
    query,
    headers,
    body,
    status: 0,
    impersonated: impersonates(headers),
  };
  const finish = (reply: Reply) => {
    record.status = reply.status;
    ctx.records.postMessage(record); // before answering: the client cannot have finished before it is recorded
    res.writeHead(reply.status, { 'Content-Type': reply.type ?? 'application/json' });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  };
  if (ctx.opts.latencyMs) await sleep(ctx.opts.latencyMs);
  const fault = ctx.faults.take(record.method, path, query);
  if (fault) {
    record.fault = true;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.drop) {
      ctx.records.postMessage(record);
      req.socket.destroy();
      return;
    }
    if (fault.status) return finish(statusReply(faultStatus(fault.status)));
  }
  let watchStarted = false;
  try {
    const params = new URLSearchParams(query);
    const { state } = ctx;
    // system:masters is allowed before RBAC is looked at: the evaluator (costly over a big store) is built only when needed.
    const authorize: Authorize = (u, a) => (u.groups.includes(MASTERS) ? MASTERS_DECISION : state.evaluator().authorize(u, a));
    const user = authenticate(req.socket as TLSSocket, headers, ctx.opts.tokens ?? {}, ctx.opts.anonymous === true);
    record.user = user.name;
    const as = impersonate(user, headers, authorize) ?? user;
    if (record.impersonated) record.as = as.name;
    const info = requestInfo(record.method, path, params);
    const d = authorize(as, info.attrs);
    if (!d.allowed) throw forbidden(info.attrs, as.name, d.reason);
    if (!info.attrs.resourceRequest) return finish(nonResource(ctx, record));
    const resource = state.discovery().resources.get(`${info.group}/${info.version}/${info.attrs.resource}`);
    if (!resource || (resource.namespaced ? false : info.attrs.namespace !== '' && info.attrs.resource !== 'namespaces')) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (REVIEWS[resource.resource] && record.method === 'POST') return finish(review(ctx, record, resource, info, as));
    if (record.method !== 'GET' || info.attrs.subresource || !resource.verbs.includes(info.attrs.verb)) {
      throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    const table = tableVersion(headers.accept);
    if (table === null) throw new StatusError(406, 'NotAcceptable', `only the following media types are accepted: application/json`);
    if (info.watch) {
      watchStarted = true;
      return watch(ctx, res, record, resource, info, params, table);
    }
    if (info.attrs.name) {
      const ns = resource.resource === 'namespaces' ? '' : info.attrs.namespace;
      const o = state.store.get(resource, ns, info.attrs.name);
      if (!o) throw notFound(resource, info.attrs.name);
      return finish({
        status: 200,
        body: table ? asTable([o], table, params, { resourceVersion: o.metadata.resourceVersion }) : served(o, resource),
      });
    }
    const limit = params.has('limit') ? Number(params.get('limit')) : undefined;
    const list = state.store.list(resource, {
      namespace: info.attrs.namespace,
      limit: Number.isSafeInteger(limit) ? limit : undefined,
      continue: params.get('continue') ?? undefined,
      resourceVersion: params.get('resourceVersion') ?? undefined,
      labelSelector: params.get('labelSelector') ?? undefined,
      fieldSelector: params.get('fieldSelector') ?? undefined,
    });
    const metadata = {
      resourceVersion: list.resourceVersion,
      ...(list.continue ? { continue: list.continue } : {}),
      ...(list.remainingItemCount !== undefined ? { remainingItemCount: list.remainingItemCount } : {}),
    };
    const gv = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    const body = table
      ? asTable(list.items, table, params, metadata)
      : { kind: `${resource.kind}List`, apiVersion: gv, metadata, items: list.items.map((o) => served(o, resource)) };
    return finish({ status: 200, body });
  } catch (e) {
    if (watchStarted && res.headersSent) return void res.destroy();
    return finish(
      statusReply(e instanceof StatusError ? e : new StatusError(500, 'InternalError', e instanceof Error ? e.message : String(e))),
    );
  }
}

const MASTERS_DECISION: Decision = { allowed: true, allowedBy: 'system:masters', reason: '', errors: [] };

function faultStatus(code: number): StatusError {
  switch (code) {
    case 401:
      return new StatusError(401, 'Unauthorized', 'Unauthorized');
    case 403:
      return new StatusError(403, 'Forbidden', 'forbidden: injected by the test');
    case 404:
      return new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    case 429:
      return new StatusError(429, 'TooManyRequests', 'The request has been rejected (injected by the test)');
    default:
      return new StatusError(500, 'InternalError', 'Internal error occurred: injected by the test');
  }
}

function notFound(r: ServedResource, name: string): StatusError {
  const qualified = r.group ? `${r.resource}.${r.group}` : r.resource;
  return new StatusError(404, 'NotFound', `${qualified} ${JSON.stringify(name)} not found`, { name, group: r.group, kind: r.resource });
}

/** An object as served at a group/version: stored objects are not converted, only labelled. */
function served(o: KubeObject, r: ServedResource): KubeObject {
  return { ...o, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind };
}

function nonResource(ctx: Context, r: RecordedRequest): Reply {
  if (r.method !== 'GET') throw new StatusError(405, 'MethodNotAllowed', `${r.method} ${r.path} is not served here`);
  if (r.path === '/version') return { status: 200, body: versionInfo(ctx.opts.version ?? 'v1.37.0') };
  if (r.path === '/healthz' || r.path === '/livez' || r.path === '/readyz') return { status: 200, type: 'text/plain', body: 'ok' };
  const d = ctx.state.discovery();
  if ((r.path === '/api' || r.path === '/apis') && ctx.opts.aggregatedDiscovery !== false && wantsAggregated(r.headers.accept)) {
    return { status: 200, type: AGGREGATED, body: r.path === '/api' ? d.aggregatedApi : d.aggregatedApis };
  }
  const legacy = d.legacy.get(r.path.replace(/\/+$/, ''));
  if (!legacy) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  return { status: 200, body: legacy };
}

/** Content negotiation for /api, /apis: the first media range we serve wins. */
function wantsAggregated(accept: string[] | undefined): boolean {
  for (const range of (accept ?? []).join(',').split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim());
    const p = new Map(params.map((x) => x.split('=', 2) as [string, string]));
    if (
      type === 'application/json' &&
      p.get('g') === 'apidiscovery.k8s.io' &&
      p.get('v') === 'v2' &&
      p.get('as') === 'APIGroupDiscoveryList'
    ) {
      return true;
    }
    if ((type === 'application/json' || type === '*/*') && !p.has('as')) return false;
  }
  return false;
}

/**
 * Content negotiation for resources: the meta.k8s.io version of a Table when the first media range
 * we serve asks for one, undefined for plain JSON, null when nothing acceptable (protobuf only).
 */
function tableVersion(accept: string[] | undefined): string | undefined | null {
  const ranges = (accept ?? [])
    .join(',')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ranges.length === 0) return undefined;
  for (const range of ranges) {
    const [type, ...params] = range.split(';').map((s) => s.trim());
    const p = new Map(params.map((x) => x.split('=', 2) as [string, string]));
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    if (!p.has('as')) return undefined;
    if (p.get('as') === 'Table' && p.get('g') === 'meta.k8s.io' && (p.get('v') === 'v1' || p.get('v') === 'v1beta1')) return p.get('v');
  }
  return null;
}

/** The API server's default table (rest.NewDefaultTableConvertor): Name and Created At. */
function asTable(objects: KubeObject[], version: string, params: URLSearchParams, metadata: object) {
  const include = params.get('includeObject') ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    columnDefinitions: [
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        description:
          'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
        priority: 0,
      },
      {
        name: 'Created At',
        type: 'date',
        format: '',
        description:
          'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
        priority: 0,
      },
    ],
    rows: objects.map((o) => ({
      cells: [o.metadata.name, o.metadata.creationTimestamp],
      ...(include === 'None'
        ? {}
        : {
            object:
              include === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: o.metadata },
          }),
    })),
  };
}

function versionInfo(gitVersion: string) {
  const [, major = '1', minor = '0'] = /^v(\d+)\.(\d+)/.exec(gitVersion) ?? [];
  return {
    major,
    minor,
    gitVersion,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: '',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function review(ctx: Context, r: RecordedRequest, resource: ServedResource, info: RequestInfo, as: UserInfo): Reply {
  const type = (r.headers['content-type']?.[0] ?? '').split(';')[0].trim();
  try {
    r.object = type === PROTOBUF ? decodeProtobuf(r.body) : JSON.parse(r.body.toString('utf8'));
  } catch (e) {
    const known = type === PROTOBUF || type === 'application/json';
    throw new StatusError(known ? 400 : 415, known ? 'BadRequest' : 'UnsupportedMediaType', `cannot decode ${type}: ${String(e)}`);
  }
  const namespace = resource.namespaced ? info.attrs.resourceRequest && info.attrs.namespace : '';
  return { status: 201, body: answerReview(ctx.state.evaluator(), resource.resource, namespace || '', as, r.object) };
}

// ---------------------------------------------------------------------------------------------
// Watch.

function watch(
  ctx: Context,
  res: ServerResponse,
  record: RecordedRequest,
  resource: ServedResource,
  info: RequestInfo,
  params: URLSearchParams,
  table: string | undefined,
): void {
  const { store } = ctx.state;
  const gr = grOf(resource);
  const attrs = info.attrs as RequestAttributes & { resourceRequest: true };
  const fieldSelector = [params.get('fieldSelector'), attrs.name ? `metadata.name=${attrs.name}` : ''].filter(Boolean).join(',');
  const selected = objectMatcher(params.get('labelSelector') ?? undefined, fieldSelector || undefined);
  const namespace = resource.namespaced ? attrs.namespace : '';
  const matches = (o: KubeObject | undefined) => o !== undefined && (!namespace || o.metadata.namespace === namespace) && selected(o);
  const rv = params.get('resourceVersion') ?? '';
  const bookmarks = params.get('allowWatchBookmarks') === 'true' || params.get('allowWatchBookmarks') === '1';
  const initialEvents = params.get('sendInitialEvents') === 'true' || rv === '' || rv === '0';

  let backlog: StoreEvent[] = [];
  let expired: StatusError | undefined;
  if (!initialEvents) {
    const from = Number(rv);
    if (!Number.isSafeInteger(from) || from < 0) throw new StatusError(400, 'BadRequest', `invalid resource version: ${rv}`);
    try {
      backlog = store.eventsSince(gr, from);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      expired = e;
    }
  }
  record.status = 200;
  ctx.records.postMessage(record);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const gv = resource.group ? `${resource.group}/${resource.version}` : resource.version;
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const sendObject = (type: string, o: KubeObject) =>
    send(type, table ? asTable([o], table, params, { resourceVersion: o.metadata.resourceVersion }) : served(o, resource));
  const bookmark = (annotations?: Record<string, string>) =>
    send('BOOKMARK', {
      kind: resource.kind,
      apiVersion: gv,
      metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) },
    });
  if (expired) {
    send('ERROR', statusBody(expired));
    res.end();
    return;
  }
  const deliver = (e: StoreEvent) => {
    if (e.gr !== gr) return;
    const was = e.prev !== undefined && matches(e.prev);
    if (e.type === 'DELETED') return void (was && sendObject('DELETED', e.object));
    const is = matches(e.object);
    if (is) sendObject(was ? 'MODIFIED' : 'ADDED', e.object);
    else if (was) sendObject('DELETED', e.object);
  };
  const unsubscribe = store.subscribe(deliver);
  if (initialEvents) {
    for (const o of store.list(resource, { namespace }).items) if (matches(o)) sendObject('ADDED', o);
    if (params.get('sendInitialEvents') === 'true' && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    for (const e of backlog) deliver(e);
  }
  const timers: NodeJS.Timeout[] = [];
  if (bookmarks) timers.push(setInterval(() => bookmark(), ctx.opts.bookmarkIntervalMs ?? 1000));
  const timeout = Number(params.get('timeoutSeconds'));
  if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
  const stop = () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  };
  res.on('close', stop);
  res.on('finish', stop);
}
