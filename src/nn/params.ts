// The parameters of one network on the GPU: theta (weights), grad, AdamW moments, EMA, and the
// per-element weight-decay mask, all in the same flat layout (see layout.ts).
import { Readback } from '../gpu/buffers';
import { initialValues, type ParamLayout } from './layout';
import { tensor, type View } from './tensor';

export class ParamSet {
  readonly theta: View;
  readonly grad: View;
  /** m at [0, n), v at [n, 2n). */
  readonly moments: View;
  readonly ema: View;
  readonly decayMask: View;
  private readonly readback: Readback;

  constructor(
    readonly device: GPUDevice,
    readonly layout: ParamLayout,
    seed = 1,
  ) {
    const n = this.padded;
    this.theta = tensor(device, 'nn theta', n, 1);
    this.grad = tensor(device, 'nn grad', n, 1);
    this.moments = tensor(device, 'nn adam moments', 2 * n, 1);
    this.ema = tensor(device, 'nn ema', n, 1);
    this.decayMask = tensor(device, 'nn decay mask', n, 1);
    const mask = new Float32Array(n);
    for (const e of layout.entries) if (e.decay) mask.fill(1, e.offset, e.offset + e.size);
    device.queue.writeBuffer(this.decayMask.buffer, 0, mask);
    this.readback = new Readback(device, 'nn params readback');
    this.setWeights(Float32Array.from(initialValues(layout, seed)));
  }

  get size(): number {
    return this.layout.size;
  }

  /** Buffer length in floats: the layout size rounded up to 256 (the tail stays zero). */
  get padded(): number {
    return Math.max(256, Math.ceil(this.layout.size / 256) * 256);
  }

  /** Uploads weights, resets the EMA to them and zeroes grads and moments. */
  setWeights(w: Float32Array<ArrayBuffer>): void {
    if (w.length !== this.size) throw new Error(`setWeights: ${w.length} floats for a layout of ${this.size}`);
    const q = this.device.queue;
    q.writeBuffer(this.theta.buffer, 0, w);
    q.writeBuffer(this.ema.buffer, 0, w);
    q.writeBuffer(this.grad.buffer, 0, new Float32Array(this.padded));
    q.writeBuffer(this.moments.buffer, 0, new Float32Array(2 * this.padded));
  }

  async weights(): Promise<Float32Array<ArrayBuffer>> {
    return this.read(this.theta.buffer);
  }

  async emaWeights(): Promise<Float32Array<ArrayBuffer>> {
    return this.read(this.ema.buffer);
  }

  async gradients(): Promise<Float32Array<ArrayBuffer>> {
    return this.read(this.grad.buffer);
  }

  /** Copies the EMA into the weights (e.g. before evaluation or export). */
  async useEma(): Promise<void> {
    const e = await this.emaWeights();
    this.device.queue.writeBuffer(this.theta.buffer, 0, e);
  }

  /** Copies this set's EMA into `target`'s weights on the GPU (a sampler that runs on the EMA). */
  copyEmaTo(target: ParamSet): void {
    if (target.layout.hash() !== this.layout.hash()) throw new Error('copyEmaTo: the sets have different layouts');
    const encoder = this.device.createCommandEncoder({ label: 'nn ema copy' });
    encoder.copyBufferToBuffer(this.ema.buffer, 0, target.theta.buffer, 0, this.size * 4);
    this.device.queue.submit([encoder.finish()]);
  }

  private async read(b: GPUBuffer): Promise<Float32Array<ArrayBuffer>> {
    return new Float32Array(await this.readback.read(b, 0, this.size * 4));
  }

  /** Offset (floats) of a named tensor in every buffer of this set. */
  offset(name: string): number {
    return this.layout.get(name).offset;
  }

  destroy(): void {
    for (const v of [this.theta, this.grad, this.moments, this.ema, this.decayMask]) v.buffer.destroy();
    this.readback.destroy();
  }
}
