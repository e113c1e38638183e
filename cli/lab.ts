// Particle Lab headless CLI on Dawn: `npm run --silent lab -- <verb> <system> [options]`.
import { describeRange } from '../src/sims/params';
import { listSystems } from '../src/sims/registry';
import '../src/sims/index';
import { errorLine, exitCodeOf, parseArgs } from './args';
import { makePlan } from './plan';
import { runVerb } from './run';
import { withGpu } from './session';
import { VERBS_EXTRA } from './verbs';

const HELP = `Particle Lab CLI — runs the lab's WebGPU kernels headless (Dawn; SwiftShader when there is no GPU).

usage: npm run --silent lab -- <verb> <system> [options]

verbs:
  run <system>          step a system and report its final metrics
  bench <system>        throughput as JSON (mips, tokens, score)
  convergence tokens    error vs step size for lie/strang x euler/rk4, with fitted orders
  train mips            train the score network headless (writes --out weights.bin)
  list                  systems, presets and parameters with ranges and units

options:
  --preset NAME         start from a preset (default: the system's default preset)
  --set key=value       override a parameter (repeatable); ranges are checked, never clamped
  --seed S              shorthand for --set seed=S
  --steps N             steps to run (run: default 1000)
  --every K             sample metrics every K steps (default: steps/100)
  --out FILE.csv|.json  write the metric time series
  --state FILE.json     write the final state (importable in the lab and with --resume)
  --resume FILE.json    start from a saved state: its params, with any --set applied on top
                        (validated; each applied override is noted on stderr)
  --weights FILE        score-network weights for mips (run: learned EPR; train: continue)
  --set score.KEY=V     score-network settings, train and bench score only (neighbors, width,
                        depth, heads, sigma, lr, batch, simStepsPerChunk, trainStepsPerChunk,
                        emaDecay, seed, forceInput; train also warmup = sim steps before training)
  --json                print one JSON object on stdout and nothing else
  --help                this text

Everything (options, params, input files, output paths) is checked before the run starts; an
option a verb does not use is refused. --out and --state must name two different writable files.

exit codes: 0 ok, 1 failure (an output that could not be written is named; the others are kept),
            2 bad arguments or input file, 3 the state or a metric went non-finite (NaN/Inf;
            outputs are still written), 4 the GPU reported an error (results unreliable)

examples:
  npm run --silent lab -- run mips --preset abp-mips --steps 2000 --json
  npm run --silent lab -- bench mips --set n=65536 --set force=wca --set phi=0.5 --json
  npm run --silent lab -- convergence tokens --json
  npm run --silent lab -- train mips --preset boffi-mips --steps 2000 --out weights.bin
  npm run --silent lab -- run mips --preset boffi-mips --weights public/weights/boffi-mips.bin --steps 100 --json
  npm run --silent lab -- bench score --json`;

function listText(): string {
  const lines: string[] = [];
  for (const def of listSystems()) {
    lines.push(`${def.id} — ${def.title}`);
    lines.push(`  presets: ${def.presets.map((p) => p.name).join(', ')} (default ${def.defaultPreset})`);
    for (const s of def.schema.specs) lines.push(`  ${s.name.padEnd(14)} ${describeRange(s).padEnd(40)} ${s.description}`);
  }
  return lines.join('\n');
}

/** Exit code and output of a run; everything is checked (makePlan) before the GPU is set up. */
async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help || args.verb === '') {
    console.log(HELP);
    return args.help ? 0 : 2;
  }
  if (args.verb === 'list') {
    console.log(listText());
    return 0;
  }
  const plan = makePlan(args);
  for (const note of plan.notes) console.error(`note: ${note}`);
  return withGpu(async (ctx, keep) => {
    if (plan.bench) return (await plan.bench.load())(ctx, plan, keep);
    if (plan.args.verb === 'run') return runVerb(ctx, plan, keep);
    return VERBS_EXTRA[plan.args.verb]!(ctx, plan, keep);
  });
}

// exitCode, not process.exit: the process ends once the torn-down device has let go (see session.ts).
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(errorLine(e));
    if (process.env.DEBUG && e instanceof Error && e.stack) console.error(e.stack);
    process.exitCode = exitCodeOf(e);
  },
);
