// Neighbour gather kernels (sims/mips/score/shaders/gather.wgsl) bound to one sim configuration and one network
// batch: `all` fills an inference network (one set per particle, cell-sorted slots) and its
// meta, one chunk of slots at a time, from a snapshot of the sorted state; `batch` fills a training network with antithetic pairs and ζ; `tick` advances the
// counter that keys the random batch and noise. Bind groups are built once per configuration.
import { storageBuffer, UniformStruct, type UniformType } from '../../../gpu/buffers';
import { dispatchThreads } from '../../../gpu/dispatch';
import { dispatch, kernel, wgsl, type Kernel } from '../../../gpu/pipelines';
import type { Op } from '../../../nn/ops';
import type { View } from '../../../nn/tensor';
import rng from '../../../gpu/shaders/rng.wgsl?raw';
import gatherCode from './shaders/gather.wgsl?raw';
import { CellList } from '../cell-list';
import { geometry, type MipsParams } from '../params';
import { common } from '../wgsl';
import type { MipsInternals } from '../simulation';
import { channelsOf, outputsOf, type ScoreArch } from './config';

const FORCE_KIND: Record<string, number> = { none: 0, softdisk: 1, wca: 2 };
const CODE = wgsl(rng, common, CellList.accessWgsl, gatherCode);

type Fields = Record<string, UniformType>;

export interface GatherTarget {
  input: View;
  tok: View;
}

/** The sorted state a gather reads: the sim's own buffers, or a snapshot of them. */
export interface SortedSource {
  posB: GPUBuffer;
  bodyB: GPUBuffer;
  cellStart: GPUBuffer;
}

/** An inference gather over one chunk of slots; `setOffset` picks the chunk (queued before a submit). */
export interface ChunkGather extends Op {
  setOffset(offset: number): void;
}

/** An op of `threads` invocations of a 1-D kernel. */
export function threadsOp(label: string, k: Kernel, threads: number): Op {
  return { label, encode: (p) => dispatchThreads(p, k, threads) };
}

export class ScoreGather {
  private readonly uniforms: UniformStruct<Fields>[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly sim: MipsInternals,
    private readonly params: MipsParams,
    private readonly arch: ScoreArch,
    private readonly neighbors: number,
    private readonly sigma: number,
    private readonly seed: number,
    private readonly forceInput: number,
  ) {}

  private uniform(count: number): UniformStruct<Fields> {
    const u = new UniformStruct(this.device, 'score gather params', {
      n: 'u32', count: 'u32', model: 'u32', neighbors: 'u32', cellsPerSide: 'u32', inputs: 'u32', outputs: 'u32', noisyX: 'u32',
      absChannel: 'u32', forceChannel: 'u32', forceScale: 'f32', offset: 'u32', boxL: 'f32', cellW: 'f32', sigma: 'f32', seed: 'u32', forceParams: 'vec4f', rc2: 'f32', k: 'f32', trapA: 'f32', v0: 'f32',
    });
    const p = this.params;
    const g = geometry(p);
    const grid = this.sim.cells.grid;
    const sigmaWca = p.sigma;
    u.set({
      n: this.sim.buf.n, count, model: this.arch.model === 'abp' ? 1 : 0, neighbors: this.neighbors,
      cellsPerSide: grid.cellsPerSide, ...channelsOf(this.arch, { forceInput: this.forceInput }), outputs: outputsOf(this.arch),
      noisyX: this.arch.noisyX ? 1 : 0, forceScale: forceScale(p),
      boxL: g.boxL, cellW: grid.cellWidth, sigma: this.sigma, seed: this.seed,
      forceParams: [p.b, 2, sigmaWca * sigmaWca, 24 * p.epsilon], rc2: g.rc * g.rc,
      k: p.k, trapA: p.A, v0: p.v0,
    }).upload();
    this.uniforms.push(u);
    return u;
  }

  private constants() {
    return { FORCE_KIND: FORCE_KIND[this.params.force] ?? 0 };
  }

  /** One set per particle of a chunk of `chunk` cell-sorted slots of `src`; meta gets 2 vec4 per set. */
  all(net: GatherTarget, meta: GPUBuffer, src: SortedSource, chunk: number): ChunkGather {
    const u = this.uniform(chunk);
    const k = kernel(this.device, CODE, 'gatherAll', {
      0: u.buffer, 1: src.posB, 2: src.bodyB, 3: net.input.buffer, 4: net.tok.buffer, 5: meta, 10: src.cellStart,
    }, this.constants());
    return { ...threadsOp('score gather all', k, chunk), setOffset: (offset) => u.set({ offset }).upload() };
  }

  /** `pairs` random particles, antithetic sets b and pairs + b; ζ [pairs, outputs]. */
  batch(net: GatherTarget, zeta: View, pairs: number, counter: GPUBuffer): Op {
    const u = this.uniform(pairs);
    const { buf, cells } = this.sim;
    const k = kernel(this.device, CODE, 'gatherBatch', {
      0: u.buffer, 1: buf.posB, 2: buf.bodyB, 3: net.input.buffer, 4: net.tok.buffer, 6: zeta.buffer, 7: counter, ...cells.accessBindings(),
    }, this.constants());
    return threadsOp('score gather batch', k, pairs);
  }

  tick(counter: GPUBuffer): Op {
    const k = kernel(this.device, CODE, 'tick', { 7: counter });
    return { label: 'score tick', encode: (p) => dispatch(p, k, 1) };
  }

  destroy(): void {
    for (const u of this.uniforms) u.destroy();
  }
}

/** The force input is k F_i / v0: in units of the propulsion g it balances (k F_i without propulsion). */
export function forceScale(p: MipsParams): number {
  const v0 = p.v0;
  return v0 > 0 ? p.k / v0 : p.k;
}

/** A u32 step counter buffer (keys the training batches and noise). */
export function counterBuffer(device: GPUDevice): GPUBuffer {
  return storageBuffer(device, 'score step counter', 16);
}
