// The real kubectl as an oracle for kubeid's CLI. kubectl talks to the test API server
// (test/helpers/apiserver), which answers SelfSubjectAccessReviews and
// SelfSubjectRulesReviews with kubeid's own evaluator over the same manifests kubeid reads with
// --from (kubectl runs as a system:masters client-certificate user and asks with --as, which the
// server's impersonation check lets through). So these tests check what lies around the evaluator — how kubeid reads TYPE arguments
// (resolution against discovery), builds the request and the identity, and prints answers and
// --list tables — against what kubectl does; they do not check the evaluator itself (the
// unit and property tests do that).
//   a. the SelfSubjectAccessReview kubectl sends for a TYPE argument = kubeid's buildRequest,
//      apart from kubeid's deliberate differences (asserted exactly);
//   b. for a grid of identities × requests, `kubectl auth can-i` and `kubeid can-i` print the same
//      answer with the same exit code;
//   c. `kubectl auth can-i --list` and `kubeid can-i --list` print the same table, byte for byte.
// kubeid's side is the bundled CLI (node dist/cli.js) for the --list tables and a sample of the
// answers; the rest of the answer grid runs the same CLI code in-process (server/src/cli/main.ts),
// because one dist/cli.js run costs 0.4-1 s (mostly loading the default policy) and the grid would
// take minutes. KUBEID_ORACLE_ALL_CLI=1 runs every answer through dist/cli.js.
// kubectl must be installed (CI has it); KUBEID_SKIP_KUBECTL=1 skips these tests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setImmediate } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { main } from '../../server/src/cli/main';
import { buildRequest, type AccessQuery } from '../../server/src/core/request';
import { loadWorkspace, type Workspace } from '../../server/src/core/policy/workspace';
import { startTestApiServer, type TestApiServer } from '../helpers/apiserver';
import { kubectlFor, kubectlVersion, type Kubectl, type KubectlResult } from '../helpers/apiserver/kubectl';
import { repoPath, repoRoot } from '../helpers/repo';

const FROM = ['example', 'test/fixtures/cli/rbac.yaml', 'test/kubectl/fixtures/oracle.yaml'];
const FROM_FLAGS = FROM.flatMap((f) => ['--from', f]);
/** The same, as absolute paths, for runs in this process. */
const FROM_FLAGS_ABS = FROM.flatMap((f) => ['--from', repoPath(f)]);
const CLI = repoPath('dist/cli.js');
const ALL_CLI = process.env.KUBEID_ORACLE_ALL_CLI === '1';
const SKIP = process.env.KUBEID_SKIP_KUBECTL === '1';
const KUBECTL = SKIP ? undefined : kubectlVersion();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kubeid(args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** kubeid's CLI code in this process (main() with captured output). */
async function kubeidInProcess(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s), readStdin: () => Promise.resolve('') });
  return { code, stdout, stderr };
}

/** Many dist/cli.js runs, a few at a time. */
async function kubeidAll(argsList: string[][]): Promise<Run[]> {
  const out: Run[] = new Array<Run>(argsList.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < argsList.length; i = next++) {
      out[i] = await new Promise<Run>((resolve, reject) => {
        const p = spawn(process.execPath, [CLI, ...argsList[i]], { cwd: repoRoot });
        let stdout = '';
        let stderr = '';
        p.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
        p.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
        p.on('error', reject);
        p.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, availableParallelism()) }, worker));
  return out;
}

/** A request in the form both sides can be compared in: SSAR resourceAttributes / nonResourceAttributes (no version). */
type Sent =
  { namespace: string; verb: string; group: string; resource: string; subresource: string; name: string } | { path: string; verb: string };

/** The one SelfSubjectAccessReview kubectl sent in this run. */
function kubectlSent(r: KubectlResult): Sent {
  const reviews = r.requests.filter((q) => q.method === 'POST' && q.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
  assert.equal(reviews.length, 1, `one SelfSubjectAccessReview expected; kubectl: ${r.stdout}${r.stderr}`);
  const spec = reviews[0].object.spec;
  if (spec.nonResourceAttributes) return { path: spec.nonResourceAttributes.path ?? '', verb: spec.nonResourceAttributes.verb ?? '' };
  const a = spec.resourceAttributes;
  const s = (v: string | undefined) => v ?? '';
  return {
    namespace: s(a.namespace),
    verb: s(a.verb),
    group: s(a.group),
    resource: s(a.resource),
    subresource: s(a.subresource),
    name: s(a.name),
  };
}

function kubeidSent(ws: Workspace, q: AccessQuery): Sent {
  const a = buildRequest(q, ws.catalogue).attrs;
  if (!a.resourceRequest) return { path: a.path, verb: a.verb };
  return { namespace: a.namespace, verb: a.verb, group: a.apiGroup, resource: a.resource, subresource: a.subresource, name: a.name };
}

/** The can-i arguments of a query: VERB TARGET [--subresource S] [-n NS] [-A]. */
function queryArgs(q: AccessQuery): string[] {
  return [
    q.verb,
    q.target,
    ...(q.subresource ? ['--subresource', q.subresource] : []),
    ...(q.namespace !== undefined ? ['-n', q.namespace] : []),
    ...(q.allNamespaces ? ['-A'] : []),
  ];
}

const MISSING = !SKIP && !KUBECTL;
if (MISSING) {
  test('kubectl is installed', () => {
    assert.fail(
      'kubectl is not installed (no working `kubectl` on PATH): the oracle tests use it, and CI has it. ' +
        'Install kubectl, or set KUBEID_SKIP_KUBECTL=1 to skip them.',
    );
  });
}

describe(
  'kubectl auth can-i as an oracle for kubeid can-i',
  { skip: SKIP ? 'KUBEID_SKIP_KUBECTL=1: the kubectl oracle tests are skipped' : MISSING ? 'kubectl is not installed' : false },
  () => {
    let server: TestApiServer;
    let kubectl: Kubectl;
    let ws: Workspace;
    let comparisons = 0;

    before(async () => {
      if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (node scripts/build.mjs)`);
      ws = await loadWorkspace(FROM.map((f) => repoPath(f)));
      server = await startTestApiServer({ from: FROM.map((f) => repoPath(f)) });
      kubectl = kubectlFor(server);
    });

    after(async () => {
      kubectl?.dispose();
      await server?.stop();
      if (KUBECTL) console.log(`kubectl ${KUBECTL}: ${comparisons} comparisons with kubeid`);
    });

    // --- a. TYPE arguments -----------------------------------------------------------------------

    interface TypeCase {
      arg: string;
      subresource?: string;
      /** What kubectl sends (pinned: kubectl's own behaviour, documented in spec §9.5). */
      group: string;
      resource: string;
      name?: string;
      /** A cluster-scoped type: kubeid drops -n (kubectl sends it anyway). */
      cluster?: true;
      /** Where kubeid deliberately sends something else than kubectl. */
      kubeid?: Partial<{ group: string; resource: string; namespace: string }>;
    }

    const TYPES: TypeCase[] = [
      { arg: 'po', group: '', resource: 'pods' },
      { arg: 'pod', group: '', resource: 'pods' },
      { arg: 'pods', group: '', resource: 'pods' },
      { arg: 'Pod', group: '', resource: 'pods' },
      { arg: 'PODS', group: '', resource: 'pods' },
      { arg: 'pods/web-0', group: '', resource: 'pods', name: 'web-0' },
      { arg: 'pods', subresource: 'log', group: '', resource: 'pods' },
      { arg: 'deploy', group: 'apps', resource: 'deployments' },
      { arg: 'deploy/web', subresource: 'scale', group: 'apps', resource: 'deployments', name: 'web' },
      { arg: 'deployments.apps', group: 'apps', resource: 'deployments' },
      { arg: 'deployments.v1.apps', group: 'apps', resource: 'deployments' },
      { arg: 'deployment.apps', group: 'apps', resource: 'deployments' },
      { arg: 'Deployments.Apps/web', group: 'apps', resource: 'deployments', name: 'web' },
      { arg: 'sts', group: 'apps', resource: 'statefulsets' },
      { arg: 'hpa', group: 'autoscaling', resource: 'horizontalpodautoscalers' },
      { arg: 'hpa.autoscal', group: 'autoscaling', resource: 'horizontalpodautoscalers' },
      { arg: 'hpa.v9.autoscaling', group: 'autoscaling', resource: 'horizontalpodautoscalers' }, // the short-name expander drops the version
      { arg: 'deploy.v1.apps', group: 'apps', resource: 'deployments' },
      { arg: 'horizontalpodautoscalers.v1.autoscaling', group: 'autoscaling', resource: 'horizontalpodautoscalers' },
      { arg: 'cj', group: 'batch', resource: 'cronjobs' },
      { arg: 'jobs.batch', group: 'batch', resource: 'jobs' },
      { arg: 'csr', group: 'certificates.k8s.io', resource: 'certificatesigningrequests', cluster: true },
      {
        arg: 'clustertrustbundles.v1beta1.certificates.k8s.io',
        group: 'certificates.k8s.io',
        resource: 'clustertrustbundles',
        cluster: true,
      },
      { arg: 'events', group: '', resource: 'events' },
      { arg: 'ev', group: '', resource: 'events' },
      { arg: 'events.events.k8s.io', group: 'events.k8s.io', resource: 'events' },
      { arg: 'ingresses', group: 'networking.k8s.io', resource: 'ingresses' },
      { arg: 'ing', group: 'networking.k8s.io', resource: 'ingresses' },
      { arg: 'netpol', group: 'networking.k8s.io', resource: 'networkpolicies' },
      { arg: 'sa', group: '', resource: 'serviceaccounts' },
      { arg: 'cm', group: '', resource: 'configmaps' },
      { arg: 'ep', group: '', resource: 'endpoints' },
      { arg: 'endpointslices', group: 'discovery.k8s.io', resource: 'endpointslices' },
      { arg: 'pvc', group: '', resource: 'persistentvolumeclaims' },
      { arg: 'pv', group: '', resource: 'persistentvolumes', cluster: true },
      { arg: 'sc', group: 'storage.k8s.io', resource: 'storageclasses', cluster: true },
      { arg: 'storageclasses.storage', group: 'storage.k8s.io', resource: 'storageclasses', cluster: true },
      { arg: 'storageclasses.storage.k8s', group: 'storage.k8s.io', resource: 'storageclasses', cluster: true },
      { arg: 'sc.storage', group: 'storage.k8s.io', resource: 'storageclasses', cluster: true },
      { arg: 'crd', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', cluster: true },
      { arg: 'leases', group: 'coordination.k8s.io', resource: 'leases' },
      // Only in versions that are not the group's preferred one.
      { arg: 'leasecandidates', group: 'coordination.k8s.io', resource: 'leasecandidates' },
      { arg: 'workloads', group: 'scheduling.k8s.io', resource: 'workloads' },
      {
        arg: 'mutatingadmissionpolicies.v1alpha1.admissionregistration.k8s.io',
        group: 'admissionregistration.k8s.io',
        resource: 'mutatingadmissionpolicies',
        cluster: true,
      },
      { arg: 'resourceclaims.v1beta2.resource.k8s.io', group: 'resource.k8s.io', resource: 'resourceclaims' },
      { arg: 'pc', group: 'scheduling.k8s.io', resource: 'priorityclasses', cluster: true },
      { arg: 'cs', group: '', resource: 'componentstatuses', cluster: true },
      { arg: 'nodes', group: '', resource: 'nodes', cluster: true },
      { arg: 'no/node-1', group: '', resource: 'nodes', name: 'node-1', cluster: true },
      { arg: 'ns', group: '', resource: 'namespaces', cluster: true },
      // GET /api/v1/namespaces/prod is a request in namespace prod: kubeid asks there, kubectl in -n.
      { arg: 'namespaces/prod', group: '', resource: 'namespaces', name: 'prod', kubeid: { namespace: 'prod' } },
      { arg: 'clusterroles', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', cluster: true },
      { arg: 'roles.rbac.authorization.k8s.io', group: 'rbac.authorization.k8s.io', resource: 'roles' },
      { arg: 'selfsubjectaccessreviews', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', cluster: true },
      { arg: 'apiservices', group: 'apiregistration.k8s.io', resource: 'apiservices', cluster: true },
      { arg: 'resourceclaims', group: 'resource.k8s.io', resource: 'resourceclaims' },
      { arg: 'svc/web', group: '', resource: 'services', name: 'web' },
      { arg: 'secrets/db', group: '', resource: 'secrets', name: 'db' },
      // CRDs of the manifests (served by the test server, read by kubeid from the manifests).
      { arg: 'bk', group: 'stable.example.com', resource: 'backups' },
      { arg: 'backup.stable.example.com', group: 'stable.example.com', resource: 'backups' },
      { arg: 'backups.v1beta1.stable.example.com/nightly', group: 'stable.example.com', resource: 'backups', name: 'nightly' },
      { arg: 'tn', group: 'platform.example.com', resource: 'tenants', cluster: true },
      // Not resource types of the server: kubectl sends the raw argument in group "" (spec §9.5) ...
      { arg: '*', group: '', resource: '*' },
      { arg: 'users', group: '', resource: 'users' },
      { arg: 'groups', group: '', resource: 'groups' },
      { arg: 'Widgets', group: '', resource: 'Widgets' },
      // ... kubeid takes RESOURCE.GROUP literally instead (README: "in the group its .group suffix names").
      { arg: 'widgets.example.com', group: '', resource: 'widgets.example.com', kubeid: { group: 'example.com', resource: 'widgets' } },
      { arg: 'pods.metrics.k8s.io', group: '', resource: 'pods.metrics.k8s.io', kubeid: { group: 'metrics.k8s.io', resource: 'pods' } },
      // A version the resource is not served in: kubectl too finds no such type.
      {
        arg: 'leases.v1beta1.coordination.k8s.io',
        group: '',
        resource: 'leases.v1beta1.coordination.k8s.io',
        kubeid: { group: 'v1beta1.coordination.k8s.io', resource: 'leases' },
      },
    ];

    /** TYPE cases also run against legacy discovery (one per way of naming a type). */
    const LEGACY_PASS = new Set([
      'Pod',
      'deploy/web',
      'deployments.v1.apps',
      'hpa.autoscal',
      'hpa.v9.autoscaling',
      'ev',
      'storageclasses.storage',
      'csr',
      'leasecandidates',
      'bk',
      'backups.v1beta1.stable.example.com/nightly',
      'tn',
      'namespaces/prod',
      '*',
      'users',
      'widgets.example.com',
    ]);

    /** Runs TYPE cases through kubectl; returns the differences from the table and from kubeid's request. */
    function checkTypes(k: Kubectl, cases: TypeCase[]): string[] {
      const failures: string[] = [];
      for (const c of cases) {
        const q: AccessQuery = { verb: 'get', target: c.arg, namespace: 'shop', subresource: c.subresource };
        const sent = kubectlSent(k.run(['auth', 'can-i', ...queryArgs(q), '--as', 'jane']));
        comparisons++;
        const pinned = {
          namespace: 'shop',
          verb: 'get',
          group: c.group,
          resource: c.resource,
          subresource: c.subresource ?? '',
          name: c.name ?? '',
        };
        const expected = { ...pinned, ...(c.cluster ? { namespace: '' } : {}), ...c.kubeid };
        const mine = kubeidSent(ws, q);
        if (!isDeepStrictEqual(sent, pinned))
          failures.push(`${c.arg}: kubectl sent ${JSON.stringify(sent)}, the table says ${JSON.stringify(pinned)}`);
        if (!isDeepStrictEqual(mine, expected))
          failures.push(`${c.arg}: kubeid builds ${JSON.stringify(mine)}, expected ${JSON.stringify(expected)}`);
      }
      return failures;
    }

    test('a. TYPE arguments: kubectl (aggregated discovery) sends what kubeid builds, but for the deliberate differences', (t) => {
      assert.deepEqual(checkTypes(kubectl, TYPES), []);
      assert.ok(
        server.requests().some((q) => q.path === '/apis' && q.headers.accept?.[0].includes('as=APIGroupDiscoveryList')),
        'kubectl asked for aggregated discovery',
      );
      t.diagnostic(`${TYPES.length} TYPE arguments`);
    });

    test('a. TYPE arguments, again with legacy discovery only (/api/v1, /apis/<group>/<version>)', async (t) => {
      const legacy = await startTestApiServer({ from: FROM.map((f) => repoPath(f)), aggregatedDiscovery: false });
      const k = kubectlFor(legacy);
      try {
        const cases = TYPES.filter((c) => LEGACY_PASS.has(c.arg));
        assert.equal(cases.length, LEGACY_PASS.size);
        assert.deepEqual(checkTypes(k, cases), []);
        const paths = new Set(legacy.requests().map((q) => q.path));
        assert.ok(
          paths.has('/apis/apps/v1') && paths.has('/apis/stable.example.com/v1'),
          'kubectl read the legacy group-version documents',
        );
        t.diagnostic(`${cases.length} TYPE arguments`);
      } finally {
        k.dispose();
        await legacy.stop();
      }
    });

    test('a. other request shapes: verbs, names, -A, non-resource URLs', () => {
      // [query, kubeid's deliberate difference from what kubectl sends]
      const shapes: [AccessQuery, Partial<{ namespace: string }>?][] = [
        [{ verb: 'GET', target: 'pods' }], // verbs are not lower-cased (both warn)
        [{ verb: '*', target: '*', namespace: 'shop' }],
        [{ verb: 'get', target: 'pods/a/b' }], // the name is everything after the first "/"
        [{ verb: 'get', target: 'pods/' }],
        [{ verb: 'list', target: 'pods', allNamespaces: true }],
        [{ verb: 'list', target: 'nodes', allNamespaces: true }],
        [{ verb: 'list', target: 'pods', namespace: 'shop', allNamespaces: true }], // -A wins
        [{ verb: 'get', target: 'nodes' }, { namespace: '' }], // kubectl sends the kubeconfig namespace
        [{ verb: 'get', target: 'namespaces/shop' }, { namespace: 'shop' }], // GET /api/v1/namespaces/shop is in namespace shop
        [{ verb: 'get', target: 'namespaces/shop', allNamespaces: true }, { namespace: 'shop' }],
        [{ verb: 'get', target: '/healthz' }],
        [{ verb: 'get', target: '/' }],
        [{ verb: 'post', target: '/logs/kube.log', namespace: 'shop' }],
        [{ verb: 'PATCH', target: '/api/v1/pods' }],
      ];
      const failures: string[] = [];
      for (const [q, deliberate] of shapes) {
        const sent = kubectlSent(kubectl.run(['auth', 'can-i', ...queryArgs(q), '--as', 'jane']));
        comparisons++;
        const expected = { ...sent, ...deliberate };
        const mine = kubeidSent(ws, q);
        if (!isDeepStrictEqual(mine, expected))
          failures.push(`can-i ${queryArgs(q).join(' ')}: kubectl sent ${JSON.stringify(sent)}, kubeid ${JSON.stringify(mine)}`);
      }
      assert.deepEqual(failures, []);
    });

    test("a. kubectl's warnings for the types kubeid treats differently", () => {
      const nodes = kubectl.run(['auth', 'can-i', 'get', 'nodes', '-n', 'shop', '--as', 'bob']);
      assert.match(nodes.stderr, /^Warning: resource 'nodes' is not namespace scoped$/m);
      const widgets = kubectl.run(['auth', 'can-i', 'get', 'widgets.example.com', '--as', 'jane']);
      assert.match(widgets.stderr, /^Warning: the server doesn't have a resource type 'widgets' in group 'example.com'$/m);
      const mine = kubeid(['can-i', 'get', 'widgets.example.com', '--as', 'jane', ...FROM_FLAGS]);
      assert.match(mine.stderr, /checking resource "widgets" in API group "example.com" as written/);
    });

    // --- b. answers --------------------------------------------------------------------------------

    const IDENTITIES: string[][] = [
      ['--as', 'jane'], // RoleBinding to a Role with resourceNames; a ClusterRoleBinding to a missing role
      ['--as', 'oncall', '--as-group', 'on-call'], // a group: pods/exec, pods/log in shop
      ['--as', 'system:serviceaccount:shop:checkout'], // a service account, bound as such and through its groups
      ['--as', 'system:serviceaccount:ci:deployer'], // a service account of another namespace; '*/scale'
      ['--as', 'carol'], // resourceNames only; non-resource URLs
      ['--as', 'system:anonymous'],
      ['--as', 'root', '--as-group', 'system:masters'], // allowed outside RBAC
    ];

    const REQUESTS: AccessQuery[] = [
      { verb: 'get', target: 'pods', namespace: 'shop' },
      { verb: 'create', target: 'pods', subresource: 'exec', namespace: 'shop' },
      { verb: 'get', target: 'pods/web-0', subresource: 'log', namespace: 'shop' },
      { verb: 'get', target: 'secrets/payment-provider', namespace: 'shop' },
      { verb: 'update', target: 'deployments.apps/web', subresource: 'scale', namespace: 'shop' },
      { verb: 'get', target: 'nodes/node-1' }, // cluster-scoped, no -n: kubectl sends "default", kubeid ""
      { verb: 'get', target: 'namespaces/shop', namespace: 'shop' },
      { verb: 'list', target: 'pods', allNamespaces: true },
      { verb: 'get', target: 'bk', namespace: 'shop' },
      { verb: 'get', target: '/healthz' },
      { verb: 'post', target: '/metrics' },
    ];

    test('b. kubectl auth can-i and kubeid can-i give the same answer for identities × requests', async (t) => {
      // For a cluster-scoped type without -n kubectl sends the kubeconfig namespace ("default") and
      // kubeid none; the answers could only differ through RoleBindings there, and there are none.
      assert.ok(!ws.evaluator.bindingNamespaces().includes('default'), 'no RoleBinding in namespace default');
      const cases = IDENTITIES.flatMap((who) => REQUESTS.map((q) => ({ who, q })));
      // Through dist/cli.js: every request once (with identities in turn), or everything.
      const viaCli = cases.map((_, i) => ALL_CLI || Math.floor(i / REQUESTS.length) === (i % REQUESTS.length) % IDENTITIES.length);
      const cliCases = cases.filter((_, i) => viaCli[i]);
      const pending = kubeidAll(cliCases.map(({ who, q }) => ['can-i', ...queryArgs(q), ...who, ...FROM_FLAGS]));
      const fromKubectl: { r: KubectlResult; sent: Sent }[] = [];
      for (const { who, q } of cases) {
        const r = kubectl.run(['auth', 'can-i', ...queryArgs(q), ...who]);
        const h = r.requests.at(-1)!.headers;
        assert.deepEqual([h['impersonate-user'], h['impersonate-group'] ?? []], [[who[1]], who.slice(3, 4)], 'the impersonation headers');
        fromKubectl.push({ r, sent: kubectlSent(r) });
        await setImmediate(); // let the dist/cli.js runs go on meanwhile
      }
      const fromCli = await pending;
      const differences: string[] = [];
      for (const [i, { who, q }] of cases.entries()) {
        const { r, sent } = fromKubectl[i];
        const mine = kubeidSent(ws, q);
        const label = `can-i ${queryArgs(q).join(' ')} ${who.join(' ')}`;
        const clusterScopedDefault = q.namespace === undefined && 'namespace' in sent && sent.namespace === 'default';
        const same = isDeepStrictEqual(sent, mine) || (clusterScopedDefault && isDeepStrictEqual({ ...sent, namespace: '' }, mine));
        if (!same) {
          differences.push(`${label}: kubectl sent ${JSON.stringify(sent)}, kubeid ${JSON.stringify(mine)}`);
          continue;
        }
        const how = viaCli[i] ? 'dist/cli.js' : 'in-process';
        const k = viaCli[i]
          ? fromCli[cliCases.indexOf(cases[i])]
          : await kubeidInProcess(['can-i', ...queryArgs(q), ...who, ...FROM_FLAGS_ABS]);
        comparisons++;
        // The first word (yes / no) and the exit code; the whole line too, since the reason comes from the same evaluator.
        if (k.stdout.split(' ')[0] !== r.stdout.split(' ')[0] || k.code !== r.code || k.stdout !== r.stdout) {
          differences.push(
            `${label}: kubectl ${JSON.stringify([r.code, r.stdout])}, kubeid (${how}) ${JSON.stringify([k.code, k.stdout])}`,
          );
        }
      }
      assert.deepEqual(differences, []);
      const yes = fromKubectl.filter(({ r }) => r.code === 0).length;
      assert.ok(yes > 10 && yes < cases.length - 10, `not one-sided: ${yes} of ${cases.length} allowed`);
      t.diagnostic(`${cases.length} answers (${cliCases.length} through dist/cli.js), ${yes} yes`);
    });

    test('b. the deliberate difference: -n with a cluster-scoped type', () => {
      // kubectl sends namespace shop, so bob's RoleBinding in shop to a ClusterRole that grants nodes
      // says yes; the real `GET /api/v1/nodes` is cluster-scoped and no RoleBinding can grant it.
      const k = kubectl.run(['auth', 'can-i', 'get', 'nodes', '-n', 'shop', '--as', 'bob']);
      assert.deepEqual(kubectlSent(k), { namespace: 'shop', verb: 'get', group: '', resource: 'nodes', subresource: '', name: '' });
      assert.deepEqual([k.code, k.stdout], [0, 'yes\n']);
      const mine = kubeid(['can-i', 'get', 'nodes', '-n', 'shop', '--as', 'bob', ...FROM_FLAGS]);
      assert.deepEqual(
        [mine.code, mine.stdout, mine.stderr],
        [1, 'no\n', "Warning: resource 'nodes' is not namespace scoped; -n shop ignored\n"],
      );
      comparisons++;
    });

    // --- c. --list ---------------------------------------------------------------------------------

    const LISTS: string[][] = [
      ['--as', 'system:kube-controller-manager', '-n', 'kube-system'], // many default-policy rules, resourceNames
      ['--as', 'carol', '-n', 'shop'], // resourceNames over several groups and resources, non-resource URLs
      ['--as', 'bob', '-n', 'shop'], // non-resource URLs through a RoleBinding
      ['--as', 'system:serviceaccount:shop:checkout', '-n', 'shop'], // a service account
      ['--as', 'alice@example.com', '-n', 'shop'], // edit: aggregated, many rules
      ['--as', 'jane', '-n', 'shop'], // a missing role: an evaluation error, which kubectl does not print
      ['--as', 'dave', '-n', 'shop'], // impersonation with resourceNames
      ['--as', 'audit', '--as-group', 'auditors', '-n', 'shop'], // '*' groups and resources
      ['--as', 'root', '--as-group', 'system:masters', '-n', 'default'], // cluster-admin: '*.*'
      ['--as', 'system:anonymous', '-n', 'default'],
      ['--as', 'system:serviceaccount:monitoring:prometheus', '-n', 'monitoring', '--no-headers'],
      ['--as', 'carol', '-n', 'shop', '--no-headers'],
      ['--as', 'system:kube-controller-manager', '-n', 'kube-system', '--no-headers'],
    ];

    test('c. kubectl auth can-i --list and kubeid can-i --list print the same table', async (t) => {
      const pending = kubeidAll(LISTS.map((args) => ['can-i', '--list', ...args, ...FROM_FLAGS]));
      const fromKubectl: KubectlResult[] = [];
      for (const args of LISTS) {
        const r = kubectl.run(['auth', 'can-i', '--list', ...args]);
        const reviews = r.requests.filter((q) => q.path === '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews');
        assert.deepEqual(
          reviews.map((q) => String(q.object.spec.namespace)),
          [args[args.indexOf('-n') + 1]],
        );
        fromKubectl.push(r);
        await setImmediate();
      }
      const fromKubeid = await pending;
      const differences: string[] = [];
      LISTS.forEach((args, i) => {
        const [k, mine] = [fromKubectl[i], fromKubeid[i]];
        assert.equal(k.code, 0, `kubectl auth can-i --list ${args.join(' ')}: ${k.stderr}`);
        assert.ok(k.stdout.split('\n').length > 3, `kubectl printed rules for ${args.join(' ')}`);
        if (mine.code !== k.code || mine.stdout !== k.stdout) {
          differences.push(`--list ${args.join(' ')}:\n--- kubectl (${k.code})\n${k.stdout}--- kubeid (${mine.code})\n${mine.stdout}`);
        }
        comparisons++;
      });
      assert.equal(differences.join('\n'), '');
      t.diagnostic(`${LISTS.length} tables, ${fromKubectl.reduce((n, r) => n + r.stdout.split('\n').length - 1, 0)} lines`);
    });

    // --- disagreements -----------------------------------------------------------------------------

    test("-n '' means the kubeconfig's namespace to kubectl (\"default\" here), not the cluster scope", async () => {
      // jane may read pods in namespace default and nothing else (fixtures/default-namespace.yaml).
      // kubectl sends namespace "default" for `-n ''` (clientcmd ignores an empty override); kubeid
      // asks at cluster scope, for can-i and for --list.
      const from = 'test/kubectl/fixtures/default-namespace.yaml';
      const other = await startTestApiServer({ from: [repoPath(from)] });
      const k = kubectlFor(other);
      try {
        const results = [
          ['get', 'pods'],
          ['--list', '--no-headers'],
        ].map((args) => {
          const r = k.run(['auth', 'can-i', ...args, '-n', '', '--as', 'jane']);
          const post = r.requests.filter((q) => q.method === 'POST');
          assert.equal(post.at(-1)?.object.spec.resourceAttributes?.namespace ?? post.at(-1)?.object.spec.namespace, 'default');
          const mine = kubeid(['can-i', ...args, '-n', '', '--as', 'jane', '--from', from]);
          comparisons++;
          return { args: args.join(' '), kubectl: [r.code, r.stdout], kubeid: [mine.code, mine.stdout] };
        });
        assert.deepEqual(
          results.map((r) => ({ args: r.args, answer: r.kubeid })),
          results.map((r) => ({ args: r.args, answer: r.kubectl })),
        );
      } finally {
        k.dispose();
        await other.stop();
      }
    });
  },
);
