// Score-network benchmark: training throughput (particle-samples/s: one antithetic pair of
// network sets per sampled particle, gather + forward + loss + backward + AdamW) and inference
// time per evaluation over all N particles (gather, forward, exact divergence, fields).
import type { GpuContext } from '../../../gpu/context';
import type { Params } from '../../params';
import { MipsSimulation } from '../simulation';
import type { ScoreSettings } from './config';
import { ScoreModel } from './model';

export interface ScoreBenchResult {
  n: number;
  trainSteps: number;
  batch: number;
  trainMsPerStep: number;
  particleSamplesPerSecond: number;
  inferenceMs: number;
  /** The first evaluation, with pipeline and buffer creation (not in inferenceMs). */
  firstInferenceMs: number;
  evaluations: number;
}

export async function benchScore(ctx: GpuContext, params: Params, settings: ScoreSettings, trainSteps: number, evaluations: number): Promise<ScoreBenchResult> {
  const sim = new MipsSimulation(ctx, params);
  sim.step(10);
  const model = new ScoreModel(sim, settings);
  await model.train(2); // warm-up (pipelines)
  let t0 = performance.now();
  await model.evaluate();
  const firstInferenceMs = performance.now() - t0;
  t0 = performance.now();
  await model.train(trainSteps); // one submit, stats read back at the end
  const trainMs = (performance.now() - t0) / trainSteps;
  t0 = performance.now();
  for (let i = 0; i < evaluations; i++) await model.evaluate();
  const inferenceMs = (performance.now() - t0) / evaluations;
  const { n } = sim.params;
  model.destroy();
  sim.dispose();
  return {
    n, trainSteps, batch: settings.batch, trainMsPerStep: trainMs,
    particleSamplesPerSecond: (settings.batch * 1000) / trainMs, inferenceMs, firstInferenceMs, evaluations,
  };
}
