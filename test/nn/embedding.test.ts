// Embedding, SetBroadcast (nn/embedding.ts) and the EncoderBlock without attention projection,
// against the float64 references of src/nn/reference.ts: forwards on strided views (written and
// added to), gradients against central finite differences of a scalar loss dot(g, out). Padding
// tokens must get nothing and give nothing: their d(out) is set huge, so any leak shows.
// Tolerances as in kernels.test.ts: |gpu - ref| <= atol + rtol * max|ref| over the tensor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { Embedding, SetBroadcast } from '../../src/nn/embedding';
import { ParamLayout } from '../../src/nn/layout';
import { EncoderBlock, Linear } from '../../src/nn/modules';
import type { Op } from '../../src/nn/ops';
import { ParamSet } from '../../src/nn/params';
import * as ref from '../../src/nn/reference';
import { columns, tensor, type View } from '../../src/nn/tensor';
import { dot, execOps, expectClose, numericGrad, randn, read, rng, upload } from './helpers';

let ctx: GpuContext;
let device: GPUDevice;
beforeAll(async () => {
  ctx = await createNodeContext();
  device = ctx.device;
});
afterAll(() => device.destroy());

const FWD = { atol: 1e-5, rtol: 1e-5 };
const GRAD = { atol: 1e-4, rtol: 2e-4 };


const exec = (ops: Op[]) => execOps(device, ops);

/** Columns [start, start + cols) of a fresh [rows, stride] buffer of random floats; and its data. */
function strided(rows: number, cols: number, start: number, stride: number, seed: number): { v: View; all: View; data: Float64Array } {
  const all = tensor(device, 'buf', rows, stride);
  const data = randn(rows * stride, seed);
  upload(device, all, data);
  return { v: columns(all, start, cols), all, data };
}

/** The view's elements of a [rows, stride] array, row-major. */
function inView(data: Float64Array, v: View): Float64Array {
  const out = new Float64Array(v.rows * v.cols);
  for (let r = 0; r < v.rows; r++) for (let c = 0; c < v.cols; c++) out[r * v.cols + c] = data[v.offset + r * v.stride + c]!;
  return out;
}

/** The dense [rows, stride] data with `add` (shaped like the view) added inside the view. */
function plusInView(data: Float64Array, v: View, add: Float64Array): Float64Array {
  const out = Float64Array.from(data);
  for (let r = 0; r < v.rows; r++) for (let c = 0; c < v.cols; c++) out[v.offset + r * v.stride + c]! += add[r * v.cols + c]!;
  return out;
}

describe.each([
  { name: 'vec4, default chunk: straight into the gradient', tokens: 30, dim: 8, start: 4, stride: 16, chunk: undefined, parts: 1 },
  { name: 'scalar, 7 partials', tokens: 60, dim: 6, start: 1, stride: 9, chunk: 9, parts: 7 },
  { name: 'vec4, 300 partials: two-pass sum', tokens: 300, dim: 8, start: 0, stride: 8, chunk: 1, parts: 300 },
])('Embedding ($name)', ({ tokens, dim, start, stride, chunk, parts }) => {
  it('adds table[index] into a view; d(table) matches finite differences; padding and unused rows', async () => {
    const rows = 5;
    const layout = new ParamLayout();
    Embedding.declare(layout, 'e', rows, dim);
    layout.add('next', [2 * dim], { kind: 'ones' }); // what a lookup past the table would read (and a scatter hit)
    expect(layout.get('e.table').decay).toBe(false);
    const params = new ParamSet(device, layout, 2);
    const theta = Float64Array.from(await params.weights());
    const off = layout.get('e.table').offset;
    // -1: padding; 5 (= rows): out of range, also nothing; row 3 is never used
    const r = rng(4);
    const index = Float64Array.from({ length: tokens }, () => [-1, 0, 1, 2, 4, 5][Math.floor(r() * 6)]!);
    const idx = tensor(device, 'index', tokens, 1);
    upload(device, idx, index);
    const emb = new Embedding(params, 'e', tokens, rows, dim, { chunk });
    expect(Math.ceil(tokens / emb.chunk)).toBe(parts);
    const h = strided(tokens, dim, start, stride, 1); // an activation already holding another term
    const w = tensor(device, 'written', tokens, dim);
    upload(device, w, new Float64Array(tokens * dim).fill(7));
    const dh = strided(tokens, dim, start, stride, 3);
    const dOut = inView(dh.data, dh.v);
    for (let t = 0; t < tokens; t++) if (index[t]! < 0 || index[t]! >= rows) dOut.fill(1e3, t * dim, t * dim + dim);
    upload(device, dh.all, plusInView(new Float64Array(tokens * stride), dh.v, dOut)); // zero outside the view
    // backward twice: parameter gradients accumulate
    const fwdOps = [...emb.forward(idx, w), ...emb.forward(idx, h.v, { accumulate: true })];
    const bwd = emb.backward(dh.v, { paramGrads: true });
    await exec([...fwdOps, ...bwd, ...bwd]);
    expect(emb.backward(dh.v, { paramGrads: false })).toEqual([]);

    const fwd = (t: Float64Array) => ref.embedding(index, rows, dim, t, off);
    expectClose('written (padding: zero)', await read(device, w), fwd(theta), FWD);
    expectClose('added, the rest of the buffer untouched', await read(device, h.all), plusInView(h.data, h.v, fwd(theta)), FWD);
    const want = numericGrad((t) => 2 * dot(dOut, fwd(t)), theta, 1e-5);
    const got = Float64Array.from(await params.gradients()).subarray(0, layout.size);
    expectClose('d(table), zero past it', got, want, GRAD);
    expect(Array.from(got.subarray(off + 3 * dim, off + 4 * dim))).toEqual(new Array(dim).fill(0));
    params.destroy();
  });
});

describe.each([
  { name: 'vec4, masked', dim: 8, masked: true },
  { name: 'scalar, masked', dim: 5, masked: true },
  { name: 'vec4, no mask', dim: 4, masked: false },
])('SetBroadcast ($name)', ({ dim, masked }) => {
  it('adds v[set] into each unmasked token of the set; dv sums d(out) over them', async () => {
    const sets = 6, k = 5, tokens = sets * k;
    // v: a column slice of a wider per-set output (e.g. an MLP writing several things)
    const v = strided(sets, dim, 4, dim + 8, 11);
    const vv = inView(v.data, v.v);
    const tok = Float64Array.from({ length: tokens }, (_, t) => (masked && (t % k === 4 || t === 7) ? -1 : t % k));
    const mask = tensor(device, 'tok', tokens, 1);
    upload(device, mask, tok);
    const h = strided(tokens, dim, 4, dim + 4, 12);
    const w = tensor(device, 'written', tokens, dim);
    upload(device, w, new Float64Array(tokens * dim).fill(7));
    const dh = strided(tokens, dim, 0, dim + 4, 13);
    const dOut = inView(dh.data, dh.v);
    for (let t = 0; t < tokens; t++) if (tok[t]! < 0) dOut.fill(1e3, t * dim, t * dim + dim);
    upload(device, dh.all, plusInView(new Float64Array(tokens * (dim + 4)), dh.v, dOut));
    const dv = strided(sets, dim, 0, dim + 4, 14); // accumulated into
    const b = new SetBroadcast(device, 'sb', sets, k);
    const opts = masked ? { mask } : {};
    await exec([
      ...b.forward(v.v, w, opts),
      ...b.forward(v.v, h.v, { ...opts, accumulate: true }),
      ...b.backward(dh.v, dv.v, { accumulate: true }),
    ]);
    const fwd = (x: Float64Array) => ref.setBroadcast(x, sets, k, dim, masked ? tok : undefined);
    expectClose('written (padding: zero)', await read(device, w), fwd(vv), FWD);
    expectClose('added, the rest of the buffer untouched', await read(device, h.all), plusInView(h.data, h.v, fwd(vv)), FWD);
    const want = numericGrad((x) => dot(dOut, fwd(x)), vv, 1e-5);
    expectClose('dv (+ its previous value)', await read(device, dv.v), want.map((g, i) => g + inView(dv.data, dv.v)[i]!), GRAD);
  });
});

it('a shower-style token embedding: Linear(x) + Embedding(layer) + SetBroadcast(MLP(cond) + Embedding(type)), every gradient', async () => {
  const sets = 3, k = 6, tokens = sets * k, C = 8, layers = 4, types = 3, nCond = 2;
  const layout = new ParamLayout();
  Linear.declare(layout, 'hit', 3, C);
  Embedding.declare(layout, 'layer', layers, C);
  Linear.declare(layout, 'cond', nCond, C);
  Embedding.declare(layout, 'type', types, C);
  const params = new ParamSet(device, layout, 5);
  const theta = Float64Array.from(await params.weights()).map((x, i) => x + 0.1 * randn(layout.size, 6)[i]!);
  params.setWeights(Float32Array.from(theta));
  // per token: (x, y, log E) and its layer (tok: -1 for padding); per set: conditions and type
  const xv = randn(tokens * 3, 7);
  const tok = Float64Array.from({ length: tokens }, (_, t) => (t % k === k - 1 ? -1 : (t * 7) % layers));
  const cv = randn(sets * nCond, 8);
  const type = Float64Array.from({ length: sets }, (_, p) => [2, 0, 2][p]!);
  const input = (name: string, rows: number, cols: number, data: Float64Array) => {
    const v = tensor(device, name, rows, cols);
    upload(device, v, data);
    return v;
  };
  const [x, tokT, cond, typeT] = [input('x', tokens, 3, xv), input('tok', tokens, 1, tok), input('cond', sets, nCond, cv), input('type', sets, 1, type)];
  const h = tensor(device, 'h', tokens, C);
  const s = tensor(device, 'per set', sets, C);
  const dh = tensor(device, 'dh', tokens, C);
  const ds = tensor(device, 'd per set', sets, C);
  const hit = new Linear(params, 'hit', tokens, 3, C);
  const layer = new Embedding(params, 'layer', tokens, layers, C);
  const condL = new Linear(params, 'cond', sets, nCond, C);
  const typeE = new Embedding(params, 'type', sets, types, C);
  const bc = new SetBroadcast(device, 'bc', sets, k);
  const g = randn(tokens * C, 9);
  upload(device, dh, g);
  await exec([
    ...hit.forward(x, h),
    ...layer.forward(tokT, h, { accumulate: true }),
    ...condL.forward(cond, s),
    ...typeE.forward(typeT, s, { accumulate: true }),
    ...bc.forward(s, h, { mask: tokT, accumulate: true }),
    ...hit.backward(dh, null, { paramGrads: true }),
    ...layer.backward(dh, { paramGrads: true }),
    ...bc.backward(dh, ds),
    ...condL.backward(ds, null, { paramGrads: true }),
    ...typeE.backward(ds, { paramGrads: true }),
  ]);
  const off = (n: string) => layout.get(n).offset;
  const fwd = (t: Float64Array) => {
    const perSet = ref.linear(cv, sets, nCond, C, t, off('cond.w'), off('cond.b')).map((v, i) => v + ref.embedding(type, types, C, t, off('type.table'))[i]!);
    const terms = [ref.linear(xv, tokens, 3, C, t, off('hit.w'), off('hit.b')), ref.embedding(tok, layers, C, t, off('layer.table')), ref.setBroadcast(perSet, sets, k, C, tok)];
    return terms[0]!.map((v, i) => v + terms[1]![i]! + terms[2]![i]!);
  };
  expectClose('h', await read(device, h), fwd(theta), FWD);
  const want = numericGrad((t) => dot(g, fwd(t)), theta, 1e-5);
  const got = Float64Array.from(await params.gradients());
  for (const e of layout.entries) expectClose(e.name, got.subarray(e.offset, e.offset + e.size), want.subarray(e.offset, e.offset + e.size), GRAD);
  // type 1 is in no set: no gradient
  expect(Array.from(got.subarray(off('type.table') + C, off('type.table') + 2 * C))).toEqual(new Array(C).fill(0));
  params.destroy();
});

describe('EncoderBlock without attention projection', () => {
  const shape = { sets: 2, k: 5, width: 8, heads: 2, mlp: 12, window: 1, proj: false };

  it('declares no proj, and a block must match its layout', () => {
    const layout = new ParamLayout();
    EncoderBlock.declare(layout, 'b', 8, 12, { proj: false });
    expect(layout.entries.some((e) => e.name.startsWith('b.proj'))).toBe(false);
    const withProj = new ParamLayout();
    EncoderBlock.declare(withProj, 'b', 8, 12);
    const scratch = tensor(device, 'scratch', 10, 8);
    const tokT = tensor(device, 'tok', 10, 1);
    const p1 = new ParamSet(device, layout);
    const p2 = new ParamSet(device, withProj);
    expect(() => new EncoderBlock(p1, 'b', { ...shape, proj: true }, tokT.buffer, scratch)).toThrow(/b\.proj\.w/);
    expect(() => new EncoderBlock(p2, 'b', shape, tokT.buffer, scratch)).toThrow(/proj: false/);
    p1.destroy();
    p2.destroy();
  });

  it.each(['all', 'first'] as const)('forward and backward (dX, every parameter) match finite differences, queries %s', async (queries) => {
    const { sets, k, width: C } = shape;
    const R = sets * k;
    const layout = new ParamLayout();
    EncoderBlock.declare(layout, 'b', C, shape.mlp, { proj: false });
    const params = new ParamSet(device, layout, 3);
    const theta = Float64Array.from(await params.weights()).map((x, i) => x + 0.1 * randn(layout.size, 21)[i]!);
    params.setWeights(Float32Array.from(theta));
    // tok: layer index with a band of 1, token 3 of set 0 padding
    const tok = Float64Array.from({ length: R }, (_, t) => (t === 3 ? -1 : [0, 0, 1, 2, 3][t % k]!));
    const xv = randn(R * C, 22);
    const [x, tokT, scratch] = [tensor(device, 'x', R, C), tensor(device, 'tok', R, 1), tensor(device, 'scratch', R, C)];
    upload(device, x, xv);
    upload(device, tokT, tok);
    const block = new EncoderBlock(params, 'b', { ...shape, queries }, tokT.buffer, scratch);
    // the rows of `out`: every token, or token 0 of each set; padded rows carry no loss
    const rows = queries === 'all' ? Array.from({ length: R }, (_, t) => t) : Array.from({ length: sets }, (_, p) => p * k);
    const g = randn(rows.length * C, 23);
    rows.forEach((t, i) => { if (tok[t]! < 0) g.fill(0, i * C, i * C + C); });
    const dh2 = tensor(device, 'dh2', rows.length, C);
    upload(device, dh2, g);
    const fwdOps = block.forward(x);
    const bwd = block.backward(dh2, { paramGrads: true });
    await exec([...fwdOps, ...bwd.ops]);
    const fwd = (t: Float64Array, xx: Float64Array) => {
      const all = ref.encoderBlock(xx, shape, t, layout, 'b', tok);
      const o = new Float64Array(rows.length * C);
      rows.forEach((r, i) => o.set(all.subarray(r * C, r * C + C), i * C));
      return o;
    };
    const out = await read(device, block.out);
    const want = fwd(theta, xv);
    rows.forEach((t, i) => { if (tok[t]! < 0) for (let c = 0; c < C; c++) out[i * C + c] = want[i * C + c]!; }); // padded rows: unspecified
    expectClose('forward', out, want, FWD);
    const f = (t: Float64Array, xx: Float64Array) => dot(g, fwd(t, xx));
    expectClose('dX', await read(device, bwd.dx), numericGrad((xx) => f(theta, xx), xv), GRAD);
    const got = Float64Array.from(await params.gradients());
    const wantT = numericGrad((t) => f(t, xv), theta);
    for (const e of layout.entries) expectClose(e.name, got.subarray(e.offset, e.offset + e.size), wantT.subarray(e.offset, e.offset + e.size), GRAD);
    params.destroy();
  });
});
