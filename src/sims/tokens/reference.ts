// Float64 CPU reference of the tokens dynamics: attention, FFN, sphere projection, the Lie and
// Strang steps with Euler or RK4 sub-steps, and the observables. Written from science.md §1,
// independently of the WGSL kernels, for tests and small-size checks.
import { ffnSetSize, type Activation, type Normalization, type Splitting, type Substep } from './model';
import { gelu } from '../../nn/reference';

export interface ReferenceModel {
  n: number;
  d: number;
  heads: number;
  beta: number;
  normalization: Normalization;
  /** Wq, Wk, Wv, Wo packed (d×d each). */
  attention: ArrayLike<number>;
  /** FFN sets a and b packed; null = ffn off. */
  ffn: ArrayLike<number> | null;
  width: number;
  act: Activation;
  sphere: boolean;
}

type Vec = Float64Array<ArrayBuffer>;

function linear(m: ArrayLike<number>, offset: number, rows: number, cols: number, x: ArrayLike<number>, n: number): Vec {
  const out = new Float64Array(n * rows);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += m[offset + r * cols + c]! * x[i * cols + c]!;
      out[i * rows + r] = s;
    }
  return out;
}

/** F_i = Wo concat_h Σ_j a_ij (Wv x_j)_h with a_ij = softmax_j(β <(Wq x_i)_h, (Wk x_j)_h>) or exp(...)/n. */
export function attention(m: ReferenceModel, x: ArrayLike<number>): Vec {
  const { n, d, heads, beta } = m;
  const dh = d / heads;
  const q = linear(m.attention, 0, d, d, x, n);
  const k = linear(m.attention, d * d, d, d, x, n);
  const v = linear(m.attention, 2 * d * d, d, d, x, n);
  const o = new Float64Array(n * d);
  const logits = new Float64Array(n);
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = h * dh; c < (h + 1) * dh; c++) s += q[i * d + c]! * k[j * d + c]!;
        logits[j] = beta * s;
        max = Math.max(max, logits[j]!);
      }
      // Softmax with the max subtracted (stable); USA keeps exp(logit)/n unnormalised.
      let z = 0;
      for (let j = 0; j < n; j++) z += Math.exp(logits[j]! - max);
      const norm = m.normalization === 'softmax' ? 1 / z : Math.exp(max) / n;
      for (let j = 0; j < n; j++) {
        const a = Math.exp(logits[j]! - max) * norm;
        for (let c = h * dh; c < (h + 1) * dh; c++) o[i * d + c]! += a * v[j * d + c]!;
      }
    }
  return linear(m.attention, 3 * d * d, d, d, o, n);
}


/** One FFN set: W2 act(W1 x + b1) + b2. */
export function ffn(m: ReferenceModel, set: 0 | 1, x: ArrayLike<number>): Vec {
  const { n, d, width } = m;
  if (!m.ffn) return new Float64Array(n * d);
  const base = set * ffnSetSize(d, width);
  const w = m.ffn;
  const hidden = linear(w, base, width, d, x, n);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < width; r++) {
      const z = hidden[i * width + r]! + w[base + width * d + r]!;
      hidden[i * width + r] = m.act === 'relu' ? Math.max(0, z) : gelu(z);
    }
  const out = linear(w, base + width * d + width, d, width, hidden, n);
  for (let i = 0; i < n; i++) for (let r = 0; r < d; r++) out[i * d + r]! += w[base + 2 * width * d + width + r]!;
  return out;
}

/** P_x v = v - <x, v> x per token (in place on v). */
export function projectTangent(x: ArrayLike<number>, v: Vec, n: number, d: number): Vec {
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let c = 0; c < d; c++) dot += x[i * d + c]! * v[i * d + c]!;
    for (let c = 0; c < d; c++) v[i * d + c]! -= dot * x[i * d + c]!;
  }
  return v;
}

export function renormalize(x: Vec, n: number, d: number): Vec {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i * d + c]! ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let c = 0; c < d; c++) x[i * d + c]! *= inv;
  }
  return x;
}

/** The sub-flows: attention, FFN set a, set b, and their mean (the ODE's FFN field). */
export type SubFlow = 'attention' | 'ffnA' | 'ffnB' | 'ffnMean';

export function field(m: ReferenceModel, flow: SubFlow, x: ArrayLike<number>): Vec {
  let v: Vec;
  if (flow === 'attention') v = attention(m, x);
  else if (flow === 'ffnA') v = ffn(m, 0, x);
  else if (flow === 'ffnB') v = ffn(m, 1, x);
  else {
    const a = ffn(m, 0, x);
    const b = ffn(m, 1, x);
    v = a.map((ai, i) => 0.5 * (ai + b[i]!));
  }
  return m.sphere ? projectTangent(x, v, m.n, m.d) : v;
}

function axpy(x: ArrayLike<number>, a: number, v: ArrayLike<number>): Vec {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + a * v[i]!;
  return out;
}

/** Advances one sub-flow by h with one Euler or RK4 step (renormalised on the sphere). */
export function advance(m: ReferenceModel, flow: SubFlow, x: ArrayLike<number>, h: number, substep: Substep): Vec {
  let out: Vec;
  if (substep === 'euler') out = axpy(x, h, field(m, flow, x));
  else {
    const k1 = field(m, flow, x);
    const k2 = field(m, flow, axpy(x, h / 2, k1));
    const k3 = field(m, flow, axpy(x, h / 2, k2));
    const k4 = field(m, flow, axpy(x, h, k3));
    out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i]! + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
  }
  return m.sphere ? renormalize(out, m.n, m.d) : out;
}

/** One layer: Lie (attention, then FFN mean) or Strang (½ FFN a, attention, ½ FFN b). */
export function layerStep(m: ReferenceModel, x: ArrayLike<number>, dt: number, splitting: Splitting, substep: Substep): Vec {
  if (!m.ffn) return advance(m, 'attention', x, dt, substep);
  if (splitting === 'lie') return advance(m, 'ffnMean', advance(m, 'attention', x, dt, substep), dt, substep);
  const half = advance(m, 'ffnA', x, dt / 2, substep);
  return advance(m, 'ffnB', advance(m, 'attention', half, dt, substep), dt / 2, substep);
}

export function integrate(m: ReferenceModel, x0: ArrayLike<number>, dt: number, steps: number, splitting: Splitting, substep: Substep): Vec {
  let x = Float64Array.from(x0);
  for (let s = 0; s < steps; s++) x = layerStep(m, x, dt, splitting, substep);
  return x;
}

/** Observables of science.md §1 on a token set (float64). */
export function observables(x: ArrayLike<number>, n: number, d: number, beta: number, threshold: number, bins: number) {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i * d + c]! ** 2;
    norms[i] = Math.sqrt(s);
  }
  let sumCos = 0;
  let sumExp = 0;
  let closePairs = 0;
  const counts = new Array<number>(bins).fill(0);
  const parent = Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += x[i * d + c]! * x[j * d + c]!;
      sumExp += Math.exp(beta * dot);
      if (i === j) continue;
      const cos = dot / (norms[i]! * norms[j]!);
      sumCos += cos;
      if (j > i) {
        counts[Math.min(bins - 1, Math.max(0, Math.floor(((cos + 1) / 2) * bins)))]!++;
        if (cos > threshold) {
          parent[root(i)] = root(j);
          closePairs++;
        }
      }
    }
  let clusters = 0;
  for (let i = 0; i < n; i++) if (root(i) === i) clusters++;
  return {
    meanCosine: n > 1 ? sumCos / (n * (n - 1)) : 1,
    energy: sumExp / (2 * beta * n * n),
    clusters,
    closePairs: n > 1 ? closePairs / ((n * (n - 1)) / 2) : 1,
    counts,
    meanNorm: norms.reduce((a, b) => a + b, 0) / n,
  };
}
