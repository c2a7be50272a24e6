// metadata validation (ValidateObjectMeta with ValidateRBACName, spec §10) of RBAC objects and
// ServiceAccounts: names, and namespaces where they are required or have no meaning.
import type { Manifest } from '../manifest/parse';
import type { Check, CheckContext, Finding, Severity } from './check';
import { dns1123LabelErrors, dns1123SubdomainErrors, forbidden, invalid, pathSegmentNameErrors, required } from './fields';
import { findingAt } from './locate';
import { rejects } from './messages';
import { notAMap, strOf } from './read';

const ID = 'invalid-name';
const NAMESPACED = new Set(['Role', 'RoleBinding', 'ServiceAccount']);

export const invalidName: Check = {
  id: ID,
  severity: 'error',
  summary: 'A name or namespace the API server rejects; a namespace on a cluster-scoped object (dropped); a namespaced object without one',
  run(ctx: CheckContext): Finding[] {
    return ctx.objects.flatMap(({ manifest }) => metadataFindings(manifest));
  },
};

function metadataFindings(m: Manifest): Finding[] {
  const out: Finding[] = [];
  const at = (field: string, message: string, severity: Severity = 'error'): void => {
    out.push(findingAt(ID, severity, m, ['metadata', field], message));
  };
  if (notAMap(m.value, 'metadata')) return out;
  const meta = m.value.metadata;
  const name = strOf(meta, 'name');
  const generateName = strOf(meta, 'generateName');
  const namespace = strOf(meta, 'namespace');

  if (!name.wrongType) {
    if (name.value === '' && generateName.value === '') {
      at('name', `${required('metadata.name', 'name or generateName is required')} — ${rejects(m)}. Give the ${m.kind} a name.`);
    }
    // ServiceAccount names are DNS-1123 subdomains; RBAC names only need to be valid path segments.
    const errors = m.kind === 'ServiceAccount' ? (name.value ? dns1123SubdomainErrors(name.value) : []) : pathSegmentNameErrors(name.value);
    for (const msg of errors) at('name', `${invalid('metadata.name', name.value, msg)} — ${rejects(m)}. Rename it.`);
  }

  if (namespace.wrongType) return out;
  if (NAMESPACED.has(m.kind)) {
    if (namespace.value === '') {
      at(
        'namespace',
        `${m.kind} ${JSON.stringify(m.name)} has no metadata.namespace: \`kubectl apply\` puts it in the current context's namespace (kubeid assumes "default"), so where it lands depends on who applies it. Set metadata.namespace.`,
        'hint',
      );
    }
    for (const msg of namespace.value ? dns1123LabelErrors(namespace.value) : []) {
      at(
        'namespace',
        `${invalid('metadata.namespace', namespace.value, msg)} — no namespace can have this name; ${rejects(m)}. Fix the namespace.`,
      );
    }
  } else if (namespace.value !== '') {
    // rest.BeforeCreate clears the namespace of cluster-scoped objects before validation runs.
    const scope =
      m.kind === 'ClusterRoleBinding'
        ? `it grants in every namespace, not only in ${JSON.stringify(namespace.value)}`
        : `it does not limit the ClusterRole to ${JSON.stringify(namespace.value)}`;
    at(
      'namespace',
      `${forbidden('metadata.namespace', 'not allowed on this type')} — a ${m.kind} is cluster-scoped: the API server drops the namespace on create, and ${scope}. Remove metadata.namespace${m.kind === 'ClusterRoleBinding' ? ', or use a RoleBinding to grant in one namespace' : ''}.`,
      'warning',
    );
  }
  return out;
}
