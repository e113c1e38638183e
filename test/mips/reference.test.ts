// One step of every kernel against the float64 CPU reference (src/sims/mips/reference.ts), which
// replays the same counter-based noise: both models x all forces x both splittings (and the
// Leimkuhler–Matthews noise scheme with Lie), plus the
// per-particle divergence (EPR) field; with the cell list rebuilt every step (skin = 0) and on the
// Verlet list (skin > 0). Small systems on SwiftShader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { MipsSimulation } from '../../src/sims/mips';
import { geometry } from '../../src/sims/mips/params';
import { localEpr, referenceStep } from '../../src/sims/mips/reference';
import { maxError, maxPositionError, mipsParams, randomState, readState, writeState } from './helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
  console.log(`adapter: ${ctx.adapterName}`);
});
afterAll(() => ctx.device.destroy());

// Per force: a box where the cell list has ≥ 3 cells per side, moderately dense, with pairs in range.
const SETUPS = {
  softdisk: { n: 200, phi: 0.45, b: 7.5, minDistance: 1.2 },
  wca: { n: 200, phi: 0.45, sigma: 1, epsilon: 0.5, minDistance: 0.88 },
  none: { n: 200, phi: 0.3, minDistance: 0 },
} as const;

const CASES = (Object.keys(SETUPS) as (keyof typeof SETUPS)[]).flatMap((force) => [0, 0.3].map((skin) => [force, skin] as const));

describe.each(CASES)('one step vs float64 reference: force=%s skin=%s', (force, skin) => {
  const { minDistance, ...sizes } = SETUPS[force];
  const base = mipsParams({ ...sizes, force, skin, v0: 0.7, gamma: 0.8, Dr: 0.6, Dt: 0.05, k: 1.3, A: 0.02, dt: 0.002, seed: 77 });
  const L = geometry(base).boxL;
  // One system per force (pipelines compile once); model and splitting switch live.
  let sim: MipsSimulation;
  beforeAll(() => void (sim = new MipsSimulation(ctx, base)));
  afterAll(() => sim.dispose());

  // scheme=lm (Leimkuhler–Matthews kick √(2 Dt dt)(ξ_n + ξ_{n+1})/2) differs from em by ~1e-2 here.
  it.each([
    ['aoup', 'lie', 'em'],
    ['aoup', 'strang', 'em'],
    ['abp', 'lie', 'em'],
    ['abp', 'strang', 'em'],
    ['aoup', 'lie', 'lm'],
    ['abp', 'lie', 'lm'],
  ] as const)('model=%s splitting=%s scheme=%s', async (model, splitting, scheme) => {
    const p = { ...base, model, splitting, scheme };
    await sim.setParams(p);
    {
      const s0 = randomState(p, minDistance, 5);
      const step = 12345;
      await writeState(sim, s0, step);
      const got0 = await readState(sim);
      sim.step(1);
      const got1 = await readState(sim);
      expect(got1.step).toBe(step + 1);
      // The reference starts from the GPU's own float32 state, so only one step of rounding differs.
      const want = referenceStep(p, got0, step);
      // Positions: f32 spacing at L ≈ 20 is 2e-6; forces carry ~1e-6 relative error times dt.
      expect(maxPositionError(got1.positions, want.positions, L)).toBeLessThan(2e-5);
      expect(maxError(got1.displacement, want.displacement)).toBeLessThan(2e-5);
      // Propulsion: the noise is Box–Muller in f32 (|Δξ| < 2e-3 at worst, see rng.test.ts) times a kick ≤ 0.06.
      expect(maxError(got1.propulsion, want.propulsion, model === 'abp' ? 2 * Math.PI : 0)).toBeLessThan(2e-4);
      // The step moved particles by much more than the tolerance (the test can fail).
      expect(maxError(got1.displacement, got0.displacement)).toBeGreaterThan(1e-3);
    }
  });

  it('per-particle score-free EPR field matches the reference: −div_x b_x (Dt = 0), |b_x|²/Dt + div_x b_x (Dt > 0)', async () => {
    for (const [model, Dt] of [['aoup', 0], ['aoup', 0.5], ['abp', 0.5]] as const) {
      const p = { ...base, model, Dt, A: 0.3 };
      await sim.setParams(p);
      await writeState(sim, randomState(p, minDistance, 9), 0);
      const st = await readState(sim);
      const { epr } = await sim.readFields();
      const want = localEpr(p, st);
      const scale = Math.max(1, ...want.map(Math.abs));
      expect(maxError(epr, want)).toBeLessThan(1e-4 * scale);
      if (force !== 'none') expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(0.01);
      const m = await sim.sample();
      const mean = want.reduce((a, b) => a + b, 0) / want.length;
      // f32 sums of N values: relative error ~ N * 6e-8.
      expect(Math.abs(m.scalars.eprScoreFree! - mean)).toBeLessThan(1e-5 * Math.max(1, Math.abs(mean)));
    }
  });
});
