// Verlet neighbour list of the mips step (skin > 0). Each particle lists the particles within
// r_c + skin; the list is rebuilt only once some particle has moved more than skin/2 since the
// last build, and that decision is made on the GPU: the step kernels record the largest squared
// move (atomicMax), a one-thread kernel (decideRebuild) writes the indirect dispatch arguments of
// the rebuild kernels (their real workgroup counts, or 0), and the rebuild runs through
// dispatchWorkgroupsIndirect. Nothing is read back per step.
// Rebuild: a cell list of width r_c + skin copies the state into cell order, adoptOrder makes
// that order the main state (A), and buildNeighbours writes the lists (sims/mips/shaders/verlet-build.wgsl).
// Positions for the force loop live in two compact vec2 buffers that swap every step (`parity`).
import { storageBuffer, UniformStruct } from '../../gpu/buffers';
import { gridFor, itemsPerThread } from '../../gpu/dispatch';
import { bindBuffers, computePipeline, kernel, wgsl, type Kernel } from '../../gpu/pipelines';
import stencil from './shaders/stencil.wgsl?raw';
import statusCode from './shaders/verlet-status.wgsl?raw';
import decideCode from './shaders/verlet-decide.wgsl?raw';
import buildCode from './shaders/verlet-build.wgsl?raw';
import { cellGrid, CellList } from './cell-list';
import { encodeStages, INDIRECT_ENTRY, type Stage } from './stages';
import { neighbourCapacity, type Geometry } from './params';
import type { ParticleBuffers } from './particles';
import { common } from './wgsl';

/** WGSL of the list's status struct and helpers (sims/mips/shaders/verlet-status.wgsl), for the step kernels. */
export const verletStatusWgsl = statusCode;

/** Bytes of the status struct (ListStatus): moved2, force, rebuilds, most, overflowStep. */
export const STATUS_BYTES = 20;
const NO_OVERFLOW = 0xffffffff;
/** Largest cell grid whose prefix sum runs as one serial dispatch on CPU implementations. */
const SERIAL_SCAN_MAX_CELLS = 16384;

/** What the list did so far (read back on request). */
export interface NeighbourStats {
  /** List builds since the list was made (the first is forced). */
  rebuilds: number;
  /** Most neighbours within r_c + skin any particle had at a build. */
  most: number;
  /** Slots per particle; `most > capacity` means pairs were left out (an overflow). */
  capacity: number;
  /** Step (clock) of the first build that overflowed, or null. */
  overflowStep: number | null;
}

export function decodeStatus(raw: ArrayBuffer, offset: number, capacity: number): NeighbourStats {
  const s = new Uint32Array(raw, offset, STATUS_BYTES / 4);
  return { rebuilds: s[2]!, most: s[3]!, capacity, overflowStep: s[4] === NO_OVERFLOW ? null : s[4]! };
}

/** One pipeline, two bind groups (parity 0 and 1 of the swapping position buffers). */
export function kernelPair(
  device: GPUDevice,
  code: string,
  entryPoint: string,
  buffers: (parity: 0 | 1) => Record<number, GPUBuffer>,
  constants?: Record<string, number>,
): [Kernel, Kernel] {
  const pipeline = computePipeline(device, code, entryPoint, constants);
  const make = (p: 0 | 1): Kernel => ({ label: entryPoint, pipeline, bindGroup: bindBuffers(device, pipeline, entryPoint, buffers(p)) });
  return [make(0), make(1)];
}

export class VerletList {
  /** Neighbour slots per particle. */
  readonly capacity: number;
  /** Cell list of width r_c + skin used by the builds (the sim's own `cells` stays at r_c). */
  readonly cells: CellList;
  readonly status: GPUBuffer;
  /** Compact positions (vec2f per slot): xy[parity] holds the current ones at the start of a step. */
  readonly xy: readonly [GPUBuffer, GPUBuffer];
  /** Positions at the last build (vec2f per slot). */
  readonly xBuild: GPUBuffer;
  /** Slot of neighbour t of the particle in slot s at t * n + s (ascending id); its count at capacity * n + s. */
  readonly neighbours: GPUBuffer;
  /** Rebuild decision for the next step (Strang: runs after the first half flow). */
  readonly decide: Kernel;
  /** Lie: end of step, advances the clock and decides for the next step. */
  readonly tickDecide: Kernel;
  /** Which of `xy` holds the current positions; flips every step. */
  parity: 0 | 1 = 0;
  private readonly args: GPUBuffer;
  private readonly fullArgs: Uint32Array<ArrayBuffer>;
  private readonly fullArgsBuffer: GPUBuffer;
  private readonly stages: readonly [Stage[], Stage[]];
  private readonly uniforms: UniformStruct<Record<string, 'u32' | 'f32'>>[] = [];
  private readonly owned: GPUBuffer[];

  constructor(
    private readonly device: GPUDevice,
    g: Geometry,
    force: string,
    buf: ParticleBuffers,
  ) {
    const n = buf.n;
    this.capacity = neighbourCapacity(g);
    // The rebuild's dispatches are encoded every step (most with 0 workgroups). On CPU
    // implementations two of them cost more than a serial scan of a small grid once per build
    // (measured ~0.1 µs per cell on SwiftShader, a rebuild every ~25 steps).
    const serialScan = itemsPerThread(device) > 1 && cellGrid(g.boxL, g.listCut).cellsPerSide ** 2 <= SERIAL_SCAN_MAX_CELLS;
    const payload = { body: buf.bodyA, sortedPos: buf.posB, sortedBody: buf.bodyB };
    this.cells = new CellList(device, n, g.boxL, g.listCut, buf.posA, payload, serialScan);
    const perThread = this.cells.perThread;
    this.xy = [storageBuffer(device, 'verlet: positions 0', n * 8), storageBuffer(device, 'verlet: positions 1', n * 8)];
    this.xBuild = storageBuffer(device, 'verlet: positions at build', n * 8);
    this.neighbours = storageBuffer(device, 'verlet: neighbour slots and counts', n * (this.capacity + 1) * 4);
    this.status = storageBuffer(device, 'verlet: status', Uint32Array.of(0, 1, 0, 0, NO_OVERFLOW));

    const grid = this.cells.grid;
    const buildU = this.uniform('verlet build params', {
      n: 'u32', capacity: 'u32', cellsPerSide: 'u32', _pad: 'u32', boxL: 'f32', invCellW: 'f32', listCut2: 'f32', _pad2: 'f32',
    });
    buildU.set({ n, capacity: this.capacity, cellsPerSide: grid.cellsPerSide, boxL: g.boxL, invCellW: 1 / grid.cellWidth, listCut2: g.listCut ** 2 }).upload();
    const buildWgsl = wgsl(common, CellList.accessWgsl, stencil, statusCode, buildCode);
    const adopt = kernelPair(device, buildWgsl, 'adoptOrder', (p) => ({
      0: buildU.buffer, 1: buf.posB, 2: buf.bodyB, 3: buf.posA, 4: buf.bodyA, 5: this.xy[p], 6: this.xBuild,
    }), { PER_THREAD: perThread });
    const build = kernel(device, buildWgsl, 'buildNeighbours', {
      0: buildU.buffer, 1: buf.posB, 7: this.neighbours, 9: this.status, 11: buf.clock, ...this.cells.accessBindings(),
    }, { PER_THREAD: perThread, ALL_PAIRS: grid.stencil === 0 ? 1 : 0 });
    const items = gridFor(Math.ceil(n / perThread));
    const cellStages = this.cells.stages.map((st) => ({ ...st, label: `rebuild: ${st.label}` }));
    this.stages = [0, 1].map((p) => [
      ...cellStages,
      { label: 'rebuild: adopt cell order', kernel: adopt[p as 0 | 1], grid: items },
      { label: 'rebuild: neighbour list', kernel: build, grid: items },
    ]) as [Stage[], Stage[]];

    const dispatches = this.stages[0].length;
    this.fullArgs = new Uint32Array(dispatches * (INDIRECT_ENTRY / 4));
    this.stages[0].forEach((st, i) => this.fullArgs.set([st.grid[0], st.grid[1], 1, 0], (i * INDIRECT_ENTRY) / 4));
    this.fullArgsBuffer = storageBuffer(device, 'verlet: rebuild args', this.fullArgs);
    this.args = storageBuffer(device, 'verlet: indirect args', this.fullArgs, GPUBufferUsage.INDIRECT);

    // Rebuild once a particle may have moved skin/2: a few f32 spacings of the box below it, so
    // rounding in the distances can never let a pair inside r_c escape the list.
    const margin = 8 * g.boxL * 2 ** -23;
    const threshold = force === 'none' ? Infinity : Math.max(0, (g.listCut - g.rc) / 2 - margin);
    const decideU = this.uniform('verlet decide params', { threshold2: 'f32', dispatches: 'u32', _a: 'u32', _b: 'u32' });
    decideU.set({ threshold2: threshold * threshold, dispatches }).upload();
    const decideBuffers = { 0: decideU.buffer, 1: this.status, 2: this.fullArgsBuffer, 3: this.args, 4: buf.clock };
    const decide = wgsl(common, statusCode, decideCode);
    this.decide = kernel(device, decide, 'decideRebuild', decideBuffers, { TICK: 0 });
    this.tickDecide = kernel(device, decide, 'decideRebuild', decideBuffers, { TICK: 1 });
    this.owned = [this.xy[0], this.xy[1], this.xBuild, this.neighbours, this.status, this.fullArgsBuffer, this.args];
  }

  /** Records the rebuild kernels (cell list, then the list): they run only where decide said so. */
  encodeRebuild(passFor: (label: string) => GPUComputePassEncoder, done: (pass: GPUComputePassEncoder) => void): void {
    encodeStages(this.stages[this.parity], passFor, done, { buffer: this.args, offset: 0 });
  }

  /**
   * The next step rebuilds (the state changed from outside: reset, import, new params). With
   * `clearOverflow`, a recorded overflow is forgotten (a new state).
   */
  requestRebuild(clearOverflow: boolean): void {
    const q = this.device.queue;
    q.writeBuffer(this.args, 0, this.fullArgs);
    q.writeBuffer(this.status, 4, Uint32Array.of(1));
    if (clearOverflow) q.writeBuffer(this.status, 12, Uint32Array.of(0, NO_OVERFLOW));
  }

  destroy(): void {
    this.cells.destroy();
    for (const b of this.owned) b.destroy();
    for (const u of this.uniforms) u.destroy();
  }

  private uniform<F extends Record<string, 'u32' | 'f32'>>(label: string, fields: F): UniformStruct<F> {
    const u = new UniformStruct(this.device, `mips: ${label}`, fields);
    this.uniforms.push(u as unknown as UniformStruct<Record<string, 'u32' | 'f32'>>);
    return u;
  }
}
