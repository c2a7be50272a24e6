// kubeid CLI: `kubeid can-i`, `kubeid who-can`, in kubectl's grammar; `kubeid whoami`,
// `kubeid access-matrix` (live cluster); `kubeid lint`; `kubeid lsp`.
// Exit codes: 0 yes / done, 1 no / findings, 2 bad input.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { accessMatrix } from './access-matrix';
import { parseArgs, UsageError } from './args';
import { canI } from './can-i';
import { auditCommand } from './audit';
import { InputError, type Io } from './common';
import { graph } from './graph';
import { lint } from './lint';
import { snapshotCommand } from './snapshot';
import { whoami } from './whoami';
import { whoCan } from './who-can';
import { ClusterError } from '../core/cluster/source';
import { QueryError } from '../core/request';

const VERSION = '0.1.0';

const HELP = `kubeid: Kubernetes RBAC, evaluated exactly as the kube-apiserver does.

Commands:
  kubeid can-i VERB TYPE[/NAME] --as USER [--as-group G]... --from PATH... [-n NS] [--subresource SUB] [-o json]
  kubeid can-i VERB /NON-RESOURCE-URL --as USER --from PATH...
  kubeid can-i --list --as USER --from PATH... [-n NS] [-o json] [--no-headers]
  kubeid who-can VERB TYPE[/NAME] --from PATH... [-n NS | -A] [--subresource SUB] [-o json] [--no-headers]
  kubeid can-i VERB TYPE[/NAME] [--as USER [--as-group G]... [--use-sar]] [-n NS]      (no --from: asks the current kube context)
  kubeid can-i --list [--as USER] [-n NS]
  kubeid who-can VERB TYPE[/NAME] [-n NS | -A]                                        (the cluster's RBAC objects)
  kubeid whoami [-n NS] [-o json]
  kubeid access-matrix [--as USER [--as-group G]... [--use-sar]] [-n NS] [--compare] [--diff-as USER [--diff-as-group G]...] [--verb V]... [-o json]
  kubeid lint PATH... [-o text|json|sarif] [--fail-on error|warning|never] [--severity ID=LEVEL]... [--no-defaults]
  kubeid graph PATH... -o graph.html|graph.json [--no-defaults]
  kubeid graph -o graph.html|graph.json                                                 (no PATH: the current kube context)
  kubeid audit --from PATH... [-o md|html|json|sarif] [--baseline FILE] [--fail-on error|warning|never] [--hops N] [--who-can-become cluster-admin]
  kubeid audit [-o md|html|json|sarif] [--baseline FILE] ...                          (no --from: the current kube context's objects)
  kubeid snapshot --from PATH... -o FILE
  kubeid snapshot -o FILE                                                             (the current kube context's objects)
  kubeid lsp --stdio
  kubeid version

Common flags:
  --from PATH        manifests to read: a file, a folder (recursing into .yaml/.yml/.json) or - for stdin; repeatable
  --no-defaults      leave out the default cluster policy (the ClusterRoles and bindings every cluster starts with)
  -n, --namespace    namespace of the request (default "default")
  -o, --output       json for the decision, the reason and where it comes from

Cluster flags (without --from):
  --kubeconfig FILE  this kubeconfig only (default: $KUBECONFIG's files merged, else ~/.kube/config)
  --context NAME     this context instead of the current one; -n defaults to the context's namespace
  --request-timeout  seconds per request (default 30s)
  --use-sar          ask with a SubjectAccessReview instead of impersonating (needs create on subjectaccessreviews)
  --compare          access-matrix: also kubeid's evaluation of the cluster's RBAC objects, with the cause of each difference
  --diff-as USER     access-matrix: also the matrix of a second identity (--diff-as-group), and the cells where they differ
  --concurrency N, --qps N  access-matrix: reviews in flight (default 32) and started per second (default 300)

Lint flags:
  PATH               a file, a folder (recursing into .yaml/.yml/.json) or - for stdin
  -o, --output       text (file:line:col, the default), json, or sarif (SARIF 2.1.0 for code scanning)
  --fail-on LEVEL    exit 1 when a finding is an error (default), a warning or worse, or never
  --severity ID=LVL  error, warning, information, hint or off for one check; repeatable

Audit flags:
  -o, --output       md (the default), html (one self-contained page), json, or sarif
  --baseline FILE    a kubeid snapshot: report the effective permissions each subject gained and lost since
  --fail-on LEVEL    exit 1 when a finding on what you own is an error (default), a warning or worse, or never
  --hops N           longest escalation path searched (default 3)
  --who-can-become cluster-admin   only list who holds, or can reach, every permission
  --namespaces-complete            the Namespace objects given are all the cluster has: flag bindings in others
`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'can-i':
        return await canI(rest, io);
      case 'who-can':
        return await whoCan(rest, io);
      case 'whoami':
        return await whoami(rest, io);
      case 'access-matrix':
        return await accessMatrix(rest, io);
      case 'lint':
        return await lint(rest, io, VERSION);
      case 'graph':
        return await graph(rest, io);
      case 'audit':
        return await auditCommand(rest, io, VERSION);
      case 'snapshot':
        return await snapshotCommand(rest, io);
      case 'lsp':
        return lsp(rest);
      case 'version':
      case '--version':
        io.out(`kubeid ${VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}" for "kubeid" (run kubeid --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError || e instanceof QueryError || e instanceof ClusterError) {
      io.err(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * Starts the language server in this process: the bundle next to this one (dist/server.js), the
 * very code the VS Code extension runs. It reads --stdio from process.argv and exits on `exit`.
 */
function lsp(argv: string[]): number {
  const a = parseArgs(argv, [
    { name: 'stdio', type: 'boolean' },
    { name: 'clientProcessId', type: 'string' },
  ]);
  if (!argv.includes('--stdio')) throw new UsageError('kubeid lsp needs --stdio: the language server speaks JSON-RPC on stdin and stdout');
  if (a.positionals.length) throw new UsageError(`kubeid lsp takes no arguments, got: ${a.positionals.join(' ')}`);
  const server = join(__dirname, 'server.js');
  if (!existsSync(server)) throw new InputError(`cannot start the language server: ${server} not found (kubeid lsp runs from dist/)`);
  createRequire(__filename)(server);
  return 0; // the process lives on, serving, until the client sends exit or closes stdin
}

if (require.main === module) {
  const io: Io = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
  main(process.argv.slice(2), io).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`error: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
