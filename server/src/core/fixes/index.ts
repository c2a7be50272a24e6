// Quick fixes for kubeid's findings, by check id: edits as offsets into the file text. A fix a
// check computes itself travels with its finding (Finding.fix); these need the file's layout.
import type { CheckContext } from '../checks/check';
import type { ParsedFile, Span } from '../manifest/parse';
import { addHomeGroup } from './api-group';
import { noAutomount } from './automount';
import { clusterRoleBindingToRoleBinding, subjectNamespace } from './bindings';
import type { Edit } from './edit';
import { disableForDocument, disableForLine } from './suppress';
import { explicitResources, explicitVerbs } from './wildcards';

export interface QuickFix {
  title: string;
  edits: Edit[];
  preferred?: boolean;
}

type Fixer = (ctx: CheckContext, f: ParsedFile, span: Span) => QuickFix[];

const FIXERS: Record<string, Fixer> = {
  'wildcard-verbs': explicitVerbs,
  'wildcard-resources': explicitResources,
  'wrong-api-group': addHomeGroup,
  'invalid-subject': subjectNamespace,
  'invalid-role-ref': clusterRoleBindingToRoleBinding,
  'automount-unneeded': noAutomount,
  'default-service-account-used': noAutomount,
};

/** Problems reading a manifest: reported with their code, but comments do not silence them. */
const READ_PROBLEMS = new Set(['yaml-syntax', 'alias-limit', 'too-large', 'binary', 'unreadable', 'not-an-object', 'invalid-field']);

/** The fixes for a finding of check `id` at `span` of file `f`, then the suppression comments. */
export function quickFixes(ctx: CheckContext, f: ParsedFile, id: string, span: Span): QuickFix[] {
  const fixes = Object.hasOwn(FIXERS, id) ? FIXERS[id](ctx, f, span) : [];
  // JSON has no comments.
  if (!READ_PROBLEMS.has(id) && !/\.json$/i.test(f.file)) fixes.push(disableForLine(f, span, id), disableForDocument(f, span, id));
  return fixes;
}
