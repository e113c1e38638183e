// A GPU cell list for 2-D periodic boxes, rebuilt every step in O(N), without workgroup barriers:
//   count (bin + rank by atomics) -> scan (chunk sums, one serial scan of the chunk totals,
//   chunk-local scans) -> scatter ids -> place (each particle's rank by id within its cell; the
//   state is copied to its final slot, so each cell is in id order).
// After encode(), `perm[slot]` is the particle at a cell-sorted slot, and the particles of cell c
// fill slots [cellStart(c), cellStart(c+1)) in ascending id (WGSL: sims/mips/shaders/cell-access.wgsl,
// binding 10), and the payload holds the state in that order (sortedPos[slot] = positions[perm[slot]]).
// Consumers (the force kernel, observables, a later k-nearest-neighbour gather) include
// `CellList.accessWgsl` and bind `cells.accessBindings()`.
import { storageBuffer, UniformStruct } from '../../gpu/buffers';
import { gridFor, itemsPerThread } from '../../gpu/dispatch';
import { kernel, wgsl, type Kernel } from '../../gpu/pipelines';
import access from './shaders/cell-access.wgsl?raw';
import countCode from './shaders/cell-count.wgsl?raw';
import scanCode from './shaders/cell-scan.wgsl?raw';
import scatterCode from './shaders/cell-scatter.wgsl?raw';
import sortCode from './shaders/gather.wgsl?raw';
import { encodeStages, type IndirectArgs, type Stage } from './stages';
import { common } from './wgsl';

/** Cells per scan chunk (SCAN_CHUNK in sims/mips/shaders/cell-scan.wgsl). */
export const SCAN_CHUNK = 64;

export interface CellGrid {
  cellsPerSide: number;
  cellWidth: number;
  /** 1: search the 3x3 neighbour cells; 0: one cell holds everything (box < 3 cutoffs). */
  stencil: number;
}

/** Cells of width ≥ cutoff; fewer than 3 per side would alias neighbours, so use one cell then. */
export function cellGrid(boxL: number, cutoff: number): CellGrid {
  let m = Math.floor(boxL / (cutoff * 1.0001));
  if (m < 3) m = 1;
  return { cellsPerSide: m, cellWidth: boxL / m, stencil: m === 1 ? 0 : 1 };
}

/**
 * State copied into cell order by the build: positions (the constructor's, vec4f with the id
 * in w) and `body` (vec4f) into `sortedPos` / `sortedBody`.
 */
export interface CellPayload {
  body: GPUBuffer;
  sortedPos: GPUBuffer;
  sortedBody: GPUBuffer;
}

export class CellList {
  static readonly accessWgsl = access;
  readonly grid: CellGrid;
  readonly cells: number;
  readonly perm: GPUBuffer;
  readonly cellStart: GPUBuffer;
  private readonly chunkTotal: GPUBuffer;
  private readonly cellCount: GPUBuffer;
  private readonly cellOf: GPUBuffer;
  private readonly rank: GPUBuffer;
  /** id of the particle at each (unsorted) slot. */
  private readonly slotId: GPUBuffer;
  private readonly chunks: number;
  private readonly uniforms: UniformStruct<Record<string, 'u32' | 'f32'>>[] = [];
  /** The build's dispatches in order: count, scan (3, or 1 when serial), scatter, sort. */
  readonly stages: readonly Stage[];
  /** Items per invocation of the count / scatter / sort kernels (PER_THREAD). */
  readonly perThread: number;

  /**
   * `positions`: vec4f per particle, xy used, id (an exact f32) in w. `serialScan`: the prefix
   * sum in one single-thread dispatch instead of three parallel ones (fewer dispatches for builds
   * that are encoded every step but rarely run, on CPU implementations).
   */
  constructor(
    private readonly device: GPUDevice,
    readonly n: number,
    boxL: number,
    cutoff: number,
    positions: GPUBuffer,
    payload: CellPayload,
    serialScan = false,
  ) {
    this.perThread = itemsPerThread(device);
    const perThread = { PER_THREAD: this.perThread };
    this.grid = cellGrid(boxL, cutoff);
    this.cells = this.grid.cellsPerSide ** 2;
    const entries = this.cells + 1; // one extra, always empty: cellStart(cells) = n
    this.chunks = Math.ceil(entries / SCAN_CHUNK);
    this.cellCount = storageBuffer(device, 'cells: count', entries * 4);
    this.cellStart = storageBuffer(device, 'cells: start', entries * 4);
    this.chunkTotal = storageBuffer(device, 'cells: chunk totals', this.chunks * 4);
    this.cellOf = storageBuffer(device, 'cells: cell of particle', n * 4);
    this.rank = storageBuffer(device, 'cells: rank in cell', n * 4);
    this.perm = storageBuffer(device, 'cells: sorted slot -> particle', n * 4);
    this.slotId = storageBuffer(device, 'cells: id at unsorted slot', n * 4);

    const countU = this.uniform('count params', { n: 'u32', cellsPerSide: 'u32', invCellW: 'f32', _pad: 'u32' });
    countU.set({ n, cellsPerSide: this.grid.cellsPerSide, invCellW: 1 / this.grid.cellWidth }).upload();
    const scanU = this.uniform('scan params', { entries: 'u32', chunks: 'u32', _a: 'u32', _b: 'u32' });
    scanU.set({ entries, chunks: this.chunks }).upload();
    const scatterU = this.uniform('scatter params', { n: 'u32', _a: 'u32', _b: 'u32', _c: 'u32' });
    scatterU.set({ n }).upload();

    const count = kernel(device, wgsl(common, countCode), 'countCells', {
      0: countU.buffer, 1: positions, 2: this.cellCount, 3: this.cellOf, 4: this.rank,
    }, perThread);
    const scan = wgsl(common, scanCode);
    const scanStages = (): Stage[] => {
      if (serialScan) {
        return [{ label: 'cells: scan', kernel: kernel(device, scan, 'scanSerial', { 0: scanU.buffer, 1: this.cellCount, 3: this.cellStart }), grid: [1, 1] }];
      }
      const perChunk = gridFor(this.chunks);
      return [
        { label: 'cells: scan', kernel: kernel(device, scan, 'sumChunks', { 0: scanU.buffer, 1: this.cellCount, 2: this.chunkTotal }), grid: perChunk },
        { label: 'cells: scan', kernel: kernel(device, scan, 'scanChunks', { 0: scanU.buffer, 2: this.chunkTotal }), grid: [1, 1] },
        {
          label: 'cells: scan',
          kernel: kernel(device, scan, 'startCells', { 0: scanU.buffer, 1: this.cellCount, 2: this.chunkTotal, 3: this.cellStart }),
          grid: perChunk,
        },
      ];
    };
    const scatter = kernel(device, wgsl(common, access, scatterCode), 'scatterIds', {
      0: scatterU.buffer, 1: this.cellOf, 2: this.rank, 4: positions, 5: this.slotId, ...this.accessBindings(),
    }, perThread);
    const sortU = this.uniform('sort params', { n: 'u32', cells: 'u32', _b: 'u32', _c: 'u32' });
    sortU.set({ n, cells: this.cells }).upload();
    const sort = kernel(device, wgsl(common, access, sortCode), 'placeSorted', {
      0: sortU.buffer, 1: this.perm, 2: positions, 3: payload.body, 4: payload.sortedPos, 5: payload.sortedBody,
      6: this.cellOf, 7: this.slotId, ...this.accessBindings(),
    }, perThread);
    const items = gridFor(Math.ceil(n / this.perThread));
    this.stages = [
      { label: 'cells: count', kernel: count, grid: items },
      ...scanStages(),
      { label: 'cells: scatter', kernel: scatter, grid: items },
      { label: 'cells: sort', kernel: sort, grid: items },
    ];
  }

  /** The binding (10) of a consumer that includes `CellList.accessWgsl`. */
  accessBindings(): Record<number, GPUBuffer> {
    return { 10: this.cellStart };
  }

  /**
   * Records the build; `passFor(label)` gives the pass for each kernel (one shared pass, or one
   * timed pass per label). With `indirect`, stage i takes its workgroup counts from entry i there.
   */
  encode(passFor: (label: string) => GPUComputePassEncoder, done: (pass: GPUComputePassEncoder) => void, indirect?: IndirectArgs): void {
    encodeStages(this.stages, passFor, done, indirect);
  }

  destroy(): void {
    for (const b of [this.cellCount, this.cellStart, this.chunkTotal, this.cellOf, this.rank, this.perm, this.slotId]) b.destroy();
    for (const u of this.uniforms) u.destroy();
  }

  private uniform<F extends Record<string, 'u32' | 'f32'>>(label: string, fields: F): UniformStruct<F> {
    const u = new UniformStruct(this.device, label, fields);
    this.uniforms.push(u as unknown as UniformStruct<Record<string, 'u32' | 'f32'>>);
    return u;
  }
}
