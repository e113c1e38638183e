// `lab sweep <plan|run|point|status> …`: its own small command line (the options differ from the
// other verbs'), every mistake one UsageError line.
import { quote } from '../../src/quote';
import { positiveInt, UsageError } from '../args';
import { planSweep } from './plan';
import { pointIndices, runPoints } from './point';
import { runPool } from './pool';
import { readManifest } from './layout';
import { sweepStatus } from './status';
import { collectSweep } from './collect';
import { slurmSweep } from './slurm';
import { DEFAULT_QUEUE, enqueueSweep, runWorker } from './queue';

export const SWEEP_HELP = `lab sweep: parameter sweeps, planned once, run anywhere (results in DIR/runs/<id>/)

  lab sweep plan <system> [--preset P] [--set key=v]… --grid key=a:b:step|key=v1,v2 … [--seeds 1..3|1,2,5]
                 --steps N [--every K] --out DIR
      writes DIR/manifest.jsonl, one fully resolved point per line; every value is checked now.
      Derived axes (mips: Pe = v0/(ℓ Dr), set through Dr) are swept like params.
  lab sweep run DIR [--jobs J]       the points without a result, on J local worker processes (default 1)
  lab sweep point DIR INDEX…         those points, in this process (what each worker and cluster task runs)
  lab sweep status DIR [--json]      done, failed, running, interrupted, missing; the failures' errors
  lab sweep slurm DIR [--submit] [--partition P] [--gpus-per-task G (default 1; 0: CPU)] [--time T]
                 [--points-per-task K] [--max-running C]
                                     DIR/sweep.sbatch, a job array whose tasks run lab sweep point; --submit calls sbatch
  lab sweep enqueue DIR --redis URL [--queue Q]
                                     a BullMQ job per point without a result (queue default particle-lab)
  lab worker --redis URL [--queue Q] [--exit-when-idle]
                                     runs queued points on one GPU device until stopped (or the queue is empty);
                                     a crashed worker's point is retried (3 attempts), bad input is not
  lab sweep collect DIR              DIR/runs.parquet (a row per point: params, derived axes, final metrics)
                                     and DIR/samples.parquet (a row per sample), through DuckDB

--adapter NAME (any subcommand that runs points) picks the GPU whose adapter name contains NAME; the
pool's workers and the Slurm script get it too.

A point writes point.json, metrics.jsonl (as samples are taken) and result.json; re-running skips
points that have result.json. SIGTERM/SIGINT writes a checkpoint and exits 143/130; the next run
resumes it, bit-identical to an uninterrupted one.`;

const SUBCOMMANDS = ['plan', 'run', 'point', 'status', 'collect', 'slurm', 'enqueue', 'worker'] as const;
const VALUE_OPTIONS: Record<(typeof SUBCOMMANDS)[number], readonly string[]> = {
  plan: ['--preset', '--set', '--grid', '--seeds', '--steps', '--every', '--out'],
  run: ['--jobs'],
  point: [],
  status: [],
  collect: [],
  slurm: ['--partition', '--gpus-per-task', '--time', '--points-per-task', '--max-running'],
  enqueue: ['--redis', '--queue'],
  worker: ['--redis', '--queue'],
};
const REPEATABLE = new Set(['--set', '--grid']);

interface SweepArgs {
  positional: string[];
  values: Map<string, string[]>;
  json: boolean;
  submit: boolean;
  exitWhenIdle: boolean;
}

function parse(sub: (typeof SUBCOMMANDS)[number], argv: readonly string[]): SweepArgs {
  const out: SweepArgs = { positional: [], values: new Map(), json: false, submit: false, exitWhenIdle: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    if (!raw.startsWith('--')) {
      out.positional.push(raw);
      continue;
    }
    const eq = raw.indexOf('=');
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    if (name === '--json' && sub === 'status') {
      out.json = true;
      continue;
    }
    if (name === '--submit' && sub === 'slurm') {
      out.submit = true;
      continue;
    }
    if (name === '--exit-when-idle' && sub === 'worker') {
      out.exitWhenIdle = true;
      continue;
    }
    if (!VALUE_OPTIONS[sub].includes(name)) throw new UsageError(`${name} does not apply to sweep ${sub}; see lab sweep --help`);
    const value = eq > 0 ? raw.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    const list = out.values.get(name) ?? [];
    if (list.length > 0 && !REPEATABLE.has(name)) throw new UsageError(`${name} is given twice`);
    out.values.set(name, [...list, value]);
  }
  return out;
}

function setPairs(texts: readonly string[]): Record<string, string> {
  const set: Record<string, string> = Object.create(null);
  for (const t of texts) {
    const at = t.indexOf('=');
    if (at <= 0) throw new UsageError(`--set needs key=value; got ${quote(t)}`);
    set[t.slice(0, at)] = t.slice(at + 1);
  }
  return set;
}

function oneFolder(args: SweepArgs, sub: string): string {
  if (args.positional.length !== 1) throw new UsageError(`sweep ${sub} needs one sweep folder (DIR); got ${args.positional.length} arguments`);
  return args.positional[0]!;
}

export async function sweepMain(argv: readonly string[]): Promise<number> {
  const sub = argv[0];
  if (sub === undefined || sub === '--help' || sub === '-h' || argv.includes('--help')) {
    console.log(SWEEP_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`unknown sweep command ${quote(sub)}; use ${SUBCOMMANDS.join('|')}`);
  const s = sub as (typeof SUBCOMMANDS)[number];
  const args = parse(s, argv.slice(1));
  const one = (name: string) => args.values.get(name)?.[0];
  switch (s) {
    case 'plan': {
      if (args.positional.length !== 1) throw new UsageError(`sweep plan needs one system; got ${args.positional.length} arguments`);
      const grid = args.values.get('--grid') ?? [];
      if (grid.length === 0) throw new UsageError('sweep plan needs at least one --grid key=a:b:step or key=v1,v2');
      const steps = one('--steps');
      const out = one('--out');
      if (!steps) throw new UsageError('sweep plan needs --steps N');
      if (!out) throw new UsageError('sweep plan needs --out DIR');
      const every = one('--every');
      const points = planSweep({
        system: args.positional[0]!, preset: one('--preset'), set: setPairs(args.values.get('--set') ?? []), grid, seeds: one('--seeds'),
        steps: positiveInt('--steps', steps), every: every === undefined ? undefined : positiveInt('--every', every), out,
      });
      console.log(`planned ${points.length} points in ${out}/manifest.jsonl`);
      return 0;
    }
    case 'run': {
      const jobs = one('--jobs');
      return runPool(oneFolder(args, 'run'), jobs === undefined ? 1 : positiveInt('--jobs', jobs, 256));
    }
    case 'point': {
      const [dir, ...rest] = args.positional;
      if (!dir) throw new UsageError('sweep point needs DIR and point indices');
      return runPoints(dir, pointIndices(readManifest(dir), rest));
    }
    case 'status':
      return sweepStatus(oneFolder(args, 'status'), args.json);
    case 'collect':
      return collectSweep(oneFolder(args, 'collect'));
    case 'enqueue':
    case 'worker': {
      const redis = one('--redis');
      if (!redis) throw new UsageError(`${s === 'worker' ? 'lab worker' : 'sweep enqueue'} needs --redis redis://HOST:PORT`);
      const queue = one('--queue') ?? DEFAULT_QUEUE;
      if (s === 'enqueue') return enqueueSweep(oneFolder(args, 'enqueue'), redis, queue);
      if (args.positional.length > 0) throw new UsageError(`lab worker takes no arguments besides its options; got ${quote(args.positional[0]!)}`);
      return runWorker({ redis, queue, exitWhenIdle: args.exitWhenIdle });
    }
    case 'slurm': {
      const int = (name: string, fallback: number | undefined, min = 1) => {
        const v = one(name);
        if (v === undefined) return fallback;
        if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > 100_000) throw new UsageError(`${name} must be an integer in [${min}, 100000]; got ${quote(v)}`);
        return Number(v);
      };
      return slurmSweep(oneFolder(args, 'slurm'), {
        submit: args.submit, partition: one('--partition'), time: one('--time'),
        gpusPerTask: int('--gpus-per-task', 1, 0)!, pointsPerTask: int('--points-per-task', 1)!, maxRunning: int('--max-running', undefined),
      });
    }
  }
}
