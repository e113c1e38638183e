// Trained tokens networks (#13): the sort task's GPU batches against a CPU sort, a tiny network
// learning to sort short sequences, and weights files that reproduce their network exactly or are
// refused with one line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import { tensor } from '../../src/nn/tensor';
import { SortBatch, sortBatchCpu } from '../../src/sims/tokens/trained/sort-task';
import { TokenNet, type TokenNetSettings } from '../../src/sims/tokens/trained/token-net';
import { run } from '../../src/nn/ops';
import { read } from '../nn/helpers';

let device: GPUDevice;
beforeAll(async () => {
  device = (await createNodeContext()).device;
});
afterAll(() => device.destroy());

const TINY: TokenNetSettings = { task: 'sort', arch: 'standard', vocab: 8, context: 8, width: 32, heads: 4, layers: 2, batch: 64, lr: 3e-3, seed: 1, stepsPerChunk: 50, validation: 256 };

describe('sort task', () => {
  it('GPU batches hold the counter-based symbols and, at every position, the symbol a CPU sort puts there', async () => {
    // 13 positions (not a multiple of 4) over 10 symbols; two steps give two different batches.
    const shape = { sets: 37, context: 13, vocab: 10, seed: 5, stream: 1 };
    const rows = shape.sets * shape.context;
    const out = { symbols: tensor(device, 's', rows, 1), positions: tensor(device, 'p', rows, 1), targets: tensor(device, 't', rows, 1) };
    const batch = new SortBatch(device, shape, out);
    const seen: number[][] = [];
    for (const step of [0, 7]) {
      batch.setStep(step);
      run(device, [batch]);
      const want = sortBatchCpu(shape, step);
      expect(Array.from(await read(device, out.symbols))).toEqual(want.symbols.flat());
      expect(Array.from(await read(device, out.targets))).toEqual(want.targets.flat());
      expect(Array.from(await read(device, out.positions))).toEqual(Array.from({ length: rows }, (_, r) => r % shape.context));
      seen.push(want.symbols.flat());
    }
    expect(seen[0]).not.toEqual(seen[1]);
    // Every symbol occurs (37 · 13 draws over 10 symbols: a missing one has probability < 1e-20).
    expect(new Set(seen[0]).size).toBe(shape.vocab);
  });
});

describe('TokenNet', () => {
  it.each(['standard', 'macaron'] as const)('%s: a tiny network learns to sort 8 symbols to ≥ 95 percent per-position accuracy on held-out sequences', async (arch) => {
    // Chance is 1/8; the position alone (the i-th smallest of 8 draws) gives well under 50 %.
    const net = new TokenNet(device, { ...TINY, arch });
    const first = await net.evaluate();
    expect(first.accuracy).toBeLessThan(0.5);
    let e = first;
    for (let chunk = 0; chunk < 12 && e.accuracy < 0.95; chunk++) {
      await net.trainChunk();
      e = await net.evaluate();
    }
    expect(e.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(e.loss).toBeLessThan(first.loss / 4);
    net.destroy();
  });

  it('a saved file reproduces the validation loss bit for bit; a file for another architecture or of another kind is refused and the loaded weights stay', async () => {
    const net = new TokenNet(device, TINY);
    await net.trainChunk();
    const trained = await net.evaluate();
    const bytes = await net.save();
    const copy = TokenNet.fromWeights(device, bytes);
    expect(await copy.evaluate()).toEqual(trained);

    const macaron = new TokenNet(device, { ...TINY, arch: 'macaron' });
    const otherBytes = await macaron.save();
    expect(() => copy.load(otherBytes)).toThrow(/^weights file: the file is for a network with arch = macaron; this one has arch = standard$/);
    const wider = new TokenNet(device, { ...TINY, width: 16 });
    const widerBytes = await wider.save();
    expect(() => copy.load(widerBytes)).toThrow(/^weights file: the file is for a network with width = 16; this one has width = 32$/);
    expect(() => copy.load(new Uint8Array([1, 2, 3]))).toThrow(/^weights file: /);
    expect(await copy.evaluate()).toEqual(trained);
    for (const n of [net, copy, macaron, wider]) n.destroy();
  });
});
