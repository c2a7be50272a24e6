// ClusterRole aggregationRule validation (ValidateClusterRole → ValidateLabelSelector, spec §10),
// and the one valid selector that is almost surely a mistake: {} selects every ClusterRole.
import { nodeAt, toPlain, type Manifest, type Span, type YMap } from '../manifest/parse';
import type { Check, CheckContext, Finding, Severity } from './check';
import { forbidden, invalid, labelValueErrors, qualifiedNameErrors, required } from './fields';
import { findingAt, type Path } from './locate';
import { rejects } from './messages';
import { listOf, strOf } from './read';

const ID = 'invalid-aggregation-rule';
const SELECTORS = 'aggregationRule.clusterRoleSelectors';

export const invalidAggregationRule: Check = {
  id: ID,
  severity: 'error',
  summary:
    'An aggregationRule the API server rejects (no selectors, invalid label selectors), or one whose empty selector aggregates every ClusterRole',
  run(ctx: CheckContext): Finding[] {
    return ctx.objects.flatMap(({ manifest }) => (manifest.kind === 'ClusterRole' ? aggregationFindings(manifest) : []));
  },
};

function aggregationFindings(m: Manifest): Finding[] {
  const agg = nodeAt(m.node, ['aggregationRule']);
  if (agg?.type !== 'map') return []; // absent or null: not aggregated; another type: reported by the reader
  const out: Finding[] = [];
  const add = (at: Path | Span, message: string, severity: Severity = 'error'): void => {
    const f = findingAt(ID, severity, m, ['aggregationRule', 'clusterRoleSelectors', ...(isSpan(at) ? [] : at)], message);
    if (isSpan(at)) f.span = at;
    out.push(f);
  };
  const selectors = nodeAt(agg, ['clusterRoleSelectors']);
  const isNull = selectors === undefined || (selectors.type === 'scalar' && selectors.value === null);
  if (isNull || (selectors.type === 'seq' && selectors.items.length === 0)) {
    const detail = required(SELECTORS, 'at least one clusterRoleSelector required if aggregationRule is non-nil');
    add(
      [],
      `${detail} — ${rejects(m)}. Add a selector such as matchLabels: {example.com/aggregate-to-monitoring: "true"}, or remove aggregationRule.`,
    );
  }
  if (selectors?.type !== 'seq') return out;
  selectors.items.forEach((sel, i) => {
    if (sel.type !== 'map') return;
    const invalidSelector: Report = (at, detail, fix) =>
      add(isSpan(at) ? at : [i, ...at], `${detail} — invalid label selector: ${rejects(m)}. ${fix}`);
    selectorFindings(sel, `${SELECTORS}[${i}]`, invalidSelector);
    const labels = nodeAt(sel, ['matchLabels']);
    const exprs = nodeAt(sel, ['matchExpressions']);
    const empty = (n: typeof labels) =>
      n === undefined ||
      (n.type === 'map' && n.entries.length === 0) ||
      (n.type === 'seq' && n.items.length === 0) ||
      (n.type === 'scalar' && n.value === null);
    if (empty(labels) && empty(exprs)) {
      add(
        [i],
        `${SELECTORS}[${i}] is empty, and an empty selector selects every ClusterRole: the aggregation controller gives ${JSON.stringify(m.name)} the rules of all of them, cluster-admin included. Select the roles to aggregate by label.`,
        'warning',
      );
    }
  });
  return out;
}

const isSpan = (at: Path | Span): at is Span => 'start' in at;

/** A path below the selector, or the span of a label key. */
type Report = (at: Path | Span, detail: string, fix: string) => void;

/** metav1validation.ValidateLabelSelector, with label values checked (as on create). */
function selectorFindings(sel: YMap, p: string, report: Report): void {
  const labels = nodeAt(sel, ['matchLabels']);
  if (labels?.type === 'map') {
    for (const e of labels.entries) {
      for (const msg of qualifiedNameErrors(e.key)) report(e.keySpan, invalid(`${p}.matchLabels`, e.key, msg), 'Fix the label key.');
      const v = e.value.type === 'scalar' && typeof e.value.value === 'string' ? e.value.value : undefined;
      for (const msg of v === undefined ? [] : labelValueErrors(v))
        report(['matchLabels', e.key], invalid(`${p}.matchLabels`, v!, msg), 'Fix the label value.');
    }
  }
  const exprs = nodeAt(sel, ['matchExpressions']);
  if (exprs?.type !== 'seq') return;
  exprs.items.forEach((expr, j) => {
    if (expr.type !== 'map') return;
    const path: Path = ['matchExpressions', j];
    const ep = `${p}.matchExpressions[${j}]`;
    const data = toPlain(expr);
    const operator = strOf(data, 'operator');
    const key = strOf(data, 'key');
    const values = listOf(data, 'values');
    switch (operator.value) {
      case 'In':
      case 'NotIn':
        if (values.count === 0 && !values.wrongType) {
          report(
            [...path, 'values'],
            required(`${ep}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
            'List the label values to match.',
          );
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.count > 0) {
          report(
            [...path, 'values'],
            forbidden(`${ep}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
            'Remove values.',
          );
        }
        break;
      default:
        if (!operator.wrongType) {
          const same = ['In', 'NotIn', 'Exists', 'DoesNotExist'].find((o) => o.toLowerCase() === operator.value.toLowerCase());
          const fix = same ? `Operators are case-sensitive: write ${same}.` : 'Use In, NotIn, Exists or DoesNotExist.';
          report([...path, 'operator'], invalid(`${ep}.operator`, operator.value, 'not a valid selector operator'), fix);
        }
    }
    if (!key.wrongType)
      for (const msg of qualifiedNameErrors(key.value))
        report([...path, 'key'], invalid(`${ep}.key`, key.value, msg), 'Fix the label key.');
    for (const item of values.items) {
      for (const msg of labelValueErrors(item.value)) {
        report([...path, 'values', item.index], invalid(`${ep}.values[${item.index}]`, item.value, msg), 'Fix the label value.');
      }
    }
  });
}
