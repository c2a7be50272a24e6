// metav1.LabelSelectorAsSelector and labels.Selector.Matches, as the aggregation controller uses them.
import type { LabelSelector } from './types';

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** Compiles a selector; throws with the API server's message when the selector is invalid. */
export function compileSelector(sel: LabelSelector): LabelMatcher {
  const tests: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    tests.push((l) => l !== undefined && Object.hasOwn(l, key) && l[key] === value);
  }
  for (const req of sel.matchExpressions ?? []) {
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) throw new Error(`for 'in', 'notin' operators, values set can't be empty`);
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) throw new Error(`values set must be empty for exists and does not exist`);
        break;
      default:
        throw new Error(`"${req.operator}" is not a valid label selector operator`);
    }
    const key = req.key;
    const has = (l: Record<string, string> | undefined) => l !== undefined && Object.hasOwn(l, key);
    switch (req.operator) {
      case 'In':
        tests.push((l) => has(l) && values.includes(l![key]));
        break;
      case 'NotIn':
        tests.push((l) => !has(l) || !values.includes(l![key]));
        break;
      case 'Exists':
        tests.push(has);
        break;
      case 'DoesNotExist':
        tests.push((l) => !has(l));
        break;
    }
  }
  // An empty selector selects everything (labels.Everything()).
  return (labels) => tests.every((t) => t(labels));
}
