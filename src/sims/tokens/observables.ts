// Observables as small GPU reductions: mean pairwise cosine, the interaction energy
// E_β = 1/(2βn²) Σ_ij exp(β<x_i,x_j>) (log-sum-exp on the GPU, combined in float64 here: the
// float32 sum overflows at β<x_i,x_j> > 88), clusters (connected components of cos > 0.999) and the fraction of pairs with cos > 0.999, the
// histogram of pairwise cosines, the mean norm and, side by side, the RMS gap between schemes.
// Only ~50 numbers are read back per sample.
import { Readback, storageBuffer, UniformStruct } from '../../gpu/buffers';
import { dispatchThreads } from '../../gpu/dispatch';
import { dispatch, kernel, wgsl, type Kernel } from '../../gpu/pipelines';
import threads from '../../gpu/shaders/threads.wgsl?raw';
import observablesCode from './shaders/observables.wgsl?raw';

export const COSINE_BINS = 40;
export const CLUSTER_THRESHOLD = 0.999;
const NON_FINITE = COSINE_BINS;
const CHANGED = COSINE_BINS + 1;
const CLUSTERS = COSINE_BINS + 2;
const CLOSE_PAIRS = COSINE_BINS + 3;
/** Propagation passes between two checks of the "changed" flag. */
const PASSES_PER_CHECK = 8;

export interface TokenStats {
  meanCosine: number;
  energy: number;
  clusters: number;
  /** Fraction of pairs i<j with cos > 0.999 (Geshkovski et al.'s phase-diagram order parameter). */
  closePairs: number;
  meanNorm: number;
  maxNorm: number;
  /** RMS over tokens of |x_i - y_i| against the side-by-side state (0 without one). */
  gap: number;
  nonFinite: number;
  /** Counts of pairs i<j per cosine bin on [-1, 1]. */
  cosineCounts: number[];
}

export class TokenObservables {
  private readonly partial: GPUBuffer;
  private readonly adjacency: GPUBuffer;
  private readonly counters: GPUBuffer;
  private readonly totals: GPUBuffer;
  private readonly labels: GPUBuffer;
  private readonly pairUniform: UniformStruct<{ n: 'u32'; d: 'u32'; words: 'u32'; beta: 'f32'; unit: 'u32' }>;
  private readonly reduceUniform: UniformStruct<{ n: 'u32' }>;
  private readonly labelUniform: UniformStruct<{ n: 'u32'; words: 'u32' }>;
  private readonly pairStats: Kernel;
  private readonly reduce: Kernel;
  private readonly labelsInit: Kernel;
  private readonly propagate: Kernel;
  private readonly countRoots: Kernel;
  private readonly readback: Readback;

  constructor(
    private readonly device: GPUDevice,
    x: GPUBuffer,
    other: GPUBuffer | null,
    private readonly n: number,
    private readonly d: number,
    /** E_β of the unit-normalised tokens (a trained network's residual stream is off the sphere). */
    unitEnergy = false,
  ) {
    const words = Math.ceil(n / 32);
    this.partial = storageBuffer(device, 'token partial sums', n * 32); // two vec4f per token
    this.adjacency = storageBuffer(device, 'token adjacency bits', n * words * 4);
    this.counters = storageBuffer(device, 'token counters', (COSINE_BINS + 4) * 4);
    this.totals = storageBuffer(device, 'token totals', 8 * 4);
    this.labels = storageBuffer(device, 'token cluster labels', n * 4);
    this.pairUniform = new UniformStruct(device, 'pair stats params', { n: 'u32', d: 'u32', words: 'u32', beta: 'f32', unit: 'u32' });
    this.reduceUniform = new UniformStruct(device, 'reduce params', { n: 'u32' });
    this.labelUniform = new UniformStruct(device, 'label params', { n: 'u32', words: 'u32' });
    this.pairUniform.set({ n, d, words, beta: 1, unit: unitEnergy ? 1 : 0 }).upload();
    this.reduceUniform.set({ n }).upload();
    this.labelUniform.set({ n, words }).upload();
    const code = wgsl(threads, observablesCode);
    this.pairStats = kernel(device, code, 'pairStats', { 0: this.pairUniform.buffer, 1: x, 2: other ?? x, 3: this.partial, 4: this.adjacency, 5: this.counters });
    this.reduce = kernel(device, code, 'reduceStats', { 0: this.reduceUniform.buffer, 1: this.partial, 2: this.totals });
    // 'auto' layouts hold only the bindings an entry point uses.
    const [u, edges, labels, counters] = [this.labelUniform.buffer, this.adjacency, this.labels, this.counters];
    this.labelsInit = kernel(device, code, 'labelsInit', { 0: u, 2: labels });
    this.propagate = kernel(device, code, 'propagateLabels', { 0: u, 1: edges, 2: labels, 3: counters });
    this.countRoots = kernel(device, code, 'countRoots', { 0: u, 2: labels, 3: counters });
    this.readback = new Readback(device, 'token stats readback');
  }

  async measure(beta: number): Promise<TokenStats> {
    const { device, n } = this;
    this.pairUniform.set({ beta }).upload();
    const encoder = device.createCommandEncoder({ label: 'token observables' });
    encoder.clearBuffer(this.counters);
    const pass = encoder.beginComputePass({ label: 'token observables' });
    dispatchThreads(pass, this.pairStats, n);
    dispatch(pass, this.reduce, 1);
    dispatchThreads(pass, this.labelsInit, n);
    pass.end();
    device.queue.submit([encoder.finish()]);

    // Min-label propagation until no label changes (each round: PASSES_PER_CHECK passes).
    for (let round = 0; round <= Math.ceil(n / PASSES_PER_CHECK); round++) {
      device.queue.writeBuffer(this.counters, CHANGED * 4, new Uint32Array([0]));
      const enc = device.createCommandEncoder({ label: 'cluster labels' });
      const p = enc.beginComputePass({ label: 'cluster labels' });
      for (let i = 0; i < PASSES_PER_CHECK; i++) dispatchThreads(p, this.propagate, n);
      p.end();
      device.queue.submit([enc.finish()]);
      const changed = (await this.readback.u32(this.counters, CHANGED * 4, 4))[0];
      if (changed === 0) break;
    }
    const enc = device.createCommandEncoder({ label: 'cluster count' });
    const p = enc.beginComputePass({ label: 'cluster count' });
    dispatchThreads(p, this.countRoots, n);
    p.end();
    device.queue.submit([enc.finish()]);

    const [counters, totals] = await Promise.all([this.readback.u32(this.counters), this.readback.f32(this.totals)]);
    return {
      meanCosine: n > 1 ? totals[0]! / (n * (n - 1)) : 1,
      energy: energyOf(totals[1]!, totals[5]!, beta, n),
      gap: Math.sqrt(totals[2]! / n),
      meanNorm: totals[3]! / n,
      maxNorm: totals[4]!,
      nonFinite: counters[NON_FINITE]!,
      clusters: counters[CLUSTERS]!,
      closePairs: n > 1 ? counters[CLOSE_PAIRS]! / ((n * (n - 1)) / 2) : 1,
      cosineCounts: Array.from(counters.subarray(0, COSINE_BINS)),
    };
  }

  destroy(): void {
    for (const b of [this.partial, this.adjacency, this.counters, this.totals, this.labels]) b.destroy();
    this.pairUniform.destroy();
    this.reduceUniform.destroy();
    this.labelUniform.destroy();
    this.readback.destroy();
  }
}

/**
 * E_β = exp(M) · Σ / (2βn²), from the reduction's largest logit M and rescaled sum Σ, in float64:
 * finite while log E_β < 709 (float32 overflowed at 88).
 */
export function energyOf(scaledSum: number, maxLogit: number, beta: number, n: number): number {
  return Math.exp(maxLogit + Math.log(scaledSum) - Math.log(2 * beta * n * n));
}

export function cosineEdges(): number[] {
  return Array.from({ length: COSINE_BINS + 1 }, (_, i) => -1 + (2 * i) / COSINE_BINS);
}
