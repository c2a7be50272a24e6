// The catalogue checks: verbs, resources, subresources and groups a rule names, against the
// built-in API and the CRDs of the workspace, with "did you mean".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from '../../server/src/core/manifest/parse';
import { CATALOGUE_CHECKS, contextFor, runChecks } from '../../server/src/core/checks/index';

type Expected = [id: string, severity: string, text: string, message: string];

function lint(...yamls: string[]): Expected[] {
  const files = yamls.map((y, i) => parseManifestText(y, `f${i}.yaml`));
  return runChecks(contextFor(files), CATALOGUE_CHECKS).map((f) => [
    f.check,
    f.severity,
    files.find((x) => x.file === f.file)!.text.slice(f.span.start, f.span.end),
    f.message,
  ]);
}

function expect(actual: Expected[], expected: Expected[]): void {
  assert.deepEqual(
    actual.map(([id, sev, text]) => [id, sev, text]),
    expected.map(([id, sev, text]) => [id, sev, text]),
  );
  actual.forEach(([, , , message], i) =>
    assert.ok(message.includes(expected[i][3]), `finding ${i}: ${message}\n  lacks: ${expected[i][3]}`),
  );
}

/** A ClusterRole with the given rules (flow-style lines). */
const rules = (...lines: string[]): string =>
  ['apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata: {name: c}', 'rules:', ...lines.map((l) => `- ${l}`)].join(
    '\n',
  );

const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions: [{name: v1, served: true, storage: true, subresources: {status: {}}}]
`;

test('well-formed rules give no finding: wildcards, special verbs, authorization-only resources', () => {
  expect(
    lint(
      rules(
        '{apiGroups: ["", apps], resources: [pods, pods/log, pods/exec, deployments, deployments/scale, "*/scale"], verbs: [get, list, watch, create]}',
        '{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}',
        '{apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], verbs: [bind, escalate]}',
        '{apiGroups: [""], resources: [users, groups, serviceaccounts], verbs: [impersonate]}',
        '{apiGroups: [authentication.k8s.io], resources: [userextras/scopes, userextras/*, uids, users], verbs: [impersonate, "impersonate:user-info"]}',
        '{apiGroups: [""], resources: [pods], verbs: ["impersonate-on:user-info:list"]}',
        '{apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve, sign, attest]}',
        '{apiGroups: [""], resources: [nodes/proxy, nodes/metrics, nodes/stats, nodes/log], verbs: [get, create]}',
        '{apiGroups: [apps], resources: [deployments/finalizers], verbs: [update]}',
        '{apiGroups: [metrics.k8s.io], resources: [pods, nodes], verbs: [get, list]}',
        '{apiGroups: [custom.metrics.k8s.io], resources: [anything], verbs: [get]}',
        '{nonResourceURLs: ["/healthz", "/metrics"], verbs: [get, head, "*"]}',
      ),
    ),
    [],
  );
});

test('unknown-verb: typos, case, synonyms, subresource words, impersonation modes', () => {
  expect(
    lint(
      rules(
        '{apiGroups: [""], resources: [pods], verbs: [gets, Get, read, exec, post, "impersonate:usr-info", "impersonate-on:user-info:lsit"]}',
      ),
    ),
    [
      [
        'unknown-verb',
        'warning',
        'gets',
        'rules[0].verbs[0] "gets": not a Kubernetes API verb: RBAC compares verbs exactly (case-sensitive), so it grants nothing. Did you mean "get"?',
      ],
      ['unknown-verb', 'warning', 'Get', 'not a verb as written'],
      ['unknown-verb', 'warning', 'read', 'Did you mean "get"?'],
      ['unknown-verb', 'warning', 'exec', 'It is a subresource: grant "create" on "pods/exec"'],
      ['unknown-verb', 'warning', 'post', 'Did you mean "create"?'],
      ['unknown-verb', 'warning', '"impersonate:usr-info"', 'Did you mean "impersonate:user-info"?'],
      ['unknown-verb', 'warning', '"impersonate-on:user-info:lsit"', 'its verb "lsit": not a Kubernetes API verb'],
    ],
  );
});

test('unknown-verb: a real verb the named resources never serve is a hint', () => {
  expect(
    lint(
      rules(
        '{apiGroups: [""], resources: [pods/log], verbs: [get, list]}',
        '{apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}',
      ),
    ),
    [['unknown-verb', 'hint', 'list', 'no resource of this rule serves this verb (pods/log: get)']],
  );
});

test('unknown-verb: non-resource URLs take HTTP methods', () => {
  expect(lint(rules('{nonResourceURLs: ["/healthz"], verbs: [get, list, create, GET]}')), [
    ['unknown-verb', 'warning', 'list', 'never the verb of a non-resource request'],
    ['unknown-verb', 'warning', 'create', 'Did you mean "post"?'],
    ['unknown-verb', 'warning', 'GET', 'Did you mean "get"?'],
  ]);
});

test('unknown-resource: singular, kind, short name, case, TYPE.GROUP, misspelling', () => {
  expect(
    lint(rules('{apiGroups: ["", apps], resources: [pod, Pods, Deployment, deploy, deployments.apps, secrts, widgets], verbs: [get]}')),
    [
      [
        'unknown-resource',
        'warning',
        'pod',
        'rules[0].resources[0] "pod": not a resource of the listed apiGroups ("", "apps"): RBAC compares resource names exactly',
      ],
      ['unknown-resource', 'warning', 'Pods', 'Did you mean "pods"?'],
      ['unknown-resource', 'warning', 'Deployment', 'Did you mean "deployments"?'],
      ['unknown-resource', 'warning', 'deploy', 'Did you mean "deployments"?'],
      ['unknown-resource', 'warning', 'deployments.apps', 'Did you mean "deployments" (its group goes in apiGroups: "apps")?'],
      ['unknown-resource', 'warning', 'secrts', 'Did you mean "secrets"?'],
      ['unknown-resource', 'warning', 'widgets', 'so this rule grants nothing on it.'],
    ],
  );
  // A resource of another group is suggested with it.
  expect(lint(rules('{apiGroups: [""], resources: [deployment], verbs: [get]}')), [
    ['unknown-resource', 'warning', 'deployment', 'Did you mean "deployments" (in the "apps" group: add it to apiGroups)?'],
  ]);
});

test('unknown-resource: removed APIs, and "*" groups', () => {
  expect(
    lint(
      rules(
        '{apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use]}',
        '{apiGroups: ["*"], resources: [pod, foos], verbs: [get]}',
      ),
    ),
    [
      ['unknown-resource', 'information', 'podsecuritypolicies', 'podsecuritypolicies was removed in Kubernetes 1.25'],
      ['unknown-resource', 'warning', 'pod', 'not a resource of any API group'],
      ['unknown-resource', 'information', 'foos', 'If a CRD installed separately defines it, add the CRD to the workspace.'],
    ],
  );
});

test('wrong-api-group: resources under the wrong group, the core group as "core", versions, extensions alone', () => {
  expect(lint(rules('{apiGroups: [""], resources: [deployments, pods], verbs: [get]}')), [
    [
      'wrong-api-group',
      'warning',
      'deployments',
      'deployments are in the "apps" group, not in "" (the core group): RBAC matches the group and the resource together',
    ],
  ]);
  expect(lint(rules('{apiGroups: [core, v1, apps/v1, "rbac.authorization.k8s.io/v1"], resources: [pods], verbs: [get]}')), [
    [
      'wrong-api-group',
      'warning',
      'core',
      'rules[0].apiGroups[0] "core": matches no API group: RBAC writes the core group (pods, services, secrets...) as ""',
    ],
    ['wrong-api-group', 'warning', 'v1', 'Write "".'],
    ['wrong-api-group', 'warning', 'apps/v1', 'apiGroups take the group name without a version'],
    ['wrong-api-group', 'warning', '"rbac.authorization.k8s.io/v1"', 'Write "rbac.authorization.k8s.io".'],
  ]);
  expect(
    lint(
      rules(
        '{apiGroups: [extensions], resources: [deployments, ingresses], verbs: [get]}',
        '{apiGroups: [apps, extensions], resources: [deployments], verbs: [get]}',
      ),
    ),
    [['wrong-api-group', 'information', 'extensions', 'moved deployments to "apps" and ingresses to "networking.k8s.io"']],
  );
  const ctx = contextFor([parseManifestText(rules('{apiGroups: [""], resources: [deployments], verbs: [get]}'), 'a.yaml')]);
  const [f] = runChecks(ctx, CATALOGUE_CHECKS);
  assert.equal(f.related?.[0].message, "the rule's apiGroups");
});

test('unknown-api-group: a suggestion makes it a warning; an unknown group without one is information', () => {
  expect(lint(rules('{apiGroups: [app, networking, rbac.authorization.k8s.oi, cert-manager.io], resources: [things], verbs: [gets]}')), [
    [
      'unknown-api-group',
      'warning',
      'app',
      'rules[0].apiGroups[0] "app": not a built-in API group and no CustomResourceDefinition in the workspace defines it',
    ],
    ['unknown-api-group', 'warning', 'networking', 'Did you mean "networking.k8s.io"?'],
    ['unknown-api-group', 'warning', 'rbac.authorization.k8s.oi', 'Did you mean "rbac.authorization.k8s.io"?'],
    ['unknown-api-group', 'information', 'cert-manager.io', 'add its CRD to the workspace'],
    // The resources and verbs of an unknown group are not judged, but a verb that is no verb anywhere is.
    ['unknown-verb', 'warning', 'gets', 'Did you mean "get"?'],
  ]);
});

test('unknown-subresource: pods/shell, pods/*, */bogus, two segments; finalizers of anything', () => {
  expect(
    lint(
      rules(
        '{apiGroups: [""], resources: [pods/shell, pods/*, pods/exec/x, configmaps/status, pods/finalizers], verbs: [get]}',
        '{apiGroups: [batch], resources: ["*/scale", "*/*", cronjobs/status], verbs: [get]}',
      ),
    ),
    [
      [
        'unknown-subresource',
        'warning',
        'pods/shell',
        'pods has no subresource "shell" (its subresources are attach, binding, ephemeralcontainers, eviction, exec, log',
      ],
      ['unknown-subresource', 'warning', 'pods/*', 'not a wildcard'],
      ['unknown-subresource', 'warning', 'pods/exec/x', 'Write "pods/exec".'],
      ['unknown-subresource', 'warning', 'configmaps/status', 'it has no subresources'],
      ['unknown-subresource', 'warning', '"*/scale"', 'no resource of the listed apiGroups has a subresource "scale"'],
      ['unknown-subresource', 'warning', '"*/*"', 'not a wildcard'],
    ],
  );
  assert.ok(lint(rules('{apiGroups: [""], resources: [pods/exce], verbs: [create]}'))[0][3].endsWith('Did you mean "pods/exec"?'));
});

test('CRDs of the workspace count, in any file', () => {
  expect(
    lint(
      rules('{apiGroups: [example.com], resources: [widgets, widgets/status, widget, widgets/scale, wd], verbs: [get, list, update]}'),
      WIDGET_CRD,
    ),
    [
      ['unknown-resource', 'warning', 'widget', 'Did you mean "widgets"?'],
      ['unknown-subresource', 'warning', 'widgets/scale', 'widgets has no subresource "scale" (its subresources are status)'],
      ['unknown-resource', 'warning', 'wd', 'Did you mean "widgets"?'],
    ],
  );
  expect(lint(rules('{apiGroups: [example.com], resources: [widgets], verbs: [get]}')), [
    ['unknown-api-group', 'information', 'example.com', 'not a built-in API group'],
  ]);
});
