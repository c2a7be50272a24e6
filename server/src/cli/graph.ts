// kubeid graph: the access graph of manifests as a self-contained HTML page (the extension's graph
// view, bundle and data inlined) or as JSON, for reports and code review.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { bool, parseArgs, str, UsageError } from './args';
import { InputError, readWorkspace, type Io } from './common';
import { workspaceGraph } from '../core/graph/build';
import { encodeGraph } from '../core/graph/compact';
import { graphPage } from '../core/graph/page';

const FLAGS = [
  { name: 'output', short: 'o', type: 'string' as const },
  { name: 'no-defaults', type: 'boolean' as const },
];

/** The webview bundle sits next to the CLI bundle (dist/cli.js, dist/webview.js). */
export function webviewBundle(dir = __dirname): string {
  const path = join(dir, 'webview.js');
  if (!existsSync(path))
    throw new InputError(`cannot write the HTML page: the webview bundle ${path} is missing (kubeid graph runs from dist/)`);
  // The source map stays behind: the page is self-contained.
  return readFileSync(path, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
}

export async function graph(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, FLAGS);
  const out = str(a, 'output');
  if (a.positionals.length === 0) {
    throw new UsageError('kubeid graph needs at least one PATH: reading the current kube context is not available yet');
  }
  const format = out === undefined ? undefined : extname(out).toLowerCase();
  if (format !== '.html' && format !== '.json')
    throw new UsageError('-o FILE is required and must end in .html or .json (e.g. -o graph.html)');
  const ws = await readWorkspace(a, io, a.positionals);
  const data = workspaceGraph(ws, a.positionals.join(' '));
  if (!bool(a, 'no-defaults') && ws.objects.length === 0)
    io.err('Warning: no RBAC objects found in the manifests: the graph shows the default policy only\n');
  const text =
    format === '.json'
      ? `${JSON.stringify(data, null, 2)}\n`
      : graphPage({
          nonce: randomBytes(18).toString('base64'),
          title: `kubeid access graph: ${data.source}`,
          script: { inline: webviewBundle() },
          dataJson: JSON.stringify(encodeGraph(data)),
        });
  try {
    writeFileSync(out!, text);
  } catch (e) {
    throw new InputError(`cannot write ${out}: ${(e as Error).message}`);
  }
  io.err(`wrote ${out}: ${data.nodes.length} nodes, ${data.edges.length} edges\n`);
  return 0;
}
