// Verlet neighbour list (skin > 0): forces after many steps and several GPU-decided rebuilds
// against the float64 all-pairs reference, trajectories independent of the skin and of when the
// list was built (export/import mid-interval resumes bit for bit), overflow reported, skin checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { mipsSystem, MipsSimulation } from '../../src/sims/mips';
import { presetParams } from '../../src/sims/config';
import { geometry, neighbourCapacity } from '../../src/sims/mips/params';
import { referenceStep } from '../../src/sims/mips/reference';
import { ParamError, withText } from '../../src/sims/params';
import { maxError, maxPositionError, mipsParams, randomState, readState, writeState } from './helpers';

let ctx: GpuContext;
beforeAll(async () => void (ctx = await createNodeContext()));
afterAll(() => ctx.device.destroy());

// Active WCA disks that move ~0.6 σ in 150 steps: a skin of 0.3 σ needs a few rebuilds.
const wca = (values: Record<string, unknown> = {}) =>
  mipsParams({ model: 'abp', force: 'wca', n: 300, phi: 0.5, v0: 1, Dr: 0.5, Dt: 0, epsilon: 1 / 24, dt: 0.004, skin: 0.3, seed: 4, ...values });

describe('after many steps and several rebuilds, one step matches the float64 all-pairs reference', () => {
  it.each([
    ['wca abp lie', wca(), 0.88],
    ['softdisk aoup strang, thermal', mipsParams({
      model: 'aoup', force: 'softdisk', splitting: 'strang', n: 300, phi: 0.5, v0: 1, gamma: 1, Dt: 0.05, k: 1, dt: 0.01, skin: 0.5, seed: 9,
    }), 1.3],
    // L < 3 (r_c + skin): one cell, the build walks all pairs (minimum image).
    ['softdisk tiny box (all pairs)', mipsParams({
      model: 'abp', force: 'softdisk', n: 12, phi: 0.3, v0: 1, Dr: 1, Dt: 0, k: 1, dt: 0.01, skin: 0.3, seed: 5,
    }), 1.5],
  ])('%s', async (_name, p, minDistance) => {
    const sim = new MipsSimulation(ctx, p);
    try {
      await writeState(sim, randomState(p, minDistance, 3), 0);
      const steps = 150;
      sim.step(steps);
      const stats = (await sim.neighbourStats())!;
      expect(stats.rebuilds).toBeGreaterThanOrEqual(3); // the forced first build, then ones the GPU decided
      expect(stats.rebuilds).toBeLessThan(steps / 3);
      expect(stats.most).toBeLessThanOrEqual(stats.capacity);
      const s0 = await readState(sim);
      sim.step(1);
      const s1 = await readState(sim);
      const want = referenceStep(p, s0, steps);
      const L = geometry(p).boxL;
      expect(maxPositionError(s1.positions, want.positions, L)).toBeLessThan(2e-5);
      expect(maxError(s1.displacement, want.displacement)).toBeLessThan(2e-5);
      expect(maxError(s1.displacement, s0.displacement)).toBeGreaterThan(1e-3); // the step moved things
      expect((await sim.sample()).problem).toBeUndefined();
    } finally {
      sim.dispose();
    }
  });
});

describe('trajectories do not depend on when the list is built', () => {
  it('skin 0.2 and 0.6 (different rebuild counts) give the same state bit for bit; skin 0 agrees within rounding', async () => {
    const run = async (skin: number) => {
      const sim = new MipsSimulation(ctx, wca({ skin }));
      sim.step(120);
      const st = await readState(sim);
      const stats = await sim.neighbourStats();
      sim.dispose();
      return { st, rebuilds: stats?.rebuilds };
    };
    const [a, b, c] = [await run(0.2), await run(0.6), await run(0)];
    expect(a.rebuilds).toBeGreaterThan(b.rebuilds!);
    expect(c.rebuilds).toBeUndefined();
    expect(maxError(a.st.positions, b.st.positions)).toBe(0);
    expect(maxError(a.st.propulsion, b.st.propulsion)).toBe(0);
    expect(maxError(a.st.displacement, b.st.displacement)).toBe(0);
    expect(maxPositionError(a.st.positions, c.st.positions, geometry(wca()).boxL)).toBeLessThan(1e-3);
  });

  it.each(['lie', 'strang'])('%s: an export mid-interval resumes bit for bit after import', async (splitting) => {
    const p = wca({ splitting, Dt: 0.01 });
    const a = new MipsSimulation(ctx, p);
    a.step(50);
    const saved = await a.exportState();
    a.step(60);
    const direct = await readState(a);
    const rebuildsA = (await a.neighbourStats())!.rebuilds;
    // The import forces a build at step 50, where `a` built at other steps.
    const b = new MipsSimulation(ctx, p);
    await b.importState(JSON.parse(JSON.stringify(saved)));
    b.step(60);
    const resumed = await readState(b);
    expect(rebuildsA).toBeGreaterThan(2);
    expect(maxError(direct.positions, resumed.positions)).toBe(0);
    expect(maxError(direct.propulsion, resumed.propulsion)).toBe(0);
    expect(maxError(direct.displacement, resumed.displacement)).toBe(0);
    a.dispose();
    b.dispose();
  });
});

it('a list overflow is reported through sample().problem, and a reset clears it', async () => {
  // ε = 0: no forces, so a tight blob of 40 particles stays put; each has ≥ 39 neighbours.
  const p = wca({ n: 256, phi: 0.3, epsilon: 0, v0: 0, Dr: 0 });
  const capacity = neighbourCapacity(geometry(p));
  const st = randomState(p, 1, 2);
  const L = geometry(p).boxL;
  for (let i = 0; i < 40; i++) {
    st.positions[2 * i] = L / 2 + 0.1 * (i % 7);
    st.positions[2 * i + 1] = L / 2 + 0.1 * Math.floor(i / 7);
  }
  const sim = new MipsSimulation(ctx, p);
  try {
    await writeState(sim, st, 0);
    expect((await sim.sample()).problem).toBeUndefined();
    sim.step(2);
    const m = await sim.sample();
    expect(capacity).toBeLessThan(39);
    expect(m.problem).toMatch(new RegExp(`neighbour list overflowed at step 0: a particle had \\d+ neighbours .* holds ${capacity}.*Lower skin`));
    expect((await sim.neighbourStats())!.most).toBeGreaterThanOrEqual(39);
    await sim.reset();
    sim.step(2);
    expect((await sim.sample()).problem).toBeUndefined();
  } finally {
    sim.dispose();
  }
});

describe('skin validation', () => {
  const base = presetParams(mipsSystem, 'abp-mips');
  it.each([
    [{ skin: '-0.1' }, /^skin must be a number in \[0, 2\] σ \(WCA\) or r0 \(soft disks\); got -0.1/],
    [{ skin: '3' }, /^skin must be a number in \[0, 2\]/],
    [{ skin: '2', n: '1048576' }, /^skin = 2 needs a neighbour list of n × \(56 \+ 1\) slots = 228 MiB, over the 128 MiB/],
  ])('%j is a ParamError on skin', (values, message) => {
    let err: unknown;
    try {
      withText(mipsSystem.schema, base, values);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParamError);
    expect((err as ParamError).field).toBe('skin');
    expect((err as Error).message).toMatch(message);
  });
});
