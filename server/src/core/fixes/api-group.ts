// Quick fix for a resource listed under a group it is not in: add the group it is in.
import { ApiIndex } from '../checks/api';
import type { CheckContext } from '../checks/check';
import type { ParsedFile, Span } from '../manifest/parse';
import { appendItem } from './edit';
import type { QuickFix } from './index';
import { listNode, ruleAt } from './wildcards';

export function addHomeGroup(ctx: CheckContext, f: ParsedFile, span: Span): QuickFix[] {
  const at = ruleAt(ctx, f.file, span);
  const resources = at && listNode(at.node, 'resources');
  const seq = at && listNode(at.node, 'apiGroups');
  const rule = at?.rule;
  const item = rule?.resources.items.find(({ index }) => {
    const node = resources?.items[index];
    return node && node.span.start <= span.start && span.start <= node.span.end;
  });
  if (!rule || !item || !seq) return [];
  const base = item.value.split('/')[0];
  const groups = rule.apiGroups.items.map((i) => i.value);
  const homes = ApiIndex.of(ctx.workspace.catalogue)
    .find(base)
    .filter((r) => !r.removed && !groups.includes(r.group))
    .map((r) => r.group);
  return [...new Set(homes)].flatMap((g, i) => {
    const edit = appendItem(f.text, seq, g);
    return edit ? [{ title: `Add ${JSON.stringify(g)} to apiGroups`, edits: [edit], preferred: i === 0 }] : [];
  });
}
