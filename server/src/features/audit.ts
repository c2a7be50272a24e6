// The kubeid/audit request: the audit of the workspace model (escalation paths, unused and
// dangling access), as the HTML report and as problems for the editor's Problems view.
import type { Feature } from '../context';
import { audit } from '../core/audit/report';
import { countsText, toHtml } from '../core/audit/render';
import { auditRequest, type AuditProblem } from '../protocol';

export const auditFeature: Feature = {
  capabilities: {},
  register(ctx) {
    ctx.connection.onRequest(auditRequest, ({ hops }) => {
      const report = audit(ctx.model.analysis().ctx.workspace, { hops });
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
      return { html: toHtml(report), problems, summary: countsText(report.summary.owned) };
    });
  },
};
