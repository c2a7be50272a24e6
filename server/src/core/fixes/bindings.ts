// Quick fixes for bindings the API server rejects: a ServiceAccount subject of a
// ClusterRoleBinding without namespace, and a ClusterRoleBinding that references a Role.
import type { CheckContext } from '../checks/check';
import { mapItems, str } from '../checks/read';
import { nodeAt, type Manifest, type ParsedFile, type Span } from '../manifest/parse';
import { replaceScalar, scalarText, setEntry, type Edit } from './edit';
import type { QuickFix } from './index';

function bindingAt(ctx: CheckContext, file: string, span: Span): Manifest | undefined {
  return ctx.objects.find(
    ({ manifest: m }) => m.file === file && m.kind === 'ClusterRoleBinding' && m.span.start <= span.start && span.start <= m.span.end,
  )?.manifest;
}

/** Namespaces where a ServiceAccount of that name exists in the workspace, else "default". */
function namespacesOf(ctx: CheckContext, name: string): string[] {
  const found = ctx.workspace.policy.serviceAccounts.filter((sa) => sa.metadata.name === name).map((sa) => sa.metadata.namespace ?? '');
  const unique = [...new Set(found.filter(Boolean))].sort();
  return unique.length ? unique : ['default'];
}

export function subjectNamespace(ctx: CheckContext, f: ParsedFile, span: Span): QuickFix[] {
  const m = bindingAt(ctx, f.file, span);
  const subject = m && mapItems(m, 'subjects').find(({ node }) => node.span.start <= span.start && span.start <= node.span.end);
  if (!subject || str(subject.node, 'kind').value !== 'ServiceAccount' || str(subject.node, 'namespace').value !== '') return [];
  const name = str(subject.node, 'name').value;
  const namespaces = namespacesOf(ctx, name);
  return namespaces.flatMap((ns) => {
    const edit = setEntry(f.text, subject.node, 'namespace', scalarText('', ns));
    return edit ? [{ title: `Add namespace: ${ns} to the ServiceAccount subject`, edits: [edit], preferred: namespaces.length === 1 }] : [];
  });
}

export function clusterRoleBindingToRoleBinding(ctx: CheckContext, f: ParsedFile, span: Span): QuickFix[] {
  const m = bindingAt(ctx, f.file, span);
  const kind = m && nodeAt(m.node, ['kind']);
  const ref = m && nodeAt(m.node, ['roleRef']);
  if (!m || !kind || ref?.type !== 'map' || str(ref, 'kind').value !== 'Role') return [];
  const name = str(ref, 'name').value;
  const toKind = replaceScalar(f.text, kind, 'RoleBinding');
  const namespaces = [
    ...new Set(ctx.workspace.policy.roles.filter((r) => r.metadata.name === name).map((r) => r.metadata.namespace ?? '')),
  ].sort();
  const meta = nodeAt(m.node, ['metadata']);
  const inNamespace = (ns: string): Edit | undefined =>
    meta?.type === 'map' ? setEntry(f.text, meta, 'namespace', scalarText('', ns)) : undefined;
  const withNamespace = namespaces.flatMap((ns) => {
    const edit = inNamespace(ns);
    const title = `Make it a RoleBinding in namespace ${ns}, where Role "${name}" is`;
    return edit ? [{ title, edits: [toKind, edit], preferred: namespaces.length === 1 }] : [];
  });
  return withNamespace.length ? withNamespace : [{ title: 'Make it a RoleBinding', edits: [toKind] }];
}
