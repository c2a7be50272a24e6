// Quick fix: stop mounting the API token, on the ServiceAccount or in the pod spec the
// finding points into.
import type { CheckContext } from '../checks/check';
import type { ParsedFile, Span, YMap } from '../manifest/parse';
import { setEntry } from './edit';
import type { QuickFix } from './index';

const KEY = 'automountServiceAccountToken';

export function noAutomount(ctx: CheckContext, f: ParsedFile, span: Span): QuickFix[] {
  const at = (s: Span): boolean => s.start <= span.start && span.start <= s.end;
  const w = ctx.workspace.workloads.find((x) => x.file === f.file && at(x.manifest.span));
  let map: YMap | undefined;
  let where: string;
  if (w) {
    map = w.podSpec;
    where = `in the pod spec of ${w.kind} ${w.name}`;
  } else {
    const sa = ctx.objects.find(({ manifest: m }) => m.file === f.file && m.kind === 'ServiceAccount' && at(m.span));
    map = sa?.manifest.node;
    where = `on ServiceAccount ${sa?.manifest.name ?? ''}`;
  }
  const edit = map && setEntry(f.text, map, KEY, 'false');
  return edit ? [{ title: `Set ${KEY}: false ${where}`, edits: [edit], preferred: true }] : [];
}
