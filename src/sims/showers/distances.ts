// Distances between shower samples, the CaloClouds-3 protocol (science.md §3.1; FLC-QU-hep/CaloClouds-3,
// pointcloud/utils/metrics.py and evaluation/calc_metrics): per-shower features standardised by the
// reference sample, the exact 1-D Wasserstein-1 distance per feature, the layer and radial energies in
// ten equal-occupancy bins averaged into one score each, and beside every distance the same number
// computed against an independent reference sample: the noise floor.
import type { ShowerObservables } from './observables';

/**
 * Exact W1 between the empirical distributions of a and b (sizes may differ): ∫ |F_a − F_b| dx over the
 * merged sorted support. Between consecutive support points both CDFs are constant (i/n and j/m), so the
 * integral is a sum; |i m − j n| is an exact integer, divided by n m once at the end.
 */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [x, y] = [sortedFinite(a, 'a'), sortedFinite(b, 'b')];
  const [n, m] = [x.length, y.length];
  let [i, j, sum] = [0, 0, 0];
  let previous = Math.min(x[0]!, y[0]!);
  while (i < n || j < m) {
    const fromA = j >= m || (i < n && x[i]! <= y[j]!);
    const next = fromA ? x[i]! : y[j]!;
    sum += Math.abs(i * m - j * n) * (next - previous);
    previous = next;
    if (fromA) i++;
    else j++;
  }
  return sum / (n * m);
}

function sortedFinite(values: ArrayLike<number>, name: string): Float64Array {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) throw new RangeError(`wasserstein1: sample ${name} is empty`);
  if (!Number.isFinite(sorted[0]!) || !Number.isFinite(sorted[sorted.length - 1]!)) {
    throw new RangeError(`wasserstein1: sample ${name} holds a non-finite value`); // NaN sorts last
  }
  return sorted;
}

/** Population standard deviation (numpy's default, as the protocol's `np.std`). */
export function populationStd(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]! / values.length;
  let variance = 0;
  for (let i = 0; i < values.length; i++) variance += (values[i]! - mean) ** 2 / values.length;
  return Math.sqrt(variance);
}

/**
 * W1 after standardising both samples by the reference's mean and standard deviation. W1 is shift-invariant
 * and scales with the data, so this is W1(reference, other) / σ_reference; a feature constant in the
 * reference (σ = 0) is compared in its own units.
 */
export function standardisedW1(reference: ArrayLike<number>, other: ArrayLike<number>): number {
  const sigma = populationStd(reference);
  return wasserstein1(reference, other) / (sigma > 0 ? sigma : 1);
}

/**
 * Upper edges of up to `count` equal-occupancy bins of a weighted sample: q_k is the smallest value whose
 * cumulative weight (values ≤ q_k) reaches k/count of the total, k = 1 … count − 1; edges that coincide
 * (discrete values: layer indices, cell-centre radii) are merged; the last edge is +∞. A value v falls in
 * the first bin whose edge is ≥ v (bins (q_{k−1}, q_k]).
 */
export function decileEdges(values: ArrayLike<number>, weights?: ArrayLike<number>, count = 10): number[] {
  const weight = (i: number) => (weights ? weights[i]! : 1);
  const order = Array.from({ length: values.length }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const total = order.reduce((s, i) => s + weight(i), 0);
  const edges: number[] = [];
  let [cumulative, k] = [0, 1];
  for (const i of order) {
    cumulative += weight(i);
    for (; k < count && cumulative * count >= k * total; k++) {
      if (edges[edges.length - 1] !== values[i]) edges.push(values[i]!);
    }
  }
  // A top value holding the last decile would leave the open bin empty: it becomes the open bin instead.
  const top = order.filter((i) => weight(i) > 0).pop();
  if (top !== undefined && edges[edges.length - 1] === values[top]) edges.pop();
  edges.push(Infinity);
  return edges;
}

/** Index of the first edge ≥ v (bisection): the bin (q_{k−1}, q_k] of `decileEdges`. */
function upperBin(edges: readonly number[], v: number): number {
  let [lo, hi] = [0, edges.length - 1];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! >= v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Σ weights per bin of `decileEdges`. */
export function binSums(edges: readonly number[], values: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(edges.length);
  for (let i = 0; i < values.length; i++) {
    const k = upperBin(edges, values[i]!);
    sums[k] = sums[k]! + weights[i]!;
  }
  return sums;
}

function layerIndices(observables: ShowerObservables): Float64Array {
  return Float64Array.from(observables.layerEnergy, (_, i) => i);
}

function concat(arrays: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(arrays.reduce((s, a) => s + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/**
 * Layer bins: deciles of the reference's hit occupancy over layer index (hits, not energy, as the protocol's
 * `percentile_edges_layer_occupancy`). Radial bins: deciles of the reference's hits over their distance from
 * the axis crossing of their layer (`percentile_edges_radial_occupancy`, there about the incident point).
 */
export function occupancyDeciles(reference: readonly ShowerObservables[]): { layerEdges: number[]; radialEdges: number[] } {
  if (reference.length === 0) throw new RangeError('occupancyDeciles: empty reference');
  const layerHits = new Float64Array(reference[0]!.layerHits.length);
  for (const o of reference) o.layerHits.forEach((h, l) => (layerHits[l] = layerHits[l]! + h));
  return {
    layerEdges: decileEdges(layerIndices(reference[0]!), layerHits),
    radialEdges: decileEdges(concat(reference.map((o) => o.hitRadius))),
  };
}

/** A shower's visible energy in each layer bin. */
export function binnedLayerEnergy(observables: ShowerObservables, layerEdges: readonly number[]): Float64Array {
  return binSums(layerEdges, layerIndices(observables), observables.layerEnergy);
}

/** A shower's visible energy in each radial bin (about its axis). */
export function binnedRadialEnergy(observables: ShowerObservables, radialEdges: readonly number[]): Float64Array {
  return binSums(radialEdges, observables.hitRadius, observables.hitEnergy);
}

/** A feature of a sample: one or more columns of values, each compared on its own; a row's score is their mean W1. */
export interface Feature {
  name: string;
  columns(sample: readonly ShowerObservables[]): Float64Array[];
  edges?: number[];
}

/** One value per shower; NaN (the CoG of a shower without energy) is left out, as the protocol masks such showers. */
function scalar(name: string, value: (o: ShowerObservables) => number): Feature {
  return { name, columns: (sample) => [Float64Array.from(sample.map(value).filter(Number.isFinite))] };
}

/** One column per bin: the per-shower energies in bin k. */
function binned(name: string, edges: number[], energies: (o: ShowerObservables, edges: number[]) => Float64Array): Feature {
  const columns = (sample: readonly ShowerObservables[]) => {
    const rows = sample.map((o) => energies(o, edges));
    return edges.map((_, k) => Float64Array.from(rows, (r) => r[k]!));
  };
  return { name, columns, edges };
}

/** The protocol's features (CaloClouds-3 `get_event_observables_from_dict`), bins cut from the reference. */
export function protocolFeatures(reference: readonly ShowerObservables[]): Feature[] {
  const { layerEdges, radialEdges } = occupancyDeciles(reference);
  return [
    scalar('cog x', (o) => o.cogX),
    scalar('cog y', (o) => o.cogY),
    scalar('cog layer', (o) => o.cogLayer),
    scalar('hits', (o) => o.hits),
    scalar('visible / incident', (o) => o.visibleFraction),
    // Every hit's energy, pooled over the sample (the protocol keeps only as many hits as showers; the exact W1 needs no cut).
    { name: 'hit energy', columns: (sample) => [concat(sample.map((o) => o.hitEnergy))] },
    binned('layer energy (deciles)', layerEdges, binnedLayerEnergy),
    binned('radial energy (deciles)', radialEdges, binnedRadialEnergy),
  ];
}

export interface DistanceRow {
  feature: string;
  /** Standardised W1, reference against candidate (for binned features: the mean over the bins). */
  w1: number;
  /** The same, reference against the independent reference. */
  noiseFloor: number;
  /** Binned features: the upper bin edges (layer index or mm) and the W1 of each bin. */
  bins?: { edges: number[]; w1: number[]; noiseFloor: number[] };
}

function perColumn(reference: Float64Array[], other: Float64Array[]): number[] {
  return reference.map((column, k) => standardisedW1(column, other[k]!));
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * The distance table: every feature's standardised W1 between reference and candidate, with the noise floor
 * (reference against an independent reference sample of the same law) beside it. Bins and standardisation
 * come from the reference alone.
 */
export function compareSamples(
  reference: readonly ShowerObservables[],
  candidate: readonly ShowerObservables[],
  independentReference: readonly ShowerObservables[],
): DistanceRow[] {
  return protocolFeatures(reference).map((feature) => {
    const ref = feature.columns(reference);
    const w1 = perColumn(ref, feature.columns(candidate));
    const noiseFloor = perColumn(ref, feature.columns(independentReference));
    const row: DistanceRow = { feature: feature.name, w1: mean(w1), noiseFloor: mean(noiseFloor) };
    return feature.edges ? { ...row, bins: { edges: feature.edges, w1, noiseFloor } } : row;
  });
}
