// Child process of the language-server benchmark (lsp-bench.ts): the floor any YAML tool pays.
// Reads every .yaml/.yml file under a folder and parses it with the `yaml` package's
// parseAllDocuments, nothing more, in a fresh process (as cold as a server that just started),
// then parses the same texts once more (warm). Prints one line of JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface BareParseResult {
  files: number;
  bytes: number;
  documents: number;
  errors: number;
  readMs: number;
  /** First parse in this process. */
  parseMs: number;
  /** CPU time (user + system, all threads) of reading and the first parse. */
  cpuMs: number;
  /** The same texts parsed again. */
  warmParseMs: number;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

function parseAll(texts: readonly string[]): { documents: number; errors: number; ms: number } {
  const t = performance.now();
  let documents = 0;
  let errors = 0;
  for (const text of texts) {
    for (const d of parseAllDocuments(text)) {
      documents++;
      errors += d.errors.length;
    }
  }
  return { documents, errors, ms: performance.now() - t };
}

function main(dir: string): void {
  const cpu = process.cpuUsage();
  let t = performance.now();
  const texts = yamlFiles(dir).map((f) => readFileSync(f, 'utf8'));
  const readMs = performance.now() - t;
  const cold = parseAll(texts);
  const used = process.cpuUsage(cpu);
  t = performance.now();
  const warm = parseAll(texts);
  const result: BareParseResult = {
    files: texts.length,
    bytes: texts.reduce((n, s) => n + Buffer.byteLength(s), 0),
    documents: cold.documents,
    errors: cold.errors,
    readMs,
    parseMs: cold.ms,
    cpuMs: (used.user + used.system) / 1000,
    warmParseMs: warm.ms,
  };
  console.log(JSON.stringify(result));
}

if (require.main === module) main(process.argv[2]);
