// Fixes checks attach to their findings: a misspelt value replaced by the one meant.
import { scalarText } from '../fixes/edit';
import type { Span } from '../manifest/parse';
import type { Fix } from './check';

/** Replaces the string scalar at `span` (holding `old`) by `value`; a plain word stays plain (its span is as long as its value). */
export function replaceWith(span: Span, old: string, value: string): Fix {
  const plain = span.end - span.start === old.length;
  return { span, replacement: scalarText(plain ? '' : '"', value), title: `Change to ${JSON.stringify(value)}` };
}
