// Shared test helpers: one device per file, uploads, readbacks, seeded randoms, comparisons.
import { expect } from 'vitest';
import { Readback } from '../../src/gpu/buffers';
import { run, type Op } from '../../src/nn/ops';
import { gelu } from '../../src/nn/reference';
import type { View } from '../../src/nn/tensor';
import { rng } from '../random';

export { rng };

/** d gelu / dx by central differences of the float64 reference (independent of the WGSL formula). */
export const geluGrad = (x: number): number => (gelu(x + 1e-6) - gelu(x - 1e-6)) / 2e-6;

export function randn(n: number, seed: number, scale = 1): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => {
    const u = Math.max(1e-12, r());
    return scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  });
}

export function upload(device: GPUDevice, v: View, data: ArrayLike<number>): void {
  if (v.offset !== 0 || v.stride !== v.cols) throw new Error('upload needs a dense view');
  device.queue.writeBuffer(v.buffer, 0, Float32Array.from(data));
}

export async function read(device: GPUDevice, v: View): Promise<Float64Array> {
  const rb = new Readback(device);
  const all = new Float32Array(await rb.read(v.buffer));
  rb.destroy();
  const out = new Float64Array(v.rows * v.cols);
  for (let r = 0; r < v.rows; r++) for (let c = 0; c < v.cols; c++) out[r * v.cols + c] = all[v.offset + r * v.stride + c]!;
  return out;
}

/** Max |a - b| / (atol + rtol * max|b|), with the worst index; <= 1 passes. */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): { ratio: number; worst: number; a: number; b: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  let ratio = 0;
  for (let i = 0; i < a.length; i++) {
    const r = Math.abs(a[i]! - b[i]!) / (atol + rtol * scale);
    if (!(r <= ratio)) {
      ratio = Number.isNaN(r) ? Infinity : r;
      worst = i;
    }
  }
  return { ratio, worst, a: a[worst]!, b: b[worst]! };
}

/** d/dx_i of f at x for every i (central differences in float64). */
export function numericGrad(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5, indices?: number[]): Float64Array {
  const idx = indices ?? Array.from(x, (_, i) => i);
  const g = new Float64Array(idx.length);
  const xx = Float64Array.from(x);
  idx.forEach((i, n) => {
    const x0 = xx[i]!;
    xx[i] = x0 + h;
    const fp = f(xx);
    xx[i] = x0 - h;
    const fm = f(xx);
    xx[i] = x0;
    g[n] = (fp - fm) / (2 * h);
  });
  return g;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Expects gpu ≈ want elementwise (|a − b| ≤ atol + rtol·|b|), naming the worst element when not. */
export function expectClose(name: string, gpu: ArrayLike<number>, want: ArrayLike<number>, tol: { atol: number; rtol: number }): void {
  const c = compare(gpu, want, tol.atol, tol.rtol);
  expect(c.ratio, `${name}: worst at ${c.worst}: gpu ${c.a} vs ref ${c.b}`).toBeLessThanOrEqual(1);
}

/** Runs the ops in one pass and waits for the GPU. */
export async function execOps(device: GPUDevice, ops: readonly Op[]): Promise<void> {
  run(device, ops);
  await device.queue.onSubmittedWorkDone();
}
