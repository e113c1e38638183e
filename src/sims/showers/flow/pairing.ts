// Shower- and layer-wise optimal-transport pairing of data points with noise (AllShowers, science.md §3.1):
// within each shower and each layer, the n points of that layer are matched to n noise samples by an exact
// minimum-cost assignment of the summed Euclidean (not squared) distance. Paired noise makes the
// flow-matching trajectories straighter; the point's layer is an input, so noise never crosses layers.
import type { Rng } from '../random';
import { POINT_DIM, type ShowerBatch } from './dataset';

/** Rows of `dim` numbers each, row-major. */
export type Rows = Float32Array | Float64Array;

/**
 * Exact minimum-cost assignment of an n × n cost matrix (row-major, `cost[i * n + j]`): the Hungarian
 * algorithm with row and column potentials and shortest augmenting paths (Kuhn–Munkres in the
 * Jonker–Volgenant form), O(n³), float64. Returns `col`, row i assigned to column col[i]; a permutation.
 * Ties are broken by the lowest column index met first (deterministic, not otherwise specified).
 */
export function assign(cost: Float64Array, n: number): Int32Array {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`assign: n = ${n} must be a non-negative integer`);
  if (cost.length < n * n) throw new RangeError(`assign: cost holds ${cost.length} entries, needs n² = ${n * n}`);
  for (let k = 0; k < n * n; k++) if (!Number.isFinite(cost[k]!)) throw new RangeError(`assign: cost[${k}] = ${cost[k]} is not finite`);
  // 1-based: row 0 / column 0 is the virtual start of each augmenting path.
  const u = new Float64Array(n + 1); // row potentials
  const v = new Float64Array(n + 1); // column potentials
  const rowOf = new Int32Array(n + 1); // rowOf[j]: row matched to column j (0: free)
  const way = new Int32Array(n + 1); // previous column on the shortest path to column j
  const minv = new Float64Array(n + 1); // shortest reduced distance to column j so far
  const used = new Uint8Array(n + 1); // column j is in the path tree
  for (let i = 1; i <= n; i++) {
    // Dijkstra on reduced costs from row i until a free column is reached.
    rowOf[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0]!;
      const base = (i0 - 1) * n - 1;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const reduced = cost[base + j]! - u[i0]! - v[j]!;
        if (reduced < minv[j]!) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      // Shift potentials so the tree's edges stay tight and the new column's edge becomes tight.
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          const i1 = rowOf[j]!;
          u[i1] = u[i1]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    // Augment: flip the matching along the path back to the start.
    do {
      const j1 = way[j0]!;
      rowOf[j0] = rowOf[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const col = new Int32Array(n);
  for (let j = 1; j <= n; j++) col[rowOf[j]! - 1] = j - 1;
  return col;
}

/** Σ_i cost[i, col[i]]. */
export function assignmentCost(cost: Float64Array, n: number, col: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += cost[i * n + col[i]!]!;
  return sum;
}

/** Euclidean distances between rows a[ia[r]] and b[ib[c]] (dim numbers each): the m × m cost matrix, float64. */
export function distanceMatrix(a: Rows, ia: ArrayLike<number>, b: Rows, ib: ArrayLike<number>, dim = POINT_DIM): Float64Array {
  const m = ia.length;
  const cost = new Float64Array(m * m);
  for (let r = 0; r < m; r++) {
    const pa = ia[r]! * dim;
    for (let c = 0; c < m; c++) {
      const pb = ib[c]! * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) s += (a[pa + d]! - b[pb + d]!) ** 2;
      cost[r * m + c] = Math.sqrt(s);
    }
  }
  return cost;
}

/**
 * The OT pairing of one shower's tokens: `points` and `noise` hold one row of `dim` numbers per token, `layers`
 * the token's layer (< 0: padding). Returns `perm`, token i paired with noise row perm[i]; within each layer
 * an exact minimum of Σ |point − noise|, padding tokens keep their own row. Tokens need not be sorted.
 */
export function pairShower(points: Rows, layers: ArrayLike<number>, noise: Rows, dim = POINT_DIM): Int32Array {
  const tokens = layers.length;
  if (points.length < tokens * dim || noise.length < tokens * dim) throw new RangeError(`pairShower: ${tokens} tokens need ${tokens * dim} numbers in points and noise`);
  const perm = Int32Array.from({ length: tokens }, (_, i) => i);
  for (const members of groupByLayer(layers).values()) {
    const col = assign(distanceMatrix(points, members, noise, members, dim), members.length);
    members.forEach((token, r) => (perm[token] = members[col[r]!]!));
  }
  return perm;
}

/** Token indices per layer (padding, layer < 0, left out). */
function groupByLayer(layers: ArrayLike<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    if (layer < 0) continue;
    const members = groups.get(layer);
    if (members) members.push(i);
    else groups.set(layer, [i]);
  }
  return groups;
}

/** out[i] = rows[perm[i]] (rows of `dim` numbers). */
export function permuteRows<T extends Rows>(rows: T, perm: ArrayLike<number>, out: T, dim = POINT_DIM): T {
  if (out === rows) throw new RangeError('permuteRows: out must not alias rows');
  for (let i = 0; i < perm.length; i++) out.set(rows.subarray(perm[i]! * dim, (perm[i]! + 1) * dim), i * dim);
  return out;
}

/** How noise meets data: exact layer-wise optimal transport (AllShowers), or independent draws (the baseline). */
export type Pairing = 'ot' | 'random';

/**
 * Noise for a batch, paired with its points: z ~ N(0, I₃) per real token (drawn in token order from `rng`,
 * rounded to float32 before pairing so the costs are those of the values trained on), then reordered within
 * each shower and layer by `pairShower`. Padding rows stay 0. Layout as `batch.points`: [showers · tokens · 3].
 */
export function pairBatch(batch: Pick<ShowerBatch, 'showers' | 'tokens' | 'points' | 'tok'>, rng: Rng, pairing: Pairing = 'ot'): Float32Array {
  const { showers, tokens } = batch;
  const stride = tokens * POINT_DIM;
  const out = new Float32Array(showers * stride);
  const noise = new Float32Array(stride);
  for (let s = 0; s < showers; s++) {
    const tok = batch.tok.subarray(s * tokens, (s + 1) * tokens);
    noise.fill(0);
    for (let i = 0; i < tokens; i++) {
      if (tok[i]! < 0) continue;
      for (let d = 0; d < POINT_DIM; d++) noise[i * POINT_DIM + d] = rng.normal();
    }
    const slot = out.subarray(s * stride, (s + 1) * stride);
    if (pairing === 'random') slot.set(noise); // as drawn: an independent coupling
    else permuteRows(noise, pairShower(batch.points.subarray(s * stride, (s + 1) * stride), tok, noise), slot);
  }
  return out;
}
