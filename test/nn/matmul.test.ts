// The matmul kernels (vec4 fast paths nn / tn / nt and the general strided kernel) against a
// float64 CPU matmul over the same strided views, with every epilogue (gelu'-scaling, bias, GELU,
// residual, accumulate) and split-K, at odd sizes. Also checks that elements of C outside the output view are left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import { isSoftwareDevice, type GpuContext } from '../../src/gpu/context';
import { matmul, matmulPath, matmulTile, run, type MatmulPath, type MatmulSpec, type MatmulTile, type Strided } from '../../src/nn/ops';
import { tensor, type View } from '../../src/nn/tensor';
import { gelu } from '../../src/nn/reference';
import { compare, geluGrad, randn, read } from './helpers';

let ctx: GpuContext;
let device: GPUDevice;
beforeAll(async () => {
  ctx = await createNodeContext();
  device = ctx.device;
});
afterAll(() => device.destroy());

interface Operand {
  offset: number;
  rs: number;
  cs: number;
}
interface Case {
  name: string;
  path: MatmulPath | null;
  m: number;
  n: number;
  k: number;
  a: Operand;
  b: Operand;
  /** Output view inside a wider buffer (ignored with splits > 1: dense slabs). */
  c?: { offset: number; stride: number };
  bias?: number;
  gelu?: boolean;
  /** Multiply by gelu'(pre) with a random dense pre-activation. */
  geluGrad?: boolean;
  /** Residual input view inside a wider buffer. */
  residual?: { offset: number; stride: number };
  accumulate?: boolean;
  splits?: number;
}

const rowMajorOf = (rows: number, cols: number, offset = 0, stride = cols): Operand => ({ offset, rs: stride, cs: 1 });
const colMajorOf = (rows: number, cols: number, offset = 0, stride = rows): Operand => ({ offset, rs: 1, cs: stride });

const cases: Case[] = [
  // fast paths: odd m (rows clamped and masked), operands inside wider buffers
  { name: 'nn plain', path: 'nn', m: 37, n: 12, k: 8, a: rowMajorOf(37, 8, 4, 12), b: rowMajorOf(8, 12, 8, 16) },
  { name: 'nn bias gelu', path: 'nn', m: 37, n: 12, k: 8, a: rowMajorOf(37, 8), b: rowMajorOf(8, 12), bias: 4, gelu: true },
  { name: 'nn bias accumulate into columns', path: 'nn', m: 70, n: 8, k: 12, a: rowMajorOf(70, 12), b: rowMajorOf(12, 8), bias: 0, accumulate: true, c: { offset: 4, stride: 20 } },
  { name: 'nn gelu-grad residual', path: 'nn', m: 38, n: 12, k: 8, a: rowMajorOf(38, 8), b: rowMajorOf(8, 12), geluGrad: true, bias: 4, residual: { offset: 8, stride: 16 } },
  { name: 'nt gelu-grad accumulate', path: 'nt', m: 21, n: 16, k: 12, a: rowMajorOf(21, 12), b: colMajorOf(12, 16), geluGrad: true, accumulate: true },
  { name: 'nn split-K', path: 'nn', m: 33, n: 16, k: 36, a: rowMajorOf(33, 36), b: rowMajorOf(36, 16), splits: 3 },
  { name: 'nn wide (several tiles)', path: 'nn', m: 101, n: 44, k: 20, a: rowMajorOf(101, 20), b: rowMajorOf(20, 44), bias: 8 },
  { name: 'tn (X^T dY) odd k', path: 'tn', m: 8, n: 12, k: 37, a: colMajorOf(8, 37, 4, 12), b: rowMajorOf(37, 12) },
  { name: 'tn accumulate', path: 'tn', m: 36, n: 8, k: 29, a: colMajorOf(36, 29), b: rowMajorOf(29, 8, 0, 12), accumulate: true },
  { name: 'tn split-K', path: 'tn', m: 12, n: 20, k: 301, a: colMajorOf(12, 301), b: rowMajorOf(301, 20), splits: 5 },
  { name: 'nt (dY W^T)', path: 'nt', m: 37, n: 8, k: 12, a: rowMajorOf(37, 12), b: colMajorOf(12, 8, 4, 16) },
  { name: 'nt accumulate', path: 'nt', m: 45, n: 36, k: 8, a: rowMajorOf(45, 8, 0, 12), b: colMajorOf(8, 36), accumulate: true },
  { name: 'nt split-K', path: 'nt', m: 9, n: 4, k: 44, a: rowMajorOf(9, 44), b: colMajorOf(44, 4), splits: 3 },
  // scalar A (any strides), vec4 B and C: a few channels of each token, their weight gradient
  { name: 'sn channels 2..5 of 6, bias gelu', path: 'sn', m: 45, n: 16, k: 4, a: rowMajorOf(45, 4, 2, 6), b: rowMajorOf(4, 16), bias: 4, gelu: true },
  { name: 'sn odd k, residual', path: 'sn', m: 19, n: 8, k: 3, a: rowMajorOf(19, 3), b: rowMajorOf(3, 8), residual: { offset: 4, stride: 12 } },
  { name: 'sn transposed narrow A, split-K', path: 'sn', m: 2, n: 12, k: 203, a: colMajorOf(2, 203, 0, 6), b: rowMajorOf(203, 12), splits: 3 },
  { name: 'sn transposed, accumulate', path: 'sn', m: 6, n: 4, k: 33, a: colMajorOf(6, 33, 1, 7), b: rowMajorOf(33, 4), accumulate: true },
  // general kernel: odd sizes and strides, transposed views, every epilogue
  { name: 'general odd', path: null, m: 7, n: 5, k: 3, a: rowMajorOf(7, 3), b: rowMajorOf(3, 5) },
  { name: 'general bias gelu', path: null, m: 37, n: 19, k: 5, a: rowMajorOf(37, 5, 1, 6), b: rowMajorOf(5, 19), bias: 3, gelu: true },
  { name: 'general transposed A and B', path: null, m: 13, n: 6, k: 11, a: colMajorOf(13, 11, 2, 15), b: colMajorOf(11, 6, 0, 11), accumulate: true, c: { offset: 1, stride: 9 } },
  { name: 'general gelu-grad residual', path: null, m: 11, n: 5, k: 7, a: rowMajorOf(11, 7), b: rowMajorOf(7, 5), geluGrad: true, residual: { offset: 3, stride: 7 }, accumulate: true },
  { name: 'nn with unaligned residual (general)', path: null, m: 9, n: 8, k: 4, a: rowMajorOf(9, 4), b: rowMajorOf(4, 8), residual: { offset: 1, stride: 9 } },
  { name: 'general split-K', path: null, m: 6, n: 7, k: 150, a: colMajorOf(6, 150, 0, 7), b: rowMajorOf(150, 7), splits: 4 },
  { name: 'general n not a multiple of 4', path: null, m: 40, n: 2, k: 32, a: rowMajorOf(40, 32), b: rowMajorOf(32, 2), bias: 0 },
];

function upload(buffer: GPUBuffer, data: Float64Array) {
  device.queue.writeBuffer(buffer, 0, Float32Array.from(data));
}

function extent(o: Operand, rows: number, cols: number) {
  return o.offset + (rows - 1) * o.rs + (cols - 1) * o.cs + 1;
}

it('picks the CPU tiles on CPU adapters only', () => {
  expect(isSoftwareDevice(device)).toBe(ctx.software);
  expect(matmulTile(device, 'nn', 4352, 96, 32).rows).toBe(ctx.software ? 16 : 4);
  expect(matmulTile(device, 'nn', 256, 32, 32).rows).toBe(4);
});

// Every vec4 case runs with the GPU tile, the CPU tiles and an uneven one (the default is one of them).
const tiles: Array<MatmulTile | undefined> = [
  undefined,
  { rows: 4, quads: 1, group: 64 },
  { rows: 8, quads: 2, group: 8 },
  { rows: 16, quads: 4, group: 16 },
  { rows: 12, quads: 2, group: 4 },
];
// (a tile's vec4 columns must divide the matrix's: those that do not are left out)
const runs = cases.flatMap((c) =>
  c.path ? tiles.filter((t) => !t || (c.n / 4) % t.quads === 0).map((tile) => ({ ...c, tile })) : [{ ...c, tile: undefined }],
);

describe.each(runs)('matmul $name, tile $tile', (cs) => {
  it('matches a float64 CPU matmul', async () => {
    const { m, n, k } = cs;
    const splits = cs.splits ?? 1;
    const aData = randn(extent(cs.a, m, k) + 3, 1);
    const bData = randn(extent(cs.b, k, n) + 5, 2, 0.5);
    const biasData = randn(n + (cs.bias ?? 0) + 4, 3);
    const aT = tensor(device, 'a', 1, aData.length);
    const bT = tensor(device, 'b', 1, bData.length);
    const biasT = tensor(device, 'bias', 1, biasData.length);
    upload(aT.buffer, aData);
    upload(bT.buffer, bData);
    upload(biasT.buffer, biasData);
    const cOff = splits > 1 ? 0 : (cs.c?.offset ?? 0);
    const cStride = splits > 1 ? n : (cs.c?.stride ?? n);
    const cLen = splits > 1 ? splits * m * n : cOff + (m - 1) * cStride + n + 7;
    const cAll = tensor(device, 'c', 1, cLen);
    const cInit = randn(cLen, 4);
    upload(cAll.buffer, cInit);
    const c: View = { buffer: cAll.buffer, offset: cOff, rows: m, cols: n, stride: cStride };
    const pre = cs.gelu || cs.geluGrad ? tensor(device, 'pre', m, n) : undefined;
    const preData = randn(m * n, 5, 2);
    if (cs.geluGrad) upload(pre!.buffer, preData);
    const resLen = cs.residual ? cs.residual.offset + (m - 1) * cs.residual.stride + n + 3 : 4;
    const resData = randn(resLen, 6);
    const resT = tensor(device, 'res', 1, resLen);
    upload(resT.buffer, resData);
    const strided = (buffer: GPUBuffer, o: Operand): Strided => ({ buffer, ...o });
    const spec: MatmulSpec = {
      m, n, k, a: strided(aT.buffer, cs.a), b: strided(bT.buffer, cs.b), c,
      bias: cs.bias !== undefined ? { buffer: biasT.buffer, offset: cs.bias } : undefined,
      gelu: cs.gelu ? pre!.buffer : undefined, geluGrad: cs.geluGrad ? pre!.buffer : undefined,
      residual: cs.residual ? { buffer: resT.buffer, offset: cs.residual.offset, rows: m, cols: n, stride: cs.residual.stride } : undefined,
      accumulate: cs.accumulate, splits: cs.splits, tile: cs.tile,
    };
    expect(matmulPath(spec)).toBe(cs.path);
    run(device, [matmul(device, cs.name, spec)]);
    const got = await read(device, { buffer: cAll.buffer, offset: 0, rows: 1, cols: cLen, stride: cLen });

    const A = (i: number, j: number) => aData[cs.a.offset + i * cs.a.rs + j * cs.a.cs]!;
    const B = (i: number, j: number) => bData[cs.b.offset + i * cs.b.rs + j * cs.b.cs]!;
    const z = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += A(i, t) * B(t, j);
        if (cs.geluGrad) s *= geluGrad(preData[i * n + j]!);
        z[i * n + j] = s + (cs.bias !== undefined ? biasData[cs.bias + j]! : 0);
      }
    }
    const want = Float64Array.from(cInit);
    const out = new Float64Array(m * n);
    if (splits > 1) {
      // slabs sum to the product (each slab is one k range; none accumulates)
      for (let i = 0; i < m * n; i++) for (let zz = 0; zz < splits; zz++) out[i]! += got[zz * m * n + i]!;
      const c2 = compare(out, z, 1e-5, 1e-5);
      expect(c2.ratio, `slab sum worst at ${c2.worst}: ${c2.a} vs ${c2.b}`).toBeLessThanOrEqual(1);
      return;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const ci = cOff + i * cStride + j;
        const r = cs.residual ? resData[cs.residual.offset + i * cs.residual.stride + j]! : 0;
        want[ci] = (cs.gelu ? gelu(z[i * n + j]!) : z[i * n + j]!) + r + (cs.accumulate ? cInit[ci]! : 0);
      }
    }
    const c1 = compare(got, want, 1e-5, 1e-5);
    expect(c1.ratio, `C worst at ${c1.worst}: gpu ${c1.a} vs ref ${c1.b}`).toBeLessThanOrEqual(1);
    if (cs.gelu) {
      const p = compare(await read(device, pre!), z, 1e-5, 1e-5);
      expect(p.ratio, `pre-activation worst at ${p.worst}: gpu ${p.a} vs ref ${p.b}`).toBeLessThanOrEqual(1);
    }
  });
});
