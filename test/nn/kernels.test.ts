// Each backward kernel against central finite differences of the float64 CPU forward
// (src/nn/reference.ts), at small shapes. GPU math is float32: tolerances below are
// |gpu - ref| <= atol + rtol * max|ref| over the whole tensor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { ParamLayout } from '../../src/nn/layout';
import { ParamSet } from '../../src/nn/params';
import { LayerNorm, Linear } from '../../src/nn/modules';
import { attention, attentionBackward, copy, crossEntropyLoss, dsmLoss, mseLoss, type Op } from '../../src/nn/ops';
import { tensor, token } from '../../src/nn/tensor';
import * as ref from '../../src/nn/reference';
import { dot, execOps, expectClose, numericGrad, randn, read, upload } from './helpers';

let ctx: GpuContext;
let device: GPUDevice;
beforeAll(async () => {
  ctx = await createNodeContext();
  device = ctx.device;
  console.log(`adapter: ${ctx.adapterName}`);
});
afterAll(() => device.destroy());

const FWD = { atol: 1e-5, rtol: 1e-5 };
const GRAD = { atol: 1e-4, rtol: 2e-4 };


const exec = (ops: Op[]) => execOps(device, ops);

describe.each([
  { rows: 37, inDim: 5, outDim: 19, gelu: true },
  { rows: 37, inDim: 20, outDim: 3, gelu: false },
  { rows: 1500, inDim: 6, outDim: 7, gelu: true }, // split-K weight gradient + two-pass sums
])('linear $rows x $inDim -> $outDim, gelu $gelu', ({ rows, inDim, outDim, gelu }) => {
  it('forward and backward (dX, dW, db) match finite differences', async () => {
    const layout = new ParamLayout();
    Linear.declare(layout, 'l', inDim, outDim);
    const params = new ParamSet(device, layout, 3);
    const theta = Float64Array.from(await params.weights());
    theta.set(randn(outDim, 9, 0.3), layout.get('l.b').offset); // nonzero bias
    params.setWeights(Float32Array.from(theta));
    const lin = new Linear(params, 'l', rows, inDim, outDim, gelu);
    const x = tensor(device, 'x', rows, inDim);
    const y = tensor(device, 'y', rows, outDim);
    const dy = tensor(device, 'dy', rows, outDim);
    const dx = tensor(device, 'dx', rows, inDim);
    const xv = randn(rows * inDim, 1);
    const gv = randn(rows * outDim, 2);
    upload(device, x, xv);
    upload(device, dy, gv);
    const fwd = (t: Float64Array, xx: Float64Array) => {
      const z = ref.linear(xx, rows, inDim, outDim, t, layout.get('l.w').offset, layout.get('l.b').offset);
      return gelu ? ref.geluAll(z) : z;
    };
    await exec([...lin.forward(x, y), ...lin.backward(dy, dx, { paramGrads: true })]);
    expectClose('forward', await read(device, y), fwd(theta, xv), FWD);
    const f = (t: Float64Array, xx: Float64Array) => dot(gv, fwd(t, xx));
    // dX: every element on small shapes, a strided sample of rows on the large one
    const idx = Array.from(xv, (_, i) => i).filter((i) => rows < 100 || Math.floor(i / inDim) % 97 === 5);
    const gdx = await read(device, dx);
    expectClose('dX', idx.map((i) => gdx[i]!), numericGrad((xx) => f(theta, xx), xv, 1e-5, idx), GRAD);
    const dtheta = Float64Array.from(await params.gradients()).subarray(0, layout.size);
    const want = numericGrad((t) => f(t, xv), theta);
    for (const e of layout.entries) {
      expectClose(e.name, dtheta.subarray(e.offset, e.offset + e.size), want.subarray(e.offset, e.offset + e.size), GRAD);
    }
    params.destroy();
  });
});

describe.each([
  { cols: 12, path: 'vec4' },
  { cols: 10, path: 'scalar' },
])('layernorm, $cols channels ($path)', ({ cols }) => {
  it('forward and backward (dX, dgamma, dbeta) match finite differences', async () => {
    const rows = 300; // > 256: two-pass column sums
    const layout = new ParamLayout();
    LayerNorm.declare(layout, 'ln', cols);
    const params = new ParamSet(device, layout);
    const theta = new Float64Array(layout.size);
    theta.set(randn(cols, 4, 0.5).map((v) => 1 + v), layout.get('ln.gamma').offset);
    theta.set(randn(cols, 5, 0.5), layout.get('ln.beta').offset);
    params.setWeights(Float32Array.from(theta));
    const ln = new LayerNorm(params, 'ln', rows, cols);
    const x = tensor(device, 'x', rows, cols);
    const y = tensor(device, 'y', rows, cols);
    const dy = tensor(device, 'dy', rows, cols);
    const dx = tensor(device, 'dx', rows, cols);
    const xv = randn(rows * cols, 6, 2).map((v, i) => v + (i % cols === 0 ? 3 : 0));
    const gv = randn(rows * cols, 7);
    upload(device, x, xv);
    upload(device, dy, gv);
    await exec([...ln.forward(x, y), ...ln.backward(dy, dx, { paramGrads: true })]);
    const g = layout.get('ln.gamma').offset;
    const b = layout.get('ln.beta').offset;
    const fwd = (t: Float64Array, xx: Float64Array) => ref.layerNorm(xx, rows, cols, t, g, b);
    expectClose('forward', await read(device, y), fwd(theta, xv), { atol: 1e-5, rtol: 1e-5 });
    const f = (t: Float64Array, xx: Float64Array) => dot(gv, fwd(t, xx));
    expectClose('dX', await read(device, dx), numericGrad((xx) => f(theta, xx), xv), GRAD);
    const dtheta = Float64Array.from(await params.gradients()).subarray(0, layout.size);
    const want = numericGrad((t) => f(t, xv), theta);
    expectClose('dgamma', dtheta.subarray(g, g + cols), want.subarray(g, g + cols), GRAD);
    expectClose('dbeta', dtheta.subarray(b, b + cols), want.subarray(b, b + cols), GRAD);
    params.destroy();
  });
});

// Every case with one query (key) per thread (GPUs) and four (CPU adapters); k not a multiple of
// 4; and with the queries restricted to the first tokens of each set (dq of the others is zero).
describe.each(
  [
    { name: 'plain', sets: 3, k: 5, heads: 2, c: 8, masked: false, window: undefined, queries: undefined },
    { name: 'key mask + window', sets: 3, k: 6, heads: 3, c: 12, masked: true, window: 1, queries: undefined },
    { name: 'head dim 6 (vec4 + vec2)', sets: 2, k: 7, heads: 2, c: 12, masked: false, window: undefined, queries: undefined },
    { name: 'head dim 9 (2 vec4 + f32), masked', sets: 2, k: 5, heads: 1, c: 9, masked: true, window: 2, queries: undefined },
    { name: 'token 0 queries only', sets: 3, k: 7, heads: 2, c: 8, masked: false, window: undefined, queries: 1 },
    { name: 'first 5 queries, masked', sets: 2, k: 9, heads: 2, c: 8, masked: true, window: 3, queries: 5 },
    { name: 'causal (tok = position)', sets: 3, k: 7, heads: 2, c: 8, masked: false, window: undefined, queries: undefined, causal: true },
    { name: 'causal, first 5 queries, head dim 6', sets: 2, k: 9, heads: 2, c: 12, masked: false, window: undefined, queries: 5, causal: true },
  ].flatMap((c) => [1, 4].map((perThread) => ({ ...c, perThread: perThread as 1 | 4 }))),
)('attention ($name, $perThread per thread)', ({ sets, k, heads, c, masked, window, queries, perThread, causal }) => {
  it('fused softmax attention forward and backward match finite differences', async () => {
    const R = sets * k;
    const nq = queries ?? k;
    const Rq = sets * nq;
    const qkv = tensor(device, 'qkv', R, 3 * c);
    const tokT = tensor(device, 'tok', R, 1);
    const out = tensor(device, 'out', Rq, c);
    const lse = tensor(device, 'lse', sets * heads * nq, 1);
    const dout = tensor(device, 'dout', Rq, c);
    const dqkv = tensor(device, 'dqkv', R, 3 * c);
    const delta = tensor(device, 'delta', sets * heads * nq, 1);
    const qv = randn(R * 3 * c, 11);
    // masked: last token of each set is padding (-1), others carry a group index 0, 1, 2, ...;
    // causal: tok is the position, in a shuffled order (the mask follows tok, not the row).
    const order = [3, 0, 6, 1, 5, 2, 8, 4, 7].filter((t) => t < k);
    const tok = Float64Array.from({ length: R }, (_, r) => (causal ? order[r % k]! : !masked ? 0 : r % k === k - 1 ? -1 : r % k));
    // query rows of the reference output (token i < nq of each set)
    const qrows = Array.from({ length: Rq }, (_, r) => Math.floor(r / nq) * k + (r % nq));
    const gv = randn(Rq * c, 12);
    if (masked) qrows.forEach((rr, r) => { if (tok[rr]! < 0) for (let e = 0; e < c; e++) gv[r * c + e] = 0; }); // padded outputs carry no loss
    upload(device, qkv, qv);
    upload(device, tokT, tok);
    upload(device, dout, gv);
    upload(device, dqkv, new Float64Array(R * 3 * c).fill(7)); // every element must be written
    const shape = { sets, k, heads, channels: c, window, queries, tok: tokT.buffer, perThread, causal };
    await exec([
      attention(device, 'att', { ...shape, qkv, out, lse }),
      attentionBackward(device, 'att bwd', { ...shape, qkv, out, lse, dout, dqkv, delta }),
    ]);
    const fwd = (x: Float64Array) => {
      const all = ref.attention(x, sets, k, heads, c, tok, window ?? Infinity, causal ?? false);
      const o = new Float64Array(Rq * c);
      qrows.forEach((rr, r) => o.set(all.subarray(rr * c, rr * c + c), r * c));
      return o;
    };
    const o = await read(device, out);
    const want = fwd(qv);
    qrows.forEach((rr, r) => { if (tok[rr]! < 0) for (let e = 0; e < c; e++) o[r * c + e] = want[r * c + e]!; }); // padded rows: unspecified
    expectClose('forward', o, want, FWD);
    expectClose('dqkv', await read(device, dqkv), numericGrad((x) => dot(gv, fwd(x)), qv), GRAD);
  });
});

describe('token slice and losses', () => {
  it('token-0 slice copies forward and scatters backward', async () => {
    const sets = 4, k = 3, c = 5;
    const x = tensor(device, 'x', sets * k, c);
    const y = tensor(device, 'y', sets, c);
    const dx = tensor(device, 'dx', sets * k, c);
    const xv = randn(sets * k * c, 21);
    const dv = randn(sets * c, 22);
    upload(device, x, xv);
    upload(device, y, dv);
    upload(device, dx, new Float64Array(sets * k * c).fill(0.5));
    const y2 = tensor(device, 'y2', sets, c);
    await exec([copy(device, 'slice', token(x, k, 0), y2), copy(device, 'scatter', y, token(dx, k, 0), true)]);
    const want = Float64Array.from({ length: sets * c }, (_, i) => xv[Math.floor(i / c) * k * c + (i % c)]!);
    expectClose('slice', await read(device, y2), want, FWD);
    const dwant = new Float64Array(sets * k * c).fill(0.5);
    for (let p = 0; p < sets; p++) for (let e = 0; e < c; e++) dwant[p * k * c + e]! += dv[p * c + e]!;
    expectClose('scatter', await read(device, dx), dwant, FWD);
  });

  it('antithetic DSM loss and gradient', async () => {
    const n = 5, d = 2, sigma = 0.1;
    const s = tensor(device, 's', 2 * n, d);
    const ds = tensor(device, 'ds', 2 * n, d);
    const zeta = tensor(device, 'zeta', n, d);
    const lrow = tensor(device, 'lrow', n, 1);
    const sv = randn(2 * n * d, 31, 3);
    const zv = randn(n * d, 32);
    upload(device, s, sv);
    upload(device, zeta, zv);
    await exec([dsmLoss(device, 'dsm', { pred: s, zeta, dpred: ds, lrow, sigma, norm: 1 / n })]);
    const l = (await read(device, lrow)).reduce((a, b) => a + b, 0);
    const f = (x: Float64Array) => ref.dsmLoss(x, zv, n, d, sigma);
    expect(Math.abs(l - f(sv))).toBeLessThan(1e-4 * Math.abs(f(sv)) + 1e-4);
    expectClose('dsm grad', await read(device, ds), numericGrad(f, sv), GRAD);
  });

  // a 0/1 mask, and weights per row (0 still drops a row)
  it.each([
    ['0/1 mask', (r: number) => (r % 3 === 1 ? 0 : 1)],
    ['row weights', (r: number) => (r % 3 === 1 ? 0 : 0.25 + 0.5 * r)],
  ] as const)('masked MSE loss and gradient, %s', async (_, weight) => {
    const rows = 7, d = 3;
    const p = tensor(device, 'p', rows, d);
    const t = tensor(device, 't', rows, d);
    const m = tensor(device, 'm', rows, 1);
    const dp = tensor(device, 'dp', rows, d);
    const lrow = tensor(device, 'lrow', rows, 1);
    const pv = randn(rows * d, 41);
    const tv = randn(rows * d, 42);
    const mv = Float64Array.from({ length: rows }, (_, r) => weight(r));
    upload(device, p, pv);
    upload(device, t, tv);
    upload(device, m, mv);
    const norm = 1 / (d * 5);
    await exec([mseLoss(device, 'mse', { pred: p, target: t, mask: m, dpred: dp, lrow, norm })]);
    const f = (x: Float64Array) => ref.maskedMse(x, tv, mv, rows, d, norm);
    const l = (await read(device, lrow)).reduce((a, b) => a + b, 0);
    expect(Math.abs(l - f(pv))).toBeLessThan(1e-5);
    expectClose('mse grad', await read(device, dp), numericGrad(f, pv), GRAD);
  });

  it('softmax cross-entropy: loss, gradient and hits against float64 (large logits, ignored rows)', async () => {
    // 9 rows of 11 classes; logits up to ±60 (a naive exp would overflow float32); rows 2 and 6 ignored.
    const rows = 9, classes = 11;
    const z = tensor(device, 'z', rows, classes);
    const target = tensor(device, 'target', rows, 1);
    const dz = tensor(device, 'dz', rows, classes);
    const lrow = tensor(device, 'lrow', rows, 1);
    const hits = tensor(device, 'hits', rows, 1);
    const zv = randn(rows * classes, 51).map((x, i) => x * (i < classes * 3 ? 20 : 2));
    const tv = Float64Array.from({ length: rows }, (_, r) => (r === 2 || r === 6 ? -1 : (r * 7) % classes));
    // Row 4's target is its largest logit, so at least one hit is expected.
    const top = zv.subarray(4 * classes, 5 * classes).reduce((b, x, c, a) => (x > a[b]! ? c : b), 0);
    tv[4] = top;
    upload(device, z, zv);
    upload(device, target, tv);
    upload(device, dz, new Float64Array(rows * classes).fill(9)); // every element must be written, ignored rows with 0
    const norm = 1 / 7;
    await exec([crossEntropyLoss(device, 'ce', { logits: z, target, dlogits: dz, lrow, hits, norm })]);
    const f = (x: Float64Array) => ref.crossEntropy(x, rows, classes, tv, norm);
    const l = (await read(device, lrow)).reduce((a, b) => a + b, 0);
    expect(Math.abs(l - f(zv))).toBeLessThan(1e-5 * Math.abs(f(zv)) + 1e-5);
    expectClose('ce grad', await read(device, dz), numericGrad(f, zv), GRAD);
    const argmax = (r: number) => zv.subarray(r * classes, (r + 1) * classes).reduce((b, x, c, a) => (x > a[b]! ? c : b), 0);
    const want = Array.from({ length: rows }, (_, r) => (tv[r]! >= 0 && argmax(r) === tv[r] ? 1 : 0));
    expect(Array.from(await read(device, hits))).toEqual(want);
    expect(want[4]).toBe(1);
  });
});
