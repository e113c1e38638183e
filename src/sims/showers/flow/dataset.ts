// Generator showers → the flow model's training arrays (AllShowers' preprocessing, science.md §3.1): one
// set of K tokens per shower, a token per hit carrying its standardised (x, y, ln E) and its layer (an
// input, never generated), padding marked by layer −1; per shower the conditions (particle, ln E_inc,
// direction) and the hits per layer (the transformer's raw counts, PointCountFM's ln(n + 0.5)).
// Typed arrays laid out for upload to src/nn; statistics as plain numbers a weights file can carry.
import type { Detector } from '../detector';
import type { Hit } from '../digitise';
import type { AnyShower } from '../events';
import { axisOf, type ShowerLike } from '../observables';
import { PARTICLES } from '../params';
import type { Rows } from './pairing';

/** What each token generates: cell centre x, y (mm) and ln of the hit's visible energy (GeV). */
export const POINT_FEATURES = ['x', 'y', 'lnE'] as const;
export const POINT_DIM = POINT_FEATURES.length;
/** Tokens per shower unless told (AllShowers pads to its sample's largest shower; ours is a parameter). */
export const DEFAULT_TOKENS = 128;
/** The layer value of a padding token: src/nn attention masks keys with tok < 0. */
export const PADDING = -1;

/** Per-feature mean and standard deviation (population, 1/n); a constant feature gets std 1 (it is only centred). */
export interface FeatureStats {
  mean: number[];
  std: number[];
}

/** The standardisation of a training sample: plain numbers, so JSON (a weights file's meta) carries it. */
export interface DatasetStats {
  /** Over all hits of the sample: x, y, ln E (POINT_FEATURES). */
  points: FeatureStats;
  /** Over the showers: ln E_inc (GeV). */
  energy: FeatureStats;
}

/** What a batch reads of a shower: its hits and its conditions (particle, energy, entry and direction). */
export type ShowerCondition = ShowerLike & Pick<AnyShower, 'particle'>;

/** One batch: S showers × K tokens; row-major, float32 where the GPU reads it. */
export interface ShowerBatch {
  showers: number;
  tokens: number;
  /** Layers of the detector (L): the width of the per-layer counts. */
  layers: number;
  /** [S · K · 3] standardised (x, y, ln E), hits sorted by layer, then padding rows of 0. */
  points: Float32Array;
  /** [S · K] layer index per token, PADDING (−1) past the shower's hits: src/nn's `tok`. */
  tok: Float32Array;
  /** [S] hits per shower (its real tokens). */
  hits: Int32Array;
  /** [S] index of the particle in PARTICLES. */
  particle: Int32Array;
  /** [S] ln E_inc (GeV), standardised. */
  logEnergy: Float32Array;
  /** [S · 3] unit incident direction (sin θ cos φ, sin θ sin φ, cos θ). */
  direction: Float32Array;
  /** [S · L] hits per layer, and PointCountFM's representation ln(n + 0.5) of them. */
  counts: Float32Array;
  logCounts: Float32Array;
}

/** A hit's raw features (x, y, ln E), written at `out[offset …]`. */
export function pointFeatures(hit: Hit, out: Float64Array, offset = 0): void {
  if (!(hit.e > 0)) throw new RangeError(`pointFeatures: hit energy ${hit.e} GeV has no logarithm`);
  out[offset] = hit.x;
  out[offset + 1] = hit.y;
  out[offset + 2] = Math.log(hit.e);
}

/** Mean and population std per column of `rows` (dim columns), two passes in float64. */
export function featureStats(rows: Float64Array, dim: number): FeatureStats {
  const n = rows.length / dim;
  if (!(n >= 1 && Number.isInteger(n))) throw new RangeError(`featureStats: ${rows.length} numbers are not a positive number of rows of ${dim}`);
  const [sum, squares] = [new Float64Array(dim), new Float64Array(dim)];
  for (let k = 0; k < rows.length; k++) sum[k % dim] = sum[k % dim]! + rows[k]!;
  const mean = Array.from(sum, (s) => s / n);
  for (let k = 0; k < rows.length; k++) squares[k % dim] = squares[k % dim]! + (rows[k]! - mean[k % dim]!) ** 2;
  const std = Array.from(squares, (s) => Math.sqrt(s / n) || 1); // a constant feature (one energy) is only centred
  return { mean, std };
}

/** The standardisation of a sample of showers (hits of all of them; each shower's incident energy). */
export function computeStats(showers: readonly Pick<AnyShower, 'hits' | 'energy'>[]): DatasetStats {
  return {
    points: featureStats(rawPoints(showers.flatMap((s) => s.hits)), POINT_DIM),
    energy: featureStats(Float64Array.from(showers, (s) => Math.log(s.energy)), 1),
  };
}

/** Raw (x, y, ln E) rows of hits, in their order. */
export function rawPoints(hits: readonly Hit[]): Float64Array {
  const out = new Float64Array(hits.length * POINT_DIM);
  hits.forEach((h, i) => pointFeatures(h, out, i * POINT_DIM));
  return out;
}

/** (v − mean) / std per column (columns = stats.mean.length); `out` may be `values`. */
export function standardise(stats: FeatureStats, values: Rows, out: Rows = new Float64Array(values.length)): Rows {
  const dim = stats.mean.length;
  for (let k = 0; k < values.length; k++) out[k] = (values[k]! - stats.mean[k % dim]!) / stats.std[k % dim]!;
  return out;
}

/** The inverse of `standardise`: v · std + mean per column. */
export function unstandardise(stats: FeatureStats, values: Rows, out: Rows = new Float64Array(values.length)): Rows {
  const dim = stats.mean.length;
  for (let k = 0; k < values.length; k++) out[k] = values[k]! * stats.std[k % dim]! + stats.mean[k % dim]!;
  return out;
}

/** PointCountFM's representation of a point count, ln(n + 0.5) (finite at n = 0), and its inverse (rounded, ≥ 0). */
export function countFeature(n: number): number {
  return Math.log(n + 0.5);
}

export function countFromFeature(f: number): number {
  return Math.max(0, Math.round(Math.exp(f) - 0.5));
}

/** The most hits any of the showers has: the least K a batch of them needs. */
export function maxHits(showers: readonly Pick<AnyShower, 'hits'>[]): number {
  return showers.reduce((m, s) => Math.max(m, s.hits.length), 0);
}

/**
 * Hits ordered by layer (a stable counting sort: within a layer, the generator's order) and the count per
 * layer. Throws on a layer outside 0 … layers − 1.
 */
export function sortByLayer(hits: readonly Hit[], layers: number): { order: Int32Array; counts: Int32Array } {
  const counts = new Int32Array(layers);
  for (const h of hits) {
    if (!(Number.isInteger(h.layer) && h.layer >= 0 && h.layer < layers)) throw new RangeError(`sortByLayer: layer ${h.layer} is outside 0 … ${layers - 1}`);
    counts[h.layer] = counts[h.layer]! + 1;
  }
  const next = new Int32Array(layers); // first free slot of each layer
  for (let l = 1; l < layers; l++) next[l] = next[l - 1]! + counts[l - 1]!;
  const order = new Int32Array(hits.length);
  hits.forEach((h, i) => {
    const slot = next[h.layer]!;
    order[slot] = i;
    next[h.layer] = slot + 1;
  });
  return { order, counts };
}

/**
 * The training arrays of `showers` with K = `tokens` per shower. A shower with more hits than K is refused
 * (a RangeError naming it and `maxHits`), never cut: a cut shower would teach the model smaller showers.
 */
export function buildBatch(showers: readonly ShowerCondition[], stats: DatasetStats, detector: Detector, tokens = DEFAULT_TOKENS): ShowerBatch {
  const S = showers.length;
  const L = detector.layers.length;
  if (!(Number.isInteger(tokens) && tokens >= 1)) throw new RangeError(`buildBatch: tokens = ${tokens} must be a positive integer`);
  const over = showers.findIndex((s) => s.hits.length > tokens);
  if (over >= 0) {
    throw new RangeError(`buildBatch: shower ${over} has ${showers[over]!.hits.length} hits > ${tokens} tokens; these showers need tokens ≥ maxHits = ${maxHits(showers)}`);
  }
  const batch: ShowerBatch = {
    showers: S,
    tokens,
    layers: L,
    points: new Float32Array(S * tokens * POINT_DIM),
    tok: new Float32Array(S * tokens).fill(PADDING),
    hits: new Int32Array(S),
    particle: new Int32Array(S),
    logEnergy: new Float32Array(standardise(stats.energy, Float64Array.from(showers, (s) => Math.log(s.energy)))),
    direction: new Float32Array(S * 3),
    counts: new Float32Array(S * L),
    logCounts: new Float32Array(S * L),
  };
  showers.forEach((shower, s) => {
    const { order, counts } = sortByLayer(shower.hits, L);
    const sorted = Array.from(order, (i) => shower.hits[i]!);
    const n = sorted.length;
    standardise(stats.points, rawPoints(sorted), batch.points.subarray(s * tokens * POINT_DIM, (s * tokens + n) * POINT_DIM));
    sorted.forEach((h, i) => (batch.tok[s * tokens + i] = h.layer));
    batch.hits[s] = n;
    batch.particle[s] = PARTICLES.indexOf(shower.particle);
    batch.direction.set(axisOf(detector, shower).n, s * 3);
    counts.forEach((c, l) => {
      batch.counts[s * L + l] = c;
      batch.logCounts[s * L + l] = countFeature(c);
    });
  });
  return batch;
}

/**
 * Tokens → hits: shower s of a batch (or of generated points with the same layout) back in detector units,
 * x, y in mm and e = exp(ln E) in GeV, its layer from `tok`; padding skipped. (Cells are not snapped to the grid.)
 */
export function batchHits(batch: Pick<ShowerBatch, 'tokens' | 'points' | 'tok'>, stats: DatasetStats, s: number): Hit[] {
  const { tokens } = batch;
  const raw = unstandardise(stats.points, batch.points.subarray(s * tokens * POINT_DIM, (s + 1) * tokens * POINT_DIM));
  const hits: Hit[] = [];
  for (let i = 0; i < tokens; i++) {
    const layer = batch.tok[s * tokens + i]!;
    if (layer < 0) continue;
    hits.push({ x: raw[i * POINT_DIM]!, y: raw[i * POINT_DIM + 1]!, layer, e: Math.exp(raw[i * POINT_DIM + 2]!) });
  }
  return hits;
}
