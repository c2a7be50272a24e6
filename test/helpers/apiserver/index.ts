// A Kubernetes API server for tests (issue 4, item 7): HTTPS on 127.0.0.1 with a CA made at start,
// client-certificate and bearer-token authentication, impersonation checked as the API server does,
// authorisation by kubeid's evaluator over the stored RBAC objects, a store of objects served with
// list (limit/continue), get and watch (bookmarks, 410 Gone), the review APIs, discovery from the
// vendored snapshot, and faults on demand. It runs in a worker thread so that a test can block on a
// client (spawnSync kubectl); every call below is synchronous (the test thread waits on the worker).
// What is served, exactly: worker.ts. The pieces: tls.ts (certificates), state.ts (store, discovery,
// aggregation, evaluator), store.ts (objects, list, watch history), auth.ts (authentication,
// impersonation, 403s), reviews.ts (review APIs, protobuf), discovery.ts, faults.ts; kubectl.ts
// runs the installed kubectl against a server.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { makeCertificates, issueClientCert, type Certificates } from './tls';
import type { Fault } from './faults';
import type { KubeObject } from './store';

export type { Fault } from './faults';
export type { KubeObject } from './store';

export interface TokenUser {
  user: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

export interface TestApiServerOptions {
  /** Objects to store (JSON, any kind the discovery serves; namespaced ones without a namespace go to "default"). */
  objects?: object[];
  /** Manifest files or folders to store, read as kubeid's --from reads them. Stored after the default policy, before `objects`. */
  from?: string[];
  /** Store the default cluster policy first (default true), as a kube-apiserver reconciles it at start. */
  defaults?: boolean;
  /** Bearer tokens: token → the user it authenticates (system:authenticated is added). */
  tokens?: Record<string, TokenUser>;
  /** Added to every request before it is answered (a slow server); the benchmark uses 20 ms. */
  latencyMs?: number;
  /** Requests without credentials are system:anonymous (default false: 401). */
  anonymous?: boolean;
  /** Serve aggregated discovery when asked (default true); false makes clients use the legacy endpoints. */
  aggregatedDiscovery?: boolean;
  /**
   * gitVersion served at /version (default v1.37.0, the version of the vendored discovery). Some
   * kubectl installs (Google Cloud SDK's) are a dispatcher that runs the kubectl.1.NN matching the
   * server's minor version if it has one, else its default (v1.32 here).
   */
  version?: string;
  /** Interval of BOOKMARK events on watches that allow them (default 1000 ms). */
  bookmarkIntervalMs?: number;
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
  /** The status code answered (200 for a watch that started; 0 for a dropped connection). */
  status: number;
  /** The authenticated user (before impersonation), if any. */
  user?: string;
  /** Whether the request carried any Impersonate-* header. */
  impersonated: boolean;
  /** The user the request was served as after impersonation, if it impersonated successfully. */
  as?: string;
  /** Set when a fault answered or delayed the request. */
  fault?: boolean;
}

export interface KubeconfigOptions {
  /** The current context (default "admin"). Contexts: "admin" (client certificate, system:masters),
   * one per token of the options named after the token's user, and "exec" when execPluginUser. */
  context?: string;
  /** The namespace of every context (default "default"). */
  namespace?: string;
  /** Add a user "exec" (and context "exec") whose credential comes from an exec plugin: a node script
   * printing an ExecCredential with the first token of the options (or execToken). */
  execPluginUser?: boolean;
  execToken?: string;
  /** File name within dir (default "kubeconfig"). */
  file?: string;
}

export interface TestApiServer {
  /** https://127.0.0.1:PORT */
  url: string;
  /** The CA that signed the server certificate and the client certificates. */
  caPem: string;
  /** A client certificate for CN=kubeid-admin, O=system:masters. */
  adminCert: { certPem: string; keyPem: string };
  /** A client certificate for any user (CN = user, O = groups), signed by the server's CA. */
  clientCert(user: string, groups?: string[]): { certPem: string; keyPem: string };
  /** Writes a kubeconfig for this server into dir; returns its path. */
  writeKubeconfig(dir: string, opts?: KubeconfigOptions): string;
  /** Every request received so far, oldest first. */
  requests(): RecordedRequest[];
  /** Adds a fault; faults are tried in the order added, the first that matches a request applies. */
  fault(f: Fault): void;
  clearFaults(): void;
  /** Creates or replaces an object (a new resourceVersion; watches see ADDED or MODIFIED). Returns the stored object. */
  apply(obj: object): KubeObject;
  /** Deletes an object (watches see DELETED); false if there was none. */
  remove(kind: string, namespace: string | undefined, name: string): boolean;
  /** Forgets the history up to now: older resourceVersions in watches and continue tokens get 410 Gone. */
  compact(): void;
  /** The store's current resourceVersion. */
  resourceVersion(): string;
  stop(): Promise<void>;
}

/** What the worker is started with. */
export interface WorkerInit {
  opts: TestApiServerOptions;
  certs: Omit<Certificates, 'caKeyPem'>;
}

/** Control messages from the test thread to the worker. */
export type Control =
  | { op: 'fault'; fault: Fault }
  | { op: 'clearFaults' }
  | { op: 'apply'; object: object }
  | { op: 'remove'; kind: string; namespace?: string; name: string }
  | { op: 'compact' }
  | { op: 'resourceVersion' };

const CALL_TIMEOUT_MS = 60_000;

export async function startTestApiServer(opts: TestApiServerOptions = {}): Promise<TestApiServer> {
  const certs = makeCertificates();
  const records = new MessageChannel();
  const control = new MessageChannel();
  const replies = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const init: WorkerInit = { opts, certs: { caPem: certs.caPem, serverCertPem: certs.serverCertPem, serverKeyPem: certs.serverKeyPem } };
  const worker = new Worker(join(__dirname, 'worker.js'), {
    workerData: { init, records: records.port2, control: control.port2, replies: replies.port2, signal },
    transferList: [records.port2, control.port2, replies.port2],
  });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { url?: string; error?: string }) => (m.url ? resolve(m.url) : reject(new Error(m.error))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`test API server exited with code ${code}`)));
  });
  worker.unref(); // a test that forgets stop() must not hang
  const seen: RecordedRequest[] = [];
  let stopped = false;

  /** One control call, answered synchronously: the worker replies, then wakes this thread. */
  const call = (c: Control): any => {
    if (stopped) throw new Error('the test API server was stopped');
    Atomics.store(signal, 0, 0);
    control.port1.postMessage(c);
    if (Atomics.wait(signal, 0, 0, CALL_TIMEOUT_MS) === 'timed-out') throw new Error(`test API server: no answer to ${c.op}`);
    const m = receiveMessageOnPort(replies.port1)?.message as { value?: unknown; error?: string } | undefined;
    if (!m) throw new Error(`test API server: no answer to ${c.op}`);
    if (m.error !== undefined) throw new Error(m.error);
    return m.value;
  };

  const clientCert = (user: string, groups: string[] = []) => issueClientCert(certs, user, groups);
  const adminCert = clientCert('kubeid-admin', ['system:masters']);
  return {
    url,
    caPem: certs.caPem,
    adminCert,
    clientCert,
    writeKubeconfig: (dir, o = {}) => writeKubeconfig(dir, url, certs.caPem, adminCert, opts.tokens ?? {}, o),
    requests() {
      for (let m = receiveMessageOnPort(records.port1); m; m = receiveMessageOnPort(records.port1)) {
        const r = m.message as RecordedRequest;
        seen.push({ ...r, body: Buffer.from(r.body) });
      }
      return [...seen];
    },
    fault: (fault) => void call({ op: 'fault', fault }),
    clearFaults: () => void call({ op: 'clearFaults' }),
    apply: (object) => call({ op: 'apply', object }) as KubeObject,
    remove: (kind, namespace, name) => call({ op: 'remove', kind, namespace, name }) as boolean,
    compact: () => void call({ op: 'compact' }),
    resourceVersion: () => call({ op: 'resourceVersion' }) as string,
    async stop() {
      if (stopped) return;
      stopped = true;
      records.port1.close();
      control.port1.close();
      replies.port1.close();
      await worker.terminate();
    },
  };
}

function writeKubeconfig(
  dir: string,
  server: string,
  caPem: string,
  admin: { certPem: string; keyPem: string },
  tokens: Record<string, TokenUser>,
  o: KubeconfigOptions,
): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const namespace = o.namespace ?? 'default';
  const users: object[] = [
    { name: 'admin', user: { 'client-certificate-data': b64(admin.certPem), 'client-key-data': b64(admin.keyPem) } },
  ];
  const contexts: object[] = [{ name: 'admin', context: { cluster: 'test', user: 'admin', namespace } }];
  for (const [token, t] of Object.entries(tokens)) {
    users.push({ name: t.user, user: { token } });
    contexts.push({ name: t.user, context: { cluster: 'test', user: t.user, namespace } });
  }
  if (o.execPluginUser) {
    const token = o.execToken ?? Object.keys(tokens)[0];
    if (token === undefined) throw new Error('execPluginUser needs a token (options.tokens or execToken)');
    const script = join(dir, 'exec-credential.js');
    const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } };
    writeFileSync(script, `process.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`);
    users.push({
      name: 'exec',
      user: {
        exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script], interactiveMode: 'Never' },
      },
    });
    contexts.push({ name: 'exec', context: { cluster: 'test', user: 'exec', namespace } });
  }
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users,
    contexts,
    'current-context': o.context ?? 'admin',
  };
  const path = join(dir, o.file ?? 'kubeconfig');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
