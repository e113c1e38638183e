// Cell-list forces (skin = 0) and Verlet-list forces (skin > 0) against the all-pairs sum
// (minimum image), on disordered configurations.
// Forces are read from one Lie step with v0 = Dt = A = 0: displacement = dt k F.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { MipsSimulation } from '../../src/sims/mips';
import { cellGrid } from '../../src/sims/mips/cell-list';
import { geometry, SOFTDISK_TAIL } from '../../src/sims/mips/params';
import { pairForces } from '../../src/sims/mips/reference';
import { mipsParams, randomState, readState, writeState } from './helpers';

let ctx: GpuContext;
beforeAll(async () => void (ctx = await createNodeContext()));
afterAll(() => ctx.device.destroy());

async function gpuForces(p: ReturnType<typeof mipsParams>, minDistance: number) {
  const sim = new MipsSimulation(ctx, p);
  try {
    await writeState(sim, randomState(p, minDistance, 21), 0);
    const x0 = await readState(sim);
    sim.step(1);
    const x1 = await readState(sim);
    return { x0: x0.positions, force: x1.displacement.map((d) => d / ((p.dt as number) * (p.k as number))) };
  } finally {
    sim.dispose();
  }
}

it.each([0, 0.5])('soft disks, skin %s: cutoff r_c = 2 r0 + ln(1e6)/b matches the untruncated all-pairs sum', async (skin) => {
  const p = mipsParams({ force: 'softdisk', n: 600, phi: 0.5, b: 7.5, v0: 0, Dt: 0, A: 0, k: 1, dt: 0.05, seed: 3, skin });
  const g = geometry(p);
  expect(cellGrid(g.boxL, g.rc).cellsPerSide).toBeGreaterThanOrEqual(5); // the 3x3 stencil and its wrap are used
  const { x0, force } = await gpuForces(p, 0.5);
  const all = pairForces(p, x0, { cutoff: false }).force;
  // Truncation: every dropped pair has r > r_c, so f < softplus_b(−ln(1e6)/b) ≈ 1e-6/b; with a few
  // tens of such pairs within a few r_c the dropped force is < 1e-5. Float32: the step resolves
  // x to ulp(L ≈ 60) = 4e-6, i.e. F to 4e-6/dt = 8e-5. Total tolerance 2e-4.
  expect(SOFTDISK_TAIL / 7.5).toBeLessThan(2e-7);
  let worst = 0;
  let biggest = 0;
  for (let i = 0; i < force.length; i++) {
    worst = Math.max(worst, Math.abs(force[i]! - all[i]!));
    biggest = Math.max(biggest, Math.abs(all[i]!));
  }
  expect(worst).toBeLessThan(2e-4);
  expect(biggest).toBeGreaterThan(0.05); // the configuration has real forces
});

it.each([0, 0.3])('WCA, skin %s: matches all pairs', async (skin) => {
  const p = mipsParams({ force: 'wca', n: 600, phi: 0.55, sigma: 1, epsilon: 1, v0: 0, Dt: 0, A: 0, k: 1, dt: 1e-4, seed: 3, skin });
  const { x0, force } = await gpuForces(p, 0.9);
  const all = pairForces(p, x0).force;
  let worst = 0;
  let biggest = 0;
  for (let i = 0; i < force.length; i++) {
    worst = Math.max(worst, Math.abs(force[i]! - all[i]!));
    biggest = Math.max(biggest, Math.abs(all[i]!));
  }
  // ulp(L ≈ 30) / dt = 2e-6 / 1e-4 = 0.02 absolute; forces reach ~100.
  expect(worst).toBeLessThan(0.05);
  expect(biggest).toBeGreaterThan(10);
});
