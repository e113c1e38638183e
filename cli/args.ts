// Command-line parsing for `lab <verb> <system> [options]`. Every mistake is a one-line UsageError.
import { ParamError, quote } from '../src/sims/params';
import { INPUT_FILE_OPTIONS, type InputFileOption } from '../src/sims/tools';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One line on stderr, whatever the message holds (a stray line break would start a second). */
export function errorLine(e: unknown): string {
  const expected = e instanceof UsageError || e instanceof ParamError;
  const text = expected ? (e as Error).message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return `error: ${text.replace(/[\r\n\u2028\u2029]+/g, ' ')}`;
}

/** Bad input is 2; anything else is a failure (1), its stack printed only with DEBUG set. */
export function exitCodeOf(e: unknown): number {
  return e instanceof UsageError || e instanceof ParamError ? 2 : 1;
}

/** The most items `--count` may ask for. */
export const MAX_COUNT = 1_000_000;

/** The parsed command line; `reference`, `candidate` (INPUT_FILE_OPTIONS) are the paths of the files a tool reads. */
export interface CliArgs extends Partial<Record<InputFileOption, string>> {
  verb: string;
  system: string | undefined;
  preset: string | undefined;
  set: Record<string, string>;
  steps: number | undefined;
  count: number | undefined;
  seed: string | undefined;
  every: number | undefined;
  out: string | undefined;
  state: string | undefined;
  resume: string | undefined;
  weights: string | undefined;
  json: boolean;
  jsonl: boolean;
  help: boolean;
  version: boolean;
  quiet: boolean;
}

const INPUT_FLAGS = new Map(INPUT_FILE_OPTIONS.map((o) => [`--${o}`, o]));
const VALUE_OPTIONS = new Set(['--preset', '--set', '--steps', '--count', '--seed', '--every', '--out', '--state', '--resume', '--weights', ...INPUT_FLAGS.keys()]);
const FLAG_OPTIONS = new Set(['--json', '--jsonl', '--help', '-h', '--version', '--quiet', '-q']);

export function positiveInt(name: string, text: string, max = 1e12): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new UsageError(`${name} must be an integer in [1, ${max}]; got ${quote(text)}`);
  }
  return Number(text);
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    verb: '',
    system: undefined,
    preset: undefined,
    set: Object.create(null) as Record<string, string>, // a key "__proto__" is a key like any other
    steps: undefined,
    count: undefined,
    seed: undefined,
    every: undefined,
    out: undefined,
    state: undefined,
    resume: undefined,
    weights: undefined,
    json: false,
    jsonl: false,
    help: false,
    version: false,
    quiet: false,
  };
  const positional: string[] = [];
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    if (FLAG_OPTIONS.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value; got ${quote(raw.slice(eq + 1))}`);
      if (name === '--json') args.json = true;
      else if (name === '--jsonl') args.jsonl = true;
      else if (name === '--version') args.version = true;
      else if (name === '--quiet' || name === '-q') args.quiet = true;
      else args.help = true;
      continue;
    }
    if (VALUE_OPTIONS.has(name)) {
      const value = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      if (name !== '--set' && given.has(name)) throw new UsageError(`${name} is given twice`);
      given.add(name);
      const input = INPUT_FLAGS.get(name);
      if (input) {
        args[input] = value;
        continue;
      }
      switch (name) {
        case '--set': {
          const at = value.indexOf('=');
          if (at <= 0) throw new UsageError(`--set needs key=value; got ${quote(value)}`);
          const key = value.slice(0, at);
          if (Object.hasOwn(args.set, key)) throw new UsageError(`--set ${quote(key)} is given twice`);
          args.set[key] = value.slice(at + 1);
          break;
        }
        case '--steps':
          args.steps = positiveInt('--steps', value);
          break;
        case '--count':
          args.count = positiveInt('--count', value, MAX_COUNT);
          break;
        case '--every':
          args.every = positiveInt('--every', value);
          break;
        case '--preset':
          args.preset = value;
          break;
        case '--seed':
          args.seed = value;
          break;
        case '--out':
          args.out = value;
          break;
        case '--state':
          if (!/\.(json|safetensors)$/i.test(value)) throw new UsageError(`--state must end in .json or .safetensors; got ${quote(value)}`);
          args.state = value;
          break;
        case '--resume':
          args.resume = value;
          break;
        case '--weights':
          args.weights = value;
          break;
      }
      continue;
    }
    if (raw.startsWith('-')) throw new UsageError(`unknown option ${quote(name)}; see --help`);
    positional.push(raw);
  }
  if (positional.length > 2) throw new UsageError(`unexpected argument ${quote(positional[2])}; see --help`);
  if (args.json && args.jsonl) throw new UsageError('--json and --jsonl both write stdout; give one');
  args.verb = positional[0] ?? '';
  args.system = positional[1];
  return args;
}
