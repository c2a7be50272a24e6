// roleRef validation of RoleBindings and ClusterRoleBindings (ValidateRoleBinding, spec §10).
import type { Manifest } from '../manifest/parse';
import type { RbacObject } from '../rbac/types';
import { RBAC_GROUP } from '../rbac/types';
import type { Check, CheckContext, Finding, Related } from './check';
import { invalid, required, unsupported, pathSegmentNameErrors } from './fields';
import { findingAt, spanAt } from './locate';
import { rejects } from './messages';
import { isBindingKind, notAMap, strOf } from './read';

const ID = 'invalid-role-ref';

export const invalidRoleRef: Check = {
  id: ID,
  severity: 'error',
  summary:
    'A roleRef the API server rejects: wrong apiGroup, a kind a binding cannot reference (ClusterRoleBinding → Role), a missing or invalid name',
  run(ctx: CheckContext): Finding[] {
    return ctx.objects.flatMap(({ manifest }) => (isBindingKind(manifest.kind) ? refFindings(manifest, ctx.workspace.objects) : []));
  },
};

function refFindings(m: Manifest, objects: CheckContext['objects']): Finding[] {
  const out: Finding[] = [];
  if (notAMap(m.value, 'roleRef')) return out;
  const ref = m.value.roleRef;
  const apiGroup = strOf(ref, 'apiGroup');
  const kind = strOf(ref, 'kind');
  const name = strOf(ref, 'name');
  const at = (field: string, message: string): Finding => {
    const f = findingAt(ID, 'error', m, ['roleRef', field], message);
    out.push(f);
    return f;
  };
  // SetDefaults_RoleBinding fills in an empty apiGroup first.
  const group = apiGroup.value || RBAC_GROUP;
  if (!apiGroup.wrongType && group !== RBAC_GROUP) {
    const hint = /^rbac\.authorization\.k8s\.io\/v\d/.test(group) ? ' It takes the group alone, without a version.' : '';
    at('apiGroup', `${unsupported('roleRef.apiGroup', group, [RBAC_GROUP])} — ${rejects(m)}.${hint} Set roleRef.apiGroup: ${RBAC_GROUP}.`);
  }
  if (!kind.wrongType) {
    const allowed = m.kind === 'RoleBinding' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
    if (!allowed.includes(kind.value)) {
      const detail = unsupported('roleRef.kind', kind.value, allowed);
      const f = at('kind', `${detail} — ${rejects(m)}. ${kindHint(m, kind.value, allowed)}`);
      if (m.kind === 'ClusterRoleBinding' && kind.value === 'Role') {
        const related = rolesNamed(objects, name.value);
        if (related.length) f.related = related;
      }
    }
  }
  if (!name.wrongType) {
    if (name.value === '')
      at(
        'name',
        `${required('roleRef.name')} — ${rejects(m)}. Name the ${kind.value === 'ClusterRole' || kind.value === 'Role' ? kind.value : 'role'} to bind.`,
      );
    for (const msg of pathSegmentNameErrors(name.value)) {
      at('name', `${invalid('roleRef.name', name.value, msg)} — ${rejects(m)}; no role can have this name.`);
    }
  }
  return out;
}

function kindHint(m: Manifest, kind: string, allowed: string[]): string {
  if (m.kind === 'ClusterRoleBinding' && kind === 'Role') {
    return (
      'A ClusterRoleBinding cannot reference a Role: a Role only grants inside its own namespace and a ClusterRoleBinding has none, so it would grant nothing. ' +
      'Use a RoleBinding in the Role’s namespace, or reference a ClusterRole.'
    );
  }
  const sameCase = allowed.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (sameCase) return `Kinds are case-sensitive: write ${JSON.stringify(sameCase)}.`;
  if (kind === '') return `Set roleRef.kind to ${allowed.map((k) => JSON.stringify(k)).join(' or ')}.`;
  return `A ${m.kind} references ${allowed.map((k) => `a ${k}`).join(' or ')}.`;
}

/** The Roles of the workspace with that name: the places the user probably meant. */
function rolesNamed(objects: CheckContext['objects'], name: string): Related[] {
  return objects
    .filter(
      (o): o is { object: Extract<RbacObject, { kind: 'Role' }>; manifest: Manifest } =>
        o.object.kind === 'Role' && o.object.metadata.name === name,
    )
    .map(({ object, manifest }) => ({
      file: manifest.file,
      span: spanAt(manifest.node, ['metadata', 'name']),
      message: `Role ${JSON.stringify(name)} in namespace ${JSON.stringify(object.metadata.namespace ?? '')}: bind it with a RoleBinding there`,
    }));
}
