// The point-count flow learns the generator's per-layer counts: trained on 1024 showers of 2–10 GeV
// electrons (15 mm cells), its samples for held-out conditions match a held-out generator sample in
// total hits and in the hit-weighted mean layer far better than the untrained network, and within a
// few times the noise floor (a second held-out generator sample against the first).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { presetParams } from '../../src/sims/config';
import { withValues } from '../../src/sims/params';
import { getSystem } from '../../src/sims/registry';
import { standardisedW1 } from '../../src/sims/showers/distances';
import { detectorOf, eventSpec, generateEvents } from '../../src/sims/showers/events';
import { CountFlow, countStats } from '../../src/sims/showers/flow/count-flow';
import { buildBatch, computeStats, maxHits } from '../../src/sims/showers/flow/dataset';
import { schema } from '../../src/sims/showers/params';
import { Rng } from '../../src/sims/showers/random';
import '../../src/sims/index';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx?.device.destroy());

const N = 1024;

it('the count flow learns the per-layer counts (total hits and mean layer vs the noise floor)', async () => {
  const p = schema.typed(withValues(schema, presetParams(getSystem('showers'), 'electron-10gev'), { ecalCell: 15, energy: '2:10' }));
  const spec = eventSpec(p);
  const detector = detectorOf(spec);
  const samples = [0, 100_000, 200_000].map((first) => generateEvents(detector, spec, first, N));
  const tokens = Math.max(...samples.map(maxHits));
  const stats = computeStats(samples[0]!);
  const [train, heldA, heldB] = samples.map((s) => buildBatch(s, stats, detector, tokens));
  const L = train!.layers;
  const flow = new CountFlow(ctx.device, L, countStats(train!), { hidden: 64, depth: 2, timeFeatures: 8, particles: 4, batch: 128, lr: 3e-3, seed: 1 });
  const totals = (c: ArrayLike<number>) => Array.from({ length: N }, (_, s) => Array.from({ length: L }, (_, l) => c[s * L + l]!).reduce((a, b) => a + b, 0));
  const meanLayer = (c: ArrayLike<number>) =>
    Array.from({ length: N }, (_, s) => {
      let [w, m] = [0, 0];
      for (let l = 0; l < L; l++) [w, m] = [w + c[s * L + l]!, m + l * c[s * L + l]!];
      return m / Math.max(1, w);
    });
  const distances = async () => {
    const counts = await flow.sample(heldA!, new Rng(7), 'midpoint', 16);
    return { hits: standardisedW1(totals(heldA!.counts), totals(counts)), layer: standardisedW1(meanLayer(heldA!.counts), meanLayer(counts)) };
  };
  const floor = { hits: standardisedW1(totals(heldA!.counts), totals(heldB!.counts)), layer: standardisedW1(meanLayer(heldA!.counts), meanLayer(heldB!.counts)) };
  const untrained = await distances();
  const rng = new Rng(3);
  for (let i = 0; i < 1500; i++) await flow.trainStep(train!, rng);
  const trained = await distances();
  // Measured here (seeded, SwiftShader): untrained 0.85 / 4.5, trained 0.12 / 0.16 against floors 0.046 / 0.038
  // (2.6× and 4.1×; 4000 steps: 3.5× and 2.1×). The bands: at most 0.3× the untrained distance (the bar),
  // and within 8× the floor (this short run; the 5× is for the point model trained in full).
  for (const k of ['hits', 'layer'] as const) {
    expect(trained[k], `${k}: trained vs untrained`).toBeLessThan(0.3 * untrained[k]);
    expect(trained[k], `${k}: trained vs the noise floor ${floor[k]}`).toBeLessThan(8 * floor[k]);
  }
  flow.destroy();
}, 300_000);
