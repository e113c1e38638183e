// One function per kernel use: each builds its pipeline, uniform struct and bind group once and
// returns an Op that only records dispatches. Networks are lists of Ops.
import { UniformStruct } from '../gpu/buffers';
import { bindBuffers, computePipeline, dispatch, wgsl, type Kernel } from '../gpu/pipelines';
import geluCode from '../shaders/nn-gelu.wgsl?raw';
import matmulCode from '../shaders/nn-matmul.wgsl?raw';
import reduceCode from '../shaders/nn-reduce.wgsl?raw';
import elementwiseCode from '../shaders/nn-elementwise.wgsl?raw';
import layernormCode from '../shaders/nn-layernorm.wgsl?raw';
import attentionCode from '../shaders/nn-attention.wgsl?raw';
import lossCode from '../shaders/nn-loss.wgsl?raw';
import { grid64, tensor, type View } from './tensor';

export interface Op {
  label: string;
  encode(pass: GPUComputePassEncoder): void;
}

/** Records ops into one compute pass and submits. */
export function run(device: GPUDevice, ops: readonly Op[], label = 'nn'): void {
  const enc = device.createCommandEncoder({ label });
  const pass = enc.beginComputePass({ label });
  for (const op of ops) op.encode(pass);
  pass.end();
  device.queue.submit([enc.finish()]);
}

function single(k: Kernel, x: number, y = 1, z = 1): Op {
  return { label: k.label, encode: (pass) => dispatch(pass, k, x, y, z) };
}

function seq(label: string, ops: Op[]): Op {
  return { label, encode: (pass) => ops.forEach((o) => o.encode(pass)) };
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** kernel() with the pipeline shared by every use of the same code and entry point. */
export function kernel(device: GPUDevice, code: string, entry: string, buffers: Record<number, GPUBuffer>): Kernel {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  const key = `${entry}\u0000${code}`;
  let pipeline = cache.get(key);
  if (!pipeline) cache.set(key, (pipeline = computePipeline(device, code, entry)));
  return { label: entry, pipeline, bindGroup: bindBuffers(device, pipeline, entry, buffers) };
}

const dummies = new WeakMap<GPUDevice, GPUBuffer>();
/** A 16-byte buffer for bindings a kernel variant does not use. */
export function dummy(device: GPUDevice): GPUBuffer {
  let d = dummies.get(device);
  if (!d) dummies.set(device, (d = tensor(device, 'nn dummy', 1, 4).buffer));
  return d;
}

const MATMUL = wgsl(geluCode, matmulCode);
const ELEMENTWISE = wgsl(geluCode, elementwiseCode);

/** Strided operand: element (i, j) at offset + i * rs + j * cs. */
export interface Strided {
  buffer: GPUBuffer;
  offset: number;
  rs: number;
  cs: number;
}
export const rowMajor = (v: View): Strided => ({ buffer: v.buffer, offset: v.offset, rs: v.stride, cs: 1 });
export const transposed = (v: View): Strided => ({ buffer: v.buffer, offset: v.offset, rs: 1, cs: v.stride });

export interface MatmulSpec {
  m: number;
  n: number;
  k: number;
  a: Strided;
  b: Strided;
  /** Output view [m, n]; with `splits` > 1 it must be dense scratch of splits * m * n floats. */
  c: View;
  bias?: { buffer: GPUBuffer; offset: number };
  /** Dense [m, n] buffer for the pre-activation; applies GELU to the output. */
  gelu?: GPUBuffer;
  accumulate?: boolean;
  /** Split the k range into this many slabs (written to c at z * m * n). */
  splits?: number;
}

export function matmul(device: GPUDevice, label: string, s: MatmulSpec): Op {
  const splits = s.splits ?? 1;
  const kChunk = Math.ceil(s.k / splits);
  const u = new UniformStruct(device, `${label} uniforms`, {
    m: 'u32', n: 'u32', k: 'u32', k_chunk: 'u32',
    a_off: 'u32', a_rs: 'u32', a_cs: 'u32', b_off: 'u32',
    b_rs: 'u32', b_cs: 'u32', c_off: 'u32', c_rs: 'u32',
    c_split: 'u32', bias_off: 'u32', flags: 'u32', pad: 'u32',
  });
  const flags = (s.bias ? 1 : 0) | (s.gelu ? 2 : 0) | (s.accumulate ? 4 : 0);
  u.set({
    m: s.m, n: s.n, k: s.k, k_chunk: kChunk,
    a_off: s.a.offset, a_rs: s.a.rs, a_cs: s.a.cs, b_off: s.b.offset,
    b_rs: s.b.rs, b_cs: s.b.cs, c_off: s.c.offset, c_rs: s.c.stride,
    c_split: s.m * s.n, bias_off: s.bias?.offset ?? 0, flags,
  }).upload();
  const k = kernel(device, MATMUL, 'main', {
    0: u.buffer, 1: s.a.buffer, 2: s.b.buffer, 3: s.bias?.buffer ?? s.b.buffer, 4: s.c.buffer, 5: s.gelu ?? dummy(device),
  });
  k.label = label;
  return single(k, Math.ceil(s.n / 32), Math.ceil(s.m / 32), splits); // empty slabs write zeros
}

/** out[j] (+)= sum_r x[r, j] (or of x^2), in one or two passes. */
export function colsum(
  device: GPUDevice,
  label: string,
  x: View,
  out: { buffer: GPUBuffer; offset: number },
  opts: { accumulate?: boolean; square?: boolean } = {},
): Op {
  const chunk = 256;
  const parts = Math.ceil(x.rows / chunk);
  const pass = (src: View, dst: { buffer: GPUBuffer; offset: number }, ch: number, acc: boolean, sq: boolean) => {
    const u = new UniformStruct(device, `${label} uniforms`, {
      rows: 'u32', cols: 'u32', chunk: 'u32', x_off: 'u32', x_rs: 'u32', out_off: 'u32', flags: 'u32', square: 'u32',
    });
    u.set({ rows: src.rows, cols: src.cols, chunk: ch, x_off: src.offset, x_rs: src.stride, out_off: dst.offset, flags: acc ? 1 : 0, square: sq ? 1 : 0 }).upload();
    const k = kernel(device, reduceCode, 'colsum', { 0: u.buffer, 1: src.buffer, 2: dst.buffer });
    k.label = label;
    return single(k, Math.ceil(src.cols / 64), Math.ceil(src.rows / ch));
  };
  if (parts <= 1) return pass(x, out, Math.max(1, x.rows), opts.accumulate ?? false, opts.square ?? false);
  const partial = tensor(device, `${label} partials`, parts, x.cols);
  return seq(label, [
    pass(x, partial, chunk, false, opts.square ?? false),
    pass(partial, out, parts, opts.accumulate ?? false, false),
  ]);
}

function elementwise(device: GPUDevice, entry: string, label: string, x: View | undefined, y: View, flags = 0, value = 0): Op {
  const u = new UniformStruct(device, `${label} uniforms`, {
    rows: 'u32', cols: 'u32', x_off: 'u32', x_rs: 'u32', y_off: 'u32', y_rs: 'u32', flags: 'u32', value: 'f32',
  });
  u.set({ rows: y.rows, cols: y.cols, x_off: x?.offset ?? 0, x_rs: x?.stride ?? 0, y_off: y.offset, y_rs: y.stride, flags, value }).upload();
  const k = kernel(device, ELEMENTWISE, entry, entry === 'fill' ? { 0: u.buffer, 2: y.buffer } : { 0: u.buffer, 1: x!.buffer, 2: y.buffer });
  k.label = label;
  const [gx, gy] = grid64(y.rows * y.cols);
  return single(k, gx, gy);
}

/** y (+)= x, elementwise over same-shaped views (token slices, residual inputs). */
export function copy(device: GPUDevice, label: string, x: View, y: View, accumulate = false): Op {
  if (x.rows !== y.rows || x.cols !== y.cols) throw new Error(`${label}: copy ${x.rows}x${x.cols} into ${y.rows}x${y.cols}`);
  return elementwise(device, 'copy2d', label, x, y, accumulate ? 1 : 0);
}

/** dy *= gelu'(pre), in place. */
export function geluBackward(device: GPUDevice, label: string, pre: View, dy: View): Op {
  return elementwise(device, 'gelu_backward', label, pre, dy);
}

export function fill(device: GPUDevice, label: string, y: View, value = 0): Op {
  return elementwise(device, 'fill', label, undefined, y, 0, value);
}

/** LayerNorm forward / backward kernels over dense [rows, cols] views. */
export function layerNorm(
  device: GPUDevice,
  label: string,
  s: { theta: GPUBuffer; gammaOffset: number; betaOffset: number; x: View; y: View; stats: View; eps: number },
): Op {
  const u = layerNormUniform(device, label, s.x, s.gammaOffset, s.betaOffset, s.eps);
  const k = kernel(device, layernormCode, 'forward', { 0: u.buffer, 1: s.x.buffer, 2: s.theta, 3: s.stats.buffer, 4: s.y.buffer });
  k.label = label;
  const [gx, gy] = grid64(s.x.rows);
  return single(k, gx, gy);
}

export function layerNormBackward(
  device: GPUDevice,
  label: string,
  s: { theta: GPUBuffer; gammaOffset: number; betaOffset: number; x: View; stats: View; dy: View; dx: View; dyxhat: View; eps: number },
): Op {
  const u = layerNormUniform(device, label, s.x, s.gammaOffset, s.betaOffset, s.eps);
  const k = kernel(device, layernormCode, 'backward', {
    0: u.buffer, 1: s.x.buffer, 2: s.theta, 3: s.stats.buffer, 4: s.dx.buffer, 5: s.dy.buffer, 6: s.dyxhat.buffer,
  });
  k.label = label;
  const [gx, gy] = grid64(s.x.rows);
  return single(k, gx, gy);
}

function layerNormUniform(device: GPUDevice, label: string, x: View, g: number, b: number, eps: number) {
  const u = new UniformStruct(device, `${label} uniforms`, {
    rows: 'u32', cols: 'u32', g_off: 'u32', b_off: 'u32', eps: 'f32', p0: 'u32', p1: 'u32', p2: 'u32',
  });
  u.set({ rows: x.rows, cols: x.cols, g_off: g, b_off: b, eps }).upload();
  return u;
}

export interface AttentionShape {
  sets: number;
  k: number;
  heads: number;
  channels: number;
  /** Attention allowed when |tok_i - tok_j| <= window (default: unbounded). */
  window?: number;
}

function attentionUniform(device: GPUDevice, label: string, s: AttentionShape) {
  const dh = s.channels / s.heads;
  if (!Number.isInteger(dh) || dh > 64) throw new Error(`${label}: channels ${s.channels} / heads ${s.heads} must be an integer <= 64`);
  const u = new UniformStruct(device, `${label} uniforms`, {
    sets: 'u32', k: 'u32', heads: 'u32', dh: 'u32', c: 'u32', scale: 'f32', window: 'f32', pad: 'u32',
  });
  u.set({ sets: s.sets, k: s.k, heads: s.heads, dh, c: s.channels, scale: 1 / Math.sqrt(dh), window: s.window ?? 3e38 }).upload();
  return u;
}

/** out = softmax(q k^T / sqrt(dh)) v per set and head; lse [sets*heads*k] kept for backward. */
export function attention(device: GPUDevice, label: string, s: AttentionShape & { qkv: View; tok: GPUBuffer; out: View; lse: View }): Op {
  const u = attentionUniform(device, label, s);
  const k = kernel(device, attentionCode, 'forward', { 0: u.buffer, 1: s.qkv.buffer, 2: s.tok, 3: s.out.buffer, 4: s.lse.buffer });
  k.label = label;
  const [gx, gy] = grid64(s.sets * s.heads * s.k);
  return single(k, gx, gy);
}

/** dqkv from dout; `delta` [sets*heads*k] is scratch. */
export function attentionBackward(
  device: GPUDevice,
  label: string,
  s: AttentionShape & { qkv: View; tok: GPUBuffer; lse: View; dout: View; dqkv: View; delta: View },
): Op {
  const u = attentionUniform(device, label, s);
  const common = { 0: u.buffer, 1: s.qkv.buffer, 2: s.tok, 3: s.delta.buffer, 4: s.lse.buffer, 5: s.dout.buffer, 6: s.dqkv.buffer };
  const kq = kernel(device, attentionCode, 'backward_q', common);
  const kkv = kernel(device, attentionCode, 'backward_kv', common);
  const [gx, gy] = grid64(s.sets * s.heads * s.k);
  return seq(label, [single(kq, gx, gy), single(kkv, gx, gy)]);
}

function lossUniform(device: GPUDevice, label: string, n: number, d: number, invSigma: number, norm: number) {
  const u = new UniformStruct(device, `${label} uniforms`, { n: 'u32', d: 'u32', inv_sigma: 'f32', norm: 'f32' });
  u.set({ n, d, inv_sigma: invSigma, norm }).upload();
  return u;
}

/** Antithetic DSM: pred [2n, d] (first n rows +, next n rows -), zeta [n, d]; lrow [n]. */
export function dsmLoss(
  device: GPUDevice,
  label: string,
  s: { pred: View; zeta: View; dpred: View; lrow: View; sigma: number; norm: number },
): Op {
  const n = s.zeta.rows;
  const u = lossUniform(device, label, n, s.zeta.cols, 1 / s.sigma, s.norm);
  const k = kernel(device, lossCode, 'dsm', { 0: u.buffer, 1: s.pred.buffer, 2: s.zeta.buffer, 4: s.dpred.buffer, 5: s.lrow.buffer });
  k.label = label;
  const [gx, gy] = grid64(n);
  return single(k, gx, gy);
}

/** Masked MSE over rows: pred, target [rows, d], mask [rows]; lrow [rows]. */
export function mseLoss(
  device: GPUDevice,
  label: string,
  s: { pred: View; target: View; mask: View; dpred: View; lrow: View; norm: number },
): Op {
  const u = lossUniform(device, label, s.pred.rows, s.pred.cols, 0, s.norm);
  const k = kernel(device, lossCode, 'mse', {
    0: u.buffer, 1: s.pred.buffer, 2: s.target.buffer, 3: s.mask.buffer, 4: s.dpred.buffer, 5: s.lrow.buffer,
  });
  k.label = label;
  const [gx, gy] = grid64(s.pred.rows);
  return single(k, gx, gy);
}
