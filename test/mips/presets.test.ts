// Every preset runs ≥ 20 000 steps without a NaN, and what its description claims still holds,
// checked against something independent of the kernels (float64 sums over the exported state,
// analytic results). N is smaller than the presets' where N does not change the claim (said per
// test); everything else (φ, dt, forces, noise, scheme, seed) is the preset's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { mipsSystem, MipsSimulation } from '../../src/sims/mips';
import { presetParams } from '../../src/sims/config';
import { withValues } from '../../src/sims/params';
import type { MetricSample } from '../../src/sims/types';
import { geometry, schema } from '../../src/sims/mips/params';
import { forEachPair, potentialEnergy } from '../../src/sims/mips/reference';
import { blockEstimate } from '../../src/sims/mips/block-stats';
import { readState } from './helpers';

let ctx: GpuContext;
beforeAll(async () => void (ctx = await createNodeContext()));
afterAll(() => ctx.device.destroy());

const STEPS = 20_000;

function preset(name: string, n: number) {
  return schema.typed(withValues(schema, presetParams(mipsSystem, name), { n }));
}

/** Steps `total` in `chunks` equal chunks, sampling after each; fails on the first problem (NaN). */
async function run(sim: MipsSimulation, total: number, chunks: number, after?: (m: MetricSample) => Promise<void>) {
  const samples: MetricSample[] = [];
  for (let c = 0; c < chunks; c++) {
    sim.step(total / chunks);
    const m = await sim.sample();
    expect(m.problem, `step ${m.step}`).toBeUndefined();
    for (const [k, v] of Object.entries(m.scalars)) expect(Number.isFinite(v), `${k} at step ${m.step}`).toBe(true);
    samples.push(m);
    await after?.(m);
  }
  return samples;
}

/** Smallest minimum-image pair distance of a state (float64, all pairs). */
function minDistance(x: Float64Array, L: number): number {
  let best = Infinity;
  forEachPair(L, x, (_i, _j, dx, dy) => (best = Math.min(best, Math.hypot(dx, dy))));
  return best;
}

it('passive-wca (N = 256: intensive quantities of a fluid): 20 000 steps at the preset dt, mean potential energy stationary, EPR around 0', async () => {
  const p = preset('passive-wca', 256);
  const sim = new MipsSimulation(ctx, p);
  const n = p.n as number;
  // Warm-up from the lattice (U = 0 there: spacing 1.25 σ > the WCA cutoff 1.12 σ): t = 0.2, ~0.05 of
  // a diffusion time σ²/Dt, many collision times at φ = 0.5. Not part of the 20 000 steps.
  await run(sim, 2000, 1);
  const energy: number[] = [];
  const samples = await run(sim, STEPS, 40, async () => {
    energy.push(potentialEnergy(p, (await readState(sim)).positions) / n);
  });
  expect(sim.stepCount).toBe(2000 + STEPS);
  // Stationary: the means of the first and second halves (20 samples each) agree within 4
  // standard errors of their difference. Successive samples (500 steps apart) may be correlated,
  // so each half's error comes from 10 block means of 2 samples (t with 9 d.o.f.: P(|t| > 4) ≈ 0.3 %).
  const first = blockEstimate(energy.slice(0, 20), 10);
  const second = blockEstimate(energy.slice(20), 10);
  const tolerance = 4 * Math.hypot(first.se, second.se);
  expect(Math.abs(first.mean - second.mean)).toBeLessThan(tolerance);
  // The fluid has left the lattice (U = 0 there), and the test can fail: a drift of a quarter of
  // U between the halves would exceed the tolerance.
  expect(first.mean).toBeGreaterThan(0.1);
  expect(tolerance).toBeLessThan(0.25 * first.mean);
  // "EPR fluctuates around 0": the mean score-free EPR is within 4 block standard errors of 0
  // (the LM scheme's residual bias at the preset dt is below that resolution; README table).
  const epr = blockEstimate(samples.map((m) => m.scalars.eprScoreFree!), 10);
  expect(Math.abs(epr.mean)).toBeLessThan(4 * epr.se);
  sim.dispose();
}, 300_000);

it('abp-mips (N = 1024 instead of 4096: clustering is local, the largest-cluster fraction at step 3000 is not set by N): clusters, overlaps < 0.2 σ, 20 000 steps', async () => {
  const p = preset('abp-mips', 1024);
  const sim = new MipsSimulation(ctx, p);
  const early = await run(sim, 3000, 1);
  // "The largest cluster reaches about a third of the particles by step 3000."
  expect(early[0]!.scalars.largestClusterFraction).toBeGreaterThan(0.2);
  let closest = Infinity;
  const L = geometry(p).boxL;
  const late = await run(sim, STEPS - 3000, 5, async () => {
    closest = Math.min(closest, minDistance((await readState(sim)).positions, L));
  });
  expect(sim.stepCount).toBe(STEPS);
  // Phase separated for good: the largest cluster stays macroscopic.
  expect(late.at(-1)!.scalars.largestClusterFraction).toBeGreaterThan(0.2);
  // "Overlaps stay below 0.2 σ": no pair closer than 0.8 σ in any of 5 snapshots.
  expect(closest).toBeGreaterThan(0.8);
  sim.dispose();
}, 300_000);

it('boffi-mips (N = 256: no claim depends on N): 20 000 steps at dt = 0.1 stay finite, propulsion stays N(0, I)', async () => {
  const p = preset('boffi-mips', 256);
  const sim = new MipsSimulation(ctx, p);
  await run(sim, STEPS, 4);
  // The exact OU update keeps g ~ N(0, I): E|g|² = 2, and the mean over N has standard error
  // √(Var|g|² / N) = √(4/256) = 0.125 (particles independent in g); 4 SE.
  const g = (await readState(sim)).propulsion;
  let sum = 0;
  for (const v of g) sum += v * v;
  expect(Math.abs(sum / 256 - 2)).toBeLessThan(0.5);
  sim.dispose();
});

it('dilute-gas (N = 256: a dilute gas, the single-particle MSD does not depend on N): no clustering, MSD ballistic then diffusive', async () => {
  const p = preset('dilute-gas', 256);
  const sim = new MipsSimulation(ctx, p);
  const dt = p.dt as number;
  const msdAt = async (t: number) => (await run(sim, Math.round(t / dt) - sim.stepCount, 1))[0]!.scalars;
  // t = 0.2 → 0.4 (≪ 1/Dr = 1): the free ABP formula's log-log slope is 1.76 (v0² t² dominates 4 Dt t).
  const [a, b] = [await msdAt(0.2), await msdAt(0.4)];
  expect(Math.log2(b.msd! / a.msd!)).toBeGreaterThan(1.5);
  // t = 100 → 200 (≫ 1/Dr): slope 1.007 (diffusive). Each MSD over N = 256 has a relative standard
  // error ≈ 1/√N = 6 % (|Δx|² is ~exponential: sd = mean), so the slope is good to ±0.09: ±0.25 allowed.
  const [c, d] = [await msdAt(100), await msdAt(200)];
  expect(sim.stepCount).toBe(STEPS);
  expect(Math.abs(Math.log2(d.msd! / c.msd!) - 1)).toBeLessThan(0.25);
  // No clustering: contacts (r < σ) are rare at φ = 0.05, Pe = 1; 13 of 256 would be a cluster.
  expect(d.largestClusterFraction).toBeLessThan(0.05);
  sim.dispose();
});

it('trapped-aoup (N = 256: free particles, independent): EPR = A d = 2 per particle for 20 000 steps, stationary spread of the exact discrete chain', async () => {
  const p = preset('trapped-aoup', 256);
  const sim = new MipsSimulation(ctx, p);
  const samples = await run(sim, STEPS, 4);
  for (const m of samples) expect(Math.abs(m.scalars.eprScoreFree! - 2)).toBeLessThan(1e-5);
  // Trapped: per coordinate the Lie step is x' = a x + v0 dt g, g' = ρ g + √(1 − ρ²) ξ with
  // a = 1 − A dt, ρ = e^{−γ dt} (x from the centre). Stationary: C = E[x g] = ρ v0 dt / (1 − ρ a),
  // Var x = (v0² dt² + 2 a v0 dt C) / (1 − a²) (→ v0² / (A (A + γ)) = 0.5 as dt → 0).
  const [A, v0, gamma, dt] = [p.A, p.v0, p.gamma, p.dt] as number[];
  const [a, rho] = [1 - A! * dt!, Math.exp(-gamma! * dt!)];
  const C = (rho * v0! * dt!) / (1 - rho * a);
  const varX = (v0! * v0! * dt! * dt! + 2 * a * v0! * dt! * C) / (1 - a * a);
  const x = (await readState(sim)).positions;
  const c = geometry(p).boxL / 2;
  let s2 = 0;
  for (const v of x) s2 += (v - c) ** 2;
  // 512 Gaussian coordinates: the sample variance has standard error varX √(2/512); 4 SE.
  expect(Math.abs(s2 / x.length - varX)).toBeLessThan(4 * varX * Math.sqrt(2 / x.length));
  sim.dispose();
});
