// "who can VERB RESOURCE in NS" on the access graph: the RBAC engine's who-can, with provenance,
// turned into paths subject → binding → role → resource, each step labelled.
import type { Catalogue } from '../catalogue/catalogue';
import { describeSource, type RbacEvaluator } from '../rbac/evaluator';
import { ruleAllows } from '../rbac/matchers';
import type { RequestAttributes } from '../rbac/types';
import { buildRequest, QueryError, type AccessQuery } from '../request';
import { bindingId, resourceId, roleId, subjectId, urlId } from './ids';
import type { AccessPath, PathStep, QueryResult } from './protocol';

const QUERY_HELP = 'who can VERB TYPE[/NAME] [in NAMESPACE | cluster-wide] [subresource SUB], e.g. "who can get secrets in shop"';

/** Reads "who can get pods/web in shop subresource log" (kubectl's -n, -A, --subresource work too). */
export function parseQuery(text: string): AccessQuery {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() === 'who' && words[1]?.toLowerCase() === 'can') words.splice(0, 2);
  const [verb, target, ...rest] = words;
  if (!verb || !target) throw new QueryError(`expected ${QUERY_HELP}`);
  const q: AccessQuery = { verb, target };
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new QueryError(`"${w}" needs a value`);
      return v;
    };
    if (w === 'in' || w === '-n' || w === '--namespace') q.namespace = value();
    else if (w === 'subresource' || w === '--subresource') q.subresource = value();
    else if (w === 'cluster-wide' || w === '-A' || w === '--all-namespaces') q.allNamespaces = true;
    else throw new QueryError(`unexpected "${w}": expected ${QUERY_HELP}`);
  }
  return q;
}

/** Where the request goes, in words: `get secrets in namespace "shop"`. */
function describeRequest(a: RequestAttributes): string {
  if (!a.resourceRequest) return `${a.verb} ${a.path}`;
  const res = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.apiGroup ? `.${a.apiGroup}` : ''}${a.name ? ` "${a.name}"` : ''}`;
  return `${a.verb} ${res} ${a.namespace ? `in namespace "${a.namespace}"` : 'cluster-wide'}`;
}

/** The paths that allow the request, one per allowing subject of a binding (system:masters first). */
export function queryPaths(evaluator: RbacEvaluator, catalogue: Catalogue, text: string): QueryResult {
  let attrs: RequestAttributes;
  let warnings: string[];
  try {
    ({ attrs, warnings } = buildRequest(parseQuery(text), catalogue));
  } catch (e) {
    if (e instanceof QueryError) return { request: text, paths: [], warnings: [], error: e.message };
    throw e;
  }
  const result = evaluator.whoCan(attrs);
  const paths: AccessPath[] = [];
  for (const entry of result.entries) {
    const sid = subjectId(entry.subject, entry.subject.namespace ?? '');
    if (!sid) continue;
    const src = entry.source;
    if (!src) {
      paths.push({ subject: sid, nodes: [sid], steps: [], summary: `${entry.subject.name}: privileged-group authorizer, outside RBAC` });
      continue;
    }
    const b = src.binding;
    const ns = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '';
    const bid = bindingId(b);
    const rid = roleId(src.role.kind, src.role.metadata.name, ns);
    const rule = src.role.rules[src.ruleIndex];
    const targets = rule.nonResourceURLs?.length
      ? rule.nonResourceURLs.filter((u) => ruleAllows(attrs, { ...rule, nonResourceURLs: [u] })).map(urlId)
      : (rule.apiGroups ?? []).flatMap((g) =>
          (rule.resources ?? []).filter((r) => ruleAllows(attrs, { ...rule, apiGroups: [g], resources: [r] })).map((r) => resourceId(g, r)),
        );
    const scope = b.kind === 'RoleBinding' && b.roleRef.kind === 'ClusterRole' ? `, in namespace ${ns} only` : '';
    const from = src.aggregatedFrom ? ` (aggregated from ClusterRole ${src.aggregatedFrom})` : '';
    const steps: PathStep[] = [
      { from: sid, to: bid, label: `subject ${src.subjectIndex + 1} of ${b.kind} ${ns ? `${ns}/` : ''}${b.metadata.name}` },
      { from: bid, to: rid, label: `roleRef ${b.roleRef.kind} ${b.roleRef.name}${scope}` },
      ...targets.map((t) => ({ from: rid, to: t, label: `rule ${src.ruleIndex + 1}: ${ruleText(rule)}${from}` })),
    ];
    paths.push({ subject: sid, nodes: [sid, bid, rid, ...targets], steps, summary: `allowed by ${describeSource(src)}` });
  }
  for (const i of result.ignored) warnings.push(`${i.subject.kind} "${i.subject.name}" matches nobody: ${i.why}`);
  for (const e of result.errors) warnings.push(e);
  return { request: describeRequest(attrs), paths, warnings };
}

/** A rule in one line: `get, list secrets (apps, "")`. */
export function ruleText(rule: {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}): string {
  const verbs = rule.verbs.join(', ');
  if (rule.nonResourceURLs?.length) return `${verbs} ${rule.nonResourceURLs.join(', ')}`;
  const groups = (rule.apiGroups ?? []).map((g) => (g === '' ? '""' : g)).join(', ');
  const names = rule.resourceNames?.length ? ` named ${rule.resourceNames.join(', ')}` : '';
  return `${verbs} ${(rule.resources ?? []).join(', ')}${names} (apiGroups ${groups})`;
}
