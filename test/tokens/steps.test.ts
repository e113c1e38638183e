// Layer steps on the GPU against the float64 reference, and the measured convergence orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { fitSlope, measureConvergence } from '../../src/sims/tokens/convergence';
import { integrate } from '../../src/sims/tokens/reference';
import { referenceModel } from '../../src/sims/tokens/reference-model';
import { presetParams } from '../../src/sims/config';
import { tokensSystem } from '../../src/sims/tokens';
import { harness, maxAbs, maxAbsDiff, params } from './helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx.device.destroy());

describe('layer steps vs float64 reference', () => {
  for (const sphere of [false, true])
    for (const splitting of ['lie', 'strang'] as const)
      for (const substep of ['euler', 'rk4'] as const)
        it(`${splitting}-${substep}${sphere ? ' on the sphere' : ''}: 10 layers`, async () => {
          const p = params({ n: 11, d: 6, heads: 2, beta: 1.5, weights: 'random', weightScale: 4, ffn: 'on', ffnWidth: 12, ffnPair: 'separate', sphere, init: sphere ? 'sphere' : 'gaussian', dt: 0.1, splitting, substep });
          const h = harness(ctx, p);
          const enc = ctx.device.createCommandEncoder();
          const pass = enc.beginComputePass();
          h.engine.encode(pass, 10);
          pass.end();
          ctx.device.queue.submit([enc.finish()]);
          const gpu = await h.read(h.engine.x);
          const expected = integrate(referenceModel(p, h.model), h.model.x0, 0.1, 10, splitting, substep);
          // The steps really moved the tokens, and the schemes differ from each other.
          expect(maxAbsDiff(expected, h.model.x0)).toBeGreaterThan(1e-2);
          expect(maxAbsDiff(gpu, expected) / maxAbs(expected)).toBeLessThan(2e-5);
          h.dispose();
        });

  it('Lie and Strang really are different schemes (and coincide with the FFN off)', async () => {
    const base = { n: 6, d: 4, heads: 2, weights: 'random', weightScale: 4, ffnWidth: 8, sphere: false, init: 'gaussian', dt: 0.2 };
    const on = params({ ...base, ffn: 'on' });
    const m = referenceModel(on, (await import('../../src/sims/tokens/model')).buildModel(on));
    const x0 = (await import('../../src/sims/tokens/model')).buildModel(on).x0;
    expect(maxAbsDiff(integrate(m, x0, 0.2, 5, 'lie', 'euler'), integrate(m, x0, 0.2, 5, 'strang', 'euler'))).toBeGreaterThan(1e-3);
    const off = { ...m, ffn: null };
    expect(maxAbsDiff(integrate(off, x0, 0.2, 5, 'lie', 'euler'), integrate(off, x0, 0.2, 5, 'strang', 'euler'))).toBe(0);
  });
});

describe('convergence orders (GPU, float32)', () => {
  it('fitSlope recovers a known power law', () => {
    const dts = [0.1, 0.05, 0.025];
    expect(fitSlope(dts, dts.map((h) => 3 * h ** 2))).toBeCloseTo(2, 10);
  });

  it('smooth problem: lie-euler ≈ 1, strang-euler ≈ 1, lie-rk4 ≈ 1, strang-rk4 ≈ 2', async () => {
    // The `convergence` preset: random weights scaled so the splitting error is far above float32
    // rounding (strang-rk4 errors 1.8e-3 … 2.9e-5), smooth GELU FFN, shared Macaron halves.
    const p = presetParams(tokensSystem, 'convergence');
    const r = await measureConvergence(ctx, p);
    console.log('orders', r.orders);
    expect(r.rows).toHaveLength(16);
    // Tolerances: the first-order schemes are slightly pre-asymptotic at dt = 0.15 (lie-euler ≈ 0.96).
    expect(Math.abs(r.orders['lie-euler'] - 1)).toBeLessThan(0.1);
    expect(Math.abs(r.orders['strang-euler'] - 1)).toBeLessThan(0.1);
    expect(Math.abs(r.orders['lie-rk4'] - 1)).toBeLessThan(0.1);
    expect(Math.abs(r.orders['strang-rk4'] - 2)).toBeLessThan(0.1);
    // Errors of every scheme shrink with dt and stay far above float32 noise.
    for (const row of r.rows) expect(row.error).toBeGreaterThan(1e-5);
    expect(r.notes).toEqual([]);
  });

  it('separate Macaron FFN weights make Strang first order even with RK4 sub-steps (and say so)', async () => {
    const p = { ...presetParams(tokensSystem, 'convergence'), ffnPair: 'separate' };
    const r = await measureConvergence(ctx, p, { dts: [0.15, 0.075], refinement: 2 });
    expect(Math.abs(r.orders['strang-rk4'] - 1)).toBeLessThan(0.15);
    expect(r.notes.join(' ')).toMatch(/ffnPair=separate/);
  });
});
