// kubeid snapshot: saves the RBAC state of manifests (later: of a cluster) for `kubeid audit --baseline`.
import { writeFile } from 'node:fs/promises';
import { bool, list, parseArgs, str, UsageError } from './args';
import { InputError, readWorkspace, type Io } from './common';
import { takeSnapshot } from '../core/audit/snapshot';

const FLAGS = [
  { name: 'from', type: 'list' as const },
  { name: 'no-defaults', type: 'boolean' as const },
  { name: 'output', short: 'o', type: 'string' as const },
];

export async function snapshotCommand(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const out = str(a, 'output');
  if (!out) throw new UsageError('kubeid snapshot needs -o FILE (or -o - for stdout)');
  if (a.positionals.length) throw new UsageError(`kubeid snapshot takes its manifests with --from, got: ${a.positionals.join(' ')}`);
  const ws = await readWorkspace(a, io);
  const snapshot = takeSnapshot(ws, { from: list(a, 'from'), defaults: !bool(a, 'no-defaults') });
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
