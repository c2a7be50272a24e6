// The language server's one connection to a kube context (issue 4): which kubeconfig and context,
// the snapshot loaded with work-done progress and kept current with watches, the status sent to the
// extension, the API resources of discovery (read again as CRDs change), live objects, and the
// identity and access-matrix questions. Cluster traffic (exec plugins included) happens here only,
// never in the extension host. Every message leaving it is redacted.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { formatTable } from './cli/table';
import { KubeClusterSource } from './cluster/adapter';
import { identify } from './cluster/identity';
import { kubeconfigFiles, loadKubeconfig, type KubeconfigOptions } from './cluster/kubeconfig';
import { redact } from './cluster/redact';
import { describeAccessSubject, type AccessSubject } from './core/access';
import { Catalogue, type ApiResource } from './core/catalogue/catalogue';
import { computeMatrix, diffMatrices, MATRIX_VERBS } from './core/cluster/matrix';
import { DEFAULT_SCHEDULER } from './core/cluster/scheduler';
import {
  clusterRefs,
  keepCurrent,
  loadSnapshot,
  missingRbac,
  RBAC_KINDS,
  refKey,
  SNAPSHOT_KINDS,
  snapshotPolicy,
  type Snapshot,
  type SnapshotPolicy,
} from './core/cluster/snapshot';
import { explainRefusal } from './core/cluster/impersonation';
import { liveYaml } from './core/cluster/live';
import type { ReviewSubject } from './core/cluster/source';
import type { ClusterRefs } from './core/checks';
import { impersonatedUser, serviceAccountUsername, type ImpersonationRequest } from './core/rbac/identity';
import { accessListRows } from './core/rbac/rules-table';
import type {
  AccessMatrixParams,
  AccessMatrixResult,
  ClusterStatus,
  ContextsResult,
  EffectivePermissionsParams,
  EffectivePermissionsResult,
  KubeContext,
  KubeidInitializationOptions,
  LiveObjectParams,
  LiveObjectResult,
  WhoAmIResult,
} from './protocol';
import { clusterStatusNotification } from './protocol';
import type { Settings } from './settings';

/** CustomResourceDefinitions, watched to follow discovery. */
const CRD_REF = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
};

/** The user impersonated as a member of a Group subject, as the offline form's kubectl command (`--as someone --as-group G`). */
const GROUP_MEMBER = 'someone';

export class ClusterConnection {
  private folders: string[] = [];
  private trusted = false;
  /** Undefined until the settings were read: nothing connects before. */
  private kubeconfig?: { path?: string };
  private context?: string;
  private namespace?: string;
  private source?: KubeClusterSource;
  private snap?: Snapshot;
  private policy?: SnapshotPolicy;
  private resources?: readonly ApiResource[];
  /** The current connection's load and watches; aborted when the context changes. */
  private life?: AbortController;
  private loading: Promise<void> = Promise.resolve();
  private current: ClusterStatus = { state: 'off', objects: {}, missing: [], message: 'not connected yet' };
  private statusTimer?: NodeJS.Timeout;
  private refs?: { policy: SnapshotPolicy; context: string; refs: ClusterRefs };
  /** Called after every status change (loaded, watch events, another context, an error): the snapshot may have changed. */
  onChange?: () => void;

  constructor(private readonly lsp: Connection) {}

  /** From the initialize request: the workspace folders (for the exec-plugin guard), trust, the context last picked. */
  initialize(folders: string[], opts: KubeidInitializationOptions | undefined): void {
    this.folders = folders;
    this.trusted = opts?.trusted === true;
    if (typeof opts?.context === 'string' && opts.context) this.context = opts.context;
    if (typeof opts?.namespace === 'string' && opts.namespace) this.namespace = opts.namespace;
  }

  /** Settings read or changed: connects the first time, and again when `kubeid.kubeconfig` changed. */
  configure(settings: Settings): void {
    const path = settings.kubeconfig?.replace(/^~(?=$|[/\\])/, homedir());
    if (this.kubeconfig && this.kubeconfig.path === path) return;
    const first = !this.kubeconfig;
    this.kubeconfig = { path };
    if (!first) this.context = this.namespace = undefined;
    this.loading = this.reconnect();
  }

  /** The workspace became trusted: an exec plugin that was refused may run now. */
  setTrusted(trusted: boolean): void {
    if (trusted === this.trusted) return;
    this.trusted = trusted;
    if (this.kubeconfig) this.loading = this.reconnect();
  }

  status(): ClusterStatus {
    return this.current;
  }

  /** The snapshot as the RBAC engine sees it, or undefined when not loaded. For diagnostics and references. */
  snapshot(): SnapshotPolicy | undefined {
    if (!this.snap) return undefined;
    return (this.policy ??= snapshotPolicy(this.snap));
  }

  /** The snapshot once the current load settled (undefined when not connected), for requests that need it whole. */
  async loaded(): Promise<SnapshotPolicy | undefined> {
    await this.loading;
    return this.snapshot();
  }

  /** The snapshot as references resolve against it (CheckContext.cluster): the same object until the snapshot or context changes. */
  references(): ClusterRefs | undefined {
    const policy = this.snapshot();
    const context = this.current.context;
    if (!policy || !context) return undefined;
    if (this.refs?.policy !== policy || this.refs.context !== context) this.refs = { policy, context, refs: clusterRefs(policy, context) };
    return this.refs.refs;
  }

  /** The API resources the cluster's discovery listed (CRDs and aggregated APIs included), once loaded. */
  discovered(): readonly ApiResource[] | undefined {
    return this.snap ? this.resources : undefined;
  }

  /** A live object of the snapshot as YAML (the `kubeid-live:` document); an error a person can act on when there is none. */
  async liveObject(p: LiveObjectParams): Promise<LiveObjectResult> {
    await this.loading;
    const refs = this.references();
    if (!refs) throw new ResponseError(1, `kubeid is not connected to a cluster: ${this.current.message ?? this.current.state}`);
    const what = `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`;
    if (!SNAPSHOT_KINDS.some((k) => k.kind === p.kind))
      throw new ResponseError(1, `kubeid does not read ${p.kind} objects from the cluster, so it cannot show ${what}`);
    const object = refs.raw(p.kind, p.namespace ?? '', p.name);
    if (!object) throw new ResponseError(1, `${what} is not in the cluster (context ${JSON.stringify(refs.context)})`);
    return { context: refs.context, text: liveYaml(object, p.comparable === true) };
  }

  /** The contexts of the kubeconfig files, merged as kubectl merges them (the first file to name a context wins). */
  contexts(): ContextsResult {
    const namespaces = [...(this.snap?.kinds.get('namespaces')?.items.values() ?? [])]
      .map((o) => (o.metadata as { name?: unknown } | undefined)?.name)
      .filter((n): n is string => typeof n === 'string')
      .sort();
    let files: string[];
    try {
      files = kubeconfigFiles(this.kubeconfigOptions());
    } catch (e) {
      return { contexts: [], namespaces, error: this.message(e) };
    }
    const seen = new Map<string, KubeContext>();
    let current: string | undefined;
    for (const file of files) {
      let doc: { contexts?: unknown; 'current-context'?: unknown };
      try {
        doc = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as typeof doc;
      } catch {
        continue; // loadKubeconfig reports it when the context is used
      }
      for (const c of Array.isArray(doc.contexts) ? (doc.contexts as unknown[]) : []) {
        const { name, context } = (c ?? {}) as { name?: unknown; context?: { cluster?: unknown; user?: unknown; namespace?: unknown } };
        if (typeof name !== 'string' || seen.has(name)) continue;
        const str = (v: unknown) => (typeof v === 'string' ? v : '');
        const ns = str(context?.namespace);
        seen.set(name, { name, cluster: str(context?.cluster), user: str(context?.user), ...(ns ? { namespace: ns } : {}) });
      }
      if (!current && typeof doc['current-context'] === 'string') current = doc['current-context'];
    }
    return { contexts: [...seen.values()], current: this.current.context ?? this.context ?? current, namespaces };
  }

  /** Another context (a new connection and snapshot) and/or namespace (the same snapshot); answers once loaded. */
  async switchContext(p: { context?: string; namespace?: string }): Promise<ClusterStatus> {
    // The same context again reconnects when it is not connected (a server that came back, a fixed kubeconfig).
    if (p.context && (p.context !== this.current.context || !this.source)) {
      this.context = p.context;
      this.namespace = p.namespace || undefined;
      this.loading = this.reconnect();
      await this.loading;
    } else if (p.namespace) {
      this.namespace = p.namespace;
      this.setStatus({ ...this.current, namespace: p.namespace });
    }
    return this.current;
  }

  async whoami(p: { namespace?: string }, token: CancellationToken): Promise<WhoAmIResult> {
    const src = await this.ready();
    const signal = abortOn(token);
    const { auth, context, cluster, user: kubeconfigUser } = src.config;
    const namespace = p.namespace || this.current.namespace || src.config.namespace;
    const { user, via, warning } = await identify(src, signal).catch((e: unknown) => {
      throw this.error(e);
    });
    let rules: string[][] = [['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']];
    let rulesIncomplete: string | undefined;
    try {
      const r = await src.rulesReview({ kind: 'self' }, namespace, signal);
      rules = [...rules, ...accessListRows([...r.resourceRules, ...r.nonResourceRules])];
      if (r.incomplete)
        rulesIncomplete = `the server's authorizers cannot list every rule${r.evaluationError ? ` (${r.evaluationError})` : ''}`;
    } catch (e) {
      rulesIncomplete = `the rules review failed: ${this.message(e)}`;
    }
    return {
      context,
      cluster,
      kubeconfigUser: kubeconfigUser.name,
      user,
      via,
      auth: { kind: auth.kind, description: auth.description },
      ...(warning ? { warning } : {}),
      namespace,
      rules,
      ...(rulesIncomplete ? { rulesIncomplete } : {}),
    };
  }

  /** `kubectl auth can-i --list --as …` for a subject: the cluster's SelfSubjectRulesReview, impersonated. */
  async liveEffectivePermissions(p: EffectivePermissionsParams, token: CancellationToken): Promise<EffectivePermissionsResult> {
    const src = await this.ready();
    const as = impersonationOf(p.subject);
    const review: ReviewSubject = { kind: 'impersonate', as };
    let r;
    try {
      r = await src.rulesReview(review, p.namespace, abortOn(token));
    } catch (e) {
      throw this.error(explainRefusal(e, review));
    }
    const rows = [
      ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'],
      ...accessListRows([...r.resourceRules, ...r.nonResourceRules]),
    ];
    return {
      identity: describeAccessSubject(p.subject),
      namespace: p.namespace,
      command: `kubectl auth can-i --list ${asFlags(as)} -n ${p.namespace} --context ${src.config.context}`,
      rows,
      table: formatTable(rows),
      warnings: r.incomplete
        ? [
            `the list may be incomplete: the server's authorizers cannot list every rule${r.evaluationError ? ` (${this.redact(r.evaluationError)})` : ''}`,
          ]
        : [],
    };
  }

  /** The access matrix of a subject: impersonated reviews (cancellable), each cell compared with kubeid's reading of the snapshot. */
  async accessMatrix(p: AccessMatrixParams, token: CancellationToken): Promise<AccessMatrixResult> {
    const src = await this.ready();
    const signal = abortOn(token);
    const verbs = p.verbs?.length ? p.verbs : [...MATRIX_VERBS];
    const resources = (this.resources ?? Catalogue.builtin().all()).filter((r) => r.verbs.some((v) => verbs.includes(v)));
    const namespace = p.namespace || this.current.namespace || src.config.namespace;
    const progress = this.lsp.window.attachWorkDoneProgress(p.workDoneToken);
    const perIdentity = resources.reduce((n, r) => n + verbs.filter((v) => r.verbs.includes(v)).length, 0);
    const total = perIdentity * (p.diffWith ? 2 : 1);
    progress.begin(`kubeid: access of ${describeAccessSubject(p.subject)}`, 0, `0/${total} reviews`, true);
    const sp = this.snapshot();
    let done = 0;
    const ask = async (subject: AccessSubject, asUser: string | undefined) => {
      const as = impersonationOf(subject, asUser);
      const review: ReviewSubject = { kind: 'impersonate', as };
      try {
        // A refused impersonation refuses every cell alike: one clear error before hundreds of refusals.
        const first = resources.find((r) => r.verbs.includes(verbs[0]));
        if (first) {
          const attrs = { resourceRequest: true as const, verb: verbs[0], namespace: first.namespaced ? namespace : '' };
          // Cancelled already: the matrix below says how many reviews were not sent.
          await src
            .accessReview(review, { ...attrs, apiGroup: first.group, resource: first.plural, subresource: '', name: '' }, signal)
            .catch((e: unknown) => {
              if (!signal.aborted) throw e;
            });
        }
        const matrix = await computeMatrix(src, {
          resources,
          namespace,
          subject: review,
          user: impersonatedUser(as),
          verbs,
          ...(sp ? { compare: { evaluator: sp.evaluator, missing: sp.missing } } : {}),
          scheduler: {
            ...DEFAULT_SCHEDULER,
            signal,
            onSettled: () => {
              done++;
              if (done % 20 === 0 || done === total) progress.report(Math.floor((done / total) * 100), `${done}/${total} reviews`);
            },
          },
        });
        return { as, matrix };
      } catch (e) {
        throw this.error(explainRefusal(e, review));
      }
    };
    let a: Awaited<ReturnType<typeof ask>>;
    let b: Awaited<ReturnType<typeof ask>> | undefined;
    try {
      a = await ask(p.subject, p.asUser);
      if (p.diffWith) b = await ask(p.diffWith.subject, p.diffWith.asUser);
    } finally {
      progress.done();
    }
    const { as, matrix } = a;
    const label = (group: string, resource: string) => (group ? `${resource}.${group}` : resource);
    const missing = sp ? missingRbac(sp.missing) : 'the cluster snapshot is not loaded: no comparison';
    return {
      identity: describeAccessSubject(p.subject),
      user: { name: matrix.user.name, groups: matrix.user.groups },
      namespace,
      context: src.config.context,
      verbs: matrix.verbs,
      rows: matrix.rows.map((r) => ({
        resource: label(r.group, r.resource),
        namespaced: r.namespaced,
        cells: r.cells.map((c) =>
          c
            ? {
                verb: c.verb,
                server: c.server.answer,
                reason: this.redact(c.server.answer === 'error' ? c.server.error : c.server.reason),
                ...(c.kubeid ? { kubeid: c.kubeid.answer, kubeidReason: c.kubeid.reason } : {}),
                ...(c.cause ? { cause: c.cause, explanation: this.redact(c.explanation ?? '') } : {}),
              }
            : null,
        ),
      })),
      cancelled: matrix.cancelled + (b?.matrix.cancelled ?? 0),
      ...(missing ? { missing } : {}),
      command: `kubectl auth can-i VERB RESOURCE ${asFlags(as)} -n ${namespace}`,
      ...(b && p.diffWith
        ? {
            diff: {
              identity: describeAccessSubject(p.diffWith.subject),
              user: { name: b.matrix.user.name, groups: b.matrix.user.groups },
              differences: diffMatrices(matrix, b.matrix).map((d) => ({
                resource: label(d.group, d.resource),
                verb: d.verb,
                a: d.a,
                b: d.b,
              })),
            },
          }
        : {}),
    };
  }

  dispose(): void {
    this.life?.abort();
    clearTimeout(this.statusTimer);
  }

  // ---------------------------------------------------------------------------------------------

  private kubeconfigOptions(): KubeconfigOptions {
    return { kubeconfig: this.kubeconfig?.path, context: this.context };
  }

  /** The source once the current load settled; an error a person can act on otherwise. */
  private async ready(): Promise<KubeClusterSource> {
    await this.loading;
    if (!this.source) throw new ResponseError(1, `kubeid is not connected to a cluster: ${this.current.message ?? this.current.state}`);
    return this.source;
  }

  /** connect() never fails on cluster errors (they become the status); anything else is logged, not thrown at a later request. */
  private reconnect(): Promise<void> {
    return this.connect().catch((e: unknown) => {
      this.lsp.console.error(`kubeid: connecting failed: ${this.message(e)}`);
      this.setStatus({ state: 'error', objects: {}, missing: [], message: this.message(e) });
    });
  }

  private async connect(): Promise<void> {
    this.life?.abort();
    const life = new AbortController();
    this.life = life;
    this.source = this.snap = this.policy = this.resources = undefined;
    const opts = this.kubeconfigOptions();
    try {
      kubeconfigFiles(opts);
    } catch (e) {
      // No kubeconfig at all is "off"; a `kubeid.kubeconfig` that does not exist is an error.
      return this.setStatus({ state: opts.kubeconfig ? 'error' : 'off', objects: {}, missing: [], message: this.message(e) });
    }
    let src: KubeClusterSource;
    try {
      // An untrusted workspace may ship a kubeconfig naming a command: the guard refuses it for every folder.
      if (!this.trusted) for (const folder of this.folders.slice(1)) loadKubeconfig({ ...opts, workspace: { folder, trusted: false } });
      const workspace = this.folders.length ? { folder: this.folders[0], trusted: this.trusted } : undefined;
      src = await KubeClusterSource.connect({ ...opts, ...(workspace ? { workspace } : {}) });
    } catch (e) {
      if (life !== this.life) return;
      return this.setStatus({ state: 'error', context: opts.context, objects: {}, missing: [], message: this.message(e) });
    }
    if (life !== this.life) return;
    this.source = src;
    const { config } = src;
    const base = {
      context: config.context,
      cluster: config.cluster,
      namespace: this.namespace ?? config.namespace,
      user: config.user.name,
      auth: config.auth.description,
    };
    this.setStatus({ ...base, state: 'loading', objects: {}, missing: [] });
    const progress = await this.lsp.window.createWorkDoneProgress();
    progress.begin(`kubeid: reading ${config.context}`, undefined, config.cluster.server);
    try {
      const [snap, discovery] = await Promise.all([
        loadSnapshot(src, { signal: life.signal, onProgress: (ref, n) => progress.report(`${refKey(ref)}: ${n}`) }),
        src.discover(life.signal).catch((e: unknown) => ({ resources: [], problems: [this.message(e)] })),
      ]);
      if (life !== this.life) return;
      for (const p of discovery.problems) this.lsp.console.warn(`kubeid: discovery: ${this.redact(p)}`);
      this.snap = snap;
      this.resources = discovery.resources.length ? discovery.resources : undefined;
      if (snap.kinds.size === 0) {
        const why = this.redact(snap.unreadable[0]?.reason ?? 'nothing could be read');
        this.source = this.snap = undefined;
        return this.setStatus({ ...base, state: 'error', objects: {}, missing: [], message: why });
      }
      this.setStatus(this.loadedStatus(base));
    } catch (e) {
      if (life !== this.life) return;
      const message = this.message(e);
      this.source = undefined;
      return this.setStatus({ ...base, state: 'error', objects: {}, missing: [], message });
    } finally {
      progress.done();
    }
    void this.followDiscovery(src, life);
    void keepCurrent(src, this.snap, {
      signal: life.signal,
      onChange: () => {
        this.policy = undefined;
        // Bursts of events (a helm install) make one status.
        clearTimeout(this.statusTimer);
        this.statusTimer = setTimeout(() => life === this.life && this.setStatus(this.loadedStatus(base)), 200);
      },
      onError: (ref, e, delay) =>
        this.lsp.console.warn(`kubeid: watch ${refKey(ref)} failed, retrying in ${Math.round(delay / 1000)} s: ${this.message(e)}`),
    }).catch((e: unknown) => this.lsp.console.error(`kubeid: watching ${config.context} stopped: ${this.message(e)}`));
  }

  /**
   * CRDs come and go while connected: a watch on them reads discovery again (once per burst), so the
   * catalogue of completion and checks follows. Without the right to list CRDs, discovery stays as read at connect.
   */
  private async followDiscovery(src: KubeClusterSource, life: AbortController): Promise<void> {
    const crds = await loadSnapshot(src, { kinds: [CRD_REF], signal: life.signal }).catch(() => undefined);
    if (!crds?.kinds.size || life !== this.life) return;
    let timer: NodeJS.Timeout | undefined;
    life.signal.addEventListener('abort', () => clearTimeout(timer));
    const rediscover = async () => {
      const d = await src.discover(life.signal).catch((e: unknown) => ({ resources: [], problems: [this.message(e)] }));
      if (life !== this.life || !d.resources.length) return;
      this.resources = d.resources;
      this.onChange?.();
    };
    await keepCurrent(src, crds, {
      signal: life.signal,
      onChange: () => {
        clearTimeout(timer);
        timer = setTimeout(() => void rediscover(), 300);
      },
      onError: (_ref, e, delay) =>
        this.lsp.console.warn(`kubeid: watch of CRDs failed, retrying in ${Math.round(delay / 1000)} s: ${this.message(e)}`),
    }).catch((e: unknown) => this.lsp.console.error(`kubeid: watching CRDs stopped: ${this.message(e)}`));
  }

  private loadedStatus(base: Omit<ClusterStatus, 'state' | 'objects' | 'missing'>): ClusterStatus {
    const snap = this.snap!;
    const objects: Record<string, number> = {};
    for (const k of snap.kinds.values()) objects[k.ref.kind] = k.items.size;
    const missing = snap.unreadable.map((u) => ({ resource: refKey(u.ref), reason: this.redact(u.reason) }));
    const message = missing.length
      ? // Not snapshotPolicy(): rebuilding the evaluator on every watch event of a partial snapshot would be wasted.
        (missingRbac(snap.unreadable.filter((u) => RBAC_KINDS.some((k) => refKey(k) === refKey(u.ref)))) ??
        `kubeid could not read ${missing.map((m) => `${m.resource} (${m.reason})`).join('; ')}: who runs as which account may be incomplete`)
      : undefined;
    return {
      ...base,
      namespace: this.namespace ?? base.namespace,
      state: missing.length ? 'partial' : 'ready',
      objects,
      missing,
      ...(message ? { message: this.redact(message) } : {}),
    };
  }

  private setStatus(s: ClusterStatus): void {
    this.current = s;
    void this.lsp.sendNotification(clusterStatusNotification, s);
    this.onChange?.();
  }

  private redact(text: string): string {
    return this.source ? this.source.redact(text) : redact(text);
  }

  private message(e: unknown): string {
    return this.redact(e instanceof Error ? e.message : String(e));
  }

  /** A failure as the LSP error the client shows: redacted. */
  private error(e: unknown): ResponseError<void> {
    return new ResponseError(1, this.message(e));
  }
}

/** Who to impersonate for a subject: its username (a service account's), or a member of the group. */
function impersonationOf(s: AccessSubject, asUser?: string): ImpersonationRequest {
  if (s.kind === 'ServiceAccount') return { user: serviceAccountUsername(s.namespace ?? '', s.name) };
  if (s.kind === 'Group') return { user: asUser || GROUP_MEMBER, groups: [s.name] };
  return { user: s.name };
}

function asFlags(as: ImpersonationRequest): string {
  return [`--as ${as.user}`, ...(as.groups ?? []).map((g) => `--as-group ${g}`)].join(' ');
}

function abortOn(token: CancellationToken): AbortSignal {
  const c = new AbortController();
  if (token.isCancellationRequested) c.abort();
  else token.onCancellationRequested(() => c.abort());
  return c.signal;
}
