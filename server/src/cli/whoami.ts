// kubeid whoami: who the current kube context is (SelfSubjectReview, as `kubectl auth whoami`), how
// its kubeconfig authenticates (with a warning for long-lived credentials of people), and what it
// may do in the namespace (SelfSubjectRulesReview, as `kubectl auth can-i --list`).
import { parseArgs, str, UsageError } from './args';
import { CLUSTER_FLAGS, connect } from './cluster';
import { identify } from '../cluster/identity';
import { json, outputFormat, type Io } from './common';
import { accessTable, formatTable } from './table';
import { isClusterError } from '../core/cluster/source';

const FLAGS = [
  ...CLUSTER_FLAGS,
  { name: 'output', short: 'o', type: 'string' as const },
  { name: 'namespace', short: 'n', type: 'string' as const },
];

export async function whoami(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const format = outputFormat(a);
  if (a.positionals.length) throw new UsageError(`whoami takes no arguments, got: ${a.positionals.join(' ')}`);
  const src = await connect(a);
  const { auth, context, cluster, user: kubeconfigUser } = src.config;
  const { user, via, warning } = await identify(src);
  const namespace = str(a, 'namespace') || src.config.namespace;
  const rules = await src.rulesReview({ kind: 'self' }, namespace).catch((e: unknown) => {
    if (!isClusterError(e) || e.code === 'unauthorized' || e.code === 'unreachable') throw e;
    io.err(`Warning: what ${user.name} may do in ${namespace} is unknown: ${e.message}\n`);
    return undefined;
  });
  if (format === 'json') {
    json(io, {
      context,
      cluster,
      kubeconfigUser: kubeconfigUser.name,
      user,
      via,
      authentication: auth,
      ...(warning ? { warning } : {}),
      ...(rules ? { rules: { namespace, ...rules } } : {}),
    });
    return 0;
  }
  const rows = [
    ['ATTRIBUTE', 'VALUE'],
    ['Username', user.name],
    ...(user.uid ? [['UID', user.uid]] : []),
    ['Groups', `[${user.groups.join(' ')}]`],
    ...Object.entries(user.extra ?? {}).map(([k, v]) => [`Extra: ${k}`, `[${v.join(' ')}]`]),
  ];
  io.out(formatTable(rows));
  io.out(`\nContext:        ${context} (cluster ${cluster.name}, ${cluster.server})\n`);
  io.out(`Authenticates:  ${auth.description}\n`);
  io.out(`Answered by:    ${via}\n`);
  if (rules) {
    io.out(`\nMay do in namespace ${namespace}${rules.incomplete ? ' (incomplete: not every authorizer can list its rules)' : ''}:\n`);
    io.out(accessTable([...rules.resourceRules, ...rules.nonResourceRules], true));
  }
  if (warning) io.err(`Warning: ${warning}\n`);
  return 0;
}
