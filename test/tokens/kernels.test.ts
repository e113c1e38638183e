// Attention, FFN and the sphere projection on the GPU against the float64 CPU reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { attention, ffn, field, projectTangent } from '../../src/sims/tokens/reference';
import { referenceModel } from '../../src/sims/tokens/reference-model';
import { keyTile } from '../../src/sims/tokens/kernels';
import { harness, maxAbs, maxAbsDiff, params } from './helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
  console.log(`adapter: ${ctx.adapterName}`);
});
afterAll(() => ctx.device.destroy());

async function gpuField(p: ReturnType<typeof params>, flow: 'attention' | 'ffnA' | 'ffnB' | 'ffnMean') {
  const h = harness(ctx, p);
  const enc = ctx.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  h.engine.encodeField(pass, flow, 0);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
  const out = await h.read(h.engine.scratch(0));
  const model = h.model;
  h.dispose();
  return { out, model, ref: referenceModel(p, model) };
}

describe('attention kernel (tiled, online softmax) vs float64 reference', () => {
  const cases = [
    { n: 1, d: 4, heads: 2, beta: 1, weights: 'random', init: 'gaussian', normalization: 'softmax' },
    { n: 5, d: 6, heads: 3, beta: 2, weights: 'random', init: 'gaussian', normalization: 'softmax' },
    // 70 queries: one full and one partial query tile; 70 keys: a partial key tile.
    { n: 70, d: 8, heads: 2, beta: 1, weights: 'random', init: 'sphere', normalization: 'softmax' },
    // head dim 64: key tile 32, and 37 = 32 + 5.
    { n: 37, d: 64, heads: 1, beta: 0.5, weights: 'random', init: 'gaussian', normalization: 'softmax' },
    { n: 33, d: 4, heads: 1, beta: 2, weights: 'identity', init: 'sphere', normalization: 'uniform' },
    // Large β: logits of several hundred overflow exp() in float32 unless the max is subtracted.
    { n: 150, d: 3, heads: 1, beta: 90, weights: 'identity', init: 'gaussian', normalization: 'softmax' },
  ] as const;
  for (const c of cases) {
    it(`n=${c.n} d=${c.d} heads=${c.heads} β=${c.beta} ${c.weights} ${c.normalization}`, async () => {
      const p = params({ ...c, sphere: false, ffn: 'off', weightScale: 4 });
      if (c.beta > 50) expect(keyTile(3)).toBeLessThan(c.n); // the online rescale across tiles is exercised
      const { out, ref, model } = await gpuField(p, 'attention');
      const expected = attention(ref, model.x0);
      const scale = maxAbs(expected) + 1e-6;
      expect(maxAbs(expected)).toBeGreaterThan(0);
      expect(maxAbsDiff(out, expected) / scale).toBeLessThan(2e-5 * Math.max(1, c.beta / 10));
    });
  }

  it('large β with unnormalised Gaussian tokens: logits far beyond exp overflow stay finite', async () => {
    const p = params({ n: 40, d: 3, heads: 1, beta: 100, weights: 'identity', init: 'gaussian', sphere: false, ffn: 'off' });
    const { out, ref, model } = await gpuField(p, 'attention');
    // Scale tokens so that the largest logit β|x|² is far above 88 (where exp overflows in float32).
    let maxLogit = 0;
    for (let i = 0; i < model.count; i++) {
      let s = 0;
      for (let c = 0; c < 3; c++) s += model.x0[i * 3 + c]! ** 2;
      maxLogit = Math.max(maxLogit, 100 * s);
    }
    expect(maxLogit).toBeGreaterThan(88);
    const expected = attention(ref, model.x0);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(out, expected) / maxAbs(expected)).toBeLessThan(1e-3);
  });
});

describe('FFN kernel vs float64 reference', () => {
  for (const act of ['relu', 'gelu'] as const)
    for (const ffnPair of ['separate', 'shared'] as const)
      it(`${act}, ${ffnPair} weights, width 7, sets a, b and their mean`, async () => {
        const p = params({ n: 9, d: 6, heads: 2, ffn: 'on', ffnWidth: 7, act, ffnPair, sphere: false, init: 'gaussian', weightScale: 8 });
        for (const flow of ['ffnA', 'ffnB', 'ffnMean'] as const) {
          const { out, ref, model } = await gpuField(p, flow);
          const a = ffn(ref, 0, model.x0);
          const b = ffn(ref, ffnPair === 'shared' ? 0 : 1, model.x0);
          const expected = flow === 'ffnA' ? a : flow === 'ffnB' ? b : a.map((v, i) => 0.5 * (v + b[i]!));
          expect(maxAbsDiff(out, expected) / maxAbs(expected)).toBeLessThan(1e-5);
        }
        if (ffnPair === 'separate') {
          const { ref, model } = await gpuField(p, 'ffnA');
          expect(maxAbsDiff(ffn(ref, 0, model.x0), ffn(ref, 1, model.x0))).toBeGreaterThan(1e-3);
        }
      });
});

describe('sphere projection', () => {
  it('attention and FFN velocities are tangent: P_x v = v - <x,v> x, matching the reference', async () => {
    const p = params({ n: 20, d: 8, heads: 2, ffn: 'on', ffnWidth: 16, sphere: true, weights: 'random', init: 'sphere', weightScale: 4 });
    for (const flow of ['attention', 'ffnMean'] as const) {
      const { out, ref, model } = await gpuField(p, flow);
      const expected = field(ref, flow, model.x0);
      expect(maxAbsDiff(out, expected) / maxAbs(expected)).toBeLessThan(1e-5);
      // Independent check of the projection: <x_i, v_i> = 0 for every token.
      for (let i = 0; i < model.count; i++) {
        let dot = 0;
        for (let c = 0; c < 8; c++) dot += model.x0[i * 8 + c]! * out[i * 8 + c]!;
        expect(Math.abs(dot)).toBeLessThan(1e-5);
      }
    }
  });

  it('the reference projection itself removes exactly the normal part', () => {
    const x = Float64Array.from([0.6, 0.8, 0, 0, 0, 1]);
    const v = projectTangent(x, Float64Array.from([1, 1, 1, 2, 3, 4]), 2, 3);
    [1 - 1.4 * 0.6, 1 - 1.4 * 0.8, 1, 2, 3, 0].forEach((e, i) => expect(v[i]).toBeCloseTo(e, 12));
  });
});

describe('float64 reference vs a closed form', () => {
  it('two tokens on S², Q = K = V = I: d/dt cos θ = 2 a₁₂ (1 − cos²θ), a₁₂ = e^{βc}/(e^β + e^{βc})', () => {
    const beta = 2.5;
    const theta = 1.1;
    const x = Float64Array.from([1, 0, 0, Math.cos(theta), Math.sin(theta), 0]);
    const eye = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const m = { n: 2, d: 3, heads: 1, beta, normalization: 'softmax' as const, attention: [...eye, ...eye, ...eye, ...eye], ffn: null, width: 1, act: 'gelu' as const, sphere: true };
    const v = field(m, 'attention', x);
    let dcos = 0;
    for (let c = 0; c < 3; c++) dcos += v[c]! * x[3 + c]! + x[c]! * v[3 + c]!;
    const c = Math.cos(theta);
    const a12 = Math.exp(beta * c) / (Math.exp(beta) + Math.exp(beta * c));
    expect(dcos).toBeCloseTo(2 * a12 * (1 - c * c), 12);
  });
});
