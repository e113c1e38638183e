// Free AOUP and ABP mean squared displacement against the analytic formulas (science.md §2).
//
// Tolerance. Particles are independent (force = none), so the sample MSD m = (1/N) Σ |Δx_i|² has
// standard error SE = s / √N with s² the sample variance of |Δx_i|². The scheme is Lie with an
// exact orientation flow, Δx = v0 dt Σ_{n<K} e_n + √(2 Dt dt) Σ ξ_n, so its exact mean is
// MSD_K = v0² dt² c0 [K + 2 Σ_{m≥1} (K − m) ρ^m] + 2 d Dt K dt, with ρ = e^{−γ dt} (AOUP, c0 = d:
// E g·g = 2) or e^{−Dr dt} (ABP, c0 = 1). The continuous formula differs by the known time-
// discretisation bias |MSD_K − MSD(t)|. We require |m − MSD(t)| < 4 SE + |MSD_K − MSD(t)|.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { MipsSimulation } from '../../src/sims/mips';
import { msdAbp, msdAoup } from '../../src/sims/mips/msd';
import { mipsParams, readState } from './helpers';

let ctx: GpuContext;
beforeAll(async () => void (ctx = await createNodeContext()));
afterAll(() => ctx.device.destroy());

function discreteMsd(K: number, dt: number, v0: number, rate: number, Dt: number, c0: number): number {
  const rho = Math.exp(-rate * dt);
  let s = K;
  for (let m = 1; m < K; m++) s += 2 * (K - m) * rho ** m;
  return v0 * v0 * dt * dt * c0 * s + 4 * Dt * K * dt;
}

it.each([
  ['aoup', { gamma: 2 }],
  ['abp', { Dr: 2 }],
] as const)('free %s MSD matches the analytic curve within 4 standard errors', async (model, rates) => {
  const p = mipsParams({ model, force: 'none', n: 1024, phi: 0.05, v0: 1, Dt: 0.1, dt: 0.01, A: 0, seed: 99, ...rates });
  const sim = new MipsSimulation(ctx, p);
  try {
    for (const K of [40, 200]) {
      sim.step(K - sim.stepCount);
      const { displacement: d } = await readState(sim);
      const n = d.length / 2;
      const sq = Array.from({ length: n }, (_, i) => d[2 * i]! ** 2 + d[2 * i + 1]! ** 2);
      const mean = sq.reduce((a, b) => a + b, 0) / n;
      const variance = sq.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      const se = Math.sqrt(variance / n);
      const t = K * 0.01;
      const rate = model === 'aoup' ? 2 : 2;
      const analytic = model === 'aoup' ? msdAoup(t, 1, rate, 0.1) : msdAbp(t, 1, rate, 0.1);
      const bias = Math.abs(discreteMsd(K, 0.01, 1, rate, 0.1, model === 'aoup' ? 2 : 1) - analytic);
      expect(Math.abs(mean - analytic)).toBeLessThan(4 * se + bias);
      expect(bias).toBeLessThan(0.5 * se + 0.01 * analytic); // the discretisation is not what makes it pass
      // The GPU reduction (sample) agrees with the exported displacements.
      const m = await sim.sample();
      expect(Math.abs(m.scalars.msd! - mean)).toBeLessThan(1e-4 * mean);
      expect(m.scalars.msdAnalytic).toBeCloseTo(analytic, 10);
    }
  } finally {
    sim.dispose();
  }
});
