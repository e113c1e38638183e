// Typed buffer helpers: storage buffers, uniform structs laid out by WGSL's rules, and readback.
import { declareUniformBuffer, UNIFORM_TYPES, uniformLayout, type UniformType } from './uniform-layout';

export type { UniformType } from './uniform-layout';

export type TypedArray = Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Int32Array<ArrayBuffer>;

export function storageBuffer(
  device: GPUDevice,
  label: string,
  init: number | TypedArray,
  extraUsage: GPUBufferUsageFlags = 0,
): GPUBuffer {
  const size = typeof init === 'number' ? init : init.byteLength;
  const buffer = device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(size / 16) * 16),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
  });
  if (typeof init !== 'number') device.queue.writeBuffer(buffer, 0, init);
  return buffer;
}

/**
 * One uniform struct per kernel, e.g. `new UniformStruct(device, 'step params', { n: 'u32', dt: 'f32', box: 'vec2f' })`.
 * Fields are declared in the same order as the WGSL struct; binding the buffer checks that (uniform-layout.ts).
 */
export class UniformStruct<F extends Record<string, UniformType>> {
  readonly buffer: GPUBuffer;
  private readonly data: ArrayBuffer;
  private readonly f32: Float32Array;
  private readonly u32: Uint32Array;
  private readonly i32: Int32Array;
  private readonly offsets = new Map<keyof F, { offset: number; type: UniformType }>();

  constructor(
    private readonly device: GPUDevice,
    label: string,
    fields: F,
  ) {
    const layout = uniformLayout(Object.entries(fields).map(([name, type]) => ({ name, type })));
    for (const f of layout.fields) this.offsets.set(f.name, { offset: f.offset, type: f.type as UniformType });
    this.data = new ArrayBuffer(layout.size);
    this.f32 = new Float32Array(this.data);
    this.u32 = new Uint32Array(this.data);
    this.i32 = new Int32Array(this.data);
    this.buffer = device.createBuffer({ label, size: layout.size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    declareUniformBuffer(this.buffer, layout);
  }

  /** Sets fields (numbers for scalars, arrays for vectors); call upload() to send them. */
  set(values: Partial<Record<keyof F, number | readonly number[]>>): this {
    for (const [name, value] of Object.entries(values) as [keyof F, number | readonly number[]][]) {
      const slot = this.offsets.get(name);
      if (!slot) throw new Error(`uniform field ${String(name)} is not declared`);
      const kind = UNIFORM_TYPES[slot.type].kind;
      const view = kind === 'f' ? this.f32 : kind === 'u' ? this.u32 : this.i32;
      const items = typeof value === 'number' ? [value] : value;
      items.forEach((v, i) => (view[slot.offset / 4 + i] = v));
    }
    return this;
  }

  upload(): void {
    this.device.queue.writeBuffer(this.buffer, 0, this.data);
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

let mapsInFlight = 0;

/** Readback maps requested and not yet settled, across all Readbacks (a stuck read shows here). */
export function readbacksInFlight(): number {
  return mapsInFlight;
}

/**
 * Copies GPU data back to the CPU through one reused staging buffer (grown when needed).
 * Reads are serialised, so callers may fire several without waiting.
 */
export class Readback {
  private staging: GPUBuffer | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly device: GPUDevice,
    private readonly label = 'readback',
  ) {}

  read(src: GPUBuffer, offset = 0, size = src.size): Promise<ArrayBuffer> {
    const job = this.queue.then(() => this.readNow(src, offset, size));
    this.queue = job.catch(() => undefined);
    return job;
  }

  async f32(src: GPUBuffer, offset = 0, size = src.size): Promise<Float32Array> {
    return new Float32Array(await this.read(src, offset, size));
  }

  async u32(src: GPUBuffer, offset = 0, size = src.size): Promise<Uint32Array> {
    return new Uint32Array(await this.read(src, offset, size));
  }

  private async readNow(src: GPUBuffer, offset: number, size: number): Promise<ArrayBuffer> {
    if (!this.staging || this.staging.size < size) {
      this.staging?.destroy();
      this.staging = this.device.createBuffer({
        label: this.label,
        size: Math.ceil(size / 256) * 256,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    }
    const staging = this.staging;
    const encoder = this.device.createCommandEncoder({ label: `${this.label} copy` });
    encoder.copyBufferToBuffer(src, offset, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    mapsInFlight++;
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, size);
    } finally {
      mapsInFlight--;
    }
    const copy = staging.getMappedRange(0, size).slice(0);
    staging.unmap();
    return copy;
  }

  destroy(): void {
    this.staging?.destroy();
    this.staging = undefined;
  }
}
