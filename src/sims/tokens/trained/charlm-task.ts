// The character language-model task: the King James Version's Genesis and Exodus (public
// domain; corpus/README.md), one symbol per distinct character. The first 90 % trains, the last
// 10 % is held out. Batches are windows of `context` characters read on the GPU: each position's
// input is a character and its target the next one (a causal model predicts it from the past).
import { storageBuffer, UniformStruct } from '../../../gpu/buffers';
import { dispatchThreads } from '../../../gpu/dispatch';
import { kernel, wgsl } from '../../../gpu/pipelines';
import { uniform4 } from '../../../gpu/rng';
import threads from '../../../gpu/shaders/threads.wgsl?raw';
import rng from '../../../gpu/shaders/rng.wgsl?raw';
import type { Op } from '../../../nn/ops';
import type { View } from '../../../nn/tensor';
import charCode from './shaders/charlm-task.wgsl?raw';

/** The fraction of the corpus that trains; the rest is held out. */
export const TRAIN_FRACTION = 0.9;

export interface Corpus {
  /** The distinct characters, sorted: symbol s is alphabet[s]. */
  alphabet: string[];
  /** The text as symbols. */
  ids: Float32Array<ArrayBuffer>;
  /** Symbols [0, trainEnd) train; [trainEnd, length) are held out. */
  trainEnd: number;
}

export function corpusOf(text: string): Corpus {
  const chars = [...text];
  const alphabet = [...new Set(chars)].sort();
  const index = new Map(alphabet.map((c, i) => [c, i]));
  return { alphabet, ids: Float32Array.from(chars, (c) => index.get(c)!), trainEnd: Math.floor(chars.length * TRAIN_FRACTION) };
}

let shipped: Promise<Corpus> | undefined;
/** The shipped corpus (loaded on first use: 366 KB of text). */
export function loadCorpus(): Promise<Corpus> {
  shipped ??= import('./corpus/kjv-genesis-exodus.txt?raw').then((m) => corpusOf(m.default));
  return shipped;
}

/** Text as symbols; a character outside the alphabet is refused, naming it and where it is. */
export function encodeText(corpus: Corpus, text: string): number[] {
  const index = new Map(corpus.alphabet.map((c, i) => [c, i]));
  return [...text].map((c, at) => {
    const s = index.get(c);
    if (s === undefined) throw new Error(`character ${JSON.stringify(c)} (position ${at + 1}) is not in the corpus's ${corpus.alphabet.length} characters`);
    return s;
  });
}

export interface CharWindows {
  sets: number;
  context: number;
  split: 'train' | 'validation';
  seed: number;
  stream: number;
}

/** Where a split's windows start: training windows anywhere in it, held-out ones evenly spread. */
function placement(corpus: Corpus, w: CharWindows): { first: number; span: number; stride: number } {
  const [from, to] = w.split === 'train' ? [0, corpus.trainEnd] : [corpus.trainEnd, corpus.ids.length];
  const room = to - from - w.context; // a window reads context + 1 symbols
  if (room < 1) throw new Error(`the ${w.split} split (${to - from} characters) is shorter than a window of ${w.context + 1}`);
  if (w.split === 'train') return { first: from, span: room, stride: 0 };
  return { first: from, span: 0, stride: w.sets > 1 ? Math.floor((room - 1) / (w.sets - 1)) : 0 };
}

const FIELDS = { sets: 'u32', k: 'u32', first: 'u32', span: 'u32', stride: 'u32', step: 'u32', seed: 'u32', stream: 'u32' } as const;

/** The corpus's symbols on the GPU, one f32 each (the batches of every network read one copy). */
export function corpusBuffer(device: GPUDevice, corpus: Corpus): GPUBuffer {
  const buffer = storageBuffer(device, 'corpus', corpus.ids.byteLength);
  device.queue.writeBuffer(buffer, 0, corpus.ids);
  return buffer;
}

/** Writes one batch of windows into a network's symbols and positions and the loss's targets. */
export class CharBatch implements Op {
  readonly label = 'char batch';
  private readonly uniform: UniformStruct<typeof FIELDS>;
  private readonly kernel;

  constructor(
    device: GPUDevice,
    corpus: Corpus,
    /** corpusBuffer(device, corpus) */
    ids: GPUBuffer,
    readonly windows: CharWindows,
    out: { symbols: View; positions: View; targets: View },
  ) {
    for (const [name, v] of Object.entries(out)) {
      if (v.offset !== 0 || v.rows !== windows.sets * windows.context || v.cols !== 1) throw new Error(`char batch: ${name} must be a dense [${windows.sets * windows.context}, 1] tensor`);
    }
    this.uniform = new UniformStruct(device, 'char task params', FIELDS);
    this.uniform.set({ sets: windows.sets, k: windows.context, ...placement(corpus, windows), step: 0, seed: windows.seed >>> 0, stream: windows.stream }).upload();
    this.kernel = kernel(device, wgsl(threads, rng, charCode), 'charBatch', {
      0: this.uniform.buffer, 1: ids, 2: out.symbols.buffer, 3: out.positions.buffer, 4: out.targets.buffer,
    });
  }

  setStep(step: number): void {
    this.uniform.set({ step: step >>> 0 }).upload();
  }

  encode(pass: GPUComputePassEncoder): void {
    dispatchThreads(pass, this.kernel, this.windows.sets * this.windows.context);
  }
}

/** The windows' first symbols on the CPU (the kernel's RNG, mirrored). */
export function charWindowStarts(corpus: Corpus, w: CharWindows, step: number): number[] {
  const { first, span, stride } = placement(corpus, w);
  return Array.from({ length: w.sets }, (_, p) => {
    if (span === 0) return first + p * stride;
    const r = Math.fround(uniform4(p, step, w.seed >>> 0, w.stream)[0]);
    return first + Math.min(Math.trunc(Math.fround(r * span)), span - 1);
  });
}
