// Shared helpers of the score tests: a sim + model + online trainer on a fixed seed.
import type { GpuContext } from '../../src/gpu/context';
import { decodeBuffer } from '../../src/sims/state';
import { MipsSimulation } from '../../src/sims/mips/simulation';
import { SCORE_TINY, type ScoreSettings } from '../../src/sims/mips/score/config';
import { ScoreModel } from '../../src/sims/mips/score/model';
import { OnlineTrainer } from '../../src/nn/trainable';
import { mipsParams } from '../mips/helpers';

export async function trainedModel(
  ctx: GpuContext,
  values: Record<string, unknown>,
  settings: Partial<ScoreSettings>,
  warmup: number,
  steps: number,
) {
  const sim = new MipsSimulation(ctx, mipsParams(values));
  sim.step(warmup);
  const model = new ScoreModel(sim, { ...SCORE_TINY, ...settings });
  sim.attach(model);
  const trainer = new OnlineTrainer(model);
  const t0 = performance.now();
  const p = await trainer.run(steps);
  console.log(`trained ${p.steps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s, loss ${p.smoothLoss.toFixed(3)}, ${p.samplesPerS.toFixed(0)} particle-samples/s`);
  return { sim, model, trainer };
}

export async function propulsion(sim: MipsSimulation): Promise<Float64Array> {
  const st = await sim.exportState();
  const n = sim.params.n as number;
  return Float64Array.from(decodeBuffer('propulsion', st.buffers.propulsion!, 2 * n));
}

export async function positions(sim: MipsSimulation): Promise<Float64Array> {
  const st = await sim.exportState();
  const n = sim.params.n as number;
  return Float64Array.from(decodeBuffer('positions', st.buffers.positions!, 2 * n));
}

export const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
