// The risk of a rule in one line each, judged with the engine's own matching (wildcards, `*/sub`,
// the core group), so `verbs: ["*"]` on `resources: ["*"]` is caught like a literal `secrets`.
import { ruleAllows } from '../rbac/matchers';
import type { PolicyRule } from '../rbac/types';

interface Risk {
  /** [verbs, group, resource, subresource]: the rule is risky when it allows any of the verbs. */
  on: Array<[string[], string, string, string?]>;
  /** named: the rule has resourceNames. */
  say: (verbs: string[], named: boolean) => string;
}

const WRITE = ['create', 'update', 'patch'];
const CONTROLLERS: Array<[string, string]> = [
  ['apps', 'deployments'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['', 'replicationcontrollers'],
];
const RBAC = 'rbac.authorization.k8s.io';
const ADMISSION = [
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
];

const RISKS: Risk[] = [
  {
    on: [[['list', 'watch'], '', 'secrets']],
    say: (v, named) =>
      `${v.join('/')} on secrets reveals ${named ? "the named secrets'" : "every secret's"} data (tokens, passwords, keys)`,
  },
  {
    on: [[['get'], '', 'secrets']],
    say: (_, named) => (named ? 'get on secrets reads the named secrets' : 'get on secrets reads any secret whose name is known'),
  },
  { on: [[WRITE, '', 'secrets']], say: (v) => `${v.join('/')} on secrets: can replace credentials that workloads read` },
  {
    on: [[['create'], '', 'pods'], ...CONTROLLERS.map(([g, r]): [string[], string, string] => [WRITE, g, r])],
    say: (v) => `${v.join('/')} pods or pod controllers ⇒ can run as any service account of the namespace, and mount any secret`,
  },
  {
    on: [[['create', 'get'], '', 'pods', 'exec']],
    say: () => 'pods/exec ⇒ can run commands in any container (and read its mounted secrets)',
  },
  { on: [[['create', 'get'], '', 'pods', 'attach']], say: () => 'pods/attach ⇒ can attach to any running container' },
  {
    on: [[['create', 'get'], '', 'pods', 'portforward']],
    say: () => 'pods/portforward ⇒ can reach any pod port, bypassing network policies',
  },
  {
    on: [[['update', 'patch'], '', 'pods', 'ephemeralcontainers']],
    say: () => 'pods/ephemeralcontainers ⇒ can add a debug container to any pod',
  },
  { on: [[['get', 'create'], '', 'nodes', 'proxy']], say: () => 'nodes/proxy ⇒ full kubelet API: exec into any pod of any node' },
  {
    on: [[['create'], '', 'serviceaccounts', 'token']],
    say: () => 'serviceaccounts/token ⇒ can issue tokens and act as any service account',
  },
  {
    on: [
      [['escalate'], RBAC, 'roles'],
      [['escalate'], RBAC, 'clusterroles'],
    ],
    say: () => 'escalate ⇒ can write roles granting more than the user holds',
  },
  {
    on: [
      [['bind'], RBAC, 'roles'],
      [['bind'], RBAC, 'clusterroles'],
    ],
    say: () => 'bind ⇒ can bind roles granting more than the user holds (cluster-admin included)',
  },
  {
    on: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].map((r): [string[], string, string] => [WRITE, RBAC, r]),
    say: (v) => `${v.join('/')} on RBAC objects ⇒ can change who may do what (limited by the escalation checks)`,
  },
  {
    on: [
      [['impersonate'], '', 'users'],
      [['impersonate'], '', 'groups'],
      [['impersonate'], '', 'serviceaccounts'],
    ],
    say: () => 'impersonate ⇒ can act as other users, groups or service accounts',
  },
  {
    on: [
      [['update', 'patch'], 'certificates.k8s.io', 'certificatesigningrequests', 'approval'],
      [['approve'], 'certificates.k8s.io', 'signers'],
    ],
    say: () => 'approving certificate requests ⇒ can mint client certificates for any identity',
  },
  {
    on: ADMISSION.map((r): [string[], string, string] => [[...WRITE, 'delete'], 'admissionregistration.k8s.io', r]),
    say: () => 'admission configuration ⇒ can intercept, change or silence every write to the cluster',
  },
  { on: [[['create'], '', 'persistentvolumes']], say: () => 'create persistentvolumes ⇒ can mount host paths of the nodes' },
  { on: [[['update', 'patch', 'delete'], '', 'nodes']], say: (v) => `${v.join('/')} on nodes ⇒ can take nodes over or out of service` },
  {
    on: [[['update', 'patch', 'delete'], '', 'namespaces']],
    say: (v) => `${v.join('/')} on namespaces ⇒ can relabel them (Pod Security) or delete everything in them`,
  },
];

/** One line per risk the rule carries. */
export function risksOf(rule: PolicyRule): string[] {
  const verbs = rule.verbs ?? [];
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  if (verbs.includes('*') && groups.includes('*') && resources.includes('*') && !rule.resourceNames?.length) {
    return ['everything on every resource: equivalent to cluster-admin wherever it is bound'];
  }
  const open = { ...rule, resourceNames: [] };
  const named = (rule.resourceNames?.length ?? 0) > 0;
  const out: string[] = [];
  for (const risk of RISKS) {
    const allowed = new Set<string>();
    for (const [vs, group, resource, sub] of risk.on) {
      for (const verb of vs) {
        if (named && verb === 'create' && !sub) continue; // a create request carries no name: resourceNames never allow it
        const attrs = {
          resourceRequest: true,
          verb,
          namespace: 'ns',
          apiGroup: group,
          resource,
          subresource: sub ?? '',
          name: '',
        } as const;
        if (ruleAllows(attrs, open)) allowed.add(verb);
      }
    }
    if (allowed.size) out.push(risk.say([...allowed], named));
  }
  if ((rule.nonResourceURLs ?? []).includes('*')) out.push('every non-resource URL (health, metrics, debug and log endpoints)');
  return out;
}
