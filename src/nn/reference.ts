// Float64 CPU forward passes mirroring the WGSL kernels: the independent reference for
// gradient checks (central finite differences) and for small CPU-side evaluations.
import type { ParamLayout } from './layout';
import { localTransformerLayout, type LocalTransformerConfig } from './local-transformer';
import { sequenceLayout, subLayers, type SequenceTransformerConfig, type SubLayerSpec } from './sequence-transformer';

export type F64 = Float64Array;

const GELU_C = Math.sqrt(2 / Math.PI);
export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
}

/** y[r, o] = sum_i x[r, i] w[i, o] + b[o]; w and b read from theta at their offsets. */
export function linear(x: F64, rows: number, inDim: number, outDim: number, theta: F64, wOff: number, bOff: number): F64 {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      let s = theta[bOff + o]!;
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i]! * theta[wOff + i * outDim + o]!;
      y[r * outDim + o] = s;
    }
  }
  return y;
}

export function geluAll(x: F64): F64 {
  return x.map(gelu);
}

export function layerNorm(x: F64, rows: number, cols: number, theta: F64, gOff: number, bOff: number, eps = 1e-5): F64 {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let c = 0; c < cols; c++) mean += x[r * cols + c]!;
    mean /= cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[r * cols + c]! - mean) ** 2;
    const rstd = 1 / Math.sqrt(v / cols + eps);
    for (let c = 0; c < cols; c++) y[r * cols + c] = (x[r * cols + c]! - mean) * rstd * theta[gOff + c]! + theta[bOff + c]!;
  }
  return y;
}

/** Attention within sets; qkv rows [q | k | v]; tok as in nn/shaders/attention.wgsl. Returns [rows, C]. */
export function attention(qkv: F64, sets: number, k: number, heads: number, c: number, tok?: F64, window = Infinity, causal = false): F64 {
  const dh = c / heads;
  const scale = 1 / Math.sqrt(dh);
  const out = new Float64Array(sets * k * c);
  const t = (p: number, i: number) => tok?.[p * k + i] ?? 0;
  for (let p = 0; p < sets; p++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < k; i++) {
        const qi = (p * k + i) * 3 * c + h * dh;
        const s: number[] = [];
        const js: number[] = [];
        for (let j = 0; j < k; j++) {
          if (!(t(p, j) >= 0 && Math.abs(t(p, i) - t(p, j)) <= window && (!causal || t(p, j) <= t(p, i)))) continue;
          const kj = (p * k + j) * 3 * c + c + h * dh;
          let d = 0;
          for (let e = 0; e < dh; e++) d += qkv[qi + e]! * qkv[kj + e]!;
          s.push(d * scale);
          js.push(j);
        }
        if (js.length === 0) continue;
        const m = Math.max(...s);
        const w = s.map((x) => Math.exp(x - m));
        const z = w.reduce((a, b) => a + b, 0);
        const oi = (p * k + i) * c + h * dh;
        js.forEach((j, n) => {
          const vj = (p * k + j) * 3 * c + 2 * c + h * dh;
          for (let e = 0; e < dh; e++) out[oi + e]! += (w[n]! / z) * qkv[vj + e]!;
        });
      }
    }
  }
  return out;
}

function add(a: F64, b: F64): F64 {
  return a.map((x, i) => x + b[i]!);
}

/** Columns [start, start + count) of a [rows, cols] matrix. */
function sliceCols(x: F64, rows: number, cols: number, start: number, count: number): F64 {
  const y = new Float64Array(rows * count);
  for (let r = 0; r < rows; r++) for (let c = 0; c < count; c++) y[r * count + c] = x[r * cols + start + c]!;
  return y;
}

/** Post-LN EncoderBlock (modules.ts), all tokens as queries: x [sets * k, width] -> [sets * k, width]. */
export function encoderBlock(
  x: F64,
  s: { sets: number; k: number; width: number; heads: number; mlp: number; window?: number; proj?: boolean },
  theta: F64,
  layout: ParamLayout,
  name: string,
  tok?: F64,
): F64 {
  const R = s.sets * s.k;
  const C = s.width;
  const off = (n: string) => layout.get(`${name}.${n}`).offset;
  const lin = (v: F64, n: string, i: number, o: number) => linear(v, R, i, o, theta, off(`${n}.w`), off(`${n}.b`));
  const att = attention(lin(x, 'qkv', C, 3 * C), s.sets, s.k, s.heads, C, tok, s.window ?? Infinity);
  const h1 = layerNorm(add(x, (s.proj ?? true) ? lin(att, 'proj', C, C) : att), R, C, theta, off('ln1.gamma'), off('ln1.beta'));
  const m = lin(geluAll(lin(h1, 'mlp1', C, s.mlp)), 'mlp2', s.mlp, C);
  return layerNorm(add(h1, m), R, C, theta, off('ln2.gamma'), off('ln2.beta'));
}

/** Embedding (embedding.ts): row index[t] of the [rows, cols] table at tableOff per token; zero where index < 0 or >= rows. */
export function embedding(index: ArrayLike<number>, rows: number, cols: number, theta: F64, tableOff: number): F64 {
  const y = new Float64Array(index.length * cols);
  for (let t = 0; t < index.length; t++) {
    const r = index[t]!;
    if (r >= 0 && r < rows) for (let c = 0; c < cols; c++) y[t * cols + c] = theta[tableOff + r * cols + c]!;
  }
  return y;
}

/** SetBroadcast (embedding.ts): v [sets, cols] to each of the set's k tokens; zero where mask < 0. */
export function setBroadcast(v: F64, sets: number, k: number, cols: number, mask?: ArrayLike<number>): F64 {
  const y = new Float64Array(sets * k * cols);
  for (let t = 0; t < sets * k; t++) {
    if ((mask?.[t] ?? 0) < 0) continue;
    const p = Math.floor(t / k);
    for (let c = 0; c < cols; c++) y[t * cols + c] = v[p * cols + c]!;
  }
  return y;
}

/** Forward of LocalTransformer: input [sets * tokens, inputs] -> output [sets, outputs]. */
export function localTransformerForward(
  cfg: LocalTransformerConfig,
  theta: F64,
  input: F64,
  sets: number,
  tok?: F64,
  layout: ParamLayout = localTransformerLayout(cfg),
): F64 {
  const K = cfg.tokens;
  const R = sets * K;
  const C = cfg.width;
  const off = (n: string) => layout.get(n).offset;
  const lin = (x: F64, rows: number, name: string, i: number, o: number) => linear(x, rows, i, o, theta, off(`${name}.w`), off(`${name}.b`));
  const we = C / cfg.embed.length;
  let h: F64 = new Float64Array(R * C);
  cfg.embed.forEach(([start, count], g) => {
    const e = lin(geluAll(lin(sliceCols(input, R, cfg.inputs, start, count), R, `embed${g}.l1`, count, cfg.embedHidden)), R, `embed${g}.l2`, cfg.embedHidden, we);
    for (let r = 0; r < R; r++) for (let c = 0; c < we; c++) h[r * C + g * we + c] = e[r * we + c]!;
  });
  const block = { sets, k: K, width: C, heads: cfg.heads, mlp: cfg.mlp, window: cfg.window };
  for (let b = 0; b < cfg.depth; b++) h = encoderBlock(h, block, theta, layout, `block${b}`, tok);
  const t0 = new Float64Array(sets * C);
  for (let p = 0; p < sets; p++) for (let c = 0; c < C; c++) t0[p * C + c] = h[p * K * C + c]!;
  return lin(geluAll(lin(t0, sets, 'head.l1', C, cfg.headHidden)), sets, 'head.l2', cfg.headHidden, cfg.outputs);
}

/**
 * Forward of SequenceTransformer: symbols and positions [sets * context] -> the frames (the
 * residual stream after the embedding and each sub-layer) and the logits [sets * context, classes].
 */
/**
 * One sub-layer's branch F_s(x), the update a pre-LN residual sub-layer adds to x (½-scaled for a
 * Macaron half-FFN): the vector field of that sub-flow, for rows = sets · context tokens.
 */
export function sequenceBranch(cfg: SequenceTransformerConfig, theta: F64, layout: ParamLayout, s: SubLayerSpec, x: F64, sets: number, tok: F64): F64 {
  const R = sets * cfg.context;
  const C = cfg.width;
  const off = (n: string) => layout.get(n).offset;
  const lin = (v: F64, name: string, i: number, o: number) => linear(v, R, i, o, theta, off(`${name}.w`), off(`${name}.b`));
  const h = layerNorm(x, R, C, theta, off(`${s.name}.ln.gamma`), off(`${s.name}.ln.beta`));
  if (s.kind === 'attention') return lin(attention(lin(h, `${s.name}.qkv`, C, 3 * C), sets, cfg.context, cfg.heads, C, tok, Infinity, cfg.causal), `${s.name}.proj`, C, C);
  const hidden = cfg.arch === 'macaron' ? cfg.ffn / 2 : cfg.ffn;
  const branch = lin(geluAll(lin(h, `${s.name}.l1`, C, hidden)), `${s.name}.l2`, hidden, C);
  return s.kind === 'half-ffn' ? branch.map((v) => 0.5 * v) : branch;
}

export function sequenceTransformerForward(
  cfg: SequenceTransformerConfig,
  theta: F64,
  symbols: ArrayLike<number>,
  positions: ArrayLike<number>,
  sets: number,
  layout: ParamLayout = sequenceLayout(cfg),
): { frames: F64[]; logits: F64 } {
  const R = sets * cfg.context;
  const C = cfg.width;
  const off = (n: string) => layout.get(n).offset;
  const tok = Float64Array.from(positions);
  let x = add(embedding(symbols, cfg.vocab, C, theta, off('embed.table')), embedding(positions, cfg.context, C, theta, off('pos.table')));
  const frames = [x];
  for (const s of subLayers(cfg)) {
    x = add(x, sequenceBranch(cfg, theta, layout, s, x, sets, tok));
    frames.push(x);
  }
  const h = layerNorm(x, R, C, theta, off('ln_out.gamma'), off('ln_out.beta'));
  return { frames, logits: linear(h, R, C, cfg.classes, theta, off('head.w'), off('head.b')) };
}

/** Antithetic DSM loss (see losses.ts): s [2n, d], zeta [n, d]. */
export function dsmLoss(s: F64, zeta: F64, n: number, d: number, sigma: number): number {
  let l = 0;
  for (let p = 0; p < n; p++) {
    for (let a = 0; a < d; a++) {
      const z = zeta[p * d + a]! / sigma;
      const sp = s[p * d + a]!;
      const sm = s[(n + p) * d + a]!;
      l += sp * sp + 2 * sp * z + sm * sm - 2 * sm * z;
    }
  }
  return l / n;
}

export function maskedMse(pred: F64, target: F64, mask: F64, rows: number, cols: number, norm: number): number {
  let l = 0;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) l += mask[r]! * (pred[r * cols + c]! - target[r * cols + c]!) ** 2;
  return l * norm;
}

/** Central finite difference of f at x along coordinate i. */
export function centralDiff(f: (x: F64) => number, x: F64, i: number, h = 1e-5): number {
  const xp = Float64Array.from(x);
  const xm = Float64Array.from(x);
  xp[i]! += h;
  xm[i]! -= h;
  return (f(xp) - f(xm)) / (2 * h);
}

/** Softmax cross-entropy, summed over rows with a negative target skipped, times norm. */
export function crossEntropy(logits: F64, rows: number, classes: number, target: ArrayLike<number>, norm: number): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const t = target[r]!;
    if (t < 0) continue;
    const z = logits.subarray(r * classes, (r + 1) * classes);
    const m = Math.max(...z);
    loss += m + Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0)) - z[t]!;
  }
  return loss * norm;
}
