// What the viewport draws of a shower: its hits uploaded once per shower, turned into cells
// (positions with the cell pitch in w, colours by log energy) by a GPU kernel. The viewport copies
// these buffers GPU→GPU every frame; nothing is read back.
import { storageBuffer, UniformStruct } from '../../gpu/buffers';
import { dispatchThreads } from '../../gpu/dispatch';
import { kernel, wgsl, type Kernel } from '../../gpu/pipelines';
import threads from '../../gpu/shaders/threads.wgsl?raw';
import cellsCode from './shaders/cells.wgsl?raw';
import type { Detector } from './detector';
import type { Hit } from './digitise';
import { colormapIndex, colormapTable, colormapWgsl, type SequentialMap } from '../../gpu/colormap';

const CELLS = wgsl(threads, colormapWgsl, cellsCode);

/** log10 of the visible-energy range (GeV) the colour map spans. */
export interface ColourRange {
  low: number;
  high: number;
}

export class CellView {
  readonly positions: GPUBuffer;
  readonly colors: GPUBuffer;
  private readonly hits: GPUBuffer;
  private readonly geometry: GPUBuffer;
  private readonly uniform: UniformStruct<{ count: 'u32'; capacity: 'u32'; logLow: 'f32'; logHigh: 'f32'; map: 'u32' }>;
  private readonly toCells: Kernel;
  private readonly staging: Float32Array<ArrayBuffer>;
  /** Hits of the shower shown now. */
  shown = 0;

  constructor(
    private readonly device: GPUDevice,
    detector: Detector,
    /** Hits the buffers hold: the largest shower drawn in full. */
    readonly capacity: number,
    readonly colours: ColourRange,
    /** The colour map of log energy; set it, then show() again to recolour. */
    public colormap: SequentialMap,
  ) {
    this.staging = new Float32Array(capacity * 4);
    this.hits = storageBuffer(device, 'shower hits', capacity * 16);
    this.geometry = storageBuffer(device, 'layer geometry', Float32Array.from(detector.layers.flatMap((l) => [l.zActive, l.cellSize])));
    this.positions = storageBuffer(device, 'cell positions', capacity * 16, GPUBufferUsage.VERTEX);
    this.colors = storageBuffer(device, 'cell colours', capacity * 16, GPUBufferUsage.VERTEX);
    this.uniform = new UniformStruct(device, 'cell params', { count: 'u32', capacity: 'u32', logLow: 'f32', logHigh: 'f32', map: 'u32' });
    this.toCells = kernel(device, CELLS, 'cellsFromHits', {
      0: this.uniform.buffer,
      1: this.hits,
      2: this.geometry,
      3: colormapTable(device),
      4: this.positions,
      5: this.colors,
    });
    this.show([]);
  }

  /** Draws these hits (the first `capacity` of them; the caller grows the view for bigger showers). */
  show(hits: readonly Hit[]): void {
    const count = Math.min(hits.length, this.capacity);
    for (let i = 0; i < count; i++) {
      const h = hits[i]!;
      this.staging.set([h.x, h.y, h.layer, h.e], i * 4);
    }
    if (count > 0) this.device.queue.writeBuffer(this.hits, 0, this.staging, 0, count * 4);
    const { low, high } = this.colours;
    this.uniform.set({ count, capacity: this.capacity, logLow: low, logHigh: high, map: colormapIndex(this.colormap) }).upload();
    const encoder = this.device.createCommandEncoder({ label: 'shower cells' });
    const pass = encoder.beginComputePass({ label: 'shower cells' });
    dispatchThreads(pass, this.toCells, this.capacity);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    this.shown = count;
  }

  destroy(): void {
    for (const b of [this.hits, this.geometry, this.positions, this.colors]) b.destroy();
    this.uniform.destroy();
  }
}
