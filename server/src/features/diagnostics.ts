// Diagnostics for every manifest of the workspace: the checks of server/src/core/checks run over
// the whole model (a grant in one file depends on roles and bindings in others), and each file
// gets its findings; only files whose diagnostics changed are sent (cleared when none are left).
// The file being edited goes first; the others follow on a later turn of the event loop, those
// whose findings an edit left as they were (the same objects) without being computed again.
import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import type { CheckSettings, Finding } from '../core/checks';
import { problemFindings, settle } from '../core/checks/run';
import { fileUri, toDiagnostic } from '../lsp-convert';
import type { Analysis } from '../workspace-model';

export class DiagnosticsPublisher {
  /** What was last sent per file, serialised, to send only what changed. */
  private published = new Map<string, string>();
  /** Per file, what its last published diagnostics were computed from: its parse, the settings, its findings and problems. */
  private inputs = new Map<string, unknown[]>();
  /** Bumped per round: a round overtaken by a newer one stops. */
  private round = 0;

  constructor(private readonly connection: Connection) {}

  /** Publishes a round; resolves when it is done (false when a newer round overtook it). */
  async publish(analysis: Analysis, settings: CheckSettings, first?: string): Promise<boolean> {
    const round = ++this.round;
    // Problems reading the manifests (broken YAML, wrong field types, a file too large to read) are
    // reported too, by code, at their place or at the top of the file; problems of paths that are
    // not files of the model (an unreadable folder) only in the status.
    const findings = (files: ReadonlySet<string>): Finding[] => {
      const out = settle(analysis.ctx, analysis.checked().byCheck, settings, files);
      const placed = analysis.ctx.workspace.problems.filter((p) => files.has(p.file) && (p.span || analysis.file(p.file)));
      return out.concat(problemFindings(placed, settings));
    };
    const sent = new Set<string>();
    const update = (file: string, found: readonly Finding[]): Promise<void> | undefined => {
      sent.add(file);
      const diagnostics = found.flatMap((f) => toDiagnostic(f, (p) => analysis.file(p)) ?? []);
      const key = JSON.stringify(diagnostics);
      if ((this.published.get(file) ?? '[]') === key) return undefined;
      if (diagnostics.length) this.published.set(file, key);
      else this.published.delete(file);
      return this.send(file, diagnostics);
    };
    if (first !== undefined) {
      const written = update(first, findings(new Set([first])));
      // Out before the rest of the round: a message is written on a later turn of the event loop,
      // and a large one (a file of 1,000 documents) only while the loop is free.
      await (written ?? new Promise((resolve) => setImmediate(resolve)));
      if (round !== this.round) return false;
    }
    // The checks keep a finding an edit cannot change as the same object, the places it points to
    // unchanged (checks/incremental.ts): a file whose inputs are all the same objects has the same diagnostics.
    const inputs = new Map<string, unknown[]>();
    const input = (file: string, x: unknown): void =>
      void (inputs.get(file) ?? inputs.set(file, [analysis.file(file), settings]).get(file)!).push(x);
    for (const found of analysis.checked().byCheck.values()) for (const f of found) input(f.file, f);
    for (const p of analysis.ctx.workspace.problems) input(p.file, p);
    const stale = new Set<string>();
    for (const [file, now] of inputs) {
      const before = this.inputs.get(file);
      if (sent.has(file) || (before?.length === now.length && before.every((x, i) => x === now[i]))) sent.add(file);
      else stale.add(file);
    }
    const byFile = new Map<string, Finding[]>();
    for (const f of findings(stale)) (byFile.get(f.file) ?? byFile.set(f.file, []).get(f.file)!).push(f);
    for (const [file, found] of byFile) void update(file, found);
    for (const file of [...this.published.keys()]) if (!sent.has(file)) void update(file, []);
    this.inputs = inputs;
    return true;
  }

  /** Resolves once written; a write that fails (the client is gone) is dropped. */
  private send(file: string, diagnostics: Diagnostic[]): Promise<void> {
    return this.connection.sendDiagnostics({ uri: fileUri(file), diagnostics }).catch(() => undefined);
  }
}
