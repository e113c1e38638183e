// SequenceTransformer (standard and Macaron, pre-LN): the parameter counts of Lu et al.'s
// matching against counts written out by hand, and the full parameter gradient through the
// cross-entropy loss against central finite differences of the float64 CPU forward.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import { CrossEntropyLoss } from '../../src/nn/losses';
import { fill, type Op } from '../../src/nn/ops';
import { ParamSet } from '../../src/nn/params';
import * as ref from '../../src/nn/reference';
import { SequenceTransformer, sequenceLayout, type SequenceTransformerConfig } from '../../src/nn/sequence-transformer';
import { execOps, expectClose, numericGrad, randn, read, upload } from './helpers';

let device: GPUDevice;
beforeAll(async () => {
  device = (await createNodeContext()).device;
});
afterAll(() => device.destroy());

describe('SequenceTransformer', () => {
  it('standard and Macaron have the same matrices; Macaron has 3d more per layer (its extra LayerNorm and FFN output bias)', () => {
    // d = 64, 4 heads, FFN 4d (Macaron: two of 2d, as the paper halves encoder_ffn_embed_dim), 4 layers.
    const d = 64, V = 65, K = 64, L = 4;
    const cfg = (arch: 'standard' | 'macaron'): SequenceTransformerConfig => ({ vocab: V, classes: V, context: K, width: d, heads: 4, layers: L, arch, ffn: 4 * d, causal: true });
    // By hand: attention LN 2d + qkv 3d²+3d + proj d²+d; FFN LN 2d + d·w + w + w·d + d.
    const attention = 2 * d + 3 * d * d + 3 * d + d * d + d;
    const ffn = (w: number) => 2 * d + 2 * d * w + w + d;
    const outside = V * d + K * d + 2 * d + d * V + V; // embeddings, final LN, head
    const standard = sequenceLayout(cfg('standard')).count;
    const macaron = sequenceLayout(cfg('macaron')).count;
    expect(standard).toBe(outside + L * (attention + ffn(4 * d)));
    expect(macaron).toBe(outside + L * (attention + 2 * ffn(2 * d)));
    expect(macaron - standard).toBe(L * 3 * d);
    const matrices = (arch: 'standard' | 'macaron') => sequenceLayout(cfg(arch)).entries.filter((e) => e.shape.length === 2).reduce((a, e) => a + e.size, 0);
    expect(matrices('macaron')).toBe(matrices('standard'));
    console.log(`parameters at d = 64, 4 layers: standard ${standard}, macaron ${macaron} (+${((macaron / standard - 1) * 100).toFixed(2)} %)`);
  });

  it.each([
    ['standard', false],
    ['standard', true],
    ['macaron', false],
    ['macaron', true],
  ] as const)('%s (causal %s): frames, logits and the cross-entropy parameter gradient match the float64 reference', async (arch, causal) => {
    const cfg: SequenceTransformerConfig = { vocab: 6, classes: 5, context: 5, width: 8, heads: 2, layers: 2, arch, ffn: 12, causal };
    const sets = 3;
    const layout = sequenceLayout(cfg);
    const params = new ParamSet(device, layout, 3);
    // LayerNorm affine and biases away from their 1 / 0 init so every path is exercised.
    const theta = Float64Array.from(await params.weights()).map((v, i) => v + 0.1 * randn(layout.size, 77)[i]!);
    params.setWeights(Float32Array.from(theta));
    const net = new SequenceTransformer(params, cfg, sets);
    const R = sets * cfg.context;
    const symbols = Float64Array.from({ length: R }, (_, r) => (r * 5 + 2) % cfg.vocab);
    const positions = Float64Array.from({ length: R }, (_, r) => r % cfg.context);
    const targets = Float64Array.from({ length: R }, (_, r) => (r === 4 ? -1 : (r * 3) % cfg.classes)); // one row ignored
    upload(device, net.symbols, symbols);
    upload(device, net.positions, positions);
    const loss = new CrossEntropyLoss(device, net.logits, net.dLogits, 1 / (R - 1));
    upload(device, loss.target, targets);
    await execOps(device, [fill(device, 'zero grad', params.grad), ...net.forwardOps(), ...loss.ops(), ...net.backwardOps()] as Op[]);
    const want = ref.sequenceTransformerForward(cfg, theta, symbols, positions, sets, layout);
    expect(net.frames).toHaveLength(1 + cfg.layers * (arch === 'macaron' ? 3 : 2));
    for (const [i, frame] of net.frames.entries()) expectClose(`frame ${i}`, await read(device, frame), want.frames[i]!, { atol: 1e-5, rtol: 1e-4 });
    expectClose('logits', await read(device, net.logits), want.logits, { atol: 1e-5, rtol: 1e-4 });
    const f = (t: Float64Array) => ref.crossEntropy(ref.sequenceTransformerForward(cfg, t, symbols, positions, sets, layout).logits, R, cfg.classes, targets, 1 / (R - 1));
    const grad = numericGrad(f, theta, 1e-5);
    const got = Float64Array.from(await params.gradients());
    for (const e of layout.entries) {
      expectClose(e.name, got.subarray(e.offset, e.offset + e.size), grad.subarray(e.offset, e.offset + e.size), { atol: 2e-4, rtol: 1e-3 });
    }
    params.destroy();
  });
});
