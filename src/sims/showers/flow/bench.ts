// Speed of the point model in one run: the generator's showers/s (what the model stands in for),
// training steps/s and showers/s, and sampling showers/s per solver and step count (NFE), with the
// generator as the ratio's yardstick. Sampling reads the velocity back per stage, as the sampler does.
import type { GpuContext } from '../../../gpu/context';
import type { ShowerParams } from '../params';
import { detectorOf, eventSpec, generateEvents } from '../events';
import { Rng } from '../random';
import { buildBatch, computeStats, maxHits } from './dataset';
import { FLOW_DEFAULT } from './network';
import { PointFlow } from './point-flow';
import { functionEvaluations, type SolverName } from './solvers';

export interface FlowBenchOptions {
  /** Timed training steps. */
  steps: number;
  /** Showers per training step and per sampling run. */
  batch: number;
}

const SAMPLERS: readonly [SolverName, number][] = [
  ['euler', 16],
  ['midpoint', 8],
  ['midpoint', 16],
  ['heun', 8],
];

const seconds = (t0: number) => (performance.now() - t0) / 1000;

export async function benchFlow(ctx: GpuContext, p: ShowerParams, options: FlowBenchOptions) {
  const spec = eventSpec(p);
  const detector = detectorOf(spec);
  const count = Math.max(256, 4 * options.batch);
  let t0 = performance.now();
  const pool = generateEvents(detector, spec, 0, count);
  const generatorPerSecond = count / seconds(t0);
  const tokens = Math.ceil(maxHits(pool) / 4) * 4;
  const cfg = { ...FLOW_DEFAULT, tokens, layers: detector.layers.length };
  const stats = computeStats(pool);
  const flow = new PointFlow(ctx.device, cfg, stats, detector, { batch: options.batch, pairing: 'ot', seed: 1 });
  const rng = new Rng(1);
  await flow.trainStep(pool, rng); // compiles the pipelines
  t0 = performance.now();
  for (let i = 0; i < options.steps; i++) await flow.trainStep(pool, rng);
  const trainSeconds = seconds(t0);
  const conditions = buildBatch(pool.slice(0, options.batch), stats, detector, tokens);
  await flow.samplePoints(conditions, rng, 'euler', 1); // compiles the sampling network
  const sampling = [];
  for (const [solver, steps] of SAMPLERS) {
    t0 = performance.now();
    await flow.samplePoints(conditions, rng, solver, steps);
    const perSecond = options.batch / seconds(t0);
    sampling.push({ solver, steps, nfe: functionEvaluations(solver, steps), showersPerSecond: perSecond, vsGenerator: perSecond / generatorPerSecond });
  }
  flow.destroy();
  return {
    tokens,
    batch: options.batch,
    parameters: flow.params.layout.entries.reduce((n, e) => n + e.size, 0),
    generatorShowersPerSecond: generatorPerSecond,
    training: { steps: options.steps, stepsPerSecond: options.steps / trainSeconds, showersPerSecond: (options.steps * options.batch) / trainSeconds },
    sampling,
  };
}
