// A small kubectl-style flag parser: --flag value, --flag=value, -n value, -nvalue, repeatable
// flags, booleans, and "--" to end flags. Unknown flags are errors.
export interface FlagSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean' | 'list';
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | boolean | string[]>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const out: ParsedArgs = { positionals: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) inline = arg.slice(eq + 1);
      spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
    } else if (arg.startsWith('-') && arg.length > 1 && arg !== '-') {
      spec = byShort.get(arg[1]);
      if (!spec) throw new UsageError(`unknown shorthand flag: '${arg[1]}' in ${arg}`);
      if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
    } else {
      out.positionals.push(arg);
      continue;
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') {
        throw new UsageError(`invalid argument "${inline}" for --${spec.name}: must be true or false`);
      }
      out.flags.set(spec.name, inline !== 'false');
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: --${spec.name}`);
      value = argv[++i];
    }
    if (spec.type === 'list') {
      const list = (out.flags.get(spec.name) as string[] | undefined) ?? [];
      list.push(value);
      out.flags.set(spec.name, list);
    } else {
      out.flags.set(spec.name, value);
    }
  }
  return out;
}

export function str(a: ParsedArgs, name: string): string | undefined {
  const v = a.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function bool(a: ParsedArgs, name: string): boolean {
  return a.flags.get(name) === true;
}

export function list(a: ParsedArgs, name: string): string[] {
  const v = a.flags.get(name);
  return Array.isArray(v) ? v : [];
}
