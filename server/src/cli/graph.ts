// kubeid graph: the access graph of manifests, or with no PATH of the current kube context's RBAC
// objects, as a self-contained HTML page (the extension's graph view, bundle and data inlined) or
// as JSON, for reports and code review.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { bool, parseArgs, str, UsageError, type ParsedArgs } from './args';
import { CLUSTER_FLAGS, clusterCatalogue, connect, readCluster } from './cluster';
import { InputError, readWorkspace, type Io } from './common';
import { missingRbac, RBAC_KINDS, snapshotPolicy } from '../core/cluster/snapshot';
import { clusterGraph, workspaceGraph } from '../core/graph/build';
import { encodeGraph } from '../core/graph/compact';
import { graphPage } from '../core/graph/page';
import type { GraphData } from '../core/graph/protocol';

const FLAGS = [
  ...CLUSTER_FLAGS,
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
  const format = out === undefined ? undefined : extname(out).toLowerCase();
  if (format !== '.html' && format !== '.json')
    throw new UsageError('-o FILE is required and must end in .html or .json (e.g. -o graph.html)');
  const live = a.positionals.length === 0;
  if (live && bool(a, 'no-defaults'))
    throw new UsageError('--no-defaults applies to manifests: the graph of the current kube context shows its objects as they are');
  if (!live && CLUSTER_FLAGS.some((f) => str(a, f.name) !== undefined))
    throw new UsageError('--kubeconfig, --context and --request-timeout read the current kube context: give no PATH with them');
  const data = live ? await clusterData(a, io) : await manifestsData(a, io);
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

async function manifestsData(a: ParsedArgs, io: Io): Promise<GraphData> {
  const ws = await readWorkspace(a, io, a.positionals);
  if (!bool(a, 'no-defaults') && ws.objects.length === 0)
    io.err('Warning: no RBAC objects found in the manifests: the graph shows the default policy only\n');
  return workspaceGraph(ws, a.positionals.join(' '));
}

/** The RBAC objects of the current kube context, read now, with progress on stderr; a partial snapshot is stated in the graph. */
async function clusterData(a: ParsedArgs, io: Io): Promise<GraphData> {
  const src = await connect(a);
  const sp = snapshotPolicy(await readCluster(src, io, RBAC_KINDS));
  const incomplete = missingRbac(sp.missing);
  if (incomplete) io.err(`Warning: ${src.redact(incomplete)}\n`);
  const { context, namespace } = src.config;
  const data = clusterGraph(sp, { context, namespace, catalogue: await clusterCatalogue(src, io) });
  if (data.sources?.incomplete) data.sources.incomplete = src.redact(data.sources.incomplete);
  return data;
}
