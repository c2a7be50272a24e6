// The kubeid/audit request: the audit of the workspace model or of the connected cluster's
// snapshot (escalation paths, unused and dangling access), as the HTML report whose links open the
// manifest or the live object, and as problems for the editor's Problems view.
import { ResponseError } from 'vscode-languageserver/node';
import type { ClusterConnection } from '../cluster-connection';
import type { Feature } from '../context';
import type { ObjectRef } from '../core/audit/objects';
import { namespacesOf, type UnreadKind } from '../core/audit/partial';
import { audit } from '../core/audit/report';
import { countsText, toHtml } from '../core/audit/render';
import { snapshotWorkspace } from '../core/cluster/snapshot';
import type { Workspace } from '../core/policy/workspace';
import { auditRequest, OPEN_AUDIT_LINK_COMMAND, type AuditLink, type AuditProblem } from '../protocol';

export function auditFeature(cluster: ClusterConnection): Feature {
  return {
    capabilities: {},
    register(ctx) {
      ctx.connection.onRequest(auditRequest, async ({ hops, source }) => {
        let ws: Workspace;
        let unreadable: UnreadKind[] = [];
        let namespaces: Set<string> | undefined;
        let audited = 'the workspace';
        if (source === 'cluster') {
          const sp = await cluster.loaded();
          const status = cluster.status();
          if (!sp || !status.context) throw new ResponseError(1, `kubeid is not connected to a cluster: ${status.message ?? status.state}`);
          ws = snapshotWorkspace(sp);
          // The reasons of the status are redacted already.
          unreadable = status.missing;
          if (!unreadable.some((u) => u.resource === 'namespaces')) namespaces = namespacesOf(ws);
          audited = `context ${status.context}`;
        } else ws = ctx.model.analysis().ctx.workspace;
        const report = audit(ws, { hops, unreadable, namespaces });
        const problems = report.findings.map((f): AuditProblem => {
          const o = f.object;
          const located = o?.file && o.origin === 'workspace';
          return {
            rule: f.rule,
            severity: f.severity,
            message: f.message,
            ...(located ? { file: o.file, line: o.line } : {}),
            ...(f.managedBy ? { managedBy: f.managedBy } : {}),
          };
        });
        const links: AuditLink[] = [];
        const seen = new Map<string, number>();
        const link = (o: ObjectRef): string | undefined => {
          const target: AuditLink | undefined =
            o.origin === 'workspace' && o.file
              ? { file: o.file, ...(o.line ? { line: o.line } : {}) }
              : o.origin === 'cluster'
                ? { kind: o.kind, ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name }
                : undefined;
          if (!target) return undefined;
          const key = JSON.stringify(target);
          let i = seen.get(key);
          if (i === undefined) seen.set(key, (i = links.push(target) - 1));
          // The page holds an index only: what it opens is what this answer lists.
          return `command:${OPEN_AUDIT_LINK_COMMAND}?${encodeURIComponent(JSON.stringify([i]))}`;
        };
        return { html: toHtml(report, { link }), problems, summary: countsText(report.summary.owned), links, audited };
      });
    },
  };
}
