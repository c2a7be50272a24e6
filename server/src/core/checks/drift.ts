// A workspace object that also exists in the connected cluster and differs from it in what decides
// access (rules, aggregation, roleRef, subjects, selected labels, token automount): what is in the
// file is not what the cluster enforces. Objects absent from the cluster are not drift.
import { aggregationLabelKeys, driftBetween } from '../cluster/drift';
import type { Check, CheckContext, Finding } from './check';
import { findingAt } from './locate';

const ID = 'drift';
/** Differences named in one message; the rest are counted. */
const MAX_LISTED = 4;

export const drift: Check = {
  id: ID,
  severity: 'information',
  summary: 'An object that differs from the live object of the same name in the connected cluster (rules, roleRef, subjects …)',
  run(ctx: CheckContext): Finding[] {
    const cluster = ctx.cluster;
    if (!cluster) return [];
    let keys: Set<string> | undefined; // read only when an object is found in the cluster
    return ctx.objects.flatMap(({ object, manifest }) => {
      const live = cluster.object(object.kind, object.metadata.namespace ?? '', object.metadata.name);
      if (!live) return [];
      keys ??= new Set([...aggregationLabelKeys(ctx.workspace.policy.clusterRoles), ...aggregationLabelKeys(cluster.policy.clusterRoles)]);
      const diffs = driftBetween(object, live, keys);
      if (!diffs.length) return [];
      const more = diffs.length > MAX_LISTED ? `; and ${diffs.length - MAX_LISTED} more` : '';
      const message = `${object.kind} ${JSON.stringify(object.metadata.name)} differs from the live object in context ${JSON.stringify(cluster.context)}: ${diffs.slice(0, MAX_LISTED).join('; ')}${more}. "Compare with cluster" shows both.`;
      return [findingAt(ID, 'information', manifest, ['metadata', 'name'], message)];
    });
  },
};
