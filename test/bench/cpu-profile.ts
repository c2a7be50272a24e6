// Reads a V8 .cpuprofile (node --cpu-prof) of the kubeid server and says where its time went: the
// inclusive time of the pipeline's stages (by function name; recursion counted once), the self
// time per source module (the esbuild bundle marks each module with a `// path` comment) and the
// functions with the most self time. Used by `lsp-bench.js --cpu-prof`; also runs on its own:
// `node out/test/bench/cpu-profile.js FILE.cpuprofile`.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Server functions whose inclusive time tells the stages apart (see server/src/server.ts and workspace-model.ts). */
export const STAGES: Array<[string, string]> = [
  ['loadFile', 'loadFile: read + parse a workspace file (load)'],
  ['setText', 'model.setText: parse an edited document'],
  ['parseManifestText', 'parseManifestText (load and edits)'],
  ['reparseManifestText', '  reparseManifestText (edits: the changed documents)'],
  ['walkCst', '  of which walkCst (kubeid tree from the CST)'],
  ['analysis', 'model.analysis (cache miss → contextFor)'],
  ['buildWorkspace', '  buildWorkspace'],
  ['policyFromManifests', '    policyFromManifests'],
  ['mergePolicies', '    mergePolicies'],
  ['RbacEvaluator', '    new RbacEvaluator'],
  ['decodedWorkload', '    workloads (decodedWorkload)'],
  ['refresh', 'refresh (analysis + publish + status)'],
  ['publish', '  DiagnosticsPublisher.publish'],
  ['runChecks', '    runChecks'],
  ['checkIncrementally', '    checkIncrementally (the checks, again where an edit matters)'],
  ['settle', '    settle (settings, suppressions, order)'],
  ['toDiagnostic', '    toDiagnostic'],
  ['sendDiagnostics', '    sendDiagnostics (queues the message)'],
  ['status', '  model.status'],
  ['encode', 'JSON-RPC encode (JSON.stringify of what is sent)'],
  ['knownNames', 'knownNames (completion)'],
  ['completions', 'completions'],
  ['(garbage collector)', '(garbage collector)'],
  ['(idle)', '(idle)'],
];

export function summarizeCpuProfile(path: string, top = 15): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<number, number>();
  const incl = (id: number): number => {
    const known = inclusive.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    const v = (self.get(id) ?? 0) + (n.children ?? []).reduce((a, c) => a + incl(c), 0);
    inclusive.set(id, v);
    return v;
  };
  const root = p.nodes.find((n) => !parent.has(n.id))!;
  incl(root.id);
  const hasAncestorNamed = (id: number, name: string): boolean => {
    for (let a = parent.get(id); a !== undefined; a = parent.get(a)) if (byId.get(a)!.callFrame.functionName === name) return true;
    return false;
  };
  const totalUs = p.endTime - p.startTime;
  const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)} %`;
  const msOf = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const lines = [`profile: ${(totalUs / 1e6).toFixed(1)} s wall, sampled`, '', 'inclusive time by stage:'];
  for (const [fn, label] of STAGES) {
    let us = 0;
    for (const n of p.nodes) if (n.callFrame.functionName === fn && !hasAncestorNamed(n.id, fn)) us += inclusive.get(n.id) ?? 0;
    if (us > 0) lines.push(`  ${label.padEnd(48)} ${msOf(us)} ${pct(us)}`);
  }
  const modules = bundleModules(p.nodes);
  const byModule = new Map<string, number>();
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    if (us === 0) continue;
    const m = moduleOf(modules, n.callFrame) ?? (n.callFrame.url ? basename(n.callFrame.url) : n.callFrame.functionName || '(native)');
    byModule.set(m, (byModule.get(m) ?? 0) + us);
  }
  lines.push('', `top ${top} source modules by self time:`);
  for (const [m, us] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${m.padEnd(60)} ${msOf(us)} ${pct(us)}`);
  const selfBy = new Map<string, number>();
  for (const n of p.nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = moduleOf(modules, n.callFrame) ?? (url ? basename(url) : '');
    const key = `${functionName || '(anonymous)'} ${where ? `${where} (${basename(url)}:${lineNumber + 1})` : ''}`.trim();
    selfBy.set(key, (selfBy.get(key) ?? 0) + (self.get(n.id) ?? 0));
  }
  lines.push('', `top ${top} functions by self time:`);
  for (const [key, us] of [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${key.padEnd(80)} ${msOf(us)} ${pct(us)}`);
  return lines.join('\n');
}

/** Per bundle file, the first line of each module (esbuild writes `// path/to/module.ts` before it). */
function bundleModules(nodes: readonly ProfileNode[]): Map<string, Array<[number, string]>> {
  const out = new Map<string, Array<[number, string]>>();
  for (const url of new Set(nodes.map((n) => n.callFrame.url))) {
    if (!url.startsWith('file:') || !url.endsWith('.js')) continue;
    try {
      const starts: Array<[number, string]> = [];
      readFileSync(fileURLToPath(url), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const m = /^\/\/ ((?:node_modules|server|client|webview)\/\S+)$/.exec(line);
          if (m) starts.push([i, m[1]]);
        });
      if (starts.length) out.set(url, starts);
    } catch {
      // not readable: functions of that file are named by file
    }
  }
  return out;
}

function moduleOf(modules: Map<string, Array<[number, string]>>, frame: ProfileNode['callFrame']): string | undefined {
  const starts = modules.get(frame.url);
  if (!starts) return undefined;
  let lo = 0;
  let hi = starts.length - 1;
  if (frame.lineNumber < starts[0][0]) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid][0] <= frame.lineNumber) lo = mid;
    else hi = mid - 1;
  }
  return starts[lo][1];
}

if (require.main === module) console.log(summarizeCpuProfile(process.argv[2]));
