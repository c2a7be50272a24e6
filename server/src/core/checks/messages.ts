// Shared wording: what the API server does with an invalid object.
import type { Manifest } from '../manifest/parse';

/** "the API server rejects Role "x" (422 Invalid)" */
export function rejects(m: Manifest): string {
  return `the API server rejects ${m.kind} ${JSON.stringify(m.name)} (422 Invalid)`;
}

/** "[a, b]" for lists of names in messages. */
export function names(list: readonly string[]): string {
  return list.map((s) => JSON.stringify(s)).join(', ');
}
