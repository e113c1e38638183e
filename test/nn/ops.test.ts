// Column sums and the elementwise kernels over strided views, on their vec4 path (columns,
// offsets and strides multiples of 4) and their scalar path, against float64 CPU loops.
// Elements outside the output view must be left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { colsum, copy, fill, geluBackward, run, type Op } from '../../src/nn/ops';
import { tensor, type View } from '../../src/nn/tensor';
import { compare, geluGrad, randn, read } from './helpers';

let ctx: GpuContext;
let device: GPUDevice;
beforeAll(async () => {
  ctx = await createNodeContext();
  device = ctx.device;
});
afterAll(() => device.destroy());

/** A view of rows x cols at (offset, stride) in a fresh buffer of random floats; returns its data too. */
function strided(rows: number, cols: number, offset: number, stride: number, seed: number): { v: View; data: Float64Array } {
  const n = offset + (rows - 1) * stride + cols + 5;
  const data = randn(n, seed);
  const t = tensor(device, 'buf', 1, n);
  device.queue.writeBuffer(t.buffer, 0, Float32Array.from(data));
  return { v: { buffer: t.buffer, offset, rows, cols, stride }, data };
}

async function all(v: View): Promise<Float64Array> {
  const n = v.buffer.size / 4;
  return read(device, { buffer: v.buffer, offset: 0, rows: 1, cols: n, stride: n });
}

async function exec(ops: Op[]) {
  run(device, ops);
  await device.queue.onSubmittedWorkDone();
}

function expectClose(name: string, got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5) {
  const c = compare(Array.from(got).slice(0, want.length), want, tol, tol);
  expect(c.ratio, `${name}: worst at ${c.worst}: gpu ${c.a} vs ref ${c.b}`).toBeLessThanOrEqual(1);
}

describe.each([
  { name: 'vec4, one pass', rows: 200, cols: 12, offset: 4, stride: 16, outOffset: 8 },
  { name: 'vec4, two passes', rows: 700, cols: 8, offset: 0, stride: 8, outOffset: 4 },
  { name: 'scalar, odd stride', rows: 300, cols: 5, offset: 1, stride: 7, outOffset: 3 },
  { name: 'scalar, cols 6 at offset 2', rows: 90, cols: 6, offset: 2, stride: 6, outOffset: 0 },
])('colsum ($name)', ({ rows, cols, offset, stride, outOffset }) => {
  it.each([
    { accumulate: false, square: false },
    { accumulate: true, square: false },
    { accumulate: true, square: true },
  ])('accumulate $accumulate, square $square', async ({ accumulate, square }) => {
    const { v: x, data } = strided(rows, cols, offset, stride, 1);
    const { v: out, data: init } = strided(1, cols, outOffset, cols, 2);
    await exec([colsum(device, 'colsum', x, { buffer: out.buffer, offset: outOffset }, { accumulate, square })]);
    const want = Float64Array.from(init);
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) {
        const e = data[offset + r * stride + j]!;
        s += square ? e * e : e;
      }
      want[outOffset + j] = s + (accumulate ? init[outOffset + j]! : 0);
    }
    expectClose('sums', await all(out), want, 2e-5);
  });
});

describe.each([
  { name: 'vec4', rows: 37, cols: 8, x: [4, 12], y: [8, 16] },
  { name: 'scalar (odd stride)', rows: 23, cols: 5, x: [1, 7], y: [0, 5] },
  { name: 'scalar (cols 6)', rows: 9, cols: 6, x: [0, 6], y: [2, 10] },
])('elementwise ($name)', ({ rows, cols, x: [xo, xs], y: [yo, ys] }) => {
  const apply = (init: Float64Array, f: (yi: number, r: number, c: number) => number) => {
    const want = Float64Array.from(init);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) want[yo! + r * ys! + c] = f(yo! + r * ys! + c, r, c);
    return want;
  };
  it('copy, scatter-add, fill, gelu backward', async () => {
    const { v: x, data: xd } = strided(rows, cols, xo!, xs!, 3);
    const xAt = (r: number, c: number) => xd[xo! + r * xs! + c]!;
    for (const acc of [false, true]) {
      const { v: y, data: yd } = strided(rows, cols, yo!, ys!, 4);
      await exec([copy(device, 'copy', x, y, acc)]);
      expectClose(`copy (accumulate ${acc})`, await all(y), apply(yd, (i, r, c) => xAt(r, c) + (acc ? yd[i]! : 0)));
    }
    {
      const { v: y, data: yd } = strided(rows, cols, yo!, ys!, 5);
      await exec([fill(device, 'fill', y, 2.5)]);
      expectClose('fill', await all(y), apply(yd, () => 2.5));
    }
    {
      const { v: y, data: yd } = strided(rows, cols, yo!, ys!, 6);
      await exec([geluBackward(device, 'gelu bwd', x, y)]);
      expectClose('gelu backward', await all(y), apply(yd, (i, r, c) => yd[i]! * geluGrad(xAt(r, c))));
    }
  });
});
