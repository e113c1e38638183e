// The configurational-temperature bias of the noise schemes on the passive WCA fluid (passive-wca's
// φ = 0.5, ε = kT = Dt = 1): Euler–Maruyama samples T_conf/kT = 1 + O(dt), Leimkuhler–Matthews
// 1 + O(dt²). T_conf = Σ|∇U|²/Σ∇²U is computed in float64 from the exported positions
// (reference.ts), independently of the GPU's own tConf metric, which is checked against it.
// N = 1024 (the bench's, README table): T_conf is intensive, and N = 256 would leave LM's and EM's
// 4-SE intervals overlapping in a run this short.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { mipsSystem, MipsSimulation } from '../../src/sims/mips';
import { schema } from '../../src/sims/mips/params';
import { presetParams } from '../../src/sims/config';
import { withValues } from '../../src/sims/params';
import { configurationalTemperature } from '../../src/sims/mips/reference';
import { blockEstimate } from '../../src/sims/mips/block-stats';
import { readState } from './helpers';

let ctx: GpuContext;
beforeAll(async () => void (ctx = await createNodeContext()));
afterAll(() => ctx.device.destroy());

/** dt = 2e-4: EM's bias is large enough to resolve in a short run, and the step is still stable. */
const DT = 2e-4;
const SAMPLES = 100;
const EVERY = 50;

async function tConfSeries(scheme: string) {
  const p = schema.typed(withValues(schema, presetParams(mipsSystem, 'passive-wca'), { n: 1024, dt: DT, scheme }));
  const sim = new MipsSimulation(ctx, p);
  sim.step(1000); // warm-up from the lattice: t = 0.2
  const ratio: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    sim.step(EVERY);
    const m = await sim.sample();
    expect(m.problem).toBeUndefined();
    const t = configurationalTemperature(p, (await readState(sim)).positions).tConf; // kT = Dt/k = 1
    // The GPU's f32 sums give the same ratio (relative error ~ N · 6e-8 per sum, and rounding of the state).
    expect(Math.abs(m.scalars.tConf! - t)).toBeLessThan(1e-3 * t);
    ratio.push(t);
  }
  sim.dispose();
  // Samples 50 steps (t = 0.01) apart may be correlated: the error comes from 10 block means of 10.
  return blockEstimate(ratio, 10);
}

it('Leimkuhler–Matthews: T_conf/kT is markedly closer to 1 than Euler–Maruyama at the same dt (float64 T_conf, block errors)', async () => {
  const em = await tConfSeries('em');
  const lm = await tConfSeries('lm');
  const seen = `T_conf/kT em ${em.mean.toFixed(4)} ± ${em.se.toFixed(4)}, lm ${lm.mean.toFixed(4)} ± ${lm.se.toFixed(4)}`;
  // EM's bias is resolved: T_conf/kT − 1 exceeds 4 of its standard errors (t with 9 d.o.f.).
  expect(em.mean - 1, seen).toBeGreaterThan(4 * em.se);
  // LM's bias is smaller than EM's by more than 4 standard errors of the difference...
  expect(em.mean - 1 - Math.abs(lm.mean - 1), seen).toBeGreaterThan(4 * Math.hypot(em.se, lm.se));
  // ...and markedly: at most a third of it (O(dt²) against O(dt)).
  expect(Math.abs(lm.mean - 1), seen).toBeLessThan((em.mean - 1) / 3);
}, 300_000);
