// kubeid who-can: every subject allowed to make a request, with the binding and role that allow it.
import { bool, parseArgs, UsageError } from './args';
import { provenance } from './can-i';
import { json, outputFormat, readWorkspace, requestFromArgs, SOURCE_FLAGS, type Io } from './common';
import { formatTable } from './table';
import type { Binding } from '../core/rbac/evaluator';
import type { Subject } from '../core/rbac/types';

const FLAGS = [
  ...SOURCE_FLAGS,
  { name: 'subresource', type: 'string' as const },
  { name: 'all-namespaces', short: 'A', type: 'boolean' as const },
];

export async function whoCan(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const format = outputFormat(a);
  if (a.positionals.length !== 2) throw new UsageError('you must specify two arguments: VERB TYPE[/NAME] or VERB /NON-RESOURCE-URL');
  const ws = await readWorkspace(a, io);
  const { attrs, warnings } = requestFromArgs(a, ws, io);
  const result = ws.evaluator.whoCan(attrs);
  for (const e of result.errors) io.err(`Warning: ${e}\n`);
  for (const i of result.ignored)
    io.err(`Warning: ${bindingName(i.binding)} names ${i.subject.kind} "${i.subject.name}", which matches nobody: ${i.why}\n`);
  if (format === 'json') {
    json(io, {
      request: attrs,
      subjects: result.entries.map((e) => ({
        subject: e.subject,
        ...(e.source
          ? { provenance: provenance(ws, e.source) }
          : { allowedBy: 'system:masters (privileged-group authorizer, outside RBAC)' }),
      })),
      ignored: result.ignored.map((i) => ({ subject: i.subject, binding: bindingName(i.binding), why: i.why })),
      errors: result.errors,
      warnings,
    });
    return 0;
  }
  const rows = result.entries.map((e) => [
    e.subject.kind,
    subjectName(e.subject),
    e.source ? bindingName(e.source.binding) : '(privileged group, not RBAC)',
    e.source ? roleName(e.source.binding) : '-',
  ]);
  const header = bool(a, 'no-headers') ? [] : [['KIND', 'SUBJECT', 'BINDING', 'ROLE']];
  io.out(formatTable([...header, ...rows]));
  return 0;
}

function subjectName(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `${s.namespace}/${s.name}` : s.name;
}

function bindingName(b: Binding): string {
  return b.kind === 'RoleBinding' ? `RoleBinding/${b.metadata.namespace}/${b.metadata.name}` : `ClusterRoleBinding/${b.metadata.name}`;
}

function roleName(b: Binding): string {
  const ns = b.kind === 'RoleBinding' && b.roleRef.kind === 'Role' ? `${b.metadata.namespace}/` : '';
  return `${b.roleRef.kind}/${ns}${b.roleRef.name}`;
}
