// E_β = 1/(2βn²) Σ_ij exp(β<x_i,x_j>) at large β: exp(β<x_i,x_i>) = e^100 overflows float32
// (max e^88.7), so the GPU keeps a log-sum-exp pair and the host combines it in float64. Checked
// against the float64 reference on the same tokens; before the fix the GPU reported Infinity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { tokensSystem } from '../../src/sims/tokens';
import { CLUSTER_THRESHOLD, COSINE_BINS } from '../../src/sims/tokens/observables';
import { observables } from '../../src/sims/tokens/reference';
import { params } from './helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx.device.destroy());

describe('interaction energy E_β without float32 overflow', () => {
  it.each([100, 30])('β = %d: finite and equal to the float64 reference', async (beta) => {
    const n = 40;
    const p = params({ n, d: 3, beta, init: 'sphere', sphere: true, ffn: 'off', seed: 7, dt: 0.01 });
    const sim = await tokensSystem.create(ctx, p);
    for (const steps of [0, 5]) {
      sim.step(steps);
      const s = await sim.sample();
      const st = await sim.exportState();
      const bin = atob(st.buffers.x!.base64);
      const x = new Float32Array(Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer);
      const ref = observables(x, n, 3, beta, CLUSTER_THRESHOLD, COSINE_BINS);
      expect(Number.isFinite(ref.energy)).toBe(true);
      expect(Number.isFinite(s.scalars.energy)).toBe(true);
      // Each logit β<x_i,x_j> carries float32 rounding of about β·3·2⁻²⁴ ≈ 2e-5 at β = 100, so
      // exp(logit) is off by that relative amount: 1e-4 leaves a factor 5.
      expect(Math.abs(s.scalars.energy! / ref.energy - 1)).toBeLessThan(1e-4);
    }
    sim.dispose();
  });
});
