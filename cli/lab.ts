// Particle Lab headless CLI on Dawn: `npm run --silent lab -- <verb> <system> [options]`.
import { collectGpuErrors, type GpuContext } from '../src/gpu/context';
import { createNodeContext } from '../src/gpu/node';
import { ParamError, type Params } from '../src/sims/params';
import { resolveParams } from '../src/sims/config';
import { getSystem, listSystems } from '../src/sims/registry';
import type { SimDefinition } from '../src/sims/types';
import '../src/sims/index';
import { parseArgs, UsageError, type CliArgs } from './args';
import { finalMetrics, runSystem } from './run';
import { benchTarget, VERBS_EXTRA, type BenchTarget } from './verbs';

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
  --resume FILE.json    start from a saved state
  --weights FILE        score-network weights for mips (run: learned EPR; train: continue)
  --set score.KEY=V     score-network settings for train (neighbors, width, depth, heads,
                        sigma, lr, batch, simStepsPerChunk, trainStepsPerChunk, emaDecay,
                        seed, warmup = sim steps before training)
  --json                print one JSON object on stdout and nothing else
  --help                this text

exit codes: 0 ok, 1 failure, 2 bad arguments, 3 the state went non-finite (NaN/Inf),
            4 the GPU reported an error (dropped commands: results unreliable)

examples:
  npm run --silent lab -- run mips --preset abp-mips --steps 2000 --json
  npm run --silent lab -- bench mips --set n=65536 --set force=wca --set phi=0.5 --json
  npm run --silent lab -- convergence tokens --json
  npm run --silent lab -- train mips --preset boffi-mips --steps 2000 --out weights.bin
  npm run --silent lab -- run mips --preset boffi-mips --weights public/weights/boffi-mips.bin --steps 100 --json
  npm run --silent lab -- bench score --json`;

function resolve(args: CliArgs) {
  if (!args.system) throw new UsageError(`${args.verb} needs a system: ${listSystems().map((s) => s.id).join('|')}`);
  const def = getSystem(args.system);
  // score.* keys configure the score network (cli/train.ts), not the system.
  const overrides = Object.fromEntries(Object.entries(args.set).filter(([k]) => !k.startsWith('score.')));
  if (args.seed !== undefined) overrides.seed = args.seed;
  // A convergence study starts from the system's `convergence` preset when it has one (smooth, float32-safe).
  const preset = args.preset ?? (args.verb === 'convergence' && def.presets.some((p) => p.name === 'convergence') ? 'convergence' : undefined);
  return { def, params: resolveParams(def, preset, overrides) };
}

function listText(): string {
  const lines: string[] = [];
  for (const def of listSystems()) {
    lines.push(`${def.id} — ${def.title}`);
    lines.push(`  presets: ${def.presets.map((p) => p.name).join(', ')} (default ${def.defaultPreset})`);
    for (const s of def.schema.specs) {
      const range = s.kind === 'number' ? `[${s.min}, ${s.max}] ${s.unit}` : s.kind === 'enum' ? s.options.join('|') : s.kind;
      lines.push(`  ${s.name.padEnd(14)} ${range.padEnd(28)} ${s.description}`);
    }
  }
  return lines.join('\n');
}

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
  if (args.verb !== 'run' && args.verb !== 'bench' && !(args.verb in VERBS_EXTRA)) {
    throw new UsageError(`unknown verb "${args.verb}"; use run|bench|convergence|train|list`);
  }
  const bench = args.verb === 'bench' ? benchTarget(args.system) : undefined;
  if (bench) {
    args.system = bench.system;
    args.preset ??= bench.preset;
  }
  const { def, params } = resolve(args);
  const ctx = await createNodeContext();
  console.error(`adapter: ${ctx.adapterName}${ctx.software ? ' (software)' : ''}`);
  const gpuErrors = collectGpuErrors(ctx.device);
  const code = await runVerb(ctx, args, def, params, bench);
  await ctx.device.queue.onSubmittedWorkDone();
  if (gpuErrors.messages.length > 0) {
    console.error(`error: the GPU reported ${gpuErrors.messages.length} error(s), so commands were dropped and the results are unreliable. First: ${gpuErrors.messages[0]}`);
    return 4;
  }
  return code;
}

async function runVerb(ctx: GpuContext, args: CliArgs, def: SimDefinition, params: Params, bench: BenchTarget | undefined): Promise<number> {
  if (bench) return (await bench.load())(ctx, def, params, args);
  if (args.verb !== 'run') return VERBS_EXTRA[args.verb]!(ctx, def, params, args);

  const prepare = args.weights ? (await import('./train')).weightsHook(def, args.weights) : undefined;
  const { final, sim } = await runSystem(ctx, def, params, args, prepare);
  const report = { system: def.id, preset: args.preset ?? def.defaultPreset, step: final.step, time: final.time, adapter: ctx.adapterName, ...finalMetrics(final) };
  if (args.json) console.log(JSON.stringify(report));
  else {
    console.log(`${def.id}: ${final.step} steps, t = ${final.time}`);
    for (const [k, v] of Object.entries(final.scalars)) console.log(`  ${k.padEnd(24)} ${v}`);
  }
  sim.dispose();
  if (final.problem) {
    console.error(`error: ${final.problem} (stopped at step ${final.step}; metrics and state were written)`);
    return 3;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof ParamError) console.error(`error: ${e.message}`);
    else console.error(`error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(e instanceof UsageError || e instanceof ParamError ? 2 : 1);
  },
);
