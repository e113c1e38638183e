// The sort task (science.md §1, trained networks): sequences of `context` symbols from a
// vocabulary of `vocab`, and at every position the symbol that belongs there once sorted. It needs
// token interaction (a position's answer depends on every token) and has a crisp accuracy.
// Batches are generated on the GPU from the counter-based RNG, so a (seed, step) names a batch.
import { UniformStruct } from '../../../gpu/buffers';
import { kernel, wgsl } from '../../../gpu/pipelines';
import { dispatchThreads } from '../../../gpu/dispatch';
import { uniform4 } from '../../../gpu/rng';
import threads from '../../../gpu/shaders/threads.wgsl?raw';
import rng from '../../../gpu/shaders/rng.wgsl?raw';
import type { Op } from '../../../nn/ops';
import type { View } from '../../../nn/tensor';
import sortCode from './shaders/sort-task.wgsl?raw';

/** The most positions a sort sequence may have (4 random words per counter, 64 counters per set). */
export const MAX_SORT_CONTEXT = 256;

export interface SortTaskShape {
  sets: number;
  context: number;
  vocab: number;
  seed: number;
  /** RNG stream: training and validation batches come from different streams. */
  stream: number;
}

/** Writes one batch into a network's symbols, positions and the loss's targets; `setStep` picks which. */
export class SortBatch implements Op {
  readonly label = 'sort batch';
  private readonly uniform: UniformStruct<{ sets: 'u32'; k: 'u32'; vocab: 'u32'; step: 'u32'; seed: 'u32'; stream: 'u32' }>;
  private readonly kernel;

  constructor(
    device: GPUDevice,
    readonly shape: SortTaskShape,
    out: { symbols: View; positions: View; targets: View },
  ) {
    if (shape.context > MAX_SORT_CONTEXT) throw new Error(`sort context ${shape.context} exceeds ${MAX_SORT_CONTEXT}`);
    for (const [name, v] of Object.entries(out)) {
      if (v.offset !== 0 || v.rows !== shape.sets * shape.context || v.cols !== 1) throw new Error(`sort batch: ${name} must be a dense [${shape.sets * shape.context}, 1] tensor`);
    }
    this.uniform = new UniformStruct(device, 'sort task params', { sets: 'u32', k: 'u32', vocab: 'u32', step: 'u32', seed: 'u32', stream: 'u32' });
    this.uniform.set({ sets: shape.sets, k: shape.context, vocab: shape.vocab, step: 0, seed: shape.seed >>> 0, stream: shape.stream }).upload();
    this.kernel = kernel(device, wgsl(threads, rng, sortCode), 'sortBatch', { 0: this.uniform.buffer, 1: out.symbols.buffer, 2: out.positions.buffer, 3: out.targets.buffer });
  }

  /** The batch the next encode writes (queued: call before the submit that encodes it). */
  setStep(step: number): void {
    this.uniform.set({ step: step >>> 0 }).upload();
  }

  encode(pass: GPUComputePassEncoder): void {
    dispatchThreads(pass, this.kernel, this.shape.sets);
  }
}

/** The same batch on the CPU (the kernel's RNG, mirrored): symbols per set, and their sorted order. */
export function sortBatchCpu(shape: SortTaskShape, step: number): { symbols: number[][]; targets: number[][] } {
  const symbols: number[][] = [];
  for (let p = 0; p < shape.sets; p++) {
    const row: number[] = [];
    for (let i = 0; i < shape.context; i += 4) {
      const r = uniform4(p * 64 + i / 4, step, shape.seed >>> 0, shape.stream);
      for (let e = 0; e < 4 && i + e < shape.context; e++) row.push(Math.min(Math.floor(Math.fround(Math.fround(r[e]!) * shape.vocab)), shape.vocab - 1));
    }
    symbols.push(row);
  }
  return { symbols, targets: symbols.map((s) => [...s].sort((a, b) => a - b)) };
}
