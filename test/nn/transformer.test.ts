// LocalTransformer end to end: the full parameter gradient through the DSM loss and the exact
// divergence against central finite differences of the float64 CPU forward, and a training run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { LocalTransformer, localTransformerLayout, type LocalTransformerConfig } from '../../src/nn/local-transformer';
import { ParamSet } from '../../src/nn/params';
import { DsmLoss, MaskedMseLoss } from '../../src/nn/losses';
import { AdamW, TrainStep } from '../../src/nn/adamw';
import { fill, type Op } from '../../src/nn/ops';
import * as ref from '../../src/nn/reference';
import { execOps, expectClose, numericGrad, randn, read, upload } from './helpers';

let ctx: GpuContext;
let device: GPUDevice;
beforeAll(async () => {
  ctx = await createNodeContext();
  device = ctx.device;
});
afterAll(() => device.destroy());

// Tokens: [g (2), x_j - x_i (2)]; two embedding MLPs, two post-LN blocks, token-0 head -> s_g.
const CFG: LocalTransformerConfig = {
  tokens: 4, inputs: 4, embed: [[0, 2], [2, 2]], embedHidden: 6,
  width: 8, depth: 2, heads: 2, mlp: 12, headHidden: 7, outputs: 2,
};

const exec = (ops: Op[]) => execOps(device, ops);


describe('LocalTransformer', () => {
  it('prints its parameter layout', () => {
    const layout = localTransformerLayout(CFG);
    const table = layout.describe();
    expect(table).toContain('block1.qkv.w');
    expect(layout.get('block0.qkv.w').shape).toEqual([8, 24]);
    console.log(table.split('\n').slice(0, 6).join('\n') + '\n...');
  });

  // depth 2: a full block, then one computing token 0 only past its keys and values; 0: no block
  it.each([2, 1, 0])('parameter gradient of the antithetic DSM loss matches finite differences (with a padded token), depth %i', async (depth) => {
    const CFG_ = { ...CFG, depth };
    const n = 2, sets = 2 * n, sigma = 0.3;
    const layout = localTransformerLayout(CFG_);
    const params = new ParamSet(device, layout, 7);
    // perturb LayerNorm affine and biases away from their 1 / 0 init so every path is exercised
    const theta = Float64Array.from(await params.weights()).map((v, i) => v + 0.1 * randn(layout.size, 99)[i]!);
    params.setWeights(Float32Array.from(theta));
    const net = new LocalTransformer(params, CFG_, sets);
    const x = randn(sets * CFG_.tokens * CFG_.inputs, 5);
    const tok = Float64Array.from({ length: sets * CFG_.tokens }, (_, r) => (r === 3 || r === 6 ? -1 : 0)); // padding
    upload(device, net.input, x);
    upload(device, net.tok, tok);
    const loss = new DsmLoss(device, net.output, net.dOutput, sigma);
    const zeta = randn(n * CFG_.outputs, 6);
    upload(device, loss.zeta, zeta);
    await exec([fill(device, 'zero grad', params.grad), ...net.forwardOps(), ...loss.ops(), ...net.backwardOps()]);
    const out = await read(device, net.output);
    expectClose('output', out, ref.localTransformerForward(CFG_, theta, x, sets, tok), { atol: 1e-5, rtol: 1e-4 });
    const f = (t: Float64Array) => ref.dsmLoss(ref.localTransformerForward(CFG_, t, x, sets, tok, layout), zeta, n, CFG_.outputs, sigma);
    const want = numericGrad(f, theta, 1e-5);
    const got = Float64Array.from(await params.gradients());
    for (const e of layout.entries) {
      expectClose(e.name, got.subarray(e.offset, e.offset + e.size), want.subarray(e.offset, e.offset + e.size), { atol: 2e-4, rtol: 1e-3 });
    }
    params.destroy();
  });

  it('exact divergence w.r.t. token 0 input slice matches finite differences', async () => {
    const sets = 3;
    const layout = localTransformerLayout(CFG);
    const params = new ParamSet(device, layout, 11);
    const theta = Float64Array.from(await params.weights());
    const net = new LocalTransformer(params, CFG, sets);
    const x = randn(sets * CFG.tokens * CFG.inputs, 8);
    upload(device, net.input, x);
    await exec(net.divergenceOps({ inputStart: 0, count: 2 }));
    const div = await read(device, net.divergence);
    const K = CFG.tokens, D = CFG.inputs;
    const want = Float64Array.from({ length: sets }, (_, p) => {
      let s = 0;
      for (let a = 0; a < 2; a++) {
        const i = p * K * D + a; // token 0 of set p, input channel a
        s += numericGrad((xx) => ref.localTransformerForward(CFG, theta, xx, sets)[p * CFG.outputs + a]!, x, 1e-5, [i])[0]!;
      }
      return s;
    });
    console.log('divergence gpu', Array.from(div), 'fd', Array.from(want));
    expectClose('divergence', div, want, { atol: 1e-4, rtol: 1e-3 });
    // the forward output stays valid after the divergence passes
    expectClose('output', await read(device, net.output), ref.localTransformerForward(CFG, theta, x, sets), { atol: 1e-5, rtol: 1e-4 });
    params.destroy();
  });

  it('trains: a tiny regression loss drops by at least 10x in 150 AdamW steps (seed 3)', async () => {
    const sets = 32;
    const cfg: LocalTransformerConfig = { ...CFG, width: 16, heads: 2, mlp: 32, embedHidden: 16, headHidden: 16, depth: 1 };
    const params = new ParamSet(device, localTransformerLayout(cfg), 3);
    const net = new LocalTransformer(params, cfg, sets);
    const x = randn(sets * cfg.tokens * cfg.inputs, 13);
    // target: token 0's g and the mean over the set of the neighbours' first offset channel
    const target = new Float64Array(sets * 2);
    for (let p = 0; p < sets; p++) {
      const t0 = p * cfg.tokens * cfg.inputs;
      let m = 0;
      for (let j = 0; j < cfg.tokens; j++) m += x[t0 + j * cfg.inputs + 2]!;
      target[2 * p] = 0.8 * x[t0]!;
      target[2 * p + 1] = m / cfg.tokens;
    }
    upload(device, net.input, x);
    const loss = new MaskedMseLoss(device, net.output, net.dOutput, 1 / (2 * sets));
    upload(device, loss.target, target);
    upload(device, loss.mask, new Float64Array(sets).fill(1));
    const opt = new AdamW(params, { lr: 3e-3, maxGradNorm: 1, emaDecay: 0.9 });
    const step = new TrainStep(opt, net, loss);
    const first = (await step.step()).loss;
    for (let i = 0; i < 148; i++) step.submit();
    const last = await step.step();
    console.log(`regression loss ${first.toFixed(4)} -> ${last.loss.toFixed(5)} after ${last.steps} steps`);
    expect(last.steps).toBe(150);
    expect(last.skipped).toBe(0);
    expect(last.loss).toBeLessThan(first / 10);
    params.destroy();
  });
});
