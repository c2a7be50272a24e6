// A small Kubernetes API server for tests (plain HTTP on 127.0.0.1), answering from kubeid's own
// evaluator over a workspace of manifests:
// - discovery: /api and /apis as aggregated discovery v2 (when the Accept header asks for it) or
//   legacy APIVersions / APIGroupList, /api/v1 and /apis/<g>/<v>, from the vendored snapshot
//   (server/data/discovery) plus the workspace's CRDs; /version;
// - POST selfsubjectaccessreviews / selfsubjectrulesreviews (JSON or protobuf bodies) for the
//   user the Impersonate-* headers name (system:anonymous without them);
// - anything else: a 404 Status.
// The server does not authorise its own endpoints: every caller may impersonate anyone and ask.
// It runs in a worker thread so that tests can block on a client (spawnSync kubectl); every request
// is recorded and handed to the test thread synchronously (receiveMessageOnPort).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, MessageChannel, MessagePort, parentPort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import { aggregateErrors } from '../../server/src/core/rbac/evaluator';
import { impersonatedUser } from '../../server/src/core/rbac/identity';
import type { RequestAttributes, UserInfo } from '../../server/src/core/rbac/types';
import { isReadError, loadWorkspace, type Workspace } from '../../server/src/core/policy/workspace';
import { repoPath } from './repo';

export interface FakeApiServerOptions {
  /** Manifests, as kubeid's --from takes them (files or folders, relative to the current directory). */
  from: string[];
  /** Include the default cluster policy (default true), as kubeid does without --no-defaults. */
  defaults?: boolean;
  /**
   * gitVersion served at /version (default v1.37.0, the version of the vendored discovery). Some
   * kubectl installs (Google Cloud SDK's) are a dispatcher that runs the kubectl.1.NN matching the
   * server's minor version if it has one, else its default (v1.32 here).
   */
  version?: string;
  /** Serve aggregated discovery when asked (default true); false makes clients use the legacy endpoints. */
  aggregatedDiscovery?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** URL path without the query. */
  path: string;
  query: string;
  /** Lower-case names; every value of a repeated header kept apart. */
  headers: Record<string, string[]>;
  body: Buffer;
  /** The body decoded from JSON or Kubernetes protobuf (review objects), if it could be. */
  object?: any;
}

export interface FakeApiServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Every request received so far, oldest first. */
  requests(): RecordedRequest[];
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The test thread's side: start / stop the worker, collect the records.

export async function startFakeApiServer(opts: FakeApiServerOptions): Promise<FakeApiServer> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(__filename, { workerData: { fakeApiServer: opts, records: port2 }, transferList: [port2] });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { url?: string; error?: string }) => (m.url ? resolve(m.url) : reject(new Error(m.error))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`fake API server exited with code ${code}`)));
  });
  worker.unref(); // a test that forgets stop() must not hang
  const seen: RecordedRequest[] = [];
  return {
    url,
    requests() {
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
        const r = m.message as RecordedRequest;
        seen.push({ ...r, body: Buffer.from(r.body) });
      }
      return [...seen];
    },
    async stop() {
      port1.close();
      await worker.terminate();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// kubectl against the server.

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The requests the server received during this run. */
  requests: RecordedRequest[];
}

export interface Kubectl {
  kubeconfig: string;
  run(args: string[]): KubectlResult;
  dispose(): void;
}

/** kubectl's client version (e.g. "v1.32.4"), or undefined if there is no usable kubectl. */
export function kubectlVersion(bin = 'kubectl'): string | undefined {
  const r = spawnSync(bin, ['version', '--client', '-o', 'json'], { encoding: 'utf8', env: kubectlEnv(), timeout: 30_000 });
  if (r.status !== 0) return undefined;
  try {
    return (JSON.parse(r.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
  } catch {
    return undefined;
  }
}

function kubectlEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return env;
}

/**
 * A temporary kubeconfig for the server (one context, the given namespace, no credentials) and a
 * discovery cache of its own, and a way to run `kubectl --kubeconfig F --cache-dir D ARGS...`.
 */
export function kubectlFor(server: FakeApiServer, opts: { namespace?: string; bin?: string } = {}): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: server.url } }],
      users: [{ name: 'nobody', user: {} }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'nobody', namespace: opts.namespace ?? 'default' } }],
      'current-context': 'fake',
    }),
  );
  const cacheDir = join(dir, 'cache');
  return {
    kubeconfig,
    run(args) {
      const before = server.requests().length;
      const r = spawnSync(opts.bin ?? 'kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {
        encoding: 'utf8',
        env: kubectlEnv(),
        timeout: 60_000,
      });
      if (r.error) throw r.error;
      return { code: r.status, stdout: r.stdout, stderr: r.stderr, requests: server.requests().slice(before) };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------------------------------------
// The worker's side: the HTTP server.

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const REVIEWS = '/apis/authorization.k8s.io/v1/';

interface Reply {
  status: number;
  type?: string;
  body: unknown;
}

if (!isMainThread && (workerData as { fakeApiServer?: unknown } | null)?.fakeApiServer) {
  const { fakeApiServer: opts, records } = workerData as { fakeApiServer: FakeApiServerOptions; records: MessagePort };
  serve(opts, records).catch((e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
}

async function serve(opts: FakeApiServerOptions, records: MessagePort): Promise<void> {
  const ws = await loadWorkspace(opts.from, { defaults: opts.defaults !== false });
  const unreadable = ws.problems.filter(isReadError);
  if (unreadable.length) throw new Error(unreadable.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
  const discovery = buildDiscovery(ws);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const [path, query] = q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
      const record: RecordedRequest = { method: req.method ?? 'GET', path, query, headers: headersOf(req), body };
      let reply: Reply;
      try {
        reply = route(record, ws, discovery, opts);
      } catch (e) {
        reply = status(500, 'InternalError', e instanceof Error ? e.message : String(e));
      }
      records.postMessage(record); // before answering: the client cannot have finished before it is recorded
      send(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  parentPort!.postMessage({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

function headersOf(req: IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) (out[req.rawHeaders[i].toLowerCase()] ??= []).push(req.rawHeaders[i + 1]);
  return out;
}

function send(res: ServerResponse, r: Reply): void {
  res.writeHead(r.status, { 'Content-Type': r.type ?? 'application/json' });
  res.end(JSON.stringify(r.body));
}

function status(code: number, reason: string, message: string): Reply {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } };
}

function route(r: RecordedRequest, ws: Workspace, d: Discovery, opts: FakeApiServerOptions): Reply {
  if (r.method === 'POST' && r.path.startsWith(REVIEWS)) {
    const kind = r.path.slice(REVIEWS.length);
    if (kind !== 'selfsubjectaccessreviews' && kind !== 'selfsubjectrulesreviews') return status(404, 'NotFound', `no ${kind} here`);
    const type = (r.headers['content-type']?.[0] ?? '').split(';')[0].trim();
    try {
      r.object = type === PROTOBUF ? decodeProtobuf(r.body) : JSON.parse(r.body.toString('utf8'));
    } catch (e) {
      return status(type === PROTOBUF || type === 'application/json' ? 400 : 415, 'BadRequest', `cannot decode ${type}: ${String(e)}`);
    }
    const user = requestUser(r.headers);
    if (typeof user === 'string') return status(400, 'BadRequest', user);
    return kind === 'selfsubjectaccessreviews' ? accessReview(ws, user, r.object) : rulesReview(ws, user, r.object);
  }
  if (r.method !== 'GET') return status(405, 'MethodNotAllowed', `${r.method} ${r.path} is not served here`);
  if (r.path === '/version') return { status: 200, body: versionInfo(opts.version ?? 'v1.37.0') };
  if ((r.path === '/api' || r.path === '/apis') && opts.aggregatedDiscovery !== false && wantsAggregated(r.headers.accept)) {
    return { status: 200, type: AGGREGATED, body: r.path === '/api' ? d.aggregatedApi : d.aggregatedApis };
  }
  const legacy = d.legacy.get(r.path);
  return legacy ? { status: 200, body: legacy } : status(404, 'NotFound', 'the server could not find the requested resource');
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

// ---------------------------------------------------------------------------------------------
// Impersonation and the review APIs (spec §8.1, §9).

/** The impersonated user (legacy impersonation filter), or an error message. */
function requestUser(h: Record<string, string[]>): UserInfo | string {
  const user = h['impersonate-user']?.[0] ?? '';
  const groups = h['impersonate-group'] ?? [];
  const uid = h['impersonate-uid']?.[0];
  const extra: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(h)) {
    if (!name.startsWith('impersonate-extra-')) continue;
    const key = name.slice('impersonate-extra-'.length);
    let k = key;
    try {
      k = decodeURIComponent(key);
    } catch {
      // the raw key, as the API server does
    }
    (extra[k] ??= []).push(...values);
  }
  if (!user) {
    if (groups.length || uid !== undefined || Object.keys(extra).length) return 'requested impersonation without impersonating a user';
    return impersonatedUser({ user: 'system:anonymous' }); // no credentials: anonymous
  }
  return impersonatedUser({ user, groups, uid, extra });
}

function accessReview(ws: Workspace, user: UserInfo, o: any): Reply {
  const ra = o?.spec?.resourceAttributes;
  const nra = o?.spec?.nonResourceAttributes;
  if (!ra === !nra) return status(422, 'Invalid', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const attrs: RequestAttributes = ra
    ? {
        resourceRequest: true,
        verb: ra.verb ?? '',
        namespace: ra.namespace ?? '',
        apiGroup: ra.group ?? '',
        resource: ra.resource ?? '',
        subresource: ra.subresource ?? '',
        name: ra.name ?? '',
      }
    : { resourceRequest: false, verb: nra.verb ?? '', path: nra.path ?? '' };
  const d = ws.evaluator.authorize(user, attrs);
  const reviewStatus = { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
  return { status: 201, body: review('SelfSubjectAccessReview', o, reviewStatus) };
}

function rulesReview(ws: Workspace, user: UserInfo, o: any): Reply {
  const namespace: string = o?.spec?.namespace ?? '';
  if (!namespace) return status(400, 'BadRequest', 'no namespace on request');
  const { rules, errors } = ws.evaluator.rulesFor(user, namespace);
  const resourceRules = rules
    .map((s) => s.rule)
    .filter((r) => (r.resources ?? []).length > 0)
    .map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources, resourceNames: r.resourceNames ?? [] }));
  const nonResourceRules = rules
    .map((s) => s.rule)
    .filter((r) => (r.nonResourceURLs ?? []).length > 0)
    .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  const reviewStatus = {
    resourceRules,
    nonResourceRules,
    incomplete: false,
    ...(errors.length ? { evaluationError: aggregateErrors(errors) } : {}),
  };
  return { status: 201, body: review('SelfSubjectRulesReview', o, reviewStatus) };
}

function review(kind: string, o: any, reviewStatus: object) {
  return { kind, apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: o?.spec ?? {}, status: reviewStatus };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes protobuf ("k8s\0" + runtime.Unknown), enough for the review objects kubectl sends.

/** Message schemas: field number → [JSON name, nested schema]; no nested schema = string. */
interface Schema {
  [field: number]: [string, Schema?];
}
const RESOURCE_ATTRIBUTES: Schema = {
  1: ['namespace'],
  2: ['verb'],
  3: ['group'],
  4: ['version'],
  5: ['resource'],
  6: ['subresource'],
  7: ['name'],
};
const SCHEMAS: Record<string, Schema> = {
  SelfSubjectAccessReview: {
    2: ['spec', { 1: ['resourceAttributes', RESOURCE_ATTRIBUTES], 2: ['nonResourceAttributes', { 1: ['path'], 2: ['verb'] }] }],
  },
  SelfSubjectRulesReview: { 2: ['spec', { 1: ['namespace'] }] },
};

function decodeProtobuf(body: Buffer): any {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('no k8s protobuf magic');
  const unknown = protoFields(body.subarray(4));
  const typeMeta = decodeMessage(unknown.get(1)?.[0], { 1: ['apiVersion'], 2: ['kind'] });
  const schema = SCHEMAS[typeMeta.kind as string];
  if (!schema) throw new Error(`no schema for ${String(typeMeta.kind)}`);
  return { ...typeMeta, ...decodeMessage(unknown.get(2)?.[0], schema) };
}

function decodeMessage(buf: Uint8Array | undefined, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, values] of buf ? protoFields(buf) : []) {
    const s = schema[field];
    if (!s) continue;
    const last = values[values.length - 1];
    out[s[0]] = s[1] ? decodeMessage(last, s[1]) : Buffer.from(last).toString('utf8');
  }
  return out;
}

/** The length-delimited fields of a message by number (other wire types skipped). */
function protoFields(buf: Uint8Array): Map<number, Uint8Array[]> {
  const out = new Map<number, Uint8Array[]>();
  let i = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      if (i >= buf.length) throw new Error('truncated protobuf');
      const b = buf[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const wire = tag % 8;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const n = varint();
      if (i + n > buf.length) throw new Error('truncated protobuf');
      const list = out.get(Math.floor(tag / 8)) ?? [];
      list.push(buf.subarray(i, i + n));
      out.set(Math.floor(tag / 8), list);
      i += n;
    } else throw new Error(`protobuf wire type ${wire}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Discovery documents (spec §11): the vendored snapshot plus the workspace's CRDs.

interface Discovery {
  aggregatedApi: unknown;
  aggregatedApis: unknown;
  /** Legacy documents by path: /api, /apis, /api/v1, /apis/<g>, /apis/<g>/<v>. */
  legacy: Map<string, unknown>;
}

interface GroupDiscovery {
  metadata: { name?: string };
  versions: { version: string; freshness: string; resources: ResourceDiscovery[] }[];
}
interface ResourceDiscovery {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource: string; responseKind: { group: string; version: string; kind: string }; verbs: string[] }[];
}

const discoveryFile = (name: string): any => JSON.parse(readFileSync(repoPath('server/data/discovery', name), 'utf8'));

function buildDiscovery(ws: Workspace): Discovery {
  const coreList = discoveryFile('api__v1.json');
  const core = coreGroup(coreList);
  const groups: GroupDiscovery[] = [...(discoveryFile('aggregated_v2.json').items as GroupDiscovery[]), ...crdGroups(ws)];
  const list = (items: GroupDiscovery[]) => ({ apiVersion: 'apidiscovery.k8s.io/v2', kind: 'APIGroupDiscoveryList', metadata: {}, items });
  const legacy = new Map<string, unknown>([
    ['/api', { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }],
    ['/api/v1', coreList],
  ]);
  const apiGroups = groups.map((g) => {
    const versions = g.versions.map((v) => ({ groupVersion: `${g.metadata.name}/${v.version}`, version: v.version }));
    return { name: g.metadata.name, versions, preferredVersion: versions[0] };
  });
  legacy.set('/apis', { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups });
  for (const [i, g] of groups.entries()) {
    legacy.set(`/apis/${g.metadata.name}`, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroups[i] });
    for (const v of g.versions)
      legacy.set(`/apis/${g.metadata.name}/${v.version}`, resourceList(`${g.metadata.name}/${v.version}`, v.resources));
  }
  return { aggregatedApi: list([core]), aggregatedApis: list(groups), legacy };
}

/** The core group's aggregated document, made from its APIResourceList ("pods/exec" → subresource of pods). */
function coreGroup(coreList: { resources: any[] }): GroupDiscovery {
  const resources = coreList.resources
    .filter((r) => !r.name.includes('/'))
    .map((r): ResourceDiscovery => {
      const subresources = coreList.resources
        .filter((s) => s.name.startsWith(`${r.name}/`))
        .map((s) => ({
          subresource: s.name.slice(r.name.length + 1),
          responseKind: { group: s.group ?? '', version: s.version ?? '', kind: s.kind },
          verbs: s.verbs,
        }));
      return {
        resource: r.name,
        responseKind: { group: '', version: '', kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.singularName,
        verbs: r.verbs,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.categories ? { categories: r.categories } : {}),
        ...(subresources.length ? { subresources } : {}),
      };
    });
  return { metadata: {}, versions: [{ version: 'v1', freshness: 'Current', resources }] };
}

/** A group-version's legacy APIResourceList. */
function resourceList(groupVersion: string, resources: ResourceDiscovery[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.flatMap((r) => [
      {
        name: r.resource,
        singularName: r.singularResource,
        namespaced: r.scope === 'Namespaced',
        kind: r.responseKind.kind,
        verbs: r.verbs,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.categories ? { categories: r.categories } : {}),
      },
      ...(r.subresources ?? []).map((s) => ({
        name: `${r.resource}/${s.subresource}`,
        singularName: '',
        namespaced: r.scope === 'Namespaced',
        kind: s.responseKind.kind,
        verbs: s.verbs,
        ...(s.responseKind.group || s.responseKind.version ? { group: s.responseKind.group, version: s.responseKind.version } : {}),
      })),
    ]),
  };
}

const CRD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * The workspace's CustomResourceDefinitions (apiextensions.k8s.io/v1) as the apiextensions-apiserver
 * lists them, after the built-in groups; served versions in declared order, the first preferred (the
 * real server sorts them by version priority: declare the highest first).
 */
function crdGroups(ws: Workspace): GroupDiscovery[] {
  const groups = new Map<string, GroupDiscovery>();
  for (const m of ws.files.flatMap((f) => f.manifests)) {
    if (m.kind !== 'CustomResourceDefinition' || !m.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
    const spec = m.value.spec as any;
    const names = spec?.names ?? {};
    if (!spec?.group || !names.plural || !names.kind) continue;
    const g: GroupDiscovery = groups.get(spec.group) ?? { metadata: { name: spec.group }, versions: [] };
    groups.set(spec.group, g);
    for (const v of (spec.versions ?? []).filter((x: { served?: boolean } | null) => x?.served === true)) {
      let gv = g.versions.find((x) => x.version === v.name);
      if (!gv) g.versions.push((gv = { version: v.name, freshness: 'Current', resources: [] }));
      const subresources = ['scale', 'status']
        .filter((s) => v.subresources?.[s])
        .map((s) => ({
          subresource: s,
          responseKind:
            s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: '', version: '', kind: names.kind },
          verbs: ['get', 'patch', 'update'],
        }));
      gv.resources.push({
        resource: names.plural,
        responseKind: { group: '', version: '', kind: names.kind },
        scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
        singularResource: names.singular || String(names.kind).toLowerCase(),
        verbs: CRD_VERBS,
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
        ...(names.categories ? { categories: names.categories } : {}),
        ...(subresources.length ? { subresources } : {}),
      });
    }
  }
  return [...groups.values()].filter((g) => g.versions.length > 0);
}
