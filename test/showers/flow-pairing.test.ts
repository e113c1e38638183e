// The OT pairing: the Hungarian assignment against brute force over all permutations (n ≤ 7), ties, n = 0
// and 1, and the shower / batch pairing (within layers only, padding untouched, optimal per layer).
import { describe, expect, it } from 'vitest';
import { assign, assignmentCost, distanceMatrix, pairBatch, pairShower, permuteRows } from '../../src/sims/showers/flow/pairing';
import { Rng } from '../../src/sims/showers/random';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

function bruteMinimum(cost: Float64Array, n: number): number {
  return Math.min(...permutations(n).map((p) => assignmentCost(cost, n, p)));
}

function isPermutation(p: ArrayLike<number>, n: number): boolean {
  return p.length === n && new Set(Array.from(p)).size === n && Array.from(p).every((j) => Number.isInteger(j) && j >= 0 && j < n);
}

function expectOptimal(cost: Float64Array, n: number): void {
  const col = assign(cost, n);
  expect(isPermutation(col, n)).toBe(true);
  const best = bruteMinimum(cost, n);
  expect(Math.abs(assignmentCost(cost, n, col) - best)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(best)));
}

const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('assign (Hungarian)', () => {
  it('equals the brute-force minimum on random uniform and Euclidean costs, n = 1 … 7', () => {
    const rng = new Rng(2024);
    for (let n = 1; n <= 7; n++) {
      const trials = n <= 5 ? 200 : n === 6 ? 60 : 15;
      for (let trial = 0; trial < trials; trial++) {
        expectOptimal(Float64Array.from({ length: n * n }, () => 10 * rng.uniform() - 3), n); // negative costs too
        const a = Float64Array.from({ length: n * 3 }, () => rng.normal());
        const b = Float64Array.from({ length: n * 3 }, () => rng.normal());
        expectOptimal(distanceMatrix(a, ids(n), b, ids(n)), n);
      }
    }
  });

  it('handles ties: few distinct integer costs, a constant matrix, duplicate rows', () => {
    const rng = new Rng(7);
    for (let n = 2; n <= 6; n++) {
      for (let trial = 0; trial < 50; trial++) expectOptimal(Float64Array.from({ length: n * n }, () => Math.floor(3 * rng.uniform())), n);
      expectOptimal(new Float64Array(n * n).fill(1.5), n);
      const row = Float64Array.from({ length: n }, () => rng.uniform());
      const same = new Float64Array(n * n);
      for (let i = 0; i < n; i++) same.set(row, i * n); // every assignment costs Σ row
      expectOptimal(same, n);
    }
  });

  it('n = 100 (a full layer): no swap of two rows improves it, and row / column shifts do not move the optimum', () => {
    const rng = new Rng(100);
    const n = 100;
    const a = Float64Array.from({ length: n * 3 }, () => rng.normal());
    const b = Float64Array.from({ length: n * 3 }, () => rng.normal());
    const cost = distanceMatrix(a, ids(n), b, ids(n));
    const col = assign(cost, n);
    expect(isPermutation(col, n)).toBe(true);
    let worst = 0; // largest gain of any 2-swap (≤ 0 at an optimum)
    for (let i = 0; i < n; i++) {
      for (let k = i + 1; k < n; k++) {
        const gain = cost[i * n + col[i]!]! + cost[k * n + col[k]!]! - cost[i * n + col[k]!]! - cost[k * n + col[i]!]!;
        worst = Math.max(worst, gain);
      }
    }
    expect(worst).toBeLessThan(1e-12);
    // Adding r_i to row i and c_j to column j adds Σr + Σc to every assignment: same optimal cost, shifted.
    const [r, c] = [Float64Array.from({ length: n }, () => rng.normal()), Float64Array.from({ length: n }, () => rng.normal())];
    const shifted = cost.map((v, k) => v + r[Math.floor(k / n)]! + c[k % n]!);
    const shift = r.reduce((s, x) => s + x, 0) + c.reduce((s, x) => s + x, 0);
    expect(assignmentCost(shifted, n, assign(shifted, n))).toBeCloseTo(assignmentCost(cost, n, col) + shift, 9);
  });

  it('n = 0, n = 1, a textbook case, and refuses non-finite costs', () => {
    expect(Array.from(assign(new Float64Array(0), 0))).toEqual([]);
    expect(Array.from(assign(Float64Array.of(42), 1))).toEqual([0]);
    // rows → columns 1, 0, 2: 1 + 2 + 2 = 5 is the unique minimum.
    expect(Array.from(assign(Float64Array.of(4, 1, 3, 2, 0, 5, 3, 2, 2), 3))).toEqual([1, 0, 2]);
    expect(() => assign(Float64Array.of(0, NaN, 1, 2), 2)).toThrow(RangeError);
    expect(() => assign(Float64Array.of(0, 1, 2), 2)).toThrow(RangeError);
  });
});

/** Euclidean cost of pairing token i with noise row perm[i], over real tokens. */
function pairingCost(points: Float32Array, noise: Float32Array, layers: ArrayLike<number>, perm: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < layers.length; i++) {
    if (layers[i]! < 0) continue;
    sum += Math.hypot(points[3 * i]! - noise[3 * perm[i]!]!, points[3 * i + 1]! - noise[3 * perm[i]! + 1]!, points[3 * i + 2]! - noise[3 * perm[i]! + 2]!);
  }
  return sum;
}

/** Brute-force minimum of the pairing cost, layer by layer (layers of ≤ 7 tokens). */
function bruteLayerMinimum(points: Float32Array, noise: Float32Array, layers: ArrayLike<number>): number {
  let total = 0;
  for (const layer of new Set(Array.from(layers).filter((l) => l >= 0))) {
    const members = Array.from(layers).flatMap((l, i) => (l === layer ? [i] : []));
    total += bruteMinimum(distanceMatrix(points, members, noise, members), members.length);
  }
  return total;
}

describe('pairShower', () => {
  // Unsorted layers with padding between them: 3 in layer 4, 2 in layer 0, 1 in layer 9, 2 padding.
  const layers = Float32Array.of(4, 0, -1, 4, 9, 0, -1, 4);
  const rng = new Rng(11);
  const points = Float32Array.from({ length: layers.length * 3 }, () => rng.normal());

  it('recovers a within-layer shuffle of the points exactly (cost 0) and keeps padding rows', () => {
    const shuffle = [3, 5, 2, 7, 4, 1, 6, 0]; // noise row r holds point shuffle[r]; stays inside each layer
    for (let r = 0; r < shuffle.length; r++) expect(layers[shuffle[r]!]).toBe(layers[r]);
    const noise = new Float32Array(points.length);
    shuffle.forEach((p, r) => noise.set(points.subarray(3 * p, 3 * p + 3), 3 * r));
    const perm = pairShower(points, layers, noise);
    expect(isPermutation(perm, layers.length)).toBe(true);
    expect(pairingCost(points, noise, layers, perm)).toBe(0);
    shuffle.forEach((p, r) => expect(perm[p]).toBe(r));
    expect([perm[2], perm[6]]).toEqual([2, 6]);
  });

  it('is a within-layer permutation of minimal cost on random noise', () => {
    for (let trial = 0; trial < 50; trial++) {
      const noise = Float32Array.from({ length: points.length }, () => rng.normal());
      const perm = pairShower(points, layers, noise);
      expect(isPermutation(perm, layers.length)).toBe(true);
      perm.forEach((j, i) => expect(layers[j]).toBe(layers[i]));
      expect(pairingCost(points, noise, layers, perm)).toBeCloseTo(bruteLayerMinimum(points, noise, layers), 10);
    }
  });
});

describe('pairBatch', () => {
  it('draws noise per real token, pairs it optimally within each shower and layer, zeros padding, repeats a seed', () => {
    const [showers, tokens] = [3, 10];
    const rng = new Rng(5);
    const tok = new Float32Array(showers * tokens).fill(-1);
    const hits = [10, 7, 4];
    hits.forEach((n, s) => {
      for (let i = 0; i < n; i++) tok[s * tokens + i] = Math.floor(i / 3) + s; // layers of ≤ 3, sorted
    });
    const points = Float32Array.from({ length: showers * tokens * 3 }, (_, k) => (tok[Math.floor(k / 3)]! < 0 ? 0 : rng.normal()));
    const batch = { showers, tokens, points, tok };
    const z = pairBatch(batch, new Rng(99));
    expect(Array.from(pairBatch(batch, new Rng(99)))).toEqual(Array.from(z));
    // The same draws, unpaired: what pairBatch drew, in token order.
    const draws = new Rng(99);
    for (let s = 0; s < showers; s++) {
      const part = (a: Float32Array, size: number) => a.subarray(s * tokens * size, (s + 1) * tokens * size);
      const [p, t, zs] = [part(points, 3), part(tok, 1), part(z, 3)];
      const raw = Float32Array.from({ length: tokens * 3 }, (_, k) => (t[Math.floor(k / 3)]! < 0 ? 0 : draws.normal()));
      for (let k = hits[s]! * 3; k < tokens * 3; k++) expect(zs[k]).toBe(0);
      // zs is raw reordered within layers …
      const perm = pairShower(p, t, raw);
      expect(Array.from(zs)).toEqual(Array.from(permuteRows(raw, perm, new Float32Array(raw.length))));
      // … and optimally so.
      expect(pairingCost(p, zs, t, ids(tokens))).toBeCloseTo(bruteLayerMinimum(p, raw, t), 10);
    }
  });
});
