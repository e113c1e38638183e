// `lab train mips`: online score-network training, headless. `lab run mips --weights FILE`:
// attaches trained weights so samples report eprLearned next to eprScoreFree.
// Score settings come as `--set score.KEY=VALUE` (neighbors, width, depth, heads, sigma, lr,
// batch, simStepsPerChunk, trainStepsPerChunk, emaDecay, seed, warmup).
import { readFile, writeFile } from 'node:fs/promises';
import type { GpuContext } from '../src/gpu/context';
import type { Params } from '../src/sims/params';
import type { SimDefinition, Simulation } from '../src/sims/types';
import { WeightsFormatError } from '../src/nn/io';
import type { MipsSimulation } from '../src/sims/mips/simulation';
import { SCORE_DEFAULTS, withScoreText } from '../src/sims/mips/score/config';
import { ScoreModel } from '../src/sims/mips/score/model';
import { OnlineTrainer } from '../src/sims/mips/score/online';
import { modelFromWeights } from '../src/sims/mips/score/weights';
import { UsageError, type CliArgs } from './args';
import { loadState } from './run';

export const SCORE_PREFIX = 'score.';

/** The `score.*` keys of --set, without the prefix. */
export function scoreOverrides(args: CliArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args.set)) if (k.startsWith(SCORE_PREFIX)) out[k.slice(SCORE_PREFIX.length)] = v;
  return out;
}

function settingsFrom(args: CliArgs) {
  const o = scoreOverrides(args);
  const warmup = o.warmup !== undefined ? Number(o.warmup) : 0;
  delete o.warmup;
  if (!Number.isInteger(warmup) || warmup < 0) throw new UsageError(`score.warmup must be a non-negative integer; got "${warmup}"`);
  try {
    return { settings: withScoreText(SCORE_DEFAULTS, o), warmup };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export async function trainVerb(ctx: GpuContext, def: SimDefinition, params: Params, args: CliArgs): Promise<number> {
  if (def.id !== 'mips') throw new UsageError(`train is only available for mips (the score network); got "${def.id}"`);
  if (!args.out || !args.out.toLowerCase().endsWith('.bin')) throw new UsageError('train needs --out FILE.bin (the weights file)');
  const steps = args.steps ?? 2000;
  const { settings, warmup } = settingsFrom(args);
  let sim = (await def.create(ctx, params)) as MipsSimulation;
  if (args.resume) {
    const state = await loadState(def, params, args.resume);
    if (JSON.stringify(state.params) !== JSON.stringify(params)) {
      sim.dispose();
      sim = (await def.create(ctx, state.params)) as MipsSimulation;
    }
    await sim.importState(state);
  }
  for (let done = 0; done < warmup; done += 1000) {
    sim.step(Math.min(1000, warmup - done));
    await sim.sample();
  }
  let model: ScoreModel;
  if (args.weights) {
    model = await modelFromWeights(sim, await readWeights(args.weights)); // continue training
  } else model = new ScoreModel(sim, settings);
  sim.attach(model);
  const trainer = new OnlineTrainer(sim, model);
  const every = Math.max(1, Math.floor(steps / 20));
  let next = model.steps + every;
  const progress = await trainer.run(model.steps + steps, async (p) => {
    if (p.steps < next && p.steps < p.total) return;
    next += every;
    const s = await sim.sample();
    const line = `step ${p.steps}/${p.total} loss ${p.smoothLoss.toFixed(4)} eprLearned ${s.scalars.eprLearned?.toPrecision(4)} ` +
      `eprScoreFree ${s.scalars.eprScoreFree?.toPrecision(4)} sim step ${sim.stepCount} ${p.samplesPerS.toFixed(0)} samples/s ETA ${p.etaS.toFixed(0)} s`;
    console.error(line);
  });
  // Final estimate: average over a few snapshots spaced by the training chunks' sim steps.
  const learned: number[] = [];
  const scoreFree: number[] = [];
  for (let r = 0; r < 5; r++) {
    sim.step(Math.max(1, settings.simStepsPerChunk * 5));
    const s = await sim.sample();
    learned.push(s.scalars.eprLearned!);
    scoreFree.push(s.scalars.eprScoreFree!);
  }
  const bytes = await model.save({ preset: args.preset ?? def.defaultPreset, simStep: sim.stepCount });
  await writeFile(args.out, bytes);
  if (args.state) await writeFile(args.state, JSON.stringify(await sim.exportState()));
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const report = {
    system: 'mips', preset: args.preset ?? def.defaultPreset, out: args.out, bytes: bytes.length, steps: progress.steps,
    loss: progress.smoothLoss, seconds: progress.elapsedS, samplesPerS: progress.samplesPerS, simStep: sim.stepCount,
    eprLearned: mean(learned), eprScoreFree: mean(scoreFree), settings: model.settings, adapter: ctx.adapterName,
  };
  if (args.json) console.log(JSON.stringify(report));
  else console.log(Object.entries(report).map(([k, v]) => `${k.padEnd(14)} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('\n'));
  model.destroy();
  sim.dispose();
  return 0;
}

async function readWeights(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    throw new UsageError(`--weights: cannot read ${file}: ${(e as Error).message}`);
  }
}

/** `run --weights FILE`: a prepare hook attaching the trained network to the sim. */
export function weightsHook(def: SimDefinition, file: string): (sim: Simulation) => Promise<void> {
  if (def.id !== 'mips') throw new UsageError(`--weights is only available for mips; got "${def.id}"`);
  return async (sim) => {
    try {
      const model = await modelFromWeights(sim as MipsSimulation, await readWeights(file));
      (sim as MipsSimulation).attach(model);
    } catch (e) {
      if (e instanceof WeightsFormatError) throw new UsageError(`--weights ${file}: ${e.message}`);
      throw e;
    }
  };
}
