// kubeid snapshot: saves the RBAC state of manifests (--from) or of the current kube context, for
// `kubeid audit --baseline`. A cluster's snapshot names the kinds it could not list.
import { writeFile } from 'node:fs/promises';
import { bool, list, parseArgs, str, UsageError } from './args';
import { CLUSTER_FLAGS, connect, readCluster } from './cluster';
import { fromManifests, InputError, readWorkspace, type Io } from './common';
import { unreadKinds } from '../core/audit/partial';
import { takeSnapshot, type Snapshot } from '../core/audit/snapshot';
import { snapshotPolicy, snapshotWorkspace } from '../core/cluster/snapshot';

const FLAGS = [
  ...CLUSTER_FLAGS,
  { name: 'from', type: 'list' as const },
  { name: 'no-defaults', type: 'boolean' as const },
  { name: 'output', short: 'o', type: 'string' as const },
];

export async function snapshotCommand(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const out = str(a, 'output');
  if (!out) throw new UsageError('kubeid snapshot needs -o FILE (or -o - for stdout)');
  if (a.positionals.length) throw new UsageError(`kubeid snapshot takes its manifests with --from, got: ${a.positionals.join(' ')}`);
  let snapshot: Snapshot;
  if (fromManifests(a)) {
    snapshot = takeSnapshot(await readWorkspace(a, io), { source: { from: list(a, 'from') }, defaults: !bool(a, 'no-defaults') });
  } else {
    if (bool(a, 'no-defaults')) throw new UsageError("--no-defaults applies to --from: a cluster's default policy is among its objects");
    const src = await connect(a);
    const cluster = await readCluster(src, io);
    snapshot = takeSnapshot(snapshotWorkspace(snapshotPolicy(cluster)), {
      source: { context: src.config.context, cluster: src.config.cluster.name },
      defaults: false,
      unreadable: unreadKinds(cluster.unreadable),
    });
    for (const u of snapshot.unreadable ?? []) io.err(`Warning: the snapshot lacks ${u.resource}: ${u.reason}\n`);
  }
  const text = JSON.stringify(snapshot, null, 2) + '\n';
  if (out === '-') io.out(text);
  else {
    try {
      await writeFile(out, text);
    } catch (e) {
      throw new InputError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    io.err(`kubeid: ${snapshot.objects.length} objects saved to ${out}\n`);
  }
  return 0;
}
