// A deterministic workspace of RBAC manifests for the language-server benchmark (lsp-bench.ts):
// 5,000 YAML documents as a platform repository holds them — per namespace a Namespace, its
// ServiceAccounts, Roles, RoleBindings and workloads; ClusterRoles and ClusterRoleBindings in
// files of their own; and one "all-in-one" file of exactly 1,000 documents (the first 20
// namespaces and 120 ClusterRoles) in which the edits and completions happen. Most objects are
// clean; a few percent carry what real repositories carry (wildcards, secrets read, typos,
// missing roles and accounts, broad subjects), so every check has work and findings to publish.
import { Rng } from './synthetic';

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';
const RBAC = 'rbac.authorization.k8s.io';

export const NAMESPACES = 100;
const SERVICE_ACCOUNTS = ['app', 'ci', 'monitor', 'worker', 'batch'];
const ROLES_PER_NAMESPACE = 10;
const BINDINGS_PER_NAMESPACE = 20;
const WORKLOADS_PER_NAMESPACE = 8;
const CLUSTER_ROLES = 400;
const CLUSTER_ROLE_BINDINGS = 200;
/** Namespaces and ClusterRoles whose objects go into the 1,000-document file. */
const BIG_NAMESPACES = 20;
const BIG_CLUSTER_ROLES = 120;
const CLUSTER_ROLE_FILES = 4;

export const BIG_FILE = 'platform/all-in-one.yaml';
/** The Role whose verbs line the edits toggle between a known verb and a typo (one per big namespace). */
export const EDIT_ROLE = 'config-reader';
export const EDIT_LINE = '    verbs: ["get", "list", "watch"]';
export const EDIT_TYPO = '    verbs: ["gets", "list", "watch"]';

export interface RbacWorkspace {
  /** Relative path → YAML text. */
  files: Record<string, string>;
  /** Documents per kind, and in all. */
  kinds: Record<string, number>;
  documents: number;
  bigFileDocuments: number;
}

const pad = (i: number, n: number): string => String(i).padStart(n, '0');
export const namespaceOf = (i: number): string => `team-${pad(i, 3)}`;
const clusterRoleName = (i: number): string => `platform:${CR_PURPOSES[i % CR_PURPOSES.length]}-${pad(i, 3)}`;
const q = (s: string): string => JSON.stringify(s);
const flow = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

/** A rule in flow style (`verbs: ["get"]`) or block style (`verbs:\n  - get`), as people write both. */
function ruleYaml(r: Rule, block: boolean): string {
  const fields: Array<[string, string[] | undefined]> = [
    ['apiGroups', r.apiGroups],
    ['resources', r.resources],
    ['resourceNames', r.resourceNames],
    ['nonResourceURLs', r.nonResourceURLs],
    ['verbs', r.verbs],
  ];
  const lines: string[] = [];
  for (const [key, values] of fields) {
    if (!values) continue;
    const lead = lines.length === 0 ? '  - ' : '    ';
    if (block) {
      lines.push(`${lead}${key}:`, ...values.map((v) => `      - ${v === '' || v === '*' ? q(v) : v}`));
    } else {
      lines.push(`${lead}${key}: ${flow(values)}`);
    }
  }
  return lines.join('\n');
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];

/** The ten Roles of each namespace; `variant` draws the occasional finding. */
function namespaceRoles(rng: Rng): Array<{ name: string; rules: Rule[] }> {
  const typo = (verbs: string[]): string[] => (rng.chance(0.02) ? [verbs[0] + 's', ...verbs.slice(1)] : verbs);
  const core = (resources: string[], verbs: string[]): Rule => ({ apiGroups: [''], resources, verbs });
  const roles: Array<{ name: string; rules: Rule[] }> = [
    { name: 'pod-reader', rules: [core(['pods', 'pods/log'], typo([...READ]))] },
    { name: EDIT_ROLE, rules: [core(['configmaps'], [...READ])] },
    {
      name: 'deployer',
      rules: [
        { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: [...READ, ...WRITE] },
        core(['services', 'configmaps'], [...READ, 'create', 'update', 'patch']),
      ],
    },
    {
      name: 'secret-reader',
      rules: [
        rng.chance(0.3)
          ? core(['secrets'], [...READ])
          : { apiGroups: [''], resources: ['secrets'], resourceNames: [`app-tls`, `db-credentials`], verbs: ['get'] },
      ],
    },
    { name: 'job-runner', rules: [{ apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: [...READ, 'create', 'delete'] }] },
    {
      name: 'scaler',
      rules: [{ apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'update', 'patch'] }],
    },
    {
      name: 'debugger',
      rules: [core(['pods'], [...READ]), core(rng.chance(0.5) ? ['pods/exec', 'pods/portforward'] : ['pods/log'], ['create', 'get'])],
    },
    { name: 'lease-holder', rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }] },
    { name: 'event-writer', rules: [core(['events'], ['create', 'patch'])] },
    {
      name: 'ns-admin',
      rules: rng.chance(0.1)
        ? [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]
        : [
            core(['pods', 'services', 'configmaps', 'persistentvolumeclaims'], ['*']),
            { apiGroups: ['apps'], resources: ['*'], verbs: [...READ] },
          ],
    },
  ];
  // A misplaced group or a singular resource now and then: what the catalogue checks are for.
  if (rng.chance(0.05)) roles[0].rules.push({ apiGroups: [''], resources: ['deployments'], verbs: [...READ] });
  if (rng.chance(0.05)) roles[8].rules.push(core(['pod'], ['get']));
  return roles.slice(0, ROLES_PER_NAMESPACE);
}

function header(kind: string, apiVersion: string, name: string, namespace?: string, labels?: Record<string, string>): string {
  const lines = [`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', `  name: ${q(name)}`];
  if (namespace !== undefined) lines.push(`  namespace: ${namespace}`);
  if (labels) lines.push('  labels:', ...Object.entries(labels).map(([k, v]) => `    ${k}: ${q(v)}`));
  return lines.join('\n');
}

function roleDoc(
  kind: 'Role' | 'ClusterRole',
  name: string,
  namespace: string | undefined,
  rules: Rule[],
  rng: Rng,
  labels?: Record<string, string>,
) {
  const block = name !== EDIT_ROLE && rng.chance(0.4);
  const partOf = namespace ? { 'app.kubernetes.io/part-of': namespace, ...labels } : labels;
  return `${header(kind, RBAC_V1, name, namespace, partOf)}\nrules:\n${rules.map((r) => ruleYaml(r, block)).join('\n')}`;
}

function subjectYaml(s: { kind: string; name: string; namespace?: string }): string {
  const lines = [`  - kind: ${s.kind}`, `    name: ${q(s.name)}`];
  if (s.kind === 'ServiceAccount') {
    if (s.namespace !== undefined) lines.push(`    namespace: ${s.namespace}`);
  } else {
    lines.push(`    apiGroup: ${RBAC}`);
  }
  return lines.join('\n');
}

function bindingDoc(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  namespace: string | undefined,
  roleRef: { kind: string; name: string },
  subjects: Array<{ kind: string; name: string; namespace?: string }>,
): string {
  return [
    header(kind, RBAC_V1, name, namespace),
    'subjects:',
    ...subjects.map(subjectYaml),
    'roleRef:',
    `  apiGroup: ${RBAC}`,
    `  kind: ${roleRef.kind}`,
    `  name: ${q(roleRef.name)}`,
  ].join('\n');
}

const WORKLOAD_KINDS = ['Deployment', 'Deployment', 'Deployment', 'Deployment', 'Deployment', 'StatefulSet', 'CronJob', 'Job'];
const IMAGES = ['nginx:1.27', 'ghcr.io/acme/api:2.4.1', 'ghcr.io/acme/worker:2.4.1', 'redis:7.4', 'busybox:1.36'];

function workloadDoc(kind: string, name: string, namespace: string, rng: Rng): string {
  const r = rng.next();
  // Most name their account; some run as `default` (no field), a few name one that does not exist.
  const account = r < 0.75 ? rng.pick(SERVICE_ACCOUNTS) : r < 0.97 ? undefined : `${name}-sa`;
  const labels = `app.kubernetes.io/name: ${name}`;
  const pod = (indent: string): string[] =>
    [
      'metadata:',
      '  labels:',
      `    ${labels}`,
      'spec:',
      ...(account ? [`  serviceAccountName: ${account}`] : []),
      ...(account === 'monitor' && rng.chance(0.5) ? ['  automountServiceAccountToken: false'] : []),
      ...(kind === 'Job' || kind === 'CronJob' ? ['  restartPolicy: OnFailure'] : []),
      '  containers:',
      `    - name: ${name}`,
      `      image: ${rng.pick(IMAGES)}`,
      '      ports:',
      `        - containerPort: ${8000 + rng.int(100)}`,
      '      resources:',
      '        requests:',
      `          cpu: ${50 + 50 * rng.int(4)}m`,
      `          memory: ${64 * (1 + rng.int(4))}Mi`,
    ].map((l) => indent + l);
  const apiVersion = kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
  const head = header(kind, apiVersion, name, namespace, { 'app.kubernetes.io/name': name });
  if (kind === 'CronJob')
    return [head, 'spec:', '  schedule: "*/15 * * * *"', '  jobTemplate:', '    spec:', '      template:', ...pod('        ')].join('\n');
  if (kind === 'Job') return [head, 'spec:', '  template:', ...pod('    ')].join('\n');
  const selector = ['  selector:', '    matchLabels:', `      ${labels}`];
  const extra = kind === 'StatefulSet' ? [`  serviceName: ${name}`] : [];
  return [head, 'spec:', `  replicas: ${1 + rng.int(3)}`, ...extra, ...selector, '  template:', ...pod('    ')].join('\n');
}

const CR_PURPOSES = ['node-reader', 'metrics', 'crd-viewer', 'ingress-admin', 'storage', 'namespace-lister', 'operator', 'auditor'];

function clusterRoleRules(i: number, rng: Rng): { rules: Rule[]; labels?: Record<string, string> } {
  switch (CR_PURPOSES[i % CR_PURPOSES.length]) {
    case 'node-reader':
      return { rules: [{ apiGroups: [''], resources: ['nodes', 'nodes/status'], verbs: [...READ] }] };
    case 'metrics':
      return {
        rules: [
          { nonResourceURLs: ['/metrics', '/healthz'], verbs: ['get'] },
          { apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list'] },
        ],
      };
    case 'crd-viewer':
      return {
        rules: [{ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: [...READ] }],
        labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
      };
    case 'ingress-admin':
      return {
        rules: [
          { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses', 'networkpolicies'], verbs: [...READ, ...WRITE] },
        ],
      };
    case 'storage':
      return {
        rules: [
          { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: [...READ] },
          { apiGroups: [''], resources: ['persistentvolumes'], verbs: rng.chance(0.3) ? [...READ, 'create'] : [...READ] },
        ],
      };
    case 'namespace-lister':
      return { rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] }] };
    case 'operator':
      return {
        rules: [
          { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: [...READ, ...WRITE] },
          {
            apiGroups: [''],
            resources: ['secrets', 'configmaps', 'services'],
            verbs: rng.chance(0.5) ? ['*'] : [...READ, 'create', 'update'],
          },
          ...(rng.chance(0.1)
            ? [{ apiGroups: [RBAC], resources: ['roles', 'rolebindings'], verbs: ['get', 'create', 'bind', 'escalate'] }]
            : []),
        ],
      };
    default:
      return { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: [...READ] }] };
  }
}

/** Generates the workspace; the same call always gives the same text. */
export function generateRbacWorkspace(seed = 20240601): RbacWorkspace {
  const rng = new Rng(seed);
  const kinds: Record<string, number> = {};
  const big: string[] = [];
  const files: Record<string, string> = {};
  const add = (out: string[], kind: string, doc: string): void => {
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    out.push(doc);
  };

  for (let n = 0; n < NAMESPACES; n++) {
    const ns = namespaceOf(n);
    const rbac: string[] = n < BIG_NAMESPACES ? big : [];
    const workloads: string[] = n < BIG_NAMESPACES ? big : [];
    add(rbac, 'Namespace', header('Namespace', 'v1', ns, undefined, { 'kubernetes.io/metadata.name': ns, team: `team-${n % 17}` }));
    for (const sa of SERVICE_ACCOUNTS) {
      const automount = sa === 'ci' ? '\nautomountServiceAccountToken: false' : '';
      add(rbac, 'ServiceAccount', header('ServiceAccount', 'v1', sa, ns) + automount);
    }
    const roles = namespaceRoles(rng);
    for (const r of roles) add(rbac, 'Role', roleDoc('Role', r.name, ns, r.rules, rng));
    for (let b = 0; b < BINDINGS_PER_NAMESPACE; b++) {
      const x = rng.next();
      const roleRef =
        x < 0.02
          ? { kind: 'Role', name: 'pod-writer' } // a Role nobody wrote
          : x < 0.62
            ? { kind: 'Role', name: roles[b % roles.length].name }
            : x < 0.8
              ? { kind: 'ClusterRole', name: rng.pick(['view', 'edit', 'admin']) }
              : { kind: 'ClusterRole', name: clusterRoleName(rng.int(CLUSTER_ROLES)) };
      const subjects = Array.from({ length: 1 + rng.int(3) }, () => {
        const y = rng.next();
        if (y < 0.45) return { kind: 'ServiceAccount', name: rng.pick(SERVICE_ACCOUNTS), namespace: ns };
        if (y < 0.5) return { kind: 'ServiceAccount', name: rng.chance(0.5) ? 'default' : 'deployer', namespace: ns };
        if (y < 0.75) return { kind: 'User', name: `user${rng.int(500)}@example.com` };
        if (y < 0.995) return { kind: 'Group', name: `oidc:team-${rng.int(40)}` };
        return { kind: 'Group', name: 'system:authenticated' };
      });
      add(rbac, 'RoleBinding', bindingDoc('RoleBinding', `${roleRef.name}-${pad(b, 2)}`, ns, roleRef, subjects));
    }
    for (let w = 0; w < WORKLOADS_PER_NAMESPACE; w++) {
      const kind = WORKLOAD_KINDS[w % WORKLOAD_KINDS.length];
      add(workloads, kind, workloadDoc(kind, `${['web', 'api', 'worker', 'cache', 'gateway', 'db', 'report', 'migrate'][w]}`, ns, rng));
    }
    if (n >= BIG_NAMESPACES) {
      files[`namespaces/${ns}/rbac.yaml`] = rbac.join('\n---\n') + '\n';
      files[`namespaces/${ns}/workloads.yaml`] = workloads.join('\n---\n') + '\n';
    }
  }

  const clusterRoleFiles: string[][] = Array.from({ length: CLUSTER_ROLE_FILES }, () => []);
  for (let i = 0; i < CLUSTER_ROLES; i++) {
    const { rules, labels } = clusterRoleRules(i, rng);
    const out = i < BIG_CLUSTER_ROLES ? big : clusterRoleFiles[(i - BIG_CLUSTER_ROLES) % CLUSTER_ROLE_FILES];
    add(out, 'ClusterRole', roleDoc('ClusterRole', clusterRoleName(i), undefined, rules, rng, labels));
  }
  clusterRoleFiles.forEach((docs, i) => (files[`cluster/clusterroles-${i + 1}.yaml`] = docs.join('\n---\n') + '\n'));

  const crbs: string[] = [];
  for (let i = 0; i < CLUSTER_ROLE_BINDINGS; i++) {
    const x = rng.next();
    const roleRef = {
      kind: 'ClusterRole',
      name: x < 0.01 ? 'cluster-admin' : x < 0.03 ? 'platform:missing' : clusterRoleName(rng.int(CLUSTER_ROLES)),
    };
    const subjects = Array.from({ length: 1 + rng.int(2) }, () => {
      const y = rng.next();
      if (y < 0.5) return { kind: 'ServiceAccount', name: rng.pick(SERVICE_ACCOUNTS), namespace: namespaceOf(rng.int(NAMESPACES)) };
      return { kind: 'Group', name: `oidc:team-${rng.int(40)}` };
    });
    add(
      crbs,
      'ClusterRoleBinding',
      bindingDoc('ClusterRoleBinding', `${roleRef.name.replace(':', '-')}-${pad(i, 3)}`, undefined, roleRef, subjects),
    );
  }
  files['cluster/clusterrolebindings.yaml'] = crbs.join('\n---\n') + '\n';
  files[BIG_FILE] = `# Generated: the first ${BIG_NAMESPACES} teams and the platform ClusterRoles in one file.\n${big.join('\n---\n')}\n`;

  const documents = Object.values(kinds).reduce((a, b) => a + b, 0);
  return { files, kinds, documents, bigFileDocuments: big.length };
}
