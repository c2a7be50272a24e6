// Fixes checks attach to their findings: a misspelt value replaced by the one meant.
import { scalarText } from '../fixes/edit';
import type { YNode } from '../manifest/parse';
import type { Fix } from './check';

/** Replaces the string scalar `node` (holding `old`) by `value`; a plain word stays plain (its span is as long as its value). */
export function replaceWith(node: YNode, old: string, value: string): Fix {
  const plain = node.span.end - node.span.start === old.length;
  return { span: node.span, replacement: scalarText(plain ? '' : '"', value), title: `Change to ${JSON.stringify(value)}` };
}
