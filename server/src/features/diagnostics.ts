// Diagnostics for every manifest of the workspace: the checks of server/src/core/checks run over
// the whole model (a grant in one file depends on roles and bindings in others), and each file
// gets its findings; only files whose diagnostics changed are sent (cleared when none are left).
import { pathToFileURL } from 'node:url';
import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import { ALL_CHECKS, runChecks, type CheckSettings } from '../core/checks';
import { problemFindings } from '../core/checks/run';
import { toDiagnostic } from '../lsp-convert';
import type { Analysis } from '../workspace-model';

export class DiagnosticsPublisher {
  /** What was last sent per file, serialised, to send only what changed. */
  private published = new Map<string, string>();

  constructor(private readonly connection: Connection) {}

  publish(analysis: Analysis, settings: CheckSettings): void {
    const findings = runChecks(analysis.ctx, ALL_CHECKS, settings);
    const out = new Map<string, Diagnostic[]>();
    // Problems reading the manifests (broken YAML, wrong field types, a file too large to read) are
    // reported too, by code, at their place or at the top of the file; problems of paths that are
    // not files of the model (an unreadable folder) only in the status.
    const placed = analysis.ctx.workspace.problems.filter((p) => p.span || analysis.file(p.file));
    findings.push(...problemFindings(placed, settings));
    for (const f of findings) {
      const d = toDiagnostic(f, (p) => analysis.file(p));
      if (!d) continue;
      let list = out.get(f.file);
      if (!list) out.set(f.file, (list = []));
      list.push(d);
    }
    const next = new Map<string, string>();
    for (const [file, diagnostics] of out) {
      const key = JSON.stringify(diagnostics);
      next.set(file, key);
      if (this.published.get(file) !== key) this.send(file, diagnostics);
    }
    for (const file of this.published.keys()) if (!next.has(file)) this.send(file, []);
    this.published = next;
  }

  private send(file: string, diagnostics: Diagnostic[]): void {
    void this.connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics });
  }
}
