// A completion candidate as plain data: the LSP edge turns spans into ranges and kinds into
// CompletionItemKinds. Values are inserted as YAML scalars written the way the cursor needs them.
import type { Cursor } from '../cursor/cursor';
import type { Span } from '../manifest/parse';

export type CandidateKind = 'verb' | 'group' | 'resource' | 'name' | 'url' | 'kind' | 'key' | 'snippet' | 'namespace' | 'role' | 'account';

export interface TextEdit {
  span: Span;
  text: string;
}

export interface Candidate {
  label: string;
  kind: CandidateKind;
  edit: TextEdit;
  /** Text the editor filters and matches the typed prefix against. */
  filter: string;
  sort: string;
  detail?: string;
  /** Markdown. */
  doc?: string;
  /** Short text shown right of the label (the group of a resource, the namespace of a name). */
  description?: string;
  /** The edit is a snippet (`${1:name}` placeholders). */
  snippet?: boolean;
  /** Edits elsewhere in the document (filling in a rule's apiGroups). */
  more?: TextEdit[];
}

export interface ValueOptions {
  kind: CandidateKind;
  /** Sort tier (0 first) and rank inside it. */
  tier: number;
  rank?: number;
  detail?: string;
  doc?: string;
  description?: string;
  more?: TextEdit[];
  label?: string;
}

const YAML_WORDS = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

/** The value as YAML: plain where that reads back as the same string, else double-quoted. */
export function yamlScalar(value: string, flow: boolean): string {
  const plain = flow ? /^[A-Za-z0-9_/][A-Za-z0-9_./-]*$/ : /^[A-Za-z0-9_/][A-Za-z0-9_./:-]*$/;
  return plain.test(value) && !YAML_WORDS.test(value) && !/^[0-9.+-]+$/.test(value) && !value.endsWith(':') ? value : JSON.stringify(value);
}

/** Fields whose values are lists of strings: a value typed right after `verbs:` needs brackets. */
const LIST_FIELDS = new Set(['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']);

/** A candidate that puts `value` at the cursor: in the cursor's quotes, in brackets after `verbs:`, after a space after `:`. */
export function valueCandidate(c: Cursor, text: string, value: string, o: ValueOptions): Candidate {
  const last = c.path[c.path.length - 1];
  const asList = typeof last === 'string' && LIST_FIELDS.has(last);
  let newText: string;
  if (c.quote === '"') newText = JSON.stringify(value);
  else if (c.quote === "'") newText = `'${value.replace(/'/g, "''")}'`;
  else {
    const scalar = c.json ? JSON.stringify(value) : yamlScalar(value, asList || c.flow);
    newText = asList ? `[${scalar}]` : scalar;
  }
  if (text[c.range.start - 1] === ':') newText = ` ${newText}`;
  const cand: Candidate = {
    label: o.label ?? (value === '' ? '""' : value),
    kind: o.kind,
    edit: { span: c.range, text: newText },
    filter: c.quote ? newText : value === '' ? '""' : value,
    sort: `${o.tier}${String(o.rank ?? 0).padStart(4, '0')}`,
  };
  if (o.detail) cand.detail = o.detail;
  if (o.doc) cand.doc = o.doc;
  if (o.description) cand.description = o.description;
  if (o.more?.length) cand.more = o.more;
  return cand;
}

/** A candidate that types a map key (`verbs: `), or completes the key under the cursor. */
export function keyCandidate(c: Cursor, key: string, detail: string, rank: number): Candidate {
  const text = c.key !== undefined ? key : `${key}: `;
  return { label: key, kind: 'key', edit: { span: c.range, text }, filter: key, sort: `0${String(rank).padStart(4, '0')}`, detail };
}
