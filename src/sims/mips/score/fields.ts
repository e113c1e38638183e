// Learned per-particle fields and their reductions (sims/mips/score/shaders/fields.wgsl), bound to one sim
// configuration and one inference network of `chunk` sets: fields per chunk of slots (setOffset
// picks it), then spatial bins -> totals over all slots; colours on demand.
import { storageBuffer, UniformStruct, type UniformType } from '../../../gpu/buffers';
import { dispatchThreads } from '../../../gpu/dispatch';
import { dispatch, kernel, wgsl, type Kernel } from '../../../gpu/pipelines';
import type { Op } from '../../../nn/ops';
import type { LocalTransformer } from '../../../nn/local-transformer';
import type { MipsParams } from '../params';
import { colormapIndex, colormapTable, colormapWgsl, type SequentialMap } from '../../../gpu/colormap';
import fieldsCode from './shaders/fields.wgsl?raw';
import { CellList } from '../cell-list';
import { common } from '../wgsl';
import type { MipsInternals } from '../simulation';
import { threadsOp, type SortedSource } from './gather';
import { outputsOf, type ScoreArch } from './config';

const CODE = wgsl(common, CellList.accessWgsl, colormapWgsl, fieldsCode);

/** The colour modes' scales (fields.wgsl color), stated again by their colour bars. */
export const SCORE_COLOR_SCALE = { scoreCurrent: 2, scoreEpr: 3 } as const;
/** Target side of the binned map, in bins. */
const MAP_BINS = 24;

export class ScoreFields {
  /** vec4 (current, local EPR, EPR term, position part of the term) per particle id. */
  readonly idField: GPUBuffer;
  readonly slotField: GPUBuffer;
  /** vec4 (Σ local EPR, Σ current, count, Σ EPR term) per bin, binsPerSide² bins (row-major, y up). */
  readonly binMap: GPUBuffer;
  /** vec4 (Σ current, Σ local EPR, Σ EPR term, Σ |local EPR|), vec4 (Σ position part of the term, Σ d², 0, 0): see sims/mips/score/shaders/fields.wgsl reduce. */
  readonly totals: GPUBuffer;
  readonly binsPerSide: number;
  /** Fields of the current chunk (after the network). */
  readonly chunkOp: Op;
  /** Bins and totals over every slot (after the last chunk). */
  readonly reduceOps: Op[];
  private readonly chunkUniform: UniformStruct<Record<string, UniformType>>;
  private readonly colorKernels: Map<string, { kernel: Kernel; uniform: UniformStruct<Record<string, UniformType>>; map: number }> = new Map();
  private readonly uniforms: UniformStruct<Record<string, UniformType>>[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly sim: MipsInternals,
    private readonly params: MipsParams,
    private readonly arch: ScoreArch,
    net: LocalTransformer,
    meta: GPUBuffer,
    src: SortedSource,
  ) {
    const n = sim.buf.n;
    const grid = sim.cells.grid;
    const cellsPerBin = Math.max(1, Math.ceil(grid.cellsPerSide / MAP_BINS));
    this.binsPerSide = Math.ceil(grid.cellsPerSide / cellsPerBin);
    this.idField = storageBuffer(device, 'score: field by id', n * 16);
    this.slotField = storageBuffer(device, 'score: field by slot', n * 16);
    this.binMap = storageBuffer(device, 'score: binned map', this.binsPerSide ** 2 * 16);
    this.totals = storageBuffer(device, 'score: totals', 32);
    const u0 = (this.chunkUniform = this.uniform(0, net.cfg.tokens * net.cfg.inputs, cellsPerBin));
    u0.set({ count: net.sets }).upload();
    const fields = kernel(device, CODE, 'fields', {
      0: u0.buffer, 1: net.output.buffer, 2: net.divergence.buffer, 3: net.inputGrad.buffer, 4: meta, 5: this.slotField, 6: this.idField,
    });
    const bins = kernel(device, CODE, 'bins', { 0: u0.buffer, 5: this.slotField, 7: this.binMap, 10: src.cellStart });
    const reduce = kernel(device, CODE, 'reduce', { 0: u0.buffer, 5: this.slotField, 8: this.totals });
    this.chunkOp = threadsOp('score fields', fields, net.sets);
    this.reduceOps = [
      threadsOp('score bins', bins, this.binsPerSide ** 2),
      { label: 'score reduce', encode: (p) => dispatch(p, reduce, 1) },
    ];
    for (const [mode, m] of [['scoreCurrent', 0], ['scoreEpr', 1]] as const) {
      const uniform = this.uniform(m, 0, cellsPerBin);
      uniform.set({ colorScale: SCORE_COLOR_SCALE[mode], sequentialMap: colormapIndex(params.colormap) }).upload();
      const k = kernel(device, CODE, 'color', {
        0: uniform.buffer, 6: this.idField, 8: this.totals, 9: sim.buf.posA, 11: sim.buf.colors, 12: colormapTable(device),
      });
      this.colorKernels.set(mode, { kernel: k, uniform, map: colormapIndex(params.colormap) });
    }
  }

  private uniform(mode: number, rowStride: number, cellsPerBin: number) {
    const p = this.params;
    const u = new UniformStruct(this.device, 'score field params', {
      n: 'u32', model: 'u32', outputs: 'u32', noisyX: 'u32', gamma: 'f32', Dr: 'f32', Dt: 'f32', mode: 'u32',
      rowStride: 'u32', cellsPerSide: 'u32', cellsPerBin: 'u32', binsPerSide: 'u32', offset: 'u32', count: 'u32',
      sequentialMap: 'u32', colorScale: 'f32',
    });
    u.set({
      n: this.sim.buf.n, model: this.arch.model === 'abp' ? 1 : 0, outputs: outputsOf(this.arch), noisyX: this.arch.noisyX ? 1 : 0,
      gamma: p.gamma, Dr: p.Dr, Dt: p.Dt, mode, rowStride,
      cellsPerSide: this.sim.cells.grid.cellsPerSide, cellsPerBin, binsPerSide: this.binsPerSide,
    }).upload();
    this.uniforms.push(u);
    return u;
  }

  /** Picks the chunk of slots the next `chunkOp` writes (queued: call right before its submit). */
  setOffset(offset: number): void {
    this.chunkUniform.set({ offset }).upload();
  }

  /** Records the colouring of the render slots (mode 'scoreCurrent' or 'scoreEpr') through colour map `map`. */
  encodeColors(encoder: GPUCommandEncoder, mode: string, map: SequentialMap): void {
    const k = this.colorKernels.get(mode);
    if (!k) return;
    const row = colormapIndex(map);
    if (k.map !== row) k.uniform.set({ sequentialMap: (k.map = row) }).upload(); // only when the user picks another map
    const pass = encoder.beginComputePass({ label: 'score colours' });
    dispatchThreads(pass, k.kernel, this.sim.buf.n);
    pass.end();
  }

  destroy(): void {
    for (const b of [this.idField, this.slotField, this.binMap, this.totals]) b.destroy();
    for (const u of this.uniforms) u.destroy();
  }
}
