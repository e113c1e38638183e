// The benchmark runs and its fused and unfused attention compute the same thing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { benchTokens } from '../../src/sims/tokens/bench';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx.device.destroy());

it('benchTokens: fused vs unfused attention agree; times and throughput are reported', async () => {
  // n = 70 is not a multiple of the 64-query tile nor of the 16-wide matmul tiles.
  const r = await benchTokens(ctx, { n: 70, d: 8, heads: 2, reps: 1 });
  const tiled = await benchTokens(ctx, { n: 20, d: 4, heads: 2, reps: 1, unfused: 'tiled' });
  expect(tiled.maxRelDiff).toBeLessThan(1e-5);
  console.log(r);
  expect(r.maxRelDiff).toBeLessThan(1e-5);
  expect(r.fusedAttentionMs).toBeGreaterThan(0);
  expect(r.unfusedAttentionMs).toBeGreaterThan(0);
  expect(r.ratio).toBeCloseTo(r.unfusedAttentionMs / r.fusedAttentionMs, 10);
  expect(r.tokensSq_d_perSecond).toBeCloseTo((70 * 70 * 8) / (r.fusedAttentionMs / 1000), 0);
  expect(r.layerStepMs).toBeGreaterThan(0);
  expect(r.adapter).toBe(ctx.adapterName);
});
