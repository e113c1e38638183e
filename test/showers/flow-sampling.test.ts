// Sampling and training the point model end to end. The GPU sampler (network on the GPU, velocity
// read back per stage) is checked against the float64 reference network integrated by the same
// tableau from the same noise; and a short training run on generator showers improves the sampled
// showers' observables against a held-out generator sample.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { presetParams } from '../../src/sims/config';
import { withValues } from '../../src/sims/params';
import { getSystem } from '../../src/sims/registry';
import { standardisedW1 } from '../../src/sims/showers/distances';
import { detectorOf, eventSpec, generateEvents, type AnyShower } from '../../src/sims/showers/events';
import { conditionRows } from '../../src/sims/showers/flow/batches';
import { buildBatch, computeStats, maxHits, POINT_DIM } from '../../src/sims/showers/flow/dataset';
import { FLOW_DEFAULT, type FlowNetworkConfig } from '../../src/sims/showers/flow/network';
import { flowNetworkForward } from '../../src/sims/showers/flow/network-reference';
import { PointFlow } from '../../src/sims/showers/flow/point-flow';
import { integrate, SOLVERS } from '../../src/sims/showers/flow/solvers';
import type { Hit } from '../../src/sims/showers/digitise';
import { observeShower } from '../../src/sims/showers/observables';
import { schema } from '../../src/sims/showers/params';
import { Rng } from '../../src/sims/showers/random';
import '../../src/sims/index';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx?.device.destroy());

/** Electrons of 2–5 GeV in 30 mm ECAL cells: showers of ~20–40 hits, small enough for SwiftShader. */
function setup(count: number, first = 0) {
  const p = schema.typed(withValues(schema, presetParams(getSystem('showers'), 'electron-10gev'), { ecalCell: 30, energy: '2:5' }));
  const spec = eventSpec(p);
  const detector = detectorOf(spec);
  return { detector, showers: generateEvents(detector, spec, first, count) };
}

const TINY: Omit<FlowNetworkConfig, 'tokens' | 'layers'> = { ...FLOW_DEFAULT, width: 16, depth: 1, heads: 2, mlp: 32, condHidden: 16, countsHidden: 32, timeFeatures: 8 };

describe('point-model sampling', () => {
  for (const solver of SOLVERS) {
    it(`${solver}: the GPU sampler follows the float64 reference network from the same noise`, async () => {
      const { detector, showers } = setup(3);
      const K = Math.ceil(maxHits(showers) / 4) * 4;
      const stats = computeStats(showers);
      const cfg = { ...TINY, tokens: K, layers: detector.layers.length };
      const flow = new PointFlow(ctx.device, cfg, stats, detector, { batch: 3, pairing: 'ot', seed: 5 });
      const batch = buildBatch(showers, stats, detector, K);
      const points = await flow.samplePoints(batch, new Rng(9), solver, 3);
      // The reference: the same noise (same stream, drawn for real tokens in token order), the float64 network.
      const theta = Float64Array.from(await flow.params.weights());
      const rng = new Rng(9);
      const real = (r: number) => batch.tok[r]! >= 0;
      const z = Float64Array.from({ length: points.length }, (_, k) => (real(Math.floor(k / POINT_DIM)) ? rng.normal() : 0));
      const reference = await integrate(solver, 3, z, (t, y) => {
        const v = flowNetworkForward(cfg, theta, { points: y, tok: batch.tok, cond: conditionRows(batch, [t, t, t], cfg.timeFeatures), counts: batch.logCounts, particle: batch.particle }, 3);
        return v.map((x, k) => (real(Math.floor(k / POINT_DIM)) ? x : 0));
      });
      let worst = 0;
      reference.forEach((r, k) => (worst = Math.max(worst, Math.abs(points[k]! - r) / (1 + Math.abs(r)))));
      // f32 network against f64, three steps of up to two stages: relative 1e-4 leaves room for the float32 rounding.
      expect(worst).toBeLessThan(1e-4);
      flow.destroy();
    }, 60_000);
  }
});

describe('point-model training', () => {
  it('200 steps bring the sampled visible/incident ratio, CoG layer and mean radius at least 3× closer to a held-out sample', async () => {
    const { detector, showers: pool } = setup(1024);
    const heldA = setup(128, 100_000).showers;
    const heldB = setup(128, 200_000).showers;
    const K = Math.ceil(Math.max(...[pool, heldA, heldB].map(maxHits)) / 4) * 4;
    const stats = computeStats(pool);
    const cfg = { ...TINY, tokens: K, layers: detector.layers.length };
    const flow = new PointFlow(ctx.device, cfg, stats, detector, { batch: 16, pairing: 'ot', seed: 1, adamw: { lr: 2e-3 } });
    const conditions = buildBatch(heldA, stats, detector, K);
    const features = (sample: readonly AnyShower[], hits?: Hit[][]) => {
      const o = sample.map((s, i) => observeShower(detector, hits ? { ...s, hits: hits[i]! } : s));
      const radius = o.map((x) => x.hitEnergy.reduce((a, e, i) => a + e * x.hitRadius[i]!, 0) / x.visibleEnergy);
      return { ratio: o.map((x) => x.visibleFraction), cog: o.map((x) => x.cogLayer), radius };
    };
    const A = features(heldA);
    const floor = features(heldB);
    const distances = async () => {
      const f = features(heldA, await flow.sample(conditions, new Rng(11), 'midpoint', 8));
      return Object.fromEntries((['ratio', 'cog', 'radius'] as const).map((k) => [k, standardisedW1(A[k], f[k])]));
    };
    const untrained = await distances();
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) await flow.trainStep(pool, rng);
    const trained = await distances();
    for (const k of ['ratio', 'cog', 'radius'] as const) {
      const noise = standardisedW1(A[k], floor[k]);
      // The bar for a trained model is ≤ 0.3 × untrained (and ≤ 5 × the floor at full training, not reachable in 200 steps here).
      expect(trained[k], `${k}: untrained ${untrained[k]!.toFixed(3)}, trained ${trained[k]!.toFixed(3)}, floor ${noise.toFixed(3)}`).toBeLessThan(0.3 * untrained[k]!);
    }
    flow.destroy();
  }, 600_000);
});
