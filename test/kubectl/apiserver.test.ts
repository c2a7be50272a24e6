// The test API server (test/helpers/apiserver) against the installed kubectl, which must accept
// every answer: lists paged with limit/continue, discovery, the review APIs with impersonation,
// who-am-I for each way of authenticating, watches, and the 401/403/500 a real server gives; plus
// what kubectl cannot show (watch stream details, 410 Gone, consistent pages, faults) through a
// plain HTTPS client. kubectl must be installed (CI has it); KUBEID_SKIP_KUBECTL=1 skips the kubectl parts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver';
import { kubectlFor, kubectlVersion, type Kubectl } from '../helpers/apiserver/kubectl';
import { repoPath } from '../helpers/repo';

const SKIP = process.env.KUBEID_SKIP_KUBECTL === '1';
const KUBECTL = SKIP ? undefined : kubectlVersion();
const RBAC = 'rbac.authorization.k8s.io/v1';
const CLUSTERROLES = `/apis/${RBAC}/clusterroles`;

const clusterRole = (name: string, labels?: Record<string, string>) => ({
  apiVersion: RBAC,
  kind: 'ClusterRole',
  metadata: { name, ...(labels ? { labels } : {}) },
  rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
});

const OBJECTS = [
  {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name: 'impersonator' },
    rules: [{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }],
  },
  {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'impersonator' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'imp' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonator' },
  },
];

const TOKENS = { 'bob-token': { user: 'bob' }, 'imp-token': { user: 'imp', groups: ['impersonators'] } };

interface Answer {
  status: number;
  body: any;
  text: string;
}

/** A bearer token, or a client certificate (default: the admin's; null: none). */
type Credentials = { token?: string; cert?: { certPem: string; keyPem: string } | null };

/** One HTTPS request to the server with the admin certificate (or the given credentials). */
function call(
  s: TestApiServer,
  path: string,
  opts: { method?: string; body?: object; headers?: Record<string, string> } & Credentials = {},
): Promise<Answer> {
  const cert = opts.token || opts.cert === null ? undefined : (opts.cert ?? s.adminCert);
  return new Promise((resolve, reject) => {
    const req = request(
      `${s.url}${path}`,
      {
        method: opts.method ?? 'GET',
        ca: s.caPem,
        ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body: any;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body ? JSON.stringify(opts.body) : undefined);
  });
}

/** A watch's events as they arrive; close() ends it. */
function openWatch(s: TestApiServer, path: string): { events: any[]; status: Promise<number>; close(): void } {
  const events: any[] = [];
  let buffered = '';
  let close = () => {};
  const status = new Promise<number>((resolve, reject) => {
    const req = request(`${s.url}${path}`, { ca: s.caPem, cert: s.adminCert.certPem, key: s.adminCert.keyPem }, (res) => {
      resolve(res.statusCode ?? 0);
      res.setEncoding('utf8').on('data', (d: string) => {
        buffered += d;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          events.push(JSON.parse(buffered.slice(0, nl)));
          buffered = buffered.slice(nl + 1);
        }
      });
      res.on('error', () => {});
    });
    req.on('error', (e) => (events.length ? undefined : reject(e)));
    req.end();
    close = () => req.destroy();
  });
  return { events, status, close: () => close() };
}

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !cond(); await sleep(20)) if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
}

interface Named {
  metadata: { name: string; resourceVersion?: string };
}
const names = (items: Named[]) => items.map((o) => o.metadata.name);
const brief = (e: { type: string; object: Named }) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion];

describe('the test API server', () => {
  let server: TestApiServer;

  before(async () => {
    server = await startTestApiServer({
      from: [repoPath('example'), repoPath('test/kubectl/fixtures/oracle.yaml')],
      objects: OBJECTS,
      tokens: TOKENS,
      bookmarkIntervalMs: 200,
    });
  });

  after(() => server?.stop());

  describe('with kubectl', { skip: SKIP ? 'KUBEID_SKIP_KUBECTL=1' : KUBECTL ? false : 'no kubectl' }, () => {
    let admin: Kubectl;
    let bob: Kubectl;
    let imp: Kubectl;

    before(() => {
      admin = kubectlFor(server);
      bob = kubectlFor(server, { context: 'bob' });
      imp = kubectlFor(server, { context: 'imp' });
    });

    after(() => {
      for (const k of [admin, bob, imp]) k?.dispose();
    });

    test('kubectl get clusterroles pages with limit/continue and prints every ClusterRole once', () => {
      const whole = admin.run(['get', 'clusterroles', '-o', 'name', '--chunk-size', '0']);
      assert.equal(whole.code, 0, whole.stderr);
      const names = whole.stdout.trim().split('\n');
      assert.ok(names.length > 60, `${names.length} ClusterRoles (the default policy and the manifests)`);
      for (const n of ['cluster-admin', 'admin', 'monitoring', 'impersonator'])
        assert.ok(names.includes(`clusterrole.rbac.authorization.k8s.io/${n}`), n);

      const paged = admin.run(['get', 'clusterroles', '--chunk-size', '10']);
      assert.equal(paged.code, 0, paged.stderr);
      const lines = paged.stdout.trim().split('\n');
      assert.match(lines[0], /^NAME\s+CREATED AT$/);
      assert.deepEqual(
        lines.slice(1).map((l) => `clusterrole.rbac.authorization.k8s.io/${l.split(/\s+/)[0]}`),
        names,
        'the same names, in the same order, each once',
      );
      const lists = paged.requests.filter((r) => r.path === CLUSTERROLES);
      assert.equal(lists.length, Math.ceil(names.length / 10));
      const params = lists.map((r) => new URLSearchParams(r.query));
      assert.ok(params.every((p) => p.get('limit') === '10'));
      assert.equal(params[0].get('continue'), null);
      assert.ok(
        params.slice(1).every((p) => p.get('continue')),
        'every later page continues the previous one',
      );
      assert.ok(lists.every((r) => r.status === 200 && r.headers.accept?.[0].includes('as=Table')));
    });

    test('kubectl get roles -A and -n read the cluster-wide and the namespaced path', () => {
      const all = admin.run(['get', 'roles', '-A']);
      assert.equal(all.code, 0, all.stderr);
      assert.match(all.stdout, /^NAMESPACE\s+NAME\s+CREATED AT$/m);
      assert.match(all.stdout, /^shop\s+checkout\s/m);
      assert.match(all.stdout, /^kube-system\s+extension-apiserver-authentication-reader\s/m);
      assert.deepEqual(
        all.requests.filter((r) => r.path.endsWith('/roles')).map((r) => r.path),
        [`/apis/${RBAC}/roles`],
      );
      const shop = admin.run(['get', 'roles', '-n', 'shop', '-o', 'json']);
      assert.equal(shop.code, 0, shop.stderr);
      const list = JSON.parse(shop.stdout);
      assert.deepEqual(list.items.map((r: any) => `${r.metadata.namespace}/${r.metadata.name}`).sort(), ['shop/checkout', 'shop/debugger']);
      assert.ok(shop.requests.some((r) => r.path === `/apis/${RBAC}/namespaces/shop/roles`));
    });

    test('aggregated ClusterRoles are stored with the aggregated rules, as the controller writes them', () => {
      const r = admin.run(['get', 'clusterrole', 'admin', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const role = JSON.parse(r.stdout);
      assert.ok(role.aggregationRule);
      assert.ok(role.rules.length > 10, `admin has ${role.rules.length} rules`);
      assert.ok(
        (role.rules as { resources?: string[]; verbs: string[] }[]).some(
          (x) => x.resources?.includes('rolebindings') && x.verbs.includes('create'),
        ),
      );
    });

    test('kubectl auth can-i --as: yes and no, from a protobuf review sent as the impersonated user', () => {
      const yes = admin.run(['auth', 'can-i', 'update', 'deployments', '-n', 'shop', '--as', 'alice@example.com']);
      assert.deepEqual([yes.code, yes.stdout], [0, 'yes\n'], yes.stderr);
      const no = admin.run(['auth', 'can-i', 'delete', 'nodes', '--as', 'alice@example.com']);
      assert.deepEqual([no.code, no.stdout], [1, 'no\n'], no.stderr);
      const review = yes.requests.find((r) => r.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')!;
      assert.equal(review.headers['content-type']?.[0], 'application/vnd.kubernetes.protobuf');
      assert.deepEqual(review.object.spec.resourceAttributes, {
        namespace: 'shop',
        verb: 'update',
        group: 'apps',
        version: '',
        resource: 'deployments',
        subresource: '',
        name: '',
      });
      assert.deepEqual([review.user, review.impersonated, review.as, review.status], ['kubeid-admin', true, 'alice@example.com', 201]);
    });

    test("impersonation needs impersonate on each requested item; the 403 is the API server's", () => {
      const cases: [Kubectl, string[], string | undefined][] = [
        [
          bob,
          ['--as', 'jane'],
          'users "jane" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
        ],
        [imp, ['--as', 'jane', '--as-group', 'devs'], undefined],
        [
          imp,
          ['--as', 'jane', '--as-uid', '42'],
          'uids.authentication.k8s.io "42" is forbidden: User "imp" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope',
        ],
        [
          imp,
          ['--as', 'system:serviceaccount:ci:deployer'],
          'serviceaccounts "deployer" is forbidden: User "imp" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ci"',
        ],
        [admin, ['--as', 'system:serviceaccount:ci:deployer', '--as-group', 'x', '--as-uid', '7'], undefined],
      ];
      for (const [k, as, forbidden] of cases) {
        const r = k.run(['auth', 'can-i', 'get', 'pods', '-n', 'shop', ...as]);
        if (forbidden) {
          assert.equal(r.code, 1, as.join(' '));
          // Discovery fails first (kubectl logs "couldn't get current server API group list: unknown"), then the review.
          assert.equal(r.stderr.trim().split('\n').at(-1), `Error from server (Forbidden): ${forbidden}`);
          assert.ok(r.requests.every((q) => q.status === 403 && q.impersonated));
        } else {
          assert.equal(r.stderr, '', as.join(' '));
          assert.match(r.stdout, /^(yes|no)\n$/);
        }
      }
    });

    test('kubectl auth whoami: client certificate, token, exec plugin, and --as', () => {
      const dir = kubectlFor(server, { execPluginUser: true, execToken: 'imp-token', context: 'exec' });
      try {
        const seen = [admin.run(['auth', 'whoami']), bob.run(['auth', 'whoami']), dir.run(['auth', 'whoami'])].map((r) => {
          assert.equal(r.code, 0, r.stderr);
          return r.stdout;
        });
        assert.match(seen[0], /^Username\s+kubeid-admin$/m);
        assert.match(seen[0], /^Groups\s+\[system:masters system:authenticated\]$/m);
        assert.match(seen[1], /^Username\s+bob$/m);
        assert.match(seen[1], /^Groups\s+\[system:authenticated\]$/m);
        assert.match(seen[2], /^Username\s+imp$/m);
        assert.match(seen[2], /^Groups\s+\[impersonators system:authenticated\]$/m);
        const as = admin.run(['auth', 'whoami', '--as', 'jane', '--as-group', 'devs', '-o', 'json']);
        assert.equal(as.code, 0, as.stderr);
        assert.deepEqual(JSON.parse(as.stdout).status.userInfo, { username: 'jane', groups: ['devs', 'system:authenticated'] });
      } finally {
        dir.dispose();
      }
    });

    test('kubectl api-resources lists the discovery, the stored CRDs included', () => {
      const r = admin.run(['api-resources']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^clusterroles\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRole$/m);
      assert.match(r.stdout, /^selfsubjectreviews\s+authentication\.k8s\.io\/v1\s+false\s+SelfSubjectReview$/m);
      assert.match(r.stdout, /^backups\s+bk\s+stable\.example\.com\/v1\s+true\s+Backup$/m);
    });

    test('kubectl get --watch prints the ADDED, MODIFIED and DELETED events of changes made meanwhile', async () => {
      const p = spawn('kubectl', ['--kubeconfig', admin.kubeconfig, 'get', 'clusterroles', '--watch-only', '--output-watch-events']);
      let out = '';
      p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      p.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
      try {
        const before = server.requests().length;
        await until('the watch', () =>
          server
            .requests()
            .slice(before)
            .some((r) => r.path === CLUSTERROLES && r.query.includes('watch=true')),
        );
        server.apply(clusterRole('watched'));
        server.apply(clusterRole('watched', { changed: 'yes' }));
        server.remove('ClusterRole', undefined, 'watched');
        await until('three events', () => out.trim().split('\n').length >= 4);
        const lines = out.trim().split('\n');
        assert.match(lines[0], /^EVENT\s+NAME\s+CREATED AT$/);
        assert.deepEqual(
          lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(' ')),
          ['ADDED watched', 'MODIFIED watched', 'DELETED watched'],
        );
      } finally {
        p.kill();
      }
    });

    test('401 for an unknown token; 403 for a user without the permission', () => {
      const bad = bob.run(['get', 'roles', '-n', 'shop', '--token', 'wrong']);
      assert.equal(bad.code, 1);
      assert.equal(
        bad.stderr.trim().split('\n').at(-1),
        'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
      );
      assert.ok(bad.requests.length > 0 && bad.requests.every((r) => r.status === 401 && r.user === undefined));
      const forbidden = bob.run(['get', 'roles', '-n', 'shop']);
      assert.equal(forbidden.code, 1);
      assert.equal(
        forbidden.stderr.trim(),
        'Error from server (Forbidden): roles.rbac.authorization.k8s.io is forbidden: User "bob" cannot list resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "shop"',
      );
      const secret = bob.run(['get', 'clusterrole', 'admin']);
      assert.equal(
        secret.stderr.trim(),
        'Error from server (Forbidden): clusterroles.rbac.authorization.k8s.io "admin" is forbidden: User "bob" cannot get resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope',
      );
    });

    test('SubjectAccessReview: created by a user who may, forbidden to one who may not', () => {
      const sar = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'alice@example.com',
          groups: ['system:authenticated'],
          resourceAttributes: { namespace: 'shop', verb: 'create', group: 'apps', resource: 'deployments' },
        },
      };
      const file = `${admin.kubeconfig}.sar.json`;
      writeFileSync(file, JSON.stringify(sar));
      const yes = admin.run(['create', '-f', file, '-o', 'json', '--validate=false']);
      assert.equal(yes.code, 0, yes.stderr);
      assert.equal(JSON.parse(yes.stdout).status.allowed, true);
      assert.match(
        JSON.parse(yes.stdout).status.reason,
        /^RBAC: allowed by RoleBinding "shop-developers\/shop" of ClusterRole "edit" to User "alice@example.com"$/,
      );
      const no = bob.run(['create', '-f', file, '-o', 'json', '--validate=false']);
      assert.equal(no.code, 1);
      assert.match(
        no.stderr,
        /subjectaccessreviews\.authorization\.k8s\.io is forbidden: User "bob" cannot create resource "subjectaccessreviews" in API group "authorization\.k8s\.io" at the cluster scope/,
      );
    });

    test('a 500 on demand, once: kubectl reports it, the next run succeeds', () => {
      server.fault({ path: CLUSTERROLES, method: 'GET', status: 500, times: 1 });
      const failed = admin.run(['get', 'clusterroles', '-o', 'name']);
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /Error from server \(InternalError\): Internal error occurred: injected by the test/);
      assert.ok(failed.requests.some((r) => r.fault && r.status === 500));
      const ok = admin.run(['get', 'clusterroles', '-o', 'name']);
      assert.equal(ok.code, 0, ok.stderr);
    });
  });

  describe('with a plain HTTPS client', () => {
    test('watch: initial ADDED events, then changes as they happen, with bookmarks', async () => {
      const w = openWatch(server, `${CLUSTERROLES}?watch=1&allowWatchBookmarks=true&labelSelector=team%3Dblue`);
      try {
        assert.equal(await w.status, 200);
        server.apply(clusterRole('blue-1', { team: 'blue' }));
        server.apply(clusterRole('red-1', { team: 'red' }));
        server.apply(clusterRole('red-1', { team: 'blue' })); // now selected: ADDED
        server.apply(clusterRole('blue-1', { team: 'red' })); // no longer selected: DELETED
        server.remove('ClusterRole', undefined, 'red-1');
        await until('a bookmark after the changes', () =>
          w.events.some((e) => e.type === 'BOOKMARK' && Number(e.object.metadata.resourceVersion) >= Number(server.resourceVersion())),
        );
        const changes = w.events.filter((e) => e.type !== 'BOOKMARK');
        assert.deepEqual(
          changes.map((e: { type: string; object: Named }) => [e.type, e.object.metadata.name]),
          [
            ['ADDED', 'blue-1'],
            ['ADDED', 'red-1'],
            ['DELETED', 'blue-1'],
            ['DELETED', 'red-1'],
          ],
        );
        const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
        assert.deepEqual(Object.keys(bookmark.object.metadata), ['resourceVersion']);
        assert.equal(bookmark.object.kind, 'ClusterRole');
      } finally {
        w.close();
      }
    });

    test('watch from a resourceVersion replays what came after it; one older than the compaction gets a 410 ERROR event', async () => {
      const from = server.resourceVersion();
      server.apply(clusterRole('replayed'));
      server.remove('ClusterRole', undefined, 'replayed');
      const replay = openWatch(server, `${CLUSTERROLES}?watch=true&resourceVersion=${from}`);
      try {
        await until('two events', () => replay.events.length >= 2);
        assert.deepEqual(replay.events.map(brief), [
          ['ADDED', 'replayed', String(Number(from) + 1)],
          ['DELETED', 'replayed', String(Number(from) + 2)],
        ]);
      } finally {
        replay.close();
      }
      server.compact();
      const gone = openWatch(server, `${CLUSTERROLES}?watch=true&resourceVersion=${from}`);
      assert.equal(await gone.status, 200);
      await until('the error event', () => gone.events.length >= 1);
      assert.equal(gone.events.length, 1);
      assert.equal(gone.events[0].type, 'ERROR');
      assert.deepEqual(
        { ...gone.events[0].object },
        {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${from} (${server.resourceVersion()})`,
          reason: 'Expired',
          code: 410,
        },
      );
      gone.close();
    });

    test("list pages are consistent: later pages read the first page's resourceVersion; a compacted one is 410", async () => {
      const first = await call(server, `${CLUSTERROLES}?limit=5`);
      assert.equal(first.status, 200);
      assert.equal(first.body.items.length, 5);
      const { resourceVersion, continue: token, remainingItemCount } = first.body.metadata;
      assert.ok(token && remainingItemCount > 50);
      const next = await call(server, `${CLUSTERROLES}?limit=5&continue=${encodeURIComponent(token)}`);
      // Changes after the first page: the second page does not see them.
      server.apply(clusterRole('aaaa-later')); // sorts before the second page anyway
      const victim = next.body.items[0].metadata.name;
      server.remove('ClusterRole', undefined, victim);
      const again = await call(server, `${CLUSTERROLES}?limit=5&continue=${encodeURIComponent(token)}`);
      assert.equal(again.body.metadata.resourceVersion, resourceVersion);
      assert.deepEqual(names(again.body.items), names(next.body.items));
      server.compact();
      const expired = await call(server, `${CLUSTERROLES}?limit=5&continue=${encodeURIComponent(token)}`);
      assert.equal(expired.status, 410);
      assert.equal(expired.body.reason, 'Expired');
      server.apply(next.body.items[0]);
    });

    test("labelSelector, fieldSelector and a single object; 404 in the API server's words", async () => {
      server.apply(clusterRole('selected', { tier: 'gold' }));
      const byLabel = await call(server, `${CLUSTERROLES}?labelSelector=${encodeURIComponent('tier in (gold,silver),!missing')}`);
      assert.deepEqual(names(byLabel.body.items), ['selected']);
      assert.equal(byLabel.body.kind, 'ClusterRoleList');
      const byName = await call(server, `${CLUSTERROLES}?fieldSelector=metadata.name%3Dselected`);
      assert.deepEqual(names(byName.body.items), ['selected']);
      const one = await call(server, `${CLUSTERROLES}/selected`);
      assert.equal(one.body.metadata.labels.tier, 'gold');
      const missing = await call(server, `${CLUSTERROLES}/nope`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.message, 'clusterroles.rbac.authorization.k8s.io "nope" not found');
      const tooNew = await call(server, `${CLUSTERROLES}?resourceVersion=999999999`);
      assert.equal(tooNew.status, 504);
    });

    test('SelfSubjectReview, SelfSubjectRulesReview, LocalSubjectAccessReview as JSON; impersonated extras are checked one by one', async () => {
      const ssr = await call(server, '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        method: 'POST',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        headers: {
          'Impersonate-User': 'jane',
          'Impersonate-Uid': 'u-1',
          'Impersonate-Extra-Scopes': 'a',
          'Impersonate-Extra-Example.com%2Fteam': 'x',
        },
      });
      assert.equal(ssr.status, 201);
      assert.deepEqual(ssr.body.status.userInfo, {
        username: 'jane',
        uid: 'u-1',
        groups: ['system:authenticated'],
        extra: { scopes: ['a'], 'example.com/team': ['x'] },
      });
      const denied = await call(server, '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        method: 'POST',
        token: 'imp-token',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        headers: { 'Impersonate-User': 'jane', 'Impersonate-Extra-Scopes': 'a' },
      });
      assert.equal(denied.status, 403);
      assert.equal(
        denied.body.message,
        'userextras.authentication.k8s.io "a" is forbidden: User "imp" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
      );
      const rules = await call(server, '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
        method: 'POST',
        token: 'bob-token',
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'shop' } },
      });
      assert.equal(rules.status, 201);
      assert.ok(
        (rules.body.status.resourceRules as { resources: string[] }[]).some((r) => r.resources.includes('selfsubjectaccessreviews')),
      );
      assert.ok(!(rules.body.status.resourceRules as { resources: string[] }[]).some((r) => r.resources.includes('roles')));
      const lsar = (namespace: string) => ({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'LocalSubjectAccessReview',
        metadata: { namespace: 'shop' },
        spec: { user: 'alice@example.com', resourceAttributes: { namespace, verb: 'delete', group: 'apps', resource: 'deployments' } },
      });
      const local = await call(server, '/apis/authorization.k8s.io/v1/namespaces/shop/localsubjectaccessreviews', {
        method: 'POST',
        body: lsar('shop'),
      });
      assert.deepEqual([local.status, local.body.status.allowed], [201, true]);
      const elsewhere = await call(server, '/apis/authorization.k8s.io/v1/namespaces/shop/localsubjectaccessreviews', {
        method: 'POST',
        body: lsar('ci'),
      });
      assert.equal(elsewhere.status, 422);
      assert.match(elsewhere.body.message, /spec\.resourceAttributes\.namespace: Invalid value: "ci": must match metadata\.namespace/);
      const groupOnly = await call(server, '/version', { headers: { 'Impersonate-Group': 'devs' } });
      assert.equal(groupOnly.status, 400);
    });

    test('faults: a path regex with a method, a count, a delay and a dropped connection', async () => {
      server.fault({ path: /\/clusterroles\?.*watch=/, status: 403, times: 2 });
      server.fault({ path: CLUSTERROLES, method: 'POST', status: 401 });
      server.fault({ path: '/version', drop: true, times: 1 });
      server.fault({ path: '/healthz', delayMs: 50, status: 500, times: 1 });
      try {
        assert.equal((await call(server, `${CLUSTERROLES}?watch=1`)).status, 403);
        assert.equal((await call(server, `${CLUSTERROLES}?watch=1`)).status, 403);
        const third = openWatch(server, `${CLUSTERROLES}?watch=1`);
        assert.equal(await third.status, 200);
        third.close();
        assert.equal((await call(server, CLUSTERROLES)).status, 200, 'a GET is not a POST');
        assert.equal((await call(server, CLUSTERROLES, { method: 'POST', body: {} })).status, 401);
        await assert.rejects(call(server, '/version'), /socket hang up|ECONNRESET/);
        assert.equal((await call(server, '/version')).status, 200);
        const slow = await call(server, '/healthz');
        assert.deepEqual([slow.status, slow.body.reason], [500, 'InternalError']);
        assert.equal((await call(server, '/healthz')).text, 'ok');
        const recorded = server.requests().filter((r) => r.fault);
        assert.deepEqual(
          recorded.slice(-5).map((r) => [r.method, r.path, r.status]),
          [
            ['GET', CLUSTERROLES, 403],
            ['GET', CLUSTERROLES, 403],
            ['POST', CLUSTERROLES, 401],
            ['GET', '/version', 0],
            ['GET', '/healthz', 500],
          ],
        );
      } finally {
        server.clearFaults();
      }
      assert.equal((await call(server, CLUSTERROLES, { method: 'POST', body: {} })).status, 405, 'cleared');
    });

    test('no credentials: 401 unless anonymous requests are allowed; an untrusted client certificate is 401', async () => {
      const anonymous = await startTestApiServer({ anonymous: true, defaults: true });
      try {
        const bare = (s: TestApiServer, path: string) => call(s, path, { cert: null });
        assert.equal((await bare(server, '/version')).status, 401);
        assert.equal((await bare(anonymous, '/version')).status, 200);
        const list = await bare(anonymous, CLUSTERROLES);
        assert.equal(list.status, 403);
        assert.match(list.body.message, /User "system:anonymous" cannot list resource "clusterroles"/);
        const stranger = await call(server, '/version', { cert: anonymous.adminCert });
        assert.equal(stranger.status, 401);
      } finally {
        await anonymous.stop();
      }
    });
  });
});
