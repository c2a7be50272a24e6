// The language server's incremental model against a from-scratch analysis: random line edits
// to a multi-document workspace (roles, bindings, accounts, workloads, aggregation labels, lists,
// suppressions, broken YAML, `...` and directives), and after every edit the re-parsed files and
// every finding must equal what parsing and checking the same texts from scratch gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ALL_CHECKS, contextFor, runChecks } from '../../server/src/core/checks';
import { settle } from '../../server/src/core/checks/run';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import type { RbacEvaluator } from '../../server/src/core/rbac/evaluator';
import { serviceAccountUser } from '../../server/src/core/rbac/identity';
import type { RequestAttributes, UserInfo } from '../../server/src/core/rbac/types';
import { WorkspaceModel } from '../../server/src/workspace-model';

const RBAC = 'apiVersion: rbac.authorization.k8s.io/v1';

const role = (ns: string, name: string, verbs: string, resources = '["configmaps"]') =>
  `${RBAC}\nkind: Role\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nrules:\n  - apiGroups: [""]\n    resources: ${resources}\n    verbs: ${verbs}\n`;
const clusterRole = (name: string, verbs: string, labels = '') =>
  `${RBAC}\nkind: ClusterRole\nmetadata:\n  name: ${name}\n${labels}rules:\n  - apiGroups: ["", "apps"]\n    resources: ["secrets", "deployments"]\n    verbs: ${verbs}\n`;
const binding = (ns: string, name: string, ref: string, subject: string) =>
  `${RBAC}\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${ref}\nsubjects:\n  - ${subject}\n`;
const account = (ns: string, name: string, automount = '') =>
  `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${automount}`;
const deployment = (ns: string, name: string, sa: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      serviceAccountName: ${sa}\n      automountServiceAccountToken: true\n      containers:\n        - name: app\n          image: app\n`;

const FILES: Record<string, string[]> = {
  '/ws/team-a.yaml': [
    '# team a',
    role('a', 'reader', '["get", "list"]'),
    role('a', 'writer', '["create", "update"]', '["pods", "secrets"]'),
    binding('a', 'read', 'Role\n  name: reader', 'kind: ServiceAccount\n    name: app'),
    binding('a', 'write', 'Role\n  name: writer', 'kind: User\n    name: system:serviceaccount:a:ci'),
    binding('a', 'view', 'ClusterRole\n  name: secret-reader', 'kind: ServiceAccount\n    name: worker\n    namespace: a'),
    account('a', 'app'),
    account('a', 'ci', 'automountServiceAccountToken: true\n'),
    account('a', 'worker'),
    deployment('a', 'web', 'app'),
    deployment('a', 'jobs', 'worker'),
  ],
  '/ws/team-b.yaml': [
    role('b', 'reader', '["get", "watch"]'),
    '# kubeid-disable wildcard-verbs\n' + role('b', 'admin', '["*"]', '["*"]'),
    binding('b', 'read', 'Role\n  name: reader', 'kind: Group\n    name: system:serviceaccounts:b'),
    binding('b', 'admin', 'Role\n  name: admin', 'kind: ServiceAccount\n    name: ops'),
    account('b', 'ops'),
    deployment('b', 'api', 'ops'),
    `apiVersion: v1\nkind: List\nitems:\n  - ${account('b', 'lister').replace(/\n(?=.)/g, '\n    ')}`,
  ],
  '/ws/cluster.yaml': [
    clusterRole('secret-reader', '["get", "list"]'),
    clusterRole('deployer', '["create"]', '  labels:\n    team: platform\n'),
    `${RBAC}\nkind: ClusterRole\nmetadata:\n  name: platform\naggregationRule:\n  clusterRoleSelectors:\n    - matchLabels:\n        team: platform\nrules: []\n`,
    `${RBAC}\nkind: ClusterRoleBinding\nmetadata:\n  name: platform\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: platform\nsubjects:\n  - kind: Group\n    name: devs\n`,
    `${RBAC}\nkind: ClusterRoleBinding\nmetadata:\n  name: readers\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: secret-reader\nsubjects:\n  - kind: ServiceAccount\n    name: app\n    namespace: a\n`,
  ],
};
const initial = (): Record<string, string> => Object.fromEntries(Object.entries(FILES).map(([p, docs]) => [p, docs.join('---\n')]));

/** Lines an edit writes: small changes of values, keys, document markers and broken YAML. */
const LINES = [
  '    verbs: ["get", "list", "watch"]',
  '    verbs: ["gets"]',
  '    verbs: ["*"]',
  '    resources: ["secrets"]',
  '    resources: ["pods/exec", "pod"]',
  '  name: reader',
  '  name: writer',
  '  name: secret-reader',
  '  name: missing',
  '  kind: ClusterRole',
  '    name: system:serviceaccounts',
  '    name: system:authenticated',
  '    name: app',
  '    name: ops',
  '      serviceAccountName: worker',
  '      automountServiceAccountToken: false',
  'automountServiceAccountToken: false',
  '    team: platform',
  '  namespace: b',
  '---',
  '--- # next',
  'block: |',
  '  --- not a marker',
  '# kubeid-disable-next-line',
  '',
];
/** Lines after which a file parses whole (a YAML error, a directive, an end marker). */
const BREAKING = ['...', '%YAML 1.2', 'key: "unterminated', '  - [unbalanced', 'a: b: c'];

/** Values of the fields a value edit rewrites: the structure stays, what the checks read changes. */
const VALUES: Record<string, string[]> = {
  verbs: ['["get"]', '["gets", "list"]', '["*"]', '["create", "delete"]', '["escalate", "bind"]'],
  resources: ['["secrets"]', '["pods/exec"]', '["*"]', '["pod"]', '["roles", "clusterroles"]'],
  name: [
    'reader',
    'writer',
    'secret-reader',
    'missing',
    'app',
    'ops',
    'worker',
    'system:serviceaccounts',
    'system:authenticated',
    'default',
  ],
  serviceAccountName: ['app', 'worker', 'ops', 'nobody'],
  automountServiceAccountToken: ['true', 'false'],
  kind: ['Role', 'ClusterRole', 'ServiceAccount', 'User', 'Group'],
  team: ['platform', 'other'],
};
const FIELD = /^(\s*(?:- )?)(\w+): .*$/;

type Edit = { file: number; line: number; kind: 'value' | 'replace' | 'insert' | 'delete' | 'char'; text: string; at: number };
const edit: fc.Arbitrary<Edit> = fc.record({
  file: fc.nat(),
  line: fc.nat(),
  // Mostly values, as when typing; the other edits often leave a file broken for the rest of the run.
  kind: fc.oneof(
    { weight: 12, arbitrary: fc.constant('value' as const) },
    { weight: 4, arbitrary: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const, 'char' as const) },
  ),
  text: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...LINES) }, { weight: 1, arbitrary: fc.constantFrom(...BREAKING) }),
  at: fc.nat(),
});

function apply(text: string, e: Edit): string {
  const lines = text.split('\n');
  if (e.kind === 'value') {
    // The e.line-th line that sets a field of VALUES gets another value.
    // Subject names only: renaming an object makes every check run again (the other edits do that too).
    const editable = (l: string): boolean => !!VALUES[FIELD.exec(l)?.[2] ?? ''] && !/^ {0,2}name:/.test(l);
    const fields = lines.flatMap((l, i) => (editable(l) ? [i] : []));
    if (!fields.length) return text;
    const i = fields[e.line % fields.length];
    const [, indent, key] = FIELD.exec(lines[i])!;
    lines[i] = `${indent}${key}: ${VALUES[key][e.at % VALUES[key].length]}`;
    return lines.join('\n');
  }
  const i = e.line % lines.length;
  if (e.kind === 'replace') lines[i] = e.text;
  else if (e.kind === 'insert') lines.splice(i, 0, e.text);
  else if (e.kind === 'delete') lines.splice(i, 1);
  else lines[i] = lines[i].slice(0, e.at % (lines[i].length + 1)) + 'x' + lines[i].slice(e.at % (lines[i].length + 1));
  return lines.join('\n');
}

/** Users and requests the evaluators are asked about: the fixtures' accounts and groups, and what their roles grant. */
const USERS: UserInfo[] = [
  ...['a/app', 'a/ci', 'a/worker', 'b/ops', 'b/lister', 'a/ops', 'b/app'].map((a) => serviceAccountUser(a.split('/')[0], a.split('/')[1])),
  { name: 'alice', groups: ['devs', 'system:authenticated'] },
];
const REQUESTS: RequestAttributes[] = ['a', 'b', ''].flatMap((namespace) =>
  ['get', 'create', 'escalate'].flatMap((verb) =>
    ['secrets', 'configmaps', 'pods', 'deployments'].map((resource): RequestAttributes => ({
      resourceRequest: true,
      verb,
      namespace,
      apiGroup: resource === 'deployments' ? 'apps' : '',
      resource,
      subresource: '',
      name: '',
    })),
  ),
);

/** The evaluator the model kept up to date answers as one built from scratch. */
function assertSameEvaluator(kept: RbacEvaluator, fresh: RbacEvaluator): void {
  assert.deepEqual(kept.policy, fresh.policy, 'policy');
  assert.deepEqual(kept.ruleOrigins, fresh.ruleOrigins, 'rule origins');
  assert.deepEqual(kept.aggregationErrors, fresh.aggregationErrors, 'aggregation errors');
  assert.deepEqual(kept.bindingNamespaces(), fresh.bindingNamespaces(), 'binding namespaces');
  for (const r of fresh.policy.roles)
    assert.deepEqual(kept.role(r.metadata.namespace!, r.metadata.name), fresh.role(r.metadata.namespace!, r.metadata.name));
  for (const c of fresh.policy.clusterRoles) assert.deepEqual(kept.clusterRole(c.metadata.name), fresh.clusterRole(c.metadata.name));
  for (const user of USERS) {
    for (const ns of ['a', 'b', ''])
      assert.deepEqual(kept.rulesFor(user, ns), fresh.rulesFor(user, ns), `rules of ${user.name} in "${ns}"`);
    for (const r of REQUESTS) assert.deepEqual(kept.authorize(user, r), fresh.authorize(user, r));
  }
  for (const r of REQUESTS) assert.deepEqual(kept.whoCan(r), fresh.whoCan(r));
}

test('incremental re-parse and re-check equal a from-scratch analysis after every edit', () => {
  let partial = 0;
  let rounds = 0;
  fc.assert(
    fc.property(fc.array(fc.tuple(edit, fc.boolean()), { minLength: 1, maxLength: 12 }), (edits) => {
      const texts = initial();
      const paths = Object.keys(texts);
      const model = new WorkspaceModel();
      for (const p of paths) model.setText(p, texts[p]);
      model.analysis().checked();
      for (const [e, analyse] of edits) {
        const path = paths[e.file % paths.length];
        texts[path] = apply(texts[path], e);
        model.setText(path, texts[path]);
        // Sometimes two edits come before the next analysis, as when typing fast.
        if (!analyse) continue;
        const a = model.analysis();
        const checked = a.checked();
        const scratch = paths.map((p) => parseManifestText(texts[p], p));
        for (const f of scratch) assert.deepEqual(a.file(f.file), f, `parse of ${f.file}`);
        const fresh = contextFor(scratch);
        assertSameEvaluator(a.ctx.workspace.evaluator, fresh.workspace.evaluator);
        assert.deepEqual(a.ctx.workspace.workloads, fresh.workspace.workloads, 'workloads');
        const expected = runChecks(fresh, ALL_CHECKS);
        assert.deepEqual(settle(a.ctx, checked.byCheck), expected);
        rounds++;
        if (checked.partial) partial++;
      }
    }),
    { numRuns: 40, seed: 20261128 },
  );
  // The property is only worth something if the incremental path is taken.
  assert.ok(partial > rounds / 5, `only ${partial} of ${rounds} rounds were incremental`);
});
