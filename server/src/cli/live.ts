// can-i and can-i --list without --from: asked of the current kube context. can-i sends the
// SelfSubjectAccessReview `kubectl auth can-i` sends (impersonating --as, or a SubjectAccessReview
// with --use-sar); --list sends a SelfSubjectRulesReview.
import { bool, str, type ParsedArgs } from './args';
import { explainRefusal } from '../core/cluster/impersonation';
import { clusterCatalogue, connect, impersonation, liveRequest, reviewSubject } from './cluster';
import { json, type Io } from './common';
import { accessTable } from './table';

export async function canILive(a: ParsedArgs, io: Io, format: 'text' | 'json'): Promise<number> {
  const as = impersonation(a);
  const subject = reviewSubject(as, bool(a, 'use-sar'));
  const src = await connect(a);
  const { attrs, warnings } = liveRequest(a, await clusterCatalogue(src, io), src, io);
  let r;
  try {
    r = await src.accessReview(subject, attrs);
  } catch (e) {
    throw explainRefusal(e, subject);
  }
  if (format === 'json') {
    json(io, {
      ...r,
      request: attrs,
      ...(as ? { as } : {}),
      review: subject.kind === 'subject' ? 'SubjectAccessReview' : 'SelfSubjectAccessReview',
      warnings,
    });
  } else if (!bool(a, 'quiet')) {
    // kubectl's wording: "no", then " - reason" and " - evaluation error" when given.
    io.out(r.allowed ? 'yes\n' : `no${r.reason ? ` - ${r.reason}` : ''}${r.evaluationError ? ` - ${r.evaluationError}` : ''}\n`);
  }
  return r.allowed ? 0 : 1;
}

export async function listLive(a: ParsedArgs, io: Io, format: 'text' | 'json'): Promise<number> {
  const as = impersonation(a);
  const subject = reviewSubject(as, false);
  const src = await connect(a);
  const namespace = str(a, 'namespace') || src.config.namespace;
  let r;
  try {
    r = await src.rulesReview(subject, namespace);
  } catch (e) {
    throw explainRefusal(e, subject);
  }
  if (format === 'json') {
    json(io, { namespace, ...(as ? { as } : {}), ...r });
    return 0;
  }
  if (r.incomplete)
    io.err(
      `Warning: the list may be incomplete: the server's authorizers cannot list every rule${r.evaluationError ? ` (${r.evaluationError})` : ''}\n`,
    );
  io.out(accessTable([...r.resourceRules, ...r.nonResourceRules], !bool(a, 'no-headers')));
  return 0;
}
