// The model data built on the CPU once per (params, seed): initial tokens and weights, as float32.
// The GPU and the float64 reference both start from exactly these numbers.
import { normal4 } from '../../gpu/rng';
import { tokenCount, words, type TokenParams } from './params';

export type Normalization = 'softmax' | 'uniform';
export type Activation = 'relu' | 'gelu';
export type Splitting = 'lie' | 'strang';
export type Substep = 'euler' | 'rk4';

/** One FFN: W1 (width×d), b1 (width), W2 (d×width), b2 (d), packed in this order. */
export function ffnSetSize(d: number, width: number): number {
  return 2 * width * d + width + d;
}

export interface TokenModel {
  count: number;
  d: number;
  heads: number;
  width: number;
  /** Token words for init=text. */
  words?: string[];
  x0: Float32Array<ArrayBuffer>;
  /** Wq, Wk, Wv, Wo (d×d row-major each). */
  attention: Float32Array<ArrayBuffer>;
  /** Two FFN sets (a: first half of the Macaron step, b: second half), packed. */
  ffn: Float32Array<ArrayBuffer>;
}

// RNG streams, so every array has its own counter space.
const STREAM = { init: 1, wq: 2, wk: 3, wv: 4, wo: 5, ffnA: 6, ffnB: 7, projection: 8, text: 9 } as const;

/** `length` standard normals from the counter-based RNG (same on every machine). */
export function normals(length: number, seed: number, stream: number, step = 0): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 4) {
    const r = normal4(i / 4, step, seed >>> 0, stream);
    for (let k = 0; k < 4 && i + k < length; k++) out[i + k] = r[k]!;
  }
  return out;
}

function normalizeRows(x: Float64Array, rows: number, d: number): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i * d + c]! ** 2;
    const inv = 1 / Math.sqrt(s || 1);
    for (let c = 0; c < d; c++) x[i * d + c]! *= inv;
  }
}

/** Gram–Schmidt on the rows (twice, for float64 orthogonality); rows ≤ d. */
export function orthonormalRows(x: Float64Array, rows: number, d: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += x[i * d + c]! * x[j * d + c]!;
        for (let c = 0; c < d; c++) x[i * d + c]! -= dot * x[j * d + c]!;
      }
      normalizeRows(x.subarray(i * d, (i + 1) * d), 1, d);
    }
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A word's embedding: a unit vector from its hash (same word, same vector) plus a sinusoidal position term. */
export function embedWords(list: string[], d: number): Float64Array {
  const x = new Float64Array(list.length * d);
  list.forEach((word, i) => {
    const v = normals(d, fnv1a(word.toLowerCase()), STREAM.text);
    normalizeRows(v, 1, d);
    for (let c = 0; c < d; c++) {
      const freq = 1 / 10000 ** ((2 * Math.floor(c / 2)) / d);
      const pos = c % 2 === 0 ? Math.sin(i * freq) : Math.cos(i * freq);
      x[i * d + c] = v[c]! + (0.3 / Math.sqrt(d)) * pos;
    }
  });
  normalizeRows(x, list.length, d);
  return x;
}

export function initialTokens(p: TokenParams): { x: Float64Array; words?: string[] } {
  const d = p.d;
  const seed = p.seed;
  const count = tokenCount(p);
  switch (p.init) {
    case 'text': {
      const list = words(p.text);
      return { x: embedWords(list, d), words: list };
    }
    case 'orthogonal': {
      const x = normals(count * d, seed, STREAM.init);
      orthonormalRows(x, count, d);
      return { x };
    }
    case 'sphere': {
      const x = normals(count * d, seed, STREAM.init);
      normalizeRows(x, count, d);
      return { x };
    }
    default: {
      const x = normals(count * d, seed, STREAM.init).map((v) => v / Math.sqrt(d));
      if (p.sphere) normalizeRows(x, count, d);
      return { x };
    }
  }
}

/** Largest singular value of a (rows×cols) matrix given as a product function, by power iteration. */
export function spectralNorm(apply: (v: Float64Array) => Float64Array, applyT: (v: Float64Array) => Float64Array, cols: number, seed: number): number {
  let v = normals(cols, seed, 99);
  let sigma = 0;
  for (let it = 0; it < 200; it++) {
    const nv = Math.hypot(...v) || 1;
    v = v.map((a) => a / nv);
    const w = apply(v);
    sigma = Math.hypot(...w);
    v = applyT(w);
  }
  return sigma;
}

export function matVec(m: ArrayLike<number>, rows: number, cols: number, v: ArrayLike<number>, offset = 0): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += m[offset + r * cols + c]! * v[c]!;
    out[r] = s;
  }
  return out;
}

export function matTVec(m: ArrayLike<number>, rows: number, cols: number, v: ArrayLike<number>, offset = 0): Float64Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c]! += m[offset + r * cols + c]! * v[r]!;
  return out;
}

function identity(d: number): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) m[i * d + i] = 1;
  return m;
}

/** Wq, Wk, Wv, Wo. Random: N(0, 1/d) entries, then Wv, Wo scaled so ||Wo Wv||₂ = scale/4. */
export function attentionWeights(p: TokenParams): Float64Array {
  const d = p.d;
  if (p.weights === 'identity') return Float64Array.from([...identity(d), ...identity(d), ...identity(d), ...identity(d)]);
  const seed = p.seed;
  const [wq, wk, wv, wo] = [STREAM.wq, STREAM.wk, STREAM.wv, STREAM.wo].map((s) => normals(d * d, seed, s).map((v) => v / Math.sqrt(d)));
  const sigma = spectralNorm(
    (v) => matVec(wo!, d, d, matVec(wv!, d, d, v)),
    (v) => matTVec(wv!, d, d, matTVec(wo!, d, d, v)),
    d,
    seed,
  );
  const k = Math.sqrt(p.weightScale / 4 / sigma);
  return Float64Array.from([...wq!, ...wk!, ...wv!.map((v) => v * k), ...wo!.map((v) => v * k)]);
}

/** One FFN set, scaled so ||W2||·||W1|| = scale/4; small biases. */
function ffnSet(d: number, width: number, seed: number, stream: number, scale: number): Float64Array {
  const raw = normals(ffnSetSize(d, width), seed, stream);
  const w1 = raw.subarray(0, width * d).map((v) => v / Math.sqrt(d));
  const b1 = raw.subarray(width * d, width * d + width).map((v) => 0.1 * v);
  const w2 = raw.subarray(width * d + width, 2 * width * d + width).map((v) => v / Math.sqrt(width));
  const b2 = raw.subarray(2 * width * d + width).map((v) => 0.05 * v);
  const n1 = spectralNorm((v) => matVec(w1, width, d, v), (v) => matTVec(w1, width, d, v), d, seed);
  const n2 = spectralNorm((v) => matVec(w2, d, width, v), (v) => matTVec(w2, d, width, v), width, seed);
  const k = Math.sqrt(scale / 4 / (n1 * n2));
  return Float64Array.from([...w1.map((v) => v * k), ...b1, ...w2.map((v) => v * k), ...b2]);
}

/** Sets a and b; b equals a for ffnPair=shared. FFN weights are random in both weight modes. */
export function ffnWeights(p: TokenParams): Float64Array {
  const d = p.d;
  const width = p.ffnWidth;
  const scale = p.weightScale;
  const a = ffnSet(d, width, p.seed, STREAM.ffnA, scale);
  const b = p.ffnPair === 'shared' ? a : ffnSet(d, width, p.seed, STREAM.ffnB, scale);
  return Float64Array.from([...a, ...b]);
}

/** A fixed random orthonormal 3×d projection (seeded). */
export function randomProjection(d: number, seed: number): Float64Array {
  const m = normals(3 * d, seed, STREAM.projection);
  orthonormalRows(m, Math.min(3, d), d);
  return m;
}

export function buildModel(p: TokenParams): TokenModel {
  const { x, words: list } = initialTokens(p);
  return {
    count: tokenCount(p),
    d: p.d,
    heads: p.heads,
    width: p.ffnWidth,
    words: list,
    x0: new Float32Array(x),
    attention: new Float32Array(attentionWeights(p)),
    ffn: new Float32Array(ffnWeights(p)),
  };
}
