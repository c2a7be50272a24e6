// What the CLI commands share: I/O, the --from / identity flags, loading manifests, output helpers.
import { list, str, bool, type FlagSpec, type ParsedArgs, UsageError } from './args';
import { buildRequest, type BuiltRequest } from '../core/request';
import { impersonatedUser } from '../core/rbac/identity';
import type { SourceRef, UserInfo } from '../core/rbac/types';
import { isReadError, loadWorkspace, type Workspace } from '../core/policy/workspace';

export interface Io {
  out(s: string): void;
  err(s: string): void;
  readStdin(): Promise<string>;
}

/** Input kubeid cannot read: the message names the file and line. */
export class InputError extends Error {}

export const SOURCE_FLAGS: FlagSpec[] = [
  { name: 'from', type: 'list' },
  { name: 'no-defaults', type: 'boolean' },
  { name: 'namespace', short: 'n', type: 'string' },
  { name: 'output', short: 'o', type: 'string' },
  { name: 'no-headers', type: 'boolean' },
];

export const IDENTITY_FLAGS: FlagSpec[] = [
  { name: 'as', type: 'string' },
  { name: 'as-group', type: 'list' },
  { name: 'as-uid', type: 'string' },
];

export function outputFormat(a: ParsedArgs): 'text' | 'json' {
  const o = str(a, 'output');
  if (o === undefined || o === '') return 'text';
  if (o === 'json') return 'json';
  throw new UsageError(`unable to match a printer suitable for the output format "${o}", allowed formats are: json`);
}

/** Whether the command reads manifests (--from) rather than the current kube context. */
export function fromManifests(a: ParsedArgs): boolean {
  if (list(a, 'from').length === 0) return false;
  for (const f of ['kubeconfig', 'context']) {
    if (str(a, f) !== undefined) throw new UsageError(`--from reads manifests and --${f} asks a cluster: give one or the other`);
  }
  return true;
}

/** Reads --from (see fromManifests); a file kubeid cannot read or parse is an error naming the file and line. */
export async function readWorkspace(a: ParsedArgs, io: Io, paths = list(a, 'from')): Promise<Workspace> {
  if (paths.length === 0)
    throw new UsageError('--from PATH is required: asking a live cluster (the current kube context) is not available yet');
  const ws = await loadWorkspace(paths, { defaults: !bool(a, 'no-defaults'), readStdin: () => io.readStdin() });
  const errors = ws.problems.filter(isReadError);
  if (errors.length > 0) {
    throw new InputError(errors.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\nerror: '));
  }
  for (const p of ws.problems) io.err(`Warning: ${p.file}:${p.line}:${p.column}: ${p.message}\n`);
  for (const e of ws.evaluator.aggregationErrors) io.err(`Warning: ${e}\n`);
  return ws;
}

/** The identity --as / --as-group / --as-uid make, as the API server builds an impersonated user. */
export function identity(a: ParsedArgs): UserInfo {
  const user = str(a, 'as');
  const groups = list(a, 'as-group');
  if (!user) {
    if (groups.length) throw new UsageError('--as-group requires --as: the API server refuses groups without a user to impersonate');
    throw new UsageError('--as USER is required: offline there is no current user (e.g. --as jane, --as system:serviceaccount:NS:NAME)');
  }
  return impersonatedUser({ user, groups, uid: str(a, 'as-uid') });
}

export function describeObject(ws: Workspace, o: { kind: string; metadata: { name: string; namespace?: string }; source?: SourceRef }) {
  const at = ws.locate(o.source);
  return {
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    origin: o.source?.origin,
    ...(at ? { file: at.file, line: at.line } : {}),
  };
}

export function json(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

/** The request of VERB TARGET with -n/-A/--subresource, as a real client would send it; warnings go to stderr. */
export function requestFromArgs(a: ParsedArgs, ws: Workspace, io: Io): BuiltRequest {
  const [verb, target] = a.positionals;
  const built = buildRequest(
    { verb, target, subresource: str(a, 'subresource'), namespace: str(a, 'namespace'), allNamespaces: bool(a, 'all-namespaces') },
    ws.catalogue,
  );
  for (const w of built.warnings) io.err(`Warning: ${w}\n`);
  return built;
}
