// The outline of a manifest file: one entry per Kubernetes object, with its rules, subjects and
// roleRef as children.
import { spanAt } from './checks/locate';
import { mapItems, rules, str } from './checks/read';
import { nodeAt, type Manifest, type ParsedFile, type Span } from './manifest/parse';

export interface OutlineItem {
  name: string;
  detail?: string;
  role: 'object' | 'rule' | 'subject' | 'roleRef';
  /** The whole element, and the part to select (a name) inside it. */
  span: Span;
  selection: Span;
  children: OutlineItem[];
}

export function outline(file: ParsedFile): OutlineItem[] {
  return file.manifests.map(objectItem);
}

function objectItem(m: Manifest): OutlineItem {
  const named = m.name !== '' && nodeAt(m.node, ['metadata', 'name']) !== undefined;
  const selection = spanAt(m.node, named ? ['metadata', 'name'] : ['kind']);
  const item: OutlineItem = { name: `${m.kind} ${m.name || '(unnamed)'}`, role: 'object', span: m.span, selection, children: [] };
  if (m.namespace) item.detail = m.namespace;
  for (const rule of rules(m)) {
    const verbs = rule.verbs.items.map((i) => i.value);
    const groups = rule.apiGroups.items.map((i) => i.value);
    const group = groups.length === 1 && groups[0] !== '' ? `.${groups[0]}` : '';
    const targets = [...rule.resources.items.map((i) => i.value + group), ...rule.nonResourceURLs.items.map((i) => i.value)];
    const name = `${verbs.join(', ') || '(no verbs)'} on ${targets.join(', ') || '(nothing)'}`;
    item.children.push(child(name, `rules[${rule.index}]`, 'rule', spanAt(m.node, ['rules', rule.index])));
  }
  for (const { node, index } of mapItems(m, 'subjects')) {
    const ns = str(node, 'namespace').value;
    const name = `${str(node, 'kind').value || 'subject'} ${ns ? `${ns}/` : ''}${str(node, 'name').value}`;
    item.children.push(child(name, `subjects[${index}]`, 'subject', node.span));
  }
  const ref = nodeAt(m.node, ['roleRef']);
  if (ref?.type === 'map')
    item.children.push(child(`→ ${str(ref, 'kind').value} ${str(ref, 'name').value}`, 'roleRef', 'roleRef', ref.span));
  return item;
}

function child(name: string, detail: string, role: OutlineItem['role'], span: Span): OutlineItem {
  return { name, detail, role, span, selection: span, children: [] };
}
