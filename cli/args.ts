// Command-line parsing for `lab <verb> <system> [options]`. Every mistake is a one-line UsageError.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliArgs {
  verb: string;
  system: string | undefined;
  preset: string | undefined;
  set: Record<string, string>;
  steps: number | undefined;
  seed: string | undefined;
  every: number | undefined;
  out: string | undefined;
  state: string | undefined;
  resume: string | undefined;
  weights: string | undefined;
  json: boolean;
  help: boolean;
}

const VALUE_OPTIONS = new Set(['--preset', '--set', '--steps', '--seed', '--every', '--out', '--state', '--resume', '--weights']);
const FLAG_OPTIONS = new Set(['--json', '--help', '-h']);

function positiveInt(name: string, text: string, max = 1e12): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new UsageError(`${name} must be an integer in [1, ${max}]; got "${text}"`);
  }
  return Number(text);
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    verb: '',
    system: undefined,
    preset: undefined,
    set: {},
    steps: undefined,
    seed: undefined,
    every: undefined,
    out: undefined,
    state: undefined,
    resume: undefined,
    weights: undefined,
    json: false,
    help: false,
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    if (FLAG_OPTIONS.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      if (name === '--json') args.json = true;
      else args.help = true;
      continue;
    }
    if (VALUE_OPTIONS.has(name)) {
      const value = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      switch (name) {
        case '--set': {
          const at = value.indexOf('=');
          if (at <= 0) throw new UsageError(`--set needs key=value; got "${value}"`);
          args.set[value.slice(0, at)] = value.slice(at + 1);
          break;
        }
        case '--steps':
          args.steps = positiveInt('--steps', value);
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
          if (!/\.(csv|json|bin)$/i.test(value)) throw new UsageError(`--out must end in .csv or .json (.bin: train); got "${value}"`);
          args.out = value;
          break;
        case '--state':
          if (!/\.json$/i.test(value)) throw new UsageError(`--state must end in .json; got "${value}"`);
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
    if (raw.startsWith('-')) throw new UsageError(`unknown option ${name}; see --help`);
    positional.push(raw);
  }
  if (positional.length > 2) throw new UsageError(`unexpected argument "${positional[2]}"; see --help`);
  args.verb = positional[0] ?? '';
  args.system = positional[1];
  if (args.out && /\.bin$/i.test(args.out) && args.verb !== 'train') throw new UsageError(`--out must end in .csv or .json; got "${args.out}"`);
  return args;
}
