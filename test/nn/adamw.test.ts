// AdamW + clipping + EMA kernels against a float64 CPU AdamW; the NaN guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import { ParamLayout } from '../../src/nn/layout';
import { ParamSet } from '../../src/nn/params';
import { Linear } from '../../src/nn/modules';
import { AdamW, NonFiniteStepError, TrainStep, type AdamWOptions } from '../../src/nn/adamw';
import { run } from '../../src/nn/ops';
import { tensor } from '../../src/nn/tensor';
import { LocalTransformer, localTransformerLayout } from '../../src/nn/local-transformer';
import { MaskedMseLoss } from '../../src/nn/losses';
import { compare, randn, read, upload } from './helpers';
import { Readback } from '../../src/gpu/buffers';

let device: GPUDevice;
beforeAll(async () => {
  device = (await createNodeContext()).device;
});
afterAll(() => device.destroy());

function layout(): ParamLayout {
  const l = new ParamLayout();
  Linear.declare(l, 'l', 5, 7); // w decays, b does not
  return l;
}

/** Float64 AdamW with global-norm clipping, decoupled decay (mask) and EMA. */
function cpuAdamW(w0: Float64Array, grads: Float64Array[], mask: Float64Array, o: AdamWOptions) {
  const n = w0.length;
  const w = Float64Array.from(w0);
  const ema = Float64Array.from(w0);
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const norms: number[] = [];
  grads.forEach((g, s) => {
    const t = s + 1;
    const norm = Math.sqrt(g.reduce((a, x) => a + x * x, 0));
    norms.push(norm);
    const clip = o.maxGradNorm > 0 && norm > o.maxGradNorm ? o.maxGradNorm / (norm + 1e-6) : 1;
    for (let i = 0; i < n; i++) {
      const gi = g[i]! * clip;
      m[i] = o.beta1 * m[i]! + (1 - o.beta1) * gi;
      v[i] = o.beta2 * v[i]! + (1 - o.beta2) * gi * gi;
      const mh = m[i]! / (1 - o.beta1 ** t);
      const vh = v[i]! / (1 - o.beta2 ** t);
      w[i] = w[i]! - o.lr * (mh / (Math.sqrt(vh) + o.eps) + o.weightDecay * mask[i]! * w[i]!);
      ema[i] = o.emaDecay * ema[i]! + (1 - o.emaDecay) * w[i]!;
    }
  });
  return { w, ema, m, v, norms };
}

async function readAll(params: ParamSet) {
  const rb = new Readback(device);
  const mom = new Float32Array(await rb.read(params.moments.buffer));
  rb.destroy();
  return {
    w: Float64Array.from(await params.weights()),
    ema: Float64Array.from(await params.emaWeights()),
    m: Float64Array.from(mom.subarray(0, params.size)),
    v: Float64Array.from(mom.subarray(params.padded, params.padded + params.size)),
  };
}

describe.each([
  { name: 'clipping active', maxGradNorm: 0.5, gscale: 2 },
  { name: 'clipping inactive', maxGradNorm: 100, gscale: 0.3 },
])('AdamW ($name)', ({ maxGradNorm, gscale }) => {
  it('three steps match a float64 CPU AdamW (moments, weights, EMA, reported norm)', async () => {
    const l = layout();
    const params = new ParamSet(device, l, 5);
    const opts = { lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, maxGradNorm, emaDecay: 0.8 };
    const opt = new AdamW(params, opts);
    const lossRows = tensor(device, 'loss rows', 3, 1);
    upload(device, lossRows, [0.25, 0.5, 1]);
    const ops = opt.stepOps(lossRows);
    const w0 = Float64Array.from(await params.weights());
    const grads = [1, 2, 3].map((s) => randn(l.size, 40 + s, gscale));
    const norms: number[] = [];
    for (const g of grads) {
      const padded = new Float32Array(params.padded);
      padded.set(g);
      device.queue.writeBuffer(params.grad.buffer, 0, padded);
      run(device, ops);
      const st = await opt.readStats();
      norms.push(st.gradNorm);
      expect(st.loss).toBeCloseTo(1.75, 5);
      expect(st.lastSkipped).toBe(false);
    }
    const mask = new Float64Array(l.size);
    for (const e of l.entries) if (e.decay) mask.fill(1, e.offset, e.offset + e.size);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(35);
    const want = cpuAdamW(w0, grads.map((g) => Float64Array.from(g)), mask, opts);
    const got = await readAll(params);
    for (const k of ['w', 'ema', 'm', 'v'] as const) {
      const c = compare(got[k], want[k], 1e-6, 1e-4);
      expect(c.ratio, `${k}: worst ${c.worst}: gpu ${c.a} cpu ${c.b}`).toBeLessThanOrEqual(1);
    }
    norms.forEach((n, i) => expect(n).toBeCloseTo(want.norms[i]!, 4));
    if (maxGradNorm < 1) expect(Math.min(...want.norms)).toBeGreaterThan(maxGradNorm); // clipping did engage
    expect((await opt.readStats()).steps).toBe(3);
    params.destroy();
  });
});

describe('NaN guard', () => {
  it('a non-finite loss or gradient skips the step and leaves weights, moments and EMA untouched', async () => {
    const l = layout();
    const params = new ParamSet(device, l, 6);
    const opt = new AdamW(params, { lr: 1e-2 });
    const lossRows = tensor(device, 'loss rows', 2, 1);
    const ops = opt.stepOps(lossRows);
    const g = new Float32Array(params.padded);
    g.set(randn(l.size, 50));
    device.queue.writeBuffer(params.grad.buffer, 0, g);
    upload(device, lossRows, [1, 1]);
    run(device, ops); // one good step so the moments are nonzero
    const before = await readAll(params);
    upload(device, lossRows, [NaN, 1]);
    run(device, ops);
    let st = await opt.readStats();
    expect(st.lastSkipped).toBe(true);
    expect(st.skipped).toBe(1);
    expect(st.steps).toBe(1);
    upload(device, lossRows, [1, 1]);
    g[3] = Infinity;
    device.queue.writeBuffer(params.grad.buffer, 0, g);
    run(device, ops);
    st = await opt.readStats();
    expect(st.lastSkipped).toBe(true);
    expect(st.skipped).toBe(2);
    const after = await readAll(params);
    for (const k of ['w', 'ema', 'm', 'v'] as const) expect(Array.from(after[k])).toEqual(Array.from(before[k]));
    // a finite step afterwards proceeds as step 2
    g[3] = 0.1;
    device.queue.writeBuffer(params.grad.buffer, 0, g);
    run(device, ops);
    st = await opt.readStats();
    expect(st.lastSkipped).toBe(false);
    expect(st.steps).toBe(2);
    params.destroy();
  });

  it('TrainStep.step throws NonFiniteStepError on a NaN input and the weights stay unchanged', async () => {
    const cfg = { tokens: 3, inputs: 2, embed: [[0, 2]] as Array<[number, number]>, embedHidden: 4, width: 4, depth: 1, heads: 1, mlp: 4, headHidden: 4, outputs: 1 };
    const params = new ParamSet(device, localTransformerLayout(cfg), 2);
    const net = new LocalTransformer(params, cfg, 4);
    const loss = new MaskedMseLoss(device, net.output, net.dOutput, 0.25);
    upload(device, loss.mask, [1, 1, 1, 1]);
    const step = new TrainStep(new AdamW(params), net, loss);
    const x = randn(4 * 3 * 2, 3);
    x[5] = NaN;
    upload(device, net.input, x);
    const w0 = await params.weights();
    await expect(step.step()).rejects.toThrow(NonFiniteStepError);
    await expect(step.step()).rejects.toThrow(/weights left unchanged/);
    expect(Array.from(await params.weights())).toEqual(Array.from(w0));
    expect(Array.from(await read(device, params.ema)).slice(0, params.size)).toEqual(Array.from(w0));
    params.destroy();
  });
});
