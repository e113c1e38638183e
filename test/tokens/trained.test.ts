// Trained tokens networks (#13): the sort task's GPU batches against a CPU sort, a tiny network
// learning to sort short sequences, and weights files that reproduce their network exactly or are
// refused with one line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labProcess } from '../lab-process';
import { createNodeContext } from '../../src/gpu/node';
import { tensor } from '../../src/nn/tensor';
import { SortBatch, sortBatchCpu } from '../../src/sims/tokens/trained/sort-task';
import { CharBatch, charWindowStarts, corpusBuffer, encodeText, loadCorpus } from '../../src/sims/tokens/trained/charlm-task';
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

describe('character language-model task', () => {
  it('GPU windows read the corpus at the CPU-mirrored starts (training: random, held out: evenly spread), targets one character on', async () => {
    const corpus = await loadCorpus();
    const ids = corpusBuffer(device, corpus);
    expect(corpus.alphabet).toHaveLength(62);
    expect(corpus.ids.length).toBe(366_194); // Genesis + Exodus, KJV (corpus/README.md)
    for (const split of ['train', 'validation'] as const) {
      const w = { sets: 9, context: 11, split, seed: 3, stream: split === 'train' ? 1 : 2 };
      const rows = w.sets * w.context;
      const out = { symbols: tensor(device, 's', rows, 1), positions: tensor(device, 'p', rows, 1), targets: tensor(device, 't', rows, 1) };
      const batch = new CharBatch(device, corpus, ids, w, out);
      batch.setStep(4);
      run(device, [batch]);
      const starts = charWindowStarts(corpus, w, 4);
      const at = (o: number) => starts.flatMap((s0) => Array.from({ length: w.context }, (_, i) => corpus.ids[s0 + i + o]!));
      expect(Array.from(await read(device, out.symbols))).toEqual(at(0));
      expect(Array.from(await read(device, out.targets))).toEqual(at(1));
      // Training windows stay in the first 90 %; held-out ones in the last 10 %, the last ending at its end or before.
      for (const s0 of starts) {
        if (split === 'train') expect(s0 + w.context).toBeLessThan(corpus.trainEnd);
        else expect(s0).toBeGreaterThanOrEqual(corpus.trainEnd);
        expect(s0 + w.context).toBeLessThan(corpus.ids.length);
      }
    }
    ids.destroy();
    expect(() => encodeText(corpus, 'In the beginning €')).toThrow(/^character "€" \(position 18\) is not in the corpus's 62 characters$/);
  });
});

describe('TokenNet', () => {
  it.each(['standard', 'macaron'] as const)('%s: a tiny network learns to sort 8 symbols to ≥ 95 percent per-position accuracy on held-out sequences', async (arch) => {
    // Chance is 1/8; the position alone (the i-th smallest of 8 draws) gives well under 50 %.
    const net = await TokenNet.create(device, { ...TINY, arch });
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
    const net = await TokenNet.create(device, TINY);
    await net.trainChunk();
    const trained = await net.evaluate();
    const bytes = await net.save();
    const copy = await TokenNet.fromWeights(device, bytes);
    expect(await copy.evaluate()).toEqual(trained);

    const macaron = await TokenNet.create(device, { ...TINY, arch: 'macaron' });
    const otherBytes = await macaron.save();
    expect(() => copy.load(otherBytes)).toThrow(/^weights file: the file is for a network with arch = macaron; this one has arch = standard$/);
    const wider = await TokenNet.create(device, { ...TINY, width: 16 });
    const widerBytes = await wider.save();
    expect(() => copy.load(widerBytes)).toThrow(/^weights file: the file is for a network with width = 16; this one has width = 32$/);
    expect(() => copy.load(new Uint8Array([1, 2, 3]))).toThrow(/^weights file: /);
    expect(await copy.evaluate()).toEqual(trained);
    for (const n of [net, copy, macaron, wider]) n.destroy();
  });

  it('charlm: a tiny causal network beats the training split\'s unigram model on held-out text within 100 steps, and cannot read the answer', async () => {
    const corpus = await loadCorpus();
    // The baseline: held-out cross-entropy of the training split's character frequencies (bits).
    const counts = new Float64Array(corpus.alphabet.length);
    for (let i = 0; i < corpus.trainEnd; i++) counts[corpus.ids[i]!]!++;
    let unigram = 0;
    for (let i = corpus.trainEnd; i < corpus.ids.length; i++) unigram -= Math.log2(counts[corpus.ids[i]!]! / corpus.trainEnd);
    unigram /= corpus.ids.length - corpus.trainEnd;
    const net = await TokenNet.create(device, { ...TINY, task: 'charlm', context: 32, batch: 32, validation: 128 });
    for (let c = 0; c < 2; c++) await net.trainChunk();
    const bits = (await net.evaluate()).loss / Math.LN2;
    // 128 windows × 32 characters: the standard error of the mean is ~0.03 bits (per-character sd ≲ 2 bits).
    expect(bits).toBeLessThan(unigram - 0.3);
    // A model that could see the next character would copy it: far below 1.5 bits within 100 steps.
    expect(bits).toBeGreaterThan(1.5);
    net.destroy();
  });
});

describe('lab train tokens / lab compare tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-tokens-net-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const SMALL = ['--set', 'net.width=16', '--set', 'net.heads=2', '--set', 'net.layers=1', '--set', 'net.context=6', '--set', 'net.vocab=6', '--set', 'net.batch=16', '--set', 'net.validation=32'];

  it('train writes a weights file that reproduces its reported held-out loss bit for bit in another process; compare\'s per-seed results are those of separate train runs', async () => {
    const out = join(dir, 'm.safetensors');
    const train = labProcess(['train', 'tokens', ...SMALL, '--set', 'net.arch=macaron', '--set', 'net.seed=4', '--steps', '20', '--out', out, '--json']);
    expect(train.code, train.stderr).toBe(0);
    const report = JSON.parse(train.stdout);
    const net = await TokenNet.fromWeights(device, new Uint8Array(readFileSync(out)));
    const e = await net.evaluate();
    expect(Math.fround(e.loss)).toBe(Math.fround(report.validationLoss));
    expect(e.accuracy).toBe(report.accuracy);
    net.destroy();

    const compare = labProcess(['compare', 'tokens', ...SMALL, '--set', 'net.seed=3', '--set', 'net.seeds=2', '--steps', '20', '--json']);
    expect(compare.code, compare.stderr).toBe(0);
    const c = JSON.parse(compare.stdout);
    expect(c.seeds).toEqual([3, 4]);
    expect(c.curves.standard.map((p: { step: number }) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    // Seed 4's Macaron network is the one train made above: same batches, same weights, same loss.
    expect(Math.fround(c.final.macaron.perSeed[1].loss)).toBe(Math.fround(report.validationLoss));
    // The paired difference is the mean of the per-seed differences; its standard error their std / √2.
    const d = [0, 1].map((i) => c.final.macaron.perSeed[i].loss - c.final.standard.perSeed[i].loss);
    expect(c.difference.loss.mean).toBeCloseTo((d[0]! + d[1]!) / 2, 12);
    expect(c.difference.loss.stdErr).toBeCloseTo(Math.abs(d[0]! - d[1]!) / Math.SQRT2 / Math.SQRT2, 12);
    expect(c.parameters.macaron - c.parameters.standard).toBe(3 * 16); // one layer: the extra LayerNorm and FFN output bias
  });
});
