// One function per kernel use: each builds its pipeline, uniform struct and bind group once and
// returns an Op that only records dispatches. Networks are lists of Ops.
import { UniformStruct } from '../gpu/buffers';
import { isSoftwareDevice } from '../gpu/context';
import { gridFor, WORKGROUP_SIZE } from '../gpu/dispatch';
import { dispatch, kernel, wgsl, type Kernel } from '../gpu/pipelines';
import threads from '../gpu/shaders/threads.wgsl?raw';
import geluCode from './shaders/gelu.wgsl?raw';
import matmulParams from './shaders/matmul-params.wgsl?raw';
import matmulCode from './shaders/matmul.wgsl?raw';
import matmul4Shared from './shaders/matmul4.wgsl?raw';
import reduceCode from './shaders/reduce.wgsl?raw';
import elementwiseCode from './shaders/elementwise.wgsl?raw';
import layernormCode from './shaders/layernorm.wgsl?raw';
import attentionCode from './shaders/attention.wgsl?raw';
import lossCode from './shaders/loss.wgsl?raw';
import embeddingCode from './shaders/embedding.wgsl?raw';
import { isDense, tensor, type View } from './tensor';

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

const dummies = new WeakMap<GPUDevice, GPUBuffer>();
/** A 16-byte buffer for bindings a kernel variant does not use. */
export function dummy(device: GPUDevice): GPUBuffer {
  let d = dummies.get(device);
  if (!d) dummies.set(device, (d = tensor(device, 'nn dummy', 1, 4).buffer));
  return d;
}

const MATMUL = wgsl(geluCode, matmulParams, matmulCode);
const LOSS = wgsl(threads, lossCode);

/**
 * reduce.wgsl / elementwise.wgsl / layernorm.wgsl are written over an element type V: f32, or vec4f
 * (one thread or loop step per 4 floats: half the cost per float of a scalar load on SwiftShader,
 * and a quarter of the invocations) where the layout allows. This defines V, W (floats per V),
 * hsum and gelu_grad_v for the code that follows.
 */
function elementCode(code: string, vec4: boolean): string {
  const prelude = vec4
    ? ['alias V = vec4f;', 'const W = 4u;', 'fn hsum(v: V) -> f32 { return v.x + v.y + v.z + v.w; }', 'fn gelu_grad_v(x: V) -> V { return gelu_grad4(x); }']
    : ['alias V = f32;', 'const W = 1u;', 'fn hsum(v: V) -> f32 { return v; }', 'fn gelu_grad_v(x: V) -> V { return gelu_grad(x); }'];
  return wgsl(threads, geluCode, prelude.join('\n'), code);
}
const REDUCE = [elementCode(reduceCode, false), elementCode(reduceCode, true)] as const;
const ELEMENTWISE = [elementCode(elementwiseCode, false), elementCode(elementwiseCode, true)] as const;
const LAYERNORM = [elementCode(layernormCode, false), elementCode(layernormCode, true)] as const;
const EMBEDDING = [elementCode(embeddingCode, false), elementCode(embeddingCode, true)] as const;

/** Whether every number is a multiple of 4 and every buffer holds whole vec4s. */
function fours(nums: number[], buffers: GPUBuffer[] = []): boolean {
  return nums.every((v) => v % 4 === 0) && buffers.every((b) => b.size % 16 === 0);
}

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
  /** Dense [m, n] pre-activation of a GELU: the product is multiplied by gelu'(pre) (before bias). */
  geluGrad?: GPUBuffer;
  /** A [m, n] view added to the output (a residual input), after bias and GELU. */
  residual?: View;
  accumulate?: boolean;
  /** Split the k range into this many slabs (written to c at z * m * n). */
  splits?: number;
  /** Force the tile of a vec4 path (tests); default: matmulTile(). */
  tile?: MatmulTile;
}

export type MatmulPath = 'nn' | 'tn' | 'nt' | 'sn';

/**
 * The nn/shaders/matmul4.wgsl path whose vec4 layout fits the spec, or null (general kernel).
 * Every vec4 access needs 4-aligned float offsets and strides, and buffers of whole vec4s.
 */
export function matmulPath(s: MatmulSpec): MatmulPath | null {
  const al = (...v: number[]) => v.every((x) => x % 4 === 0);
  const whole = (...b: Array<GPUBuffer | undefined>) => b.every((x) => !x || x.size % 16 === 0);
  // B, C and the epilogue operands are vec4s on every path
  if (!al(s.n, s.c.offset, s.c.stride) || !whole(s.c.buffer, s.b.buffer, s.bias?.buffer, s.gelu, s.geluGrad, s.residual?.buffer)) return null;
  if ((s.bias && !al(s.bias.offset)) || (s.residual && !al(s.residual.offset, s.residual.stride))) return null;
  const bRows = s.b.cs === 1 && al(s.b.offset, s.b.rs);
  const bCols = s.b.rs === 1 && al(s.b.offset, s.b.cs);
  const aRows = whole(s.a.buffer) && s.a.cs === 1 && al(s.a.offset, s.a.rs);
  const aCols = whole(s.a.buffer) && s.a.rs === 1 && al(s.m, s.a.offset, s.a.cs);
  // nn and nt step k by 4 (k-slabs are rounded up to whole 4s)
  if (aRows && bRows && al(s.k)) return 'nn';
  if (aRows && bCols && al(s.k)) return 'nt';
  if (aCols && bRows) return 'tn';
  if (bRows) return 'sn';
  return null;
}

/**
 * Work per thread of a vec4 matmul path: `rows` x `quads` vec4 columns of C (`quads` divides the
 * n / 4 vec4 columns); tiles are numbered along columns first, `group` consecutive tiles per
 * workgroup (SwiftShader runs 4 consecutive invocations as one SIMD call: tiles past the end are
 * wasted lanes, so no 2-D workgroups).
 */
export interface MatmulTile {
  rows: number;
  quads: number;
  group: number;
}

/**
 * Tile of a vec4 path. GPUs: 4 x 4 outputs per thread (64 threads a workgroup). CPU adapters: 16 x 8
 * for big products (on SwiftShader a vec4 load costs ~25 ns per invocation, a multiply-add well
 * under 1 ns, and an R x 4Q tile needs R + 4Q loads per 16 R Q multiply-adds), in workgroups of 16
 * so that both cores get enough of them. Small products, and the scalar-A path (a few input
 * channels), get 4 x 8: a big tile's pipeline takes ~0.5 s to compile on SwiftShader (16 x 16:
 * ~1 s, for ~10 % more speed), which only pays for big products.
 */
export function matmulTile(device: GPUDevice, path: MatmulPath, m: number, n: number, k: number): MatmulTile {
  if (!isSoftwareDevice(device)) return { rows: 4, quads: 1, group: 64 };
  const quads = (n / 4) % 2 === 0 ? 2 : 1;
  if (path === 'sn' || m * n * k < BIG_MATMUL) return { rows: Math.min(4, m), quads, group: 16 };
  return { rows: Math.min(16, m), quads, group: 16 };
}

/** Multiply-adds from which a matmul gets the big CPU tile. */
const BIG_MATMUL = 1 << 21;

/**
 * WGSL entry point `matmul` of nn/shaders/matmul4.wgsl for one path and tile: straight-line code over the
 * tile's accumulators c{row}_{quad}.
 */
export function matmulTileCode(path: MatmulPath, tile: MatmulTile): string {
  const { rows, quads, group } = tile;
  if (path === 'tn' && rows % 4 !== 0) throw new Error(`tn tiles need rows in whole vec4s; got ${rows}`);
  const I = Array.from({ length: rows }, (_, i) => i);
  const J = Array.from({ length: quads }, (_, j) => j);
  const xyzw = ['x', 'y', 'z', 'w'];
  const L: string[] = [
    `@group(0) @binding(1) var<storage, read> a: array<${path === 'sn' ? 'f32' : 'vec4f'}>;`,
    `@compute @workgroup_size(${group})`,
    'fn matmul(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {',
    `  let tiles_n = (u.n / 4u + ${quads - 1}u) / ${quads}u;`,
    `  let t = threadIndexOf(gid, nwg, ${group}u);`,
    `  let m0 = (t / tiles_n) * ${rows}u;`,
    `  let nq0 = (t % tiles_n) * ${quads}u;`,
    '  if (m0 >= u.m) { return; }',
    '  let k0 = gid.z * u.k_chunk;',
    '  let k1 = min(u.k, k0 + u.k_chunk);',
    ...I.map((i) => '  ' + J.map((j) => `var c${i}_${j} = vec4f(0.0);`).join(' ')),
  ];
  const body: string[] = [];
  if (path === 'nn') {
    L.push(...I.map((i) => `  let a${i} = a_row(m0 + ${i}u) / 4u;`), ...J.map((j) => `  let n${j} = nq0 + ${j}u;`));
    L.push('  let bs = u.b_rs / 4u;', '  for (var kq = k0 / 4u; kq < k1 / 4u; kq++) {', '    let bi = u.b_off / 4u + kq * u.b_rs;');
    for (let t = 0; t < 4; t++) body.push(J.map((j) => `let b${t}_${j} = b[bi + ${t}u * bs + n${j}];`).join(' '));
    body.push(...I.map((i) => `let x${i} = a[a${i} + kq];`));
    for (const i of I) for (const j of J) body.push(`c${i}_${j} += ${[0, 1, 2, 3].map((t) => `x${i}.${xyzw[t]} * b${t}_${j}`).join(' + ')};`);
  } else if (path === 'tn') {
    const I4 = Array.from({ length: rows / 4 }, (_, q) => q);
    L.push(...I4.map((q) => `  let q${q} = mq_in(m0 / 4u + ${q}u);`), ...J.map((j) => `  let n${j} = nq0 + ${j}u;`));
    L.push('  let as4 = u.a_cs / 4u;', '  let bs = u.b_rs / 4u;', '  for (var k = k0; k < k1; k++) {', '    let ai = u.a_off / 4u + k * as4;', '    let bi = u.b_off / 4u + k * bs;');
    body.push(...I4.map((q) => `let x${q} = a[ai + q${q}];`), ...J.map((j) => `let y${j} = b[bi + n${j}];`));
    for (const i of I) for (const j of J) body.push(`c${i}_${j} += x${i >> 2}.${xyzw[i & 3]} * y${j};`);
  } else if (path === 'sn') {
    L.push(...I.map((i) => `  let a${i} = a_row(m0 + ${i}u);`), ...J.map((j) => `  let n${j} = nq0 + ${j}u;`));
    L.push('  let bs = u.b_rs / 4u;', '  for (var k = k0; k < k1; k++) {', '    let ak = k * u.a_cs;', '    let bi = u.b_off / 4u + k * bs;');
    body.push(...J.map((j) => `let y${j} = b[bi + n${j}];`), ...I.map((i) => `let x${i} = a[a${i} + ak];`));
    for (const i of I) for (const j of J) body.push(`c${i}_${j} += x${i} * y${j};`);
  } else {
    const C = Array.from({ length: 4 * quads }, (_, c) => c);
    L.push(...I.map((i) => `  let a${i} = a_row(m0 + ${i}u) / 4u;`), ...C.map((c) => `  let w${c} = (u.b_off + (nq0 * 4u + ${c}u) * u.b_cs) / 4u;`));
    L.push('  for (var kq = k0 / 4u; kq < k1 / 4u; kq++) {');
    body.push(...C.map((c) => `let y${c} = b[w${c} + kq];`), ...I.map((i) => `let x${i} = a[a${i} + kq];`));
    for (const i of I) {
      for (const j of J) body.push(`c${i}_${j} += vec4f(${[0, 1, 2, 3].map((t) => `dot(x${i}, y${4 * j + t})`).join(', ')});`);
    }
  }
  L.push(...body.map((l) => '    ' + l), '  }');
  L.push('  ' + J.map((j) => `let b${j} = bias_at(nq0 + ${j}u);`).join(' '));
  for (const i of I) {
    L.push(`  if (m0 + ${i}u < u.m) {`, `    let r = row_at(m0 + ${i}u, gid.z);`, '    ' + J.map((j) => `store(r, nq0 + ${j}u, c${i}_${j}, b${j});`).join(' '), '  }');
  }
  L.push('}');
  return L.join('\n');
}

const tileCodes = new Map<string, string>();
function matmul4Code(path: MatmulPath, tile: MatmulTile): string {
  const key = `${path} ${tile.rows} ${tile.quads} ${tile.group}`;
  let code = tileCodes.get(key);
  if (!code) tileCodes.set(key, (code = wgsl(threads, geluCode, matmulParams, matmul4Shared, matmulTileCode(path, tile))));
  return code;
}

export function matmul(device: GPUDevice, label: string, s: MatmulSpec): Op {
  const splits = s.splits ?? 1;
  if (s.gelu && s.geluGrad) throw new Error(`${label}: gelu and geluGrad share the pre-activation binding`);
  if (s.residual && (s.residual.rows !== s.m || s.residual.cols !== s.n)) throw new Error(`${label}: residual is ${s.residual.rows}x${s.residual.cols}, wanted ${s.m}x${s.n}`);
  if (splits > 1 && (s.bias || s.gelu || s.geluGrad || s.residual || s.accumulate)) throw new Error(`${label}: split-K slabs take no epilogue`);
  const path = matmulPath(s);
  // the vec4 paths that step k by 4 need slabs of whole 4s
  const kChunk = path === 'nn' || path === 'nt' ? Math.ceil(s.k / splits / 4) * 4 : Math.ceil(s.k / splits);
  const u = new UniformStruct(device, `${label} uniforms`, {
    m: 'u32', n: 'u32', k: 'u32', k_chunk: 'u32',
    a_off: 'u32', a_rs: 'u32', a_cs: 'u32', b_off: 'u32',
    b_rs: 'u32', b_cs: 'u32', c_off: 'u32', c_rs: 'u32',
    c_split: 'u32', bias_off: 'u32', r_off: 'u32', r_rs: 'u32',
  });
  u.set({
    m: s.m, n: s.n, k: s.k, k_chunk: kChunk,
    a_off: s.a.offset, a_rs: s.a.rs, a_cs: s.a.cs, b_off: s.b.offset,
    b_rs: s.b.rs, b_cs: s.b.cs, c_off: s.c.offset, c_rs: s.c.stride,
    c_split: s.m * s.n, bias_off: s.bias?.offset ?? 0, r_off: s.residual?.offset ?? 0, r_rs: s.residual?.stride ?? 0,
  }).upload();
  const flag = (x: unknown) => (x ? 1 : 0);
  const constants = {
    GELU_GRAD: flag(s.geluGrad), HAS_BIAS: flag(s.bias), GELU: flag(s.gelu), RESIDUAL: flag(s.residual), ACCUMULATE: flag(s.accumulate),
  };
  // bindings a variant does not use are still part of the layout: give them a stand-in
  const buffers = {
    0: u.buffer, 1: s.a.buffer, 2: s.b.buffer, 3: s.bias?.buffer ?? s.b.buffer, 4: s.c.buffer,
    5: s.gelu ?? s.geluGrad ?? dummy(device), 6: s.residual?.buffer ?? s.b.buffer,
  };
  if (!path) {
    const k = kernel(device, MATMUL, 'matmul', buffers, constants);
    k.label = label;
    // 8 x 8 threads of 4 x 4 outputs; empty slabs write zeros
    return single(k, Math.ceil(s.n / 32), Math.ceil(s.m / 32), splits);
  }
  const tile = s.tile ?? matmulTile(device, path, s.m, s.n, s.k);
  if ((s.n / 4) % tile.quads !== 0) throw new Error(`${label}: a tile of ${tile.quads} vec4 columns does not divide ${s.n} columns`);
  const k = kernel(device, matmul4Code(path, tile), 'matmul', buffers, constants);
  k.label = label;
  const tiles = Math.ceil(s.m / tile.rows) * Math.ceil(s.n / 4 / tile.quads);
  const [gx, gy] = gridFor(tiles, tile.group);
  return single(k, gx, gy, splits);
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
    const vec4 = fours([src.cols, src.offset, src.stride, dst.offset], [src.buffer, dst.buffer]);
    const k = kernel(device, REDUCE[vec4 ? 1 : 0], 'colsum', { 0: u.buffer, 1: src.buffer, 2: dst.buffer });
    k.label = label;
    return single(k, Math.ceil(src.cols / (vec4 ? 4 : 1) / WORKGROUP_SIZE), Math.ceil(src.rows / ch));
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
  const vec4 = fours([y.cols, y.offset, y.stride, x?.offset ?? 0, x?.stride ?? 0], x ? [x.buffer, y.buffer] : [y.buffer]);
  const k = kernel(device, ELEMENTWISE[vec4 ? 1 : 0], entry, entry === 'fill' ? { 0: u.buffer, 2: y.buffer } : { 0: u.buffer, 1: x!.buffer, 2: y.buffer });
  k.label = label;
  const [gx, gy] = gridFor((y.rows * y.cols) / (vec4 ? 4 : 1));
  return single(k, gx, gy);
}

/** y (+)= scale · x, elementwise over same-shaped views (token slices, residual inputs, scaled branches). */
export function copy(device: GPUDevice, label: string, x: View, y: View, accumulate = false, scale = 1): Op {
  if (x.rows !== y.rows || x.cols !== y.cols) throw new Error(`${label}: copy ${x.rows}x${x.cols} into ${y.rows}x${y.cols}`);
  return elementwise(device, 'copy2d', label, x, y, accumulate ? 1 : 0, scale);
}

/** dy *= gelu'(pre), in place. */
export function geluBackward(device: GPUDevice, label: string, pre: View, dy: View): Op {
  return elementwise(device, 'geluBackward', label, pre, dy);
}

export function fill(device: GPUDevice, label: string, y: View, value = 0): Op {
  return elementwise(device, 'fill', label, undefined, y, 0, value);
}

/**
 * Which table row each token reads (nn/shaders/embedding.wgsl): `index` [tokens, 1], an
 * integer-valued f32 per token (an Embedding; < 0, padding, or >= the table's rows: none), or the
 * token's set of `k` tokens (a SetBroadcast; `mask` [tokens, 1] < 0: none, e.g. attention's tok).
 */
export type RowSource = { index: View } | { k: number; mask?: View };

/** One embedding.wgsl dispatch over `items` (tokens, chunks or sets), one thread per V of each one's row. */
function embeddingOp(
  device: GPUDevice,
  label: string,
  entry: 'gather' | 'scatter' | 'setsum',
  s: { tokens: number; rows: number; src: View; dst: View; of: RowSource; chunk?: number; accumulate?: boolean; items: number },
): Op {
  const k = 'k' in s.of ? s.of.k : 0;
  const idx = 'index' in s.of ? s.of.index : s.of.mask;
  if (idx && (idx.rows !== s.tokens || idx.cols !== 1)) throw new Error(`${label}: index / mask is ${idx.rows}x${idx.cols}, wanted ${s.tokens}x1`);
  const u = new UniformStruct(device, `${label} uniforms`, {
    tokens: 'u32', cols: 'u32', rows: 'u32', k: 'u32',
    src_off: 'u32', src_rs: 'u32', dst_off: 'u32', dst_rs: 'u32',
    idx_off: 'u32', idx_rs: 'u32', chunk: 'u32', flags: 'u32',
  });
  u.set({
    tokens: s.tokens, cols: s.src.cols, rows: s.rows, k,
    src_off: s.src.offset, src_rs: s.src.stride, dst_off: s.dst.offset, dst_rs: s.dst.stride,
    idx_off: idx?.offset ?? 0, idx_rs: idx?.stride ?? 0, chunk: s.chunk ?? 0,
    flags: (s.accumulate ? 1 : 0) | (k > 0 && idx ? 2 : 0),
  }).upload();
  const vec4 = fours([s.src.cols, s.src.offset, s.src.stride, s.dst.offset, s.dst.stride], [s.src.buffer, s.dst.buffer]);
  const kern = kernel(device, EMBEDDING[vec4 ? 1 : 0], entry, { 0: u.buffer, 1: idx?.buffer ?? dummy(device), 2: s.src.buffer, 3: s.dst.buffer });
  kern.label = label;
  const [gx, gy] = gridFor((s.items * s.src.cols) / (vec4 ? 4 : 1));
  return single(kern, gx, gy);
}

/**
 * out[t] (+)= table[row of t] (an Embedding's table, or a SetBroadcast's [sets, C] vectors); tokens
 * without a row get zero, or keep their value with `accumulate` (several lookups sum into one view).
 */
export function gatherRows(device: GPUDevice, label: string, s: { table: View; out: View; of: RowSource; accumulate?: boolean }): Op {
  const tokens = s.out.rows;
  if (s.table.cols !== s.out.cols) throw new Error(`${label}: table has ${s.table.cols} columns, out ${s.out.cols}`);
  if ('k' in s.of && s.table.rows * s.of.k !== tokens) throw new Error(`${label}: ${s.table.rows} sets of ${s.of.k} tokens into ${tokens} rows`);
  return embeddingOp(device, label, 'gather', { tokens, rows: s.table.rows, src: s.table, dst: s.out, of: s.of, accumulate: s.accumulate, items: tokens });
}

/**
 * Embedding backward: dtable[r] += sum over tokens t with index[t] = r of dout[t]; dtable dense.
 * Deterministic without atomics: each chunk of `chunk` tokens sums into its own partial table,
 * then colsum adds the partials (one chunk: straight into dtable). Work: tokens x C for the
 * scatter, (tokens / chunk) x rows x C to zero and reduce the partials.
 */
export function scatterRows(device: GPUDevice, label: string, s: { index: View; dout: View; dtable: View; chunk: number }): Op {
  const { dout, dtable } = s;
  const tokens = dout.rows;
  if (dtable.cols !== dout.cols || dtable.stride !== dtable.cols) throw new Error(`${label}: dtable must be dense [rows, ${dout.cols}]`);
  const parts = Math.ceil(tokens / s.chunk);
  const spec = { tokens, rows: dtable.rows, src: dout, of: { index: s.index }, chunk: s.chunk, items: parts };
  if (parts <= 1) return embeddingOp(device, label, 'scatter', { ...spec, dst: dtable, accumulate: true });
  const partials = tensor(device, `${label} partials`, parts * dtable.rows, dtable.cols);
  const flat = { buffer: partials.buffer, offset: 0, rows: parts, cols: dtable.rows * dtable.cols, stride: dtable.rows * dtable.cols };
  return seq(label, [
    embeddingOp(device, label, 'scatter', { ...spec, dst: partials }),
    colsum(device, `${label} sum`, flat, { buffer: dtable.buffer, offset: dtable.offset }, { accumulate: true }),
  ]);
}

/** SetBroadcast backward: dv[p] (+)= sum over the k tokens of set p (unmasked ones) of dout. */
export function setSum(device: GPUDevice, label: string, s: { dout: View; dv: View; k: number; mask?: View; accumulate?: boolean }): Op {
  const sets = s.dv.rows;
  if (s.dv.cols !== s.dout.cols || sets * s.k !== s.dout.rows) throw new Error(`${label}: dv ${sets}x${s.dv.cols} for ${s.dout.rows}x${s.dout.cols} tokens in sets of ${s.k}`);
  return embeddingOp(device, label, 'setsum', {
    tokens: s.dout.rows, rows: sets, src: s.dout, dst: s.dv, of: { k: s.k, mask: s.mask }, accumulate: s.accumulate, items: sets,
  });
}

/** LayerNorm forward / backward kernels over dense [rows, cols] views. */
export function layerNorm(
  device: GPUDevice,
  label: string,
  s: { theta: GPUBuffer; gammaOffset: number; betaOffset: number; x: View; y: View; stats: View; eps: number },
): Op {
  const u = layerNormUniform(device, label, s.x, s.gammaOffset, s.betaOffset, s.eps, [s.x, s.y]);
  const vec4 = fours([s.x.cols, s.gammaOffset, s.betaOffset], [s.x.buffer, s.theta, s.y.buffer]);
  const k = kernel(device, LAYERNORM[vec4 ? 1 : 0], 'forward', { 0: u.buffer, 1: s.x.buffer, 2: s.theta, 3: s.stats.buffer, 4: s.y.buffer });
  k.label = label;
  const [gx, gy] = gridFor(s.x.rows);
  return single(k, gx, gy);
}

export function layerNormBackward(
  device: GPUDevice,
  label: string,
  s: { theta: GPUBuffer; gammaOffset: number; betaOffset: number; x: View; stats: View; dy: View; dx: View; dyxhat: View; eps: number },
): Op {
  const u = layerNormUniform(device, label, s.x, s.gammaOffset, s.betaOffset, s.eps, [s.x, s.dy, s.dx, s.dyxhat]);
  const vec4 = fours([s.x.cols, s.gammaOffset, s.betaOffset], [s.x.buffer, s.theta, s.dx.buffer, s.dy.buffer, s.dyxhat.buffer]);
  const k = kernel(device, LAYERNORM[vec4 ? 1 : 0], 'backward', {
    0: u.buffer, 1: s.x.buffer, 2: s.theta, 3: s.stats.buffer, 4: s.dx.buffer, 5: s.dy.buffer, 6: s.dyxhat.buffer,
  });
  k.label = label;
  const [gx, gy] = gridFor(s.x.rows);
  return single(k, gx, gy);
}

function layerNormUniform(device: GPUDevice, label: string, x: View, g: number, b: number, eps: number, views: View[]) {
  for (const v of views) {
    if (!isDense(v) || v.rows !== x.rows || v.cols !== x.cols) throw new Error(`${label}: layer norm views must be dense [${x.rows}, ${x.cols}]`);
  }
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
  /** Also only when tok_j <= tok_i: with tok = position, a causal (language-model) mask. */
  causal?: boolean;
  /**
   * Queries: the first `queries` tokens of each set (default k). out / dout are [sets * queries, C],
   * lse / delta [sets * heads * queries]; keys and values stay all k tokens.
   */
  queries?: number;
  /** Queries (keys) per thread: 1 or 4; default 4 on CPU adapters, 1 on GPUs. */
  perThread?: 1 | 4;
}

/** Entry point suffix and thread count of a query kernel (n = queries) or the key kernel (n = k). */
function attentionLaunch(device: GPUDevice, s: AttentionShape, n: number): { suffix: string; threads: number } {
  // four per thread only pays with at least four of them per set
  const four = (s.perThread ?? (isSoftwareDevice(device) ? 4 : 1)) === 4 && n >= 4;
  return four ? { suffix: '4', threads: s.sets * s.heads * Math.ceil(n / 4) } : { suffix: '', threads: s.sets * s.heads * n };
}

function attentionUniform(device: GPUDevice, label: string, s: AttentionShape, views: Record<string, [View, number, number]>) {
  const nq = s.queries ?? s.k;
  if (!Number.isInteger(nq) || nq < 1 || nq > s.k) throw new Error(`${label}: queries ${nq} must be in [1, ${s.k}]`);
  for (const [name, [v, rows, cols]] of Object.entries(views)) {
    if (!isDense(v) || v.rows !== rows || v.cols !== cols) throw new Error(`${label}: ${name} must be a dense [${rows}, ${cols}] tensor`);
  }
  const dh = s.channels / s.heads;
  if (!Number.isInteger(dh) || dh > MAX_HEAD_DIM) throw new Error(`${label}: channels ${s.channels} / heads ${s.heads} must be an integer <= ${MAX_HEAD_DIM}`);
  const u = new UniformStruct(device, `${label} uniforms`, {
    sets: 'u32', k: 'u32', heads: 'u32', dh: 'u32', c: 'u32', scale: 'f32', window: 'f32', nq: 'u32', causal: 'u32',
  });
  u.set({ sets: s.sets, k: s.k, heads: s.heads, dh, c: s.channels, scale: 1 / Math.sqrt(dh), window: s.window ?? 3e38, nq, causal: s.causal ? 1 : 0 }).upload();
  return u;
}

/** Largest head dim (the Head value lives in registers). */
export const MAX_HEAD_DIM = 64;

/**
 * WGSL defining `Head` (dh channels as vec4 fields plus a shorter tail), its helpers and the
 * head-addressed bindings of nn/shaders/attention.wgsl: straight-line code per dh where a private array
 * would be indexed dynamically. `vec4`: bind those buffers as array<vec4f> (dh and C multiples of 4).
 */
export function headCode(dh: number, vec4: boolean): string {
  if (vec4 && dh % 4 !== 0) throw new Error(`head dim ${dh}: vec4 bindings need a multiple of 4`);
  const widths: number[] = [];
  for (let c = 0; c < dh; c += 4) widths.push(Math.min(4, dh - c));
  const ty = (w: number) => (w === 1 ? 'f32' : `vec${w}f`);
  const f = widths.map((w, i) => ({ name: `c${i}`, w, at: 4 * i }));
  const all = (fn: (x: (typeof f)[number]) => string, sep = ', ') => f.map(fn).join(sep);
  const elems = (x: (typeof f)[number]) => Array.from({ length: x.w }, (_, e) => x.at + e);
  const load = (buf: string) =>
    vec4
      ? `fn load_${buf}(i: u32) -> Head { let j = i / 4u; return Head(${all((x) => `${buf}[j + ${x.at / 4}u]`)}); }`
      : `fn load_${buf}(i: u32) -> Head { return Head(${all((x) => `${ty(x.w)}(${elems(x).map((e) => `${buf}[i + ${e}u]`).join(', ')})`)}); }`;
  const store = (buf: string) =>
    vec4
      ? `fn store_${buf}(i: u32, h: Head) { let j = i / 4u; ${all((x) => `${buf}[j + ${x.at / 4}u] = h.${x.name};`, ' ')} }`
      : `fn store_${buf}(i: u32, h: Head) { ${all((x) => elems(x).map((e, n) => `${buf}[i + ${e}u] = h.${x.name}${x.w === 1 ? '' : `[${n}]`};`).join(' '), ' ')} }`;
  const el = vec4 ? 'vec4f' : 'f32';
  return [
    `@group(0) @binding(1) var<storage, read> qkv: array<${el}>;`,
    `@group(0) @binding(3) var<storage, read_write> o: array<${el}>;`,
    `@group(0) @binding(5) var<storage, read> dout: array<${el}>;`,
    `@group(0) @binding(6) var<storage, read_write> dqkv: array<${el}>;`,
    `struct Head { ${all((x) => `${x.name}: ${ty(x.w)}`)} }`,
    `fn head_zero() -> Head { return Head(${all((x) => `${ty(x.w)}(0.0)`)}); }`,
    `fn head_dot(a: Head, b: Head) -> f32 { return ${all((x) => (x.w === 1 ? `a.${x.name} * b.${x.name}` : `dot(a.${x.name}, b.${x.name})`), ' + ')}; }`,
    `fn head_axpy(s: f32, x: Head, y: Head) -> Head { return Head(${all((x) => `s * x.${x.name} + y.${x.name}`)}); }`,
    `fn head_scale(s: f32, x: Head) -> Head { return Head(${all((x) => `s * x.${x.name}`)}); }`,
    load('qkv'), load('o'), load('dout'), store('o'), store('dqkv'),
  ].join('\n');
}

const attentionCodes = new Map<string, string>();
function attentionCodeFor(s: AttentionShape, buffers: GPUBuffer[]): string {
  const dh = s.channels / s.heads;
  const vec4 = dh % 4 === 0 && s.channels % 4 === 0 && buffers.every((b) => b.size % 16 === 0);
  const key = `${dh} ${vec4}`;
  let code = attentionCodes.get(key);
  if (!code) attentionCodes.set(key, (code = wgsl(threads, headCode(dh, vec4), attentionCode)));
  return code;
}

/** out = softmax(q k^T / sqrt(dh)) v per set, head and query; lse [sets*heads*queries] kept for backward. */
export function attention(device: GPUDevice, label: string, s: AttentionShape & { qkv: View; tok: GPUBuffer; out: View; lse: View }): Op {
  const nq = s.queries ?? s.k;
  const u = attentionUniform(device, label, s, {
    qkv: [s.qkv, s.sets * s.k, 3 * s.channels], out: [s.out, s.sets * nq, s.channels], lse: [s.lse, s.sets * s.heads * nq, 1],
  });
  const { suffix, threads } = attentionLaunch(device, s, nq);
  const k = kernel(device, attentionCodeFor(s, [s.qkv.buffer, s.out.buffer]), `forward${suffix}`, {
    0: u.buffer, 1: s.qkv.buffer, 2: s.tok, 3: s.out.buffer, 4: s.lse.buffer,
  });
  k.label = label;
  const [gx, gy] = gridFor(threads);
  return single(k, gx, gy);
}

/** dqkv from dout, given the forward's qkv, out and lse; `delta` [sets*heads*queries] is scratch. */
export function attentionBackward(
  device: GPUDevice,
  label: string,
  s: AttentionShape & { qkv: View; tok: GPUBuffer; out: View; lse: View; dout: View; dqkv: View; delta: View },
): Op {
  const c = s.channels;
  const nq = s.queries ?? s.k;
  const R = s.sets * s.k;
  const rq = s.sets * s.heads * nq;
  const u = attentionUniform(device, label, s, {
    qkv: [s.qkv, R, 3 * c], out: [s.out, s.sets * nq, c], dout: [s.dout, s.sets * nq, c], dqkv: [s.dqkv, R, 3 * c],
    lse: [s.lse, rq, 1], delta: [s.delta, rq, 1],
  });
  const code = attentionCodeFor(s, [s.qkv.buffer, s.out.buffer, s.dout.buffer, s.dqkv.buffer]);
  const q = attentionLaunch(device, s, nq);
  const kv = attentionLaunch(device, s, s.k);
  const kq = kernel(device, code, `backwardQ${q.suffix}`, {
    0: u.buffer, 1: s.qkv.buffer, 2: s.tok, 3: s.out.buffer, 4: s.lse.buffer, 5: s.dout.buffer, 6: s.dqkv.buffer, 7: s.delta.buffer,
  });
  const kkv = kernel(device, code, `backwardKv${kv.suffix}`, {
    0: u.buffer, 1: s.qkv.buffer, 2: s.tok, 4: s.lse.buffer, 5: s.dout.buffer, 6: s.dqkv.buffer, 7: s.delta.buffer,
  });
  return seq(label, [single(kq, ...gridFor(q.threads)), single(kkv, ...gridFor(kv.threads))]);
}

/** One loss.wgsl entry over `rows` threads: its uniforms (n = rows, d = cols) and bindings, built once. */
function lossOp(device: GPUDevice, label: string, entry: string, shape: { rows: number; cols: number; invSigma?: number; norm: number }, buffers: Record<number, GPUBuffer>): Op {
  const u = new UniformStruct(device, `${label} uniforms`, { n: 'u32', d: 'u32', inv_sigma: 'f32', norm: 'f32' });
  u.set({ n: shape.rows, d: shape.cols, inv_sigma: shape.invSigma ?? 0, norm: shape.norm }).upload();
  const k = kernel(device, LOSS, entry, { 0: u.buffer, ...buffers });
  k.label = label;
  const [gx, gy] = gridFor(shape.rows);
  return single(k, gx, gy);
}

/** Antithetic DSM: pred [2n, d] (first n rows +, next n rows -), zeta [n, d]; lrow [n]. */
export function dsmLoss(
  device: GPUDevice,
  label: string,
  s: { pred: View; zeta: View; dpred: View; lrow: View; sigma: number; norm: number },
): Op {
  return lossOp(device, label, 'dsm', { rows: s.zeta.rows, cols: s.zeta.cols, invSigma: 1 / s.sigma, norm: s.norm }, { 1: s.pred.buffer, 2: s.zeta.buffer, 4: s.dpred.buffer, 5: s.lrow.buffer });
}

/**
 * Softmax cross-entropy over rows: logits [rows, classes], target [rows] (a class index, negative:
 * ignored); lrow [rows] (times norm), hits [rows] (1 where the argmax is the target).
 */
export function crossEntropyLoss(
  device: GPUDevice,
  label: string,
  s: { logits: View; target: View; dlogits: View; lrow: View; hits: View; norm: number },
): Op {
  for (const [name, v, cols] of [['logits', s.logits, s.logits.cols], ['dlogits', s.dlogits, s.logits.cols], ['target', s.target, 1], ['lrow', s.lrow, 1], ['hits', s.hits, 1]] as const) {
    if (!isDense(v) || v.offset !== 0 || v.rows !== s.logits.rows || v.cols !== cols) throw new Error(`${label}: ${name} must be a dense [${s.logits.rows}, ${cols}] tensor at offset 0`);
  }
  return lossOp(device, label, 'crossEntropy', { rows: s.logits.rows, cols: s.logits.cols, norm: s.norm }, {
    1: s.logits.buffer, 2: s.target.buffer, 4: s.dlogits.buffer, 5: s.lrow.buffer, 6: s.hits.buffer,
  });
}

/** Masked MSE over rows: pred, target [rows, d], mask [rows]; lrow [rows]. */
export function mseLoss(
  device: GPUDevice,
  label: string,
  s: { pred: View; target: View; mask: View; dpred: View; lrow: View; norm: number },
): Op {
  return lossOp(device, label, 'mse', { rows: s.pred.rows, cols: s.pred.cols, norm: s.norm }, {
    1: s.pred.buffer, 2: s.target.buffer, 3: s.mask.buffer, 4: s.dpred.buffer, 5: s.lrow.buffer,
  });
}
