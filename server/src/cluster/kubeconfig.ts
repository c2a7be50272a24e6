// Kubeconfig loading as kubectl does it (clientcmd's loading rules): --kubeconfig alone if given,
// else every file of $KUBECONFIG merged (the first file to define a cluster, user or context name
// wins; the first current-context wins; missing files are skipped), else ~/.kube/config. Relative
// paths are resolved against the file that names them. Also: how the user authenticates, the
// secrets to redact, and the untrusted-workspace guard for exec plugins.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ClusterError } from '../core/cluster/source';
import { redact, userSecrets } from './redact';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

export interface KubeconfigOptions {
  /** --kubeconfig: this file only. */
  kubeconfig?: string;
  /** --context: instead of current-context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The workspace kubeid serves; when untrusted, an exec plugin (or auth-provider command) named by a kubeconfig inside it never runs. */
  workspace?: { folder: string; trusted: boolean };
}

export interface AuthMethod {
  kind: 'exec' | 'token' | 'token-file' | 'client-certificate' | 'auth-provider' | 'basic' | 'none';
  /** In words, e.g. "exec plugin kubelogin (OIDC)". */
  description: string;
  /** Set for credentials that live long and cannot be revoked easily, when used by a person. */
  longLived?: string;
  /** Client certificate: subject and expiry. */
  certificate?: { subject: string; notAfter: string };
}

export interface LoadedKubeconfig {
  /** The merged kubeconfig in its file form (paths absolute), for @kubernetes/client-node. */
  raw: Obj;
  files: string[];
  context: string;
  /** The context's namespace, or "default". */
  namespace: string;
  cluster: { name: string; server: string };
  user: { name: string; file: string };
  auth: AuthMethod;
  /** Values to redact from anything kubeid prints. */
  secrets: string[];
}

interface Named {
  name: string;
  value: Obj;
  file: string;
}

export function kubeconfigFiles(opts: KubeconfigOptions): string[] {
  if (opts.kubeconfig) {
    const f = resolve(opts.kubeconfig);
    if (!existsSync(f)) throw new ClusterError('config', `kubeconfig ${opts.kubeconfig} does not exist`);
    return [f];
  }
  const env = (opts.env ?? process.env).KUBECONFIG;
  if (env) {
    const files = [
      ...new Set(
        env
          .split(delimiter)
          .filter(Boolean)
          .map((f) => resolve(f)),
      ),
    ].filter((f) => existsSync(f));
    if (files.length) return files;
    throw new ClusterError('config', `none of the files in KUBECONFIG exists: ${env}`);
  }
  const f = resolve(opts.home ?? homedir(), '.kube', 'config');
  if (!existsSync(f))
    throw new ClusterError('config', `no kubeconfig: ${f} does not exist and KUBECONFIG is not set (or use --kubeconfig)`);
  return [f];
}

export function loadKubeconfig(opts: KubeconfigOptions = {}): LoadedKubeconfig {
  const files = kubeconfigFiles(opts);
  const clusters = new Map<string, Named>();
  const users = new Map<string, Named>();
  const contexts = new Map<string, Named>();
  let current = '';
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch (e) {
      // The parser's message quotes the file: it could hold a token.
      throw new ClusterError('config', `kubeconfig ${file} cannot be read: ${e instanceof Error ? e.name : 'error'} (not valid YAML?)`);
    }
    if (doc === null || doc === undefined) continue;
    if (!isObj(doc)) throw new ClusterError('config', `kubeconfig ${file} is not a kubeconfig (a YAML mapping)`);
    const take = (list: unknown, field: string, into: Map<string, Named>) => {
      for (const e of Array.isArray(list) ? list : []) {
        if (!isObj(e) || typeof e.name !== 'string' || into.has(e.name)) continue;
        into.set(e.name, { name: e.name, value: resolvePaths(isObj(e[field]) ? { ...e[field] } : {}, dirname(file)), file });
      }
    };
    take(doc.clusters, 'cluster', clusters);
    take(doc.users, 'user', users);
    take(doc.contexts, 'context', contexts);
    if (!current && typeof doc['current-context'] === 'string') current = doc['current-context'];
  }
  const contextName = opts.context || current;
  if (!contextName) throw new ClusterError('config', `no current context in ${files.join(', ')} (use --context)`);
  const ctx = contexts.get(contextName);
  if (!ctx) throw new ClusterError('config', `context "${contextName}" not found in ${files.join(', ')}`);
  const clusterName = typeof ctx.value.cluster === 'string' ? ctx.value.cluster : '';
  const userName = typeof ctx.value.user === 'string' ? ctx.value.user : '';
  const cluster = clusters.get(clusterName);
  if (!cluster) throw new ClusterError('config', `cluster "${clusterName}" of context "${contextName}" not found`);
  if (typeof cluster.value.server !== 'string' || !cluster.value.server) {
    throw new ClusterError('config', `cluster "${clusterName}" has no server`);
  }
  const user = users.get(userName) ?? { name: userName, value: {}, file: ctx.file };
  if (typeof user.value.tokenFile === 'string') {
    try {
      user.value.token = readFileSync(user.value.tokenFile, 'utf8').trim();
    } catch {
      throw new ClusterError('config', `user "${userName}": tokenFile ${user.value.tokenFile} cannot be read`);
    }
  }
  guardCommands(user, opts.workspace);
  const secrets = userSecrets(user.value);
  const raw: Obj = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': contextName,
    clusters: [{ name: clusterName, cluster: cluster.value }],
    users: [{ name: userName, user: user.value }],
    contexts: [{ name: contextName, context: ctx.value }],
  };
  return {
    raw,
    files,
    context: contextName,
    namespace: typeof ctx.value.namespace === 'string' && ctx.value.namespace ? ctx.value.namespace : 'default',
    cluster: { name: clusterName, server: redact(cluster.value.server, secrets) },
    user: { name: userName, file: user.file },
    auth: authMethod(user.value),
    secrets,
  };
}

/** clientcmd ResolvePaths: file references relative to the kubeconfig; an exec command only when it names a path. */
function resolvePaths(v: Obj, dir: string): Obj {
  for (const k of ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile']) {
    if (typeof v[k] === 'string' && v[k] && !isAbsolute(v[k])) v[k] = resolve(dir, v[k]);
  }
  if (isObj(v.exec) && typeof v.exec.command === 'string' && v.exec.command.includes(sep) && !isAbsolute(v.exec.command)) {
    v.exec = { ...v.exec, command: resolve(dir, v.exec.command) };
  }
  return v;
}

/** A workspace can ship a kubeconfig; when it is not trusted, the commands that kubeconfig names must not run. */
function guardCommands(user: Named, workspace: KubeconfigOptions['workspace']): void {
  if (!workspace || workspace.trusted) return;
  const rel = relative(resolve(workspace.folder), user.file);
  if (rel.startsWith('..') || isAbsolute(rel)) return;
  const provider = isObj(user.value['auth-provider']) ? user.value['auth-provider'] : undefined;
  const command = isObj(user.value.exec)
    ? `exec plugin "${String(user.value.exec.command)}"`
    : isObj(provider?.config) && provider.config['cmd-path']
      ? `auth-provider command ${JSON.stringify(provider.config['cmd-path'])}`
      : undefined;
  if (!command) return;
  throw new ClusterError(
    'config',
    `refusing to run the ${command} of user "${user.name}": it is named by ${user.file}, inside the untrusted workspace ${workspace.folder}. Trust the workspace, or use a kubeconfig outside it`,
  );
}

const HOURS = 3600_000;

function authMethod(user: Obj): AuthMethod {
  if (isObj(user.exec)) {
    const command = typeof user.exec.command === 'string' ? basename(user.exec.command) : '?';
    const args = Array.isArray(user.exec.args) ? user.exec.args.map(String) : [];
    const words = [command, ...args].join(' ');
    const kind = /oidc/i.test(words)
      ? ' (OIDC)'
      : /aws|eks/i.test(words)
        ? ' (AWS IAM)'
        : /gke-gcloud|gcloud/i.test(words)
          ? ' (Google Cloud)'
          : /kubelogin|azure/i.test(words)
            ? ' (Microsoft Entra ID)'
            : '';
    return { kind: 'exec', description: `exec plugin ${command}${kind}: short-lived tokens from a command` };
  }
  if (isObj(user['auth-provider'])) {
    const name = typeof user['auth-provider'].name === 'string' ? user['auth-provider'].name : '?';
    return {
      kind: 'auth-provider',
      description: `auth-provider ${name} (deprecated: client-go plugins were removed in Kubernetes 1.26; use an exec plugin such as kubelogin)`,
      ...(name === 'oidc' ? { longLived: 'an OIDC refresh token stored in the kubeconfig' } : {}),
    };
  }
  const cert =
    typeof user['client-certificate-data'] === 'string'
      ? Buffer.from(user['client-certificate-data'], 'base64')
      : readable(user['client-certificate']);
  if (cert) {
    const info = certificateInfo(cert);
    return {
      kind: 'client-certificate',
      description: `client certificate${info ? ` (${info.subject}, valid until ${info.notAfter})` : ''}`,
      longLived: 'a client certificate: the API server cannot revoke it before it expires',
      ...(info ? { certificate: info } : {}),
    };
  }
  if (typeof user.token === 'string' && user.token) {
    const exp = jwtExpiry(user.token);
    const short = exp !== undefined && exp - Date.now() < 24 * HOURS;
    return {
      kind: typeof user.tokenFile === 'string' ? 'token-file' : 'token',
      description: `bearer token${typeof user.tokenFile === 'string' ? ` from ${user.tokenFile}` : ''}${exp !== undefined ? `, expires ${new Date(exp).toISOString()}` : ', no expiry'}`,
      ...(short ? {} : { longLived: 'a static bearer token stored in the kubeconfig' }),
    };
  }
  if (typeof user.username === 'string' && user.username) {
    return { kind: 'basic', description: 'username and password (basic auth, removed in Kubernetes 1.19)', longLived: 'a static password' };
  }
  return { kind: 'none', description: 'no credentials (anonymous)' };
}

function readable(file: unknown): Buffer | undefined {
  try {
    return typeof file === 'string' && file ? readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

function certificateInfo(pem: Buffer): { subject: string; notAfter: string } | undefined {
  try {
    const c = new X509Certificate(pem);
    return { subject: c.subject.replace(/\n/g, ', '), notAfter: new Date(c.validTo).toISOString() };
  } catch {
    return undefined;
  }
}

/** The exp claim of a JWT (read, not verified), in ms. */
function jwtExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
