// GPU buffers of one mips system of n particles: the main state (A), its cell-sorted copy (B),
// and the small buffers of the observables. Sized by n only.
import { storageBuffer } from '../../gpu/buffers';
import { workgroupCount } from '../../gpu/dispatch';
import { HISTOGRAM_BINS } from './kernels';

/** Byte layout of the summary buffer that sample() reads back (a few hundred bytes). */
export const SUMMARY = {
  totalOffset: 0,
  largestOffset: 32,
  histogramOffset: 48,
  /** The Verlet list's status (verlet.ts STATUS_BYTES), when skin > 0. */
  statusOffset: 48 + HISTOGRAM_BINS * 4,
  bytes: 48 + HISTOGRAM_BINS * 4 + 32,
};

export class ParticleBuffers {
  /** vec4f (x, y, 0, id): also the render positions. */
  readonly posA: GPUBuffer;
  /** vec4f (p.x, p.y, disp.x, disp.y). */
  readonly bodyA: GPUBuffer;
  readonly posB: GPUBuffer;
  readonly bodyB: GPUBuffer;
  /** u32 step counter that keys the noise. */
  readonly clock: GPUBuffer;
  readonly colors: GPUBuffer;
  /** vec2f (local density, local EPR) per main slot. */
  readonly fields: GPUBuffer;
  readonly partial: GPUBuffer;
  readonly total: GPUBuffer;
  readonly histogram: GPUBuffer;
  readonly parent: GPUBuffer;
  readonly clusterSize: GPUBuffer;
  readonly largest: GPUBuffer;
  readonly summary: GPUBuffer;
  private readonly all: GPUBuffer[];

  constructor(
    device: GPUDevice,
    readonly n: number,
  ) {
    const vec4 = n * 16;
    this.all = [
      (this.posA = storageBuffer(device, 'mips: positions', vec4)),
      (this.bodyA = storageBuffer(device, 'mips: propulsion + displacement', vec4)),
      (this.posB = storageBuffer(device, 'mips: sorted positions', vec4)),
      (this.bodyB = storageBuffer(device, 'mips: sorted propulsion + displacement', vec4)),
      (this.clock = storageBuffer(device, 'mips: clock', 16)),
      (this.colors = storageBuffer(device, 'mips: colours', vec4)),
      (this.fields = storageBuffer(device, 'mips: density + epr fields', n * 8)),
      (this.partial = storageBuffer(device, 'mips: partial sums', workgroupCount(n) * 32)),
      (this.total = storageBuffer(device, 'mips: totals', 32)),
      (this.histogram = storageBuffer(device, 'mips: density histogram', HISTOGRAM_BINS * 4)),
      (this.parent = storageBuffer(device, 'mips: cluster parent', n * 4)),
      (this.clusterSize = storageBuffer(device, 'mips: cluster size', n * 4)),
      (this.largest = storageBuffer(device, 'mips: largest cluster', 16)),
      (this.summary = storageBuffer(device, 'mips: summary', SUMMARY.bytes)),
    ];
  }

  destroy(): void {
    for (const b of this.all) b.destroy();
  }
}
