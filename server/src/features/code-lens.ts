// Code lenses: "N bindings · M subjects" on each Role and ClusterRole (click: the references) and
// "Show in access graph" (the graph view focused on the role),
// "Effective permissions" (over the live cluster and the workspace when connected) and "Check access
// as …" on each binding subject and ServiceAccount, "Compare with cluster" on an object that drifted,
// and the two custom requests those lens commands send back.
import type { CodeLens } from 'vscode-languageserver/node';
import type { Feature, ServerContext } from '../context';
import { checkAccess, describeAccessSubject, effectivePermissions, type AccessSubject } from '../core/access';
import { spanAt } from '../core/checks/locate';
import { mapItems, str } from '../core/checks/read';
import type { CheckContext } from '../core/checks/check';
import type { ParsedFile, Span, YNode } from '../core/manifest/parse';
import { liveBasis, liveWorkspace } from '../core/cluster/live';
import { roleId } from '../core/graph/ids';
import { aggregatorsOf, bindingsOf, referencesTo, type Place, type Target } from '../core/references';
import { formatTable } from '../cli/table';
import { spanToRange, toLocation, toLocations } from '../lsp-convert';
import { canIRequest, effectivePermissionsRequest } from '../protocol';
import type { Analysis } from '../workspace-model';

/** Commands the client implements (client/src/lens-commands.ts). */
export const LENS_COMMANDS = {
  showReferences: 'kubeid.showReferences',
  effectivePermissions: 'kubeid.effectivePermissions',
  checkAccess: 'kubeid.checkAccess',
  showAccessGraph: 'kubeid.showAccessGraph',
  compareWithCluster: 'kubeid.compareWithCluster',
} as const;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Distinct subjects of the bindings (a ServiceAccount without namespace takes its RoleBinding's). */
function subjectCount(places: readonly Place[]): number {
  const keys = new Set<string>();
  for (const { binding: b } of places) {
    const ns = b?.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
    for (const s of b?.subjects ?? []) keys.add(`${s.kind}/${s.kind === 'ServiceAccount' ? s.namespace || ns : ''}/${s.name}`);
  }
  return keys.size;
}

function roleLens(a: Analysis, f: ParsedFile, t: Target, span: Span): CodeLens {
  const bindings = bindingsOf(a.ctx, t);
  const aggregated = t.kind === 'ClusterRole' ? aggregatorsOf(a.ctx, t.name).length : 0;
  const title =
    `${plural(bindings.length, 'binding')} · ${plural(subjectCount(bindings), 'subject')}` +
    (aggregated ? ` · aggregated into ${plural(aggregated, 'role')}` : '');
  const range = spanToRange(f, span);
  const refs = toLocations(a.file, referencesTo(a.ctx, t));
  return { range, command: { title, command: LENS_COMMANDS.showReferences, arguments: [toLocation(f, span).uri, range.start, refs] } };
}

function accessLenses(f: ParsedFile, subject: AccessSubject, namespace: string, span: Span, live: boolean): CodeLens[] {
  const range = spanToRange(f, span);
  const args = [{ subject, namespace }];
  const title = live ? 'Effective permissions (cluster + workspace)' : 'Effective permissions';
  return [
    { range, command: { title, command: LENS_COMMANDS.effectivePermissions, arguments: args } },
    { range, command: { title: `Check access as ${subject.name}…`, command: LENS_COMMANDS.checkAccess, arguments: args } },
  ];
}

function lenses(a: Analysis, f: ParsedFile, uri: string): CodeLens[] {
  const out: CodeLens[] = [];
  const live = a.ctx.cluster !== undefined;
  // The drift check's findings are at the object's name.
  const drifted = new Set(live ? (a.checked().byCheck.get('drift') ?? []).filter((d) => d.file === f.file).map((d) => d.span.start) : []);
  for (const { object, manifest: m } of a.ctx.objects) {
    if (m.file !== f.file) continue;
    const name = spanAt(m.node, ['metadata', 'name']);
    const ns = object.metadata.namespace ?? '';
    if (drifted.has(name.start)) {
      const args = [{ kind: object.kind, ...(ns ? { namespace: ns } : {}), name: object.metadata.name, uri }];
      out.push({
        range: spanToRange(f, name),
        command: { title: 'Compare with cluster', command: LENS_COMMANDS.compareWithCluster, arguments: args },
      });
    }
    if (object.kind === 'Role' || object.kind === 'ClusterRole') {
      out.push(roleLens(a, f, { kind: object.kind, namespace: ns, name: object.metadata.name }, name));
      const graph = {
        title: 'Show in access graph',
        command: LENS_COMMANDS.showAccessGraph,
        arguments: [roleId(object.kind, object.metadata.name, ns)],
      };
      out.push({ range: spanToRange(f, name), command: graph });
    } else if (object.kind === 'ServiceAccount') {
      if (object.metadata.name)
        out.push(...accessLenses(f, { kind: 'ServiceAccount', name: object.metadata.name, namespace: ns }, ns, name, live));
    } else {
      for (const { node, index } of mapItems(m, 'subjects')) {
        const s = subjectOf(node, object.kind === 'RoleBinding' ? ns : '');
        if (s) out.push(...accessLenses(f, s.subject, s.namespace, spanAt(m.node, ['subjects', index]), live));
      }
    }
  }
  return out;
}

/** The subject as an identity, and the namespace to ask in: the RoleBinding's, else the account's, else "default". */
function subjectOf(node: YNode, bindingNamespace: string): { subject: AccessSubject; namespace: string } | undefined {
  const kind = str(node, 'kind').value;
  const name = str(node, 'name').value;
  if (!name || (kind !== 'User' && kind !== 'Group' && kind !== 'ServiceAccount')) return undefined;
  if (kind !== 'ServiceAccount') return { subject: { kind, name }, namespace: bindingNamespace || 'default' };
  const namespace = str(node, 'namespace').value || bindingNamespace;
  return namespace ? { subject: { kind, name, namespace }, namespace: bindingNamespace || namespace } : undefined;
}

function workspaceOf(ctx: ServerContext): CheckContext['workspace'] {
  return ctx.model.analysis().ctx.workspace;
}

/** When connected, the workspace over the live cluster, and what it is (the "Effective permissions" answer says which). */
function permissionsBasis(ctx: ServerContext): { ws: CheckContext['workspace']; basis: string } {
  const { workspace, cluster } = ctx.model.analysis().ctx;
  return cluster
    ? { ws: liveWorkspace(workspace, cluster), basis: liveBasis(cluster) }
    : { ws: workspace, basis: 'offline (the workspace manifests on the default cluster policy)' };
}

export const codeLens: Feature = {
  capabilities: { codeLensProvider: { resolveProvider: false } },
  register(ctx: ServerContext) {
    ctx.connection.onCodeLens(({ textDocument }) => {
      const path = ctx.pathOf(textDocument.uri);
      const a = ctx.model.analysis();
      const f = path ? a.file(path) : undefined;
      return f ? lenses(a, f, textDocument.uri) : null;
    });

    ctx.connection.onRequest(effectivePermissionsRequest, ({ subject, namespace }) => {
      const { ws, basis } = permissionsBasis(ctx);
      const t = effectivePermissions(ws, subject, namespace);
      return {
        basis,
        identity: describeAccessSubject(subject),
        namespace,
        command: t.command,
        rows: t.rows,
        table: formatTable(t.rows),
        warnings: t.warnings,
      };
    });

    ctx.connection.onRequest(canIRequest, ({ subject, namespace, verb, resource, subresource }) =>
      checkAccess(workspaceOf(ctx), subject, { namespace, verb, resource, subresource }),
    );
  },
};
