// Typed buffer helpers: storage buffers, uniform structs laid out by WGSL's rules, and readback.

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

/** WGSL scalar and vector field types usable in a uniform struct. */
export type UniformType = 'f32' | 'u32' | 'i32' | 'vec2f' | 'vec2u' | 'vec4f' | 'vec4u';

const LAYOUT: Record<UniformType, { size: number; align: number; kind: 'f' | 'u' | 'i' }> = {
  f32: { size: 4, align: 4, kind: 'f' },
  u32: { size: 4, align: 4, kind: 'u' },
  i32: { size: 4, align: 4, kind: 'i' },
  vec2f: { size: 8, align: 8, kind: 'f' },
  vec2u: { size: 8, align: 8, kind: 'u' },
  vec4f: { size: 16, align: 16, kind: 'f' },
  vec4u: { size: 16, align: 16, kind: 'u' },
};

/**
 * One uniform struct per kernel. Fields are declared in the same order as the WGSL struct,
 * e.g. `new UniformStruct(device, 'step params', { n: 'u32', dt: 'f32', box: 'vec2f' })`.
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
    let offset = 0;
    let maxAlign = 4;
    for (const [name, type] of Object.entries(fields) as [keyof F, UniformType][]) {
      const { size, align } = LAYOUT[type];
      offset = Math.ceil(offset / align) * align;
      this.offsets.set(name, { offset, type });
      offset += size;
      maxAlign = Math.max(maxAlign, align);
    }
    const size = Math.max(16, Math.ceil(offset / Math.max(16, maxAlign)) * Math.max(16, maxAlign));
    this.data = new ArrayBuffer(size);
    this.f32 = new Float32Array(this.data);
    this.u32 = new Uint32Array(this.data);
    this.i32 = new Int32Array(this.data);
    this.buffer = device.createBuffer({ label, size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** Sets fields (numbers for scalars, arrays for vectors); call upload() to send them. */
  set(values: Partial<Record<keyof F, number | readonly number[]>>): this {
    for (const [name, value] of Object.entries(values) as [keyof F, number | readonly number[]][]) {
      const slot = this.offsets.get(name);
      if (!slot) throw new Error(`uniform field ${String(name)} is not declared`);
      const kind = LAYOUT[slot.type].kind;
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
