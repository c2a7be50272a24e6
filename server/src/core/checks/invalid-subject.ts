// Subject validation of RoleBindings and ClusterRoleBindings (ValidateRoleBindingSubject, spec §10).
import type { Manifest } from '../manifest/parse';
import { RBAC_GROUP } from '../rbac/types';
import { splitServiceAccountUsername } from '../rbac/identity';
import type { Check, CheckContext, Finding, Severity } from './check';
import { dns1123SubdomainErrors, invalid, required, unsupported } from './fields';
import { findingAt } from './locate';
import { rejects } from './messages';
import { isBindingKind, mapItemsOf, strOf } from './read';

const ID = 'invalid-subject';
const KINDS = ['ServiceAccount', 'User', 'Group'];

export const invalidSubject: Check = {
  id: ID,
  severity: 'error',
  summary:
    'A subject the API server rejects: unknown kind (kinds are case-sensitive), missing name, a ServiceAccount with an apiGroup or without namespace',
  run(ctx: CheckContext): Finding[] {
    return ctx.objects.flatMap(({ manifest }) =>
      isBindingKind(manifest.kind)
        ? mapItemsOf(manifest.value, 'subjects').flatMap((s) => subjectFindings(manifest, s.value, s.index))
        : [],
    );
  },
};

function subjectFindings(m: Manifest, subject: Record<string, unknown>, i: number): Finding[] {
  const out: Finding[] = [];
  const p = `subjects[${i}]`;
  const at = (field: string, message: string, severity: Severity = 'error'): void => {
    out.push(findingAt(ID, severity, m, ['subjects', i, field], message));
  };
  const kind = strOf(subject, 'kind');
  const name = strOf(subject, 'name');
  const apiGroup = strOf(subject, 'apiGroup');
  const namespace = strOf(subject, 'namespace');
  if (!name.wrongType && name.value === '') at('name', `${required(`${p}.name`)} — ${rejects(m)}. Name the ${kind.value || 'subject'}.`);
  if (kind.wrongType) return out;
  switch (kind.value) {
    case 'ServiceAccount': {
      if (name.value !== '') {
        for (const msg of dns1123SubdomainErrors(name.value)) {
          at('name', `${invalid(`${p}.name`, name.value, msg)} — ${rejects(m)}. ${serviceAccountNameHint(name.value)}`);
        }
      }
      if (apiGroup.value !== '') {
        const detail = unsupported(`${p}.apiGroup`, apiGroup.value, ['']);
        at('apiGroup', `${detail} — ${rejects(m)}. ServiceAccounts are in the core group: remove apiGroup (or set it to "").`);
      }
      if (m.kind === 'ClusterRoleBinding' && namespace.value === '' && !namespace.wrongType) {
        at(
          'namespace',
          `${required(`${p}.namespace`)} — ${rejects(m)}. A ClusterRoleBinding has no namespace to default to: add the ServiceAccount's namespace.`,
        );
      }
      break;
    }
    case 'User':
    case 'Group': {
      // SetDefaults_Subject fills in an empty apiGroup.
      if (apiGroup.value !== '' && apiGroup.value !== RBAC_GROUP) {
        const detail = unsupported(`${p}.apiGroup`, apiGroup.value, [RBAC_GROUP]);
        at('apiGroup', `${detail} — ${rejects(m)}. Set apiGroup: ${RBAC_GROUP} (or leave it out).`);
      }
      if (namespace.value !== '') {
        at(
          'namespace',
          `${p}.namespace is ignored for a ${kind.value}: users and groups are not namespaced, and the ${m.kind} grants the same without it. Remove it.`,
          'information',
        );
      }
      break;
    }
    default: {
      const detail = unsupported(`${p}.kind`, kind.value, KINDS);
      const same = KINDS.find((k) => k.toLowerCase() === kind.value.toLowerCase());
      const hint = same ? `Kinds are case-sensitive: write ${JSON.stringify(same)}.` : `Use ServiceAccount, User or Group.`;
      at('kind', `${detail} — ${rejects(m)}; a subject of this kind could never match anyone. ${hint}`);
    }
  }
  return out;
}

function serviceAccountNameHint(name: string): string {
  const sa = splitServiceAccountUsername(name);
  if (sa) return `This is a service account's username: write name: ${sa.name} and namespace: ${sa.namespace}.`;
  return 'Use the ServiceAccount’s metadata.name (lower-case letters, digits, "-" and ".").';
}
