// `lab train mips`: online score-network training, headless. `lab run mips --weights FILE`:
// attaches trained weights so samples report eprLearned next to eprScoreFree.
// Score settings come as `--set score.KEY=VALUE`, checked with everything else in plan.ts.
import type { GpuContext } from '../src/gpu/context';
import type { Simulation } from '../src/sims/types';
import type { MipsSimulation } from '../src/sims/mips/simulation';
import { CONVERGENCE_METRICS } from '../src/sims/mips/score/convergence';
import { modelFromWeights, ScoreModel } from '../src/sims/mips/score/model';
import { OnlineTrainer } from '../src/sims/mips/score/online';
import type { Plan } from './plan';
import { writeOutputs, type Output } from './outputs';
import { nonFiniteMetric } from './run';
import type { Keep } from './session';

export async function trainVerb(ctx: GpuContext, plan: Plan, keep: Keep): Promise<number> {
  const { args, def } = plan;
  const steps = args.steps ?? 2000;
  const sim = keep((await def.create(ctx, plan.params)) as MipsSimulation);
  if (plan.resume) await sim.importState(plan.resume);
  for (let done = 0; done < plan.warmup; done += 1000) {
    sim.step(Math.min(1000, plan.warmup - done));
    await sim.sample();
  }
  // Continue from the file's weights (and its settings), or start a new network.
  const model = keep(plan.weights ? await modelFromWeights(sim, plan.weights) : new ScoreModel(sim, plan.score!));
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
  let problem: string | undefined;
  let last: Record<string, number> = {};
  for (let r = 0; r < 5 && !problem; r++) {
    sim.step(Math.max(1, model.settings.simStepsPerChunk * 5));
    const s = await sim.sample();
    last = s.scalars;
    problem = s.problem ?? nonFiniteMetric(s);
    learned.push(s.scalars.eprLearned!);
    scoreFree.push(s.scalars.eprScoreFree!);
  }
  const bytes = await model.save({ preset: args.preset ?? def.defaultPreset, simStep: sim.stepCount });
  const outputs: Output[] = [{ flag: '--out', path: args.out!, data: () => bytes }];
  if (args.state) outputs.push({ flag: '--state', path: args.state, data: async () => JSON.stringify(await sim.exportState()) });
  const failed = await writeOutputs(outputs);
  for (const line of failed) console.error(`error: ${line}`);
  if (problem) {
    console.error(`error: ${problem} (after ${progress.steps} training steps${outputs.length > failed.length ? '; the outputs were written' : ''})`);
    return 3;
  }
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const report = {
    system: 'mips', preset: args.preset ?? def.defaultPreset, out: args.out, bytes: bytes.length, steps: progress.steps,
    loss: progress.smoothLoss, seconds: progress.elapsedS, samplesPerS: progress.samplesPerS, simStep: sim.stepCount,
    eprLearned: mean(learned), eprScoreFree: mean(scoreFree),
    // The convergence check of the last estimate (score/convergence.ts), beside the learned EPR.
    ...Object.fromEntries(CONVERGENCE_METRICS.map((m) => [m.name, last[m.name]])),
    settings: model.settings, adapter: ctx.adapterName,
  };
  if (last.eprLearnedConverged === 0) {
    console.error(`note: the network is not converged: the learned EPR and its divergence form differ by ${last.eprLearnedGap?.toFixed(3)} ± ${last.eprLearnedGapErr?.toFixed(3)} (relative); train longer`);
  }
  if (args.json) console.log(JSON.stringify(report));
  else console.log(Object.entries(report).map(([k, v]) => `${k.padEnd(14)} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('\n'));
  return failed.length > 0 ? 1 : 0;
}

/** `run --weights FILE`: attaches the trained network (the file was checked by plan.ts). */
export async function attachWeights(sim: Simulation, bytes: Uint8Array, keep: Keep): Promise<void> {
  const mips = sim as MipsSimulation;
  mips.attach(keep(await modelFromWeights(mips, bytes)));
}
