// Observables from the GPU reductions on constructed configurations with known answers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { uniform4 } from '../../src/gpu/rng';
import { MipsSimulation } from '../../src/sims/mips';
import { geometry } from '../../src/sims/mips/params';
import { mipsParams, writeState } from './helpers';

let ctx: GpuContext;
beforeAll(async () => void (ctx = await createNodeContext()));
afterAll(() => ctx.device.destroy());

it('largest cluster, polarisation and density histogram of a blob in a dilute gas', async () => {
  const p = mipsParams({ model: 'abp', force: 'wca', n: 400, phi: 0.3, sigma: 1, v0: 1, Dr: 1, seed: 1 });
  const L = geometry(p).boxL;
  const n = 400;
  const x = new Float64Array(2 * n);
  // A blob: a 6 x 6 square patch with spacing 0.95 σ (< σ: every neighbour in contact), centred.
  const blob = 36;
  for (let i = 0; i < blob; i++) {
    x[2 * i] = L / 2 + 0.95 * ((i % 6) - 2.5);
    x[2 * i + 1] = L / 2 + 0.95 * (Math.floor(i / 6) - 2.5);
  }
  // The rest: random, at least 1.2 σ from everyone (no contacts).
  let placed = blob;
  for (let a = 0; placed < n; a++) {
    const r = uniform4(a, 0, 77, 0);
    const [cx, cy] = [r[0] * L, r[1] * L];
    let ok = true;
    for (let j = 0; j < placed && ok; j++) {
      let dx = cx - x[2 * j]!;
      let dy = cy - x[2 * j + 1]!;
      dx -= L * Math.round(dx / L);
      dy -= L * Math.round(dy / L);
      ok = dx * dx + dy * dy > 1.44;
    }
    if (ok) [x[2 * placed], x[2 * placed + 1], placed] = [cx, cy, placed + 1];
  }
  const theta = new Float64Array(2 * n).map((_, i) => (i % 2 === 0 ? 0.3 : 0));
  const sim = new MipsSimulation(ctx, p);
  await writeState(sim, { positions: x, propulsion: theta, displacement: new Float64Array(2 * n) }, 0);
  const m = await sim.sample();
  expect(m.scalars.largestClusterFraction).toBe(blob / n);
  expect(Math.abs(m.scalars.polarization! - 1)).toBeLessThan(1e-3); // WGSL cos/sin: absolute error ≤ 2^-11
  const h = m.histograms!.densityHistogram!;
  expect(h.edges.length).toBe(h.counts.length + 1);
  const bins = h.counts.reduce((a, b) => a + b, 0);
  // Particle-weighted mean of the local density exceeds φ (the blob is dense) and the bins add up.
  expect(bins).toBeGreaterThan(4);
  const binArea = (L * L) / bins;
  const meanOverBins = h.counts.reduce((a, c, i) => a + c * 0.5 * (h.edges[i]! + h.edges[i + 1]!), 0) / bins;
  expect(Math.abs(meanOverBins - 0.3)).toBeLessThan(h.edges[1]! + 0.05); // binned mean ≈ φ
  expect(m.scalars.meanLocalDensity).toBeGreaterThan(0.3);
  expect(binArea).toBeGreaterThan(10);
  // Randomising the headings destroys the polarisation.
  const random = theta.map((_, i) => (i % 2 === 0 ? Math.PI * (2 * uniform4(i, 0, 5, 1)[0] - 1) : 0));
  await writeState(sim, { positions: x, propulsion: random, displacement: new Float64Array(2 * n) }, 0);
  expect((await sim.sample()).scalars.polarization).toBeLessThan(0.2);
  sim.dispose();
});

it('trapped AOUP without pair forces: the score-free EPR is A d per particle (science.md)', async () => {
  const p = mipsParams({ model: 'aoup', force: 'none', n: 256, phi: 0.05, v0: 1, gamma: 1, Dt: 0, A: 0.7, dt: 0.01, seed: 4 });
  const sim = new MipsSimulation(ctx, p);
  sim.step(20);
  const m = await sim.sample();
  expect(m.scalars.eprScoreFree).toBeCloseTo(2 * 0.7, 5);
  sim.dispose();
});

it('free AOUP and ABP with Dt > 0: the score-free EPR is d v0²/Dt and v0²/Dt per particle (science.md)', async () => {
  // AOUP: v0² |g|² / Dt with g ~ N(0, I): |g|² has mean 2 and variance 4, so the mean over
  // N = 1024 has standard error 2/32 ≈ 0.06 (× v0²/Dt = 1.5): 4 SE = 0.38. ABP: |n(θ)| = 1, exact.
  const aoup = new MipsSimulation(ctx, mipsParams({ model: 'aoup', force: 'none', n: 1024, phi: 0.05, v0: 1.5, gamma: 1, Dt: 1.5, A: 0, dt: 0.01, seed: 6 }));
  aoup.step(20);
  expect(Math.abs((await aoup.sample()).scalars.eprScoreFree! - 2 * 1.5)).toBeLessThan(0.38);
  aoup.dispose();
  const abp = new MipsSimulation(ctx, mipsParams({ model: 'abp', force: 'none', n: 256, phi: 0.05, v0: 1.5, Dr: 1, Dt: 1.5, A: 0, dt: 0.01, seed: 6 }));
  abp.step(20);
  expect((await abp.sample()).scalars.eprScoreFree).toBeCloseTo(1.5, 3); // f32 cos/sin on SwiftShader: ~1e-4
  abp.dispose();
});
