// What the plots show of a run: the last N showers' observables, summed into histograms and means,
// with the same made of the reference sample drawn over them. Pure CPU arithmetic on the
// per-shower observables (the generator's output is already on the CPU: nothing is read back).
import type { Histogram } from '../types';
import { standardisedW1 } from './distances';
import { HIT_ENERGY_EDGES_GEV, RADIAL_EDGES_MM, histogram, type ShowerObservables } from './observables';

const MEV_PER_GEV = 1000;
/** Bins of the per-shower histograms. */
const BINS = 30;

/** The last `size` showers' observables, oldest first. */
export class ShowerWindow {
  private readonly items: ShowerObservables[] = [];

  constructor(readonly size: number) {}

  push(o: ShowerObservables): void {
    this.items.push(o);
    if (this.items.length > this.size) this.items.shift();
  }

  clear(): void {
    this.items.length = 0;
  }

  get showers(): readonly ShowerObservables[] {
    return this.items;
  }
}

/** A per-shower quantity plotted as a histogram. */
interface ShowerQuantity {
  id: string;
  label: string;
  value(o: ShowerObservables): number;
}

export const QUANTITIES: readonly ShowerQuantity[] = [
  { id: 'hits', label: 'hits per shower', value: (o) => o.hits },
  { id: 'ratio', label: 'visible / incident energy', value: (o) => o.visibleFraction },
  { id: 'cogLayer', label: 'centre of gravity, layer', value: (o) => o.cogLayer },
  { id: 'cogX', label: 'centre of gravity x (mm)', value: (o) => o.cogX },
];

/** Bin edges fixed for a run: BINS equal bins over the reference's range, widened by a quarter each side. */
export function quantityEdges(reference: readonly ShowerObservables[], q: ShowerQuantity): number[] {
  const values = reference.map(q.value).filter(Number.isFinite);
  let [lo, hi] = [Math.min(...values), Math.max(...values)];
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) / 4;
  const [a, b] = [lo - pad, hi + pad];
  return Array.from({ length: BINS + 1 }, (_, k) => a + ((b - a) * k) / BINS);
}

/** Share of showers per bin (NaN values, a shower without energy, are left out). */
function shares(edges: readonly number[], sample: readonly ShowerObservables[], q: ShowerQuantity): number[] {
  const values = sample.map(q.value).filter(Number.isFinite);
  return Array.from(histogram(edges, values, new Float64Array(values.length).fill(1)), (c) => c / Math.max(1, sample.length));
}

/** Mean over the sample of a per-shower array (e.g. energy per layer), scaled. */
function meanOf(sample: readonly ShowerObservables[], pick: (o: ShowerObservables) => ArrayLike<number>, length: number, scale = 1): number[] {
  const sum = new Float64Array(length);
  for (const o of sample) {
    const a = pick(o);
    for (let k = 0; k < length; k++) sum[k] = sum[k]! + a[k]!;
  }
  return Array.from(sum, (s) => (s * scale) / Math.max(1, sample.length));
}

/** Depth of the maximum of a mean longitudinal profile, in layers: the peak bin refined by a parabola through its neighbours. */
export function profileMaximum(profile: readonly number[]): number {
  let k = 0;
  profile.forEach((v, i) => {
    if (v > profile[k]!) k = i;
  });
  const [a, b, c] = [profile[k - 1], profile[k]!, profile[k + 1]];
  if (a === undefined || c === undefined || !(b > 0)) return k;
  const curvature = a - 2 * b + c;
  return curvature < 0 ? k + (a - c) / (2 * curvature) : k;
}

export interface Summary {
  scalars: Record<string, number>;
  histograms: Record<string, Histogram>;
}

/** Edges of the run's plots, cut once from the reference sample. */
export interface SummaryEdges {
  layers: number;
  quantities: Record<string, number[]>;
}

export function summaryEdges(reference: readonly ShowerObservables[], layers: number): SummaryEdges {
  return { layers, quantities: Object.fromEntries(QUANTITIES.map((q) => [q.id, quantityEdges(reference, q)])) };
}

/** Radial bins drawn: every finite one (the last, open bin is left out of the plot). */
const RADIAL_DRAWN = RADIAL_EDGES_MM.slice(0, -1);
const LOG_HIT_EDGES = HIT_ENERGY_EDGES_GEV.map((e) => Math.log10(e));

export function summarise(sample: readonly ShowerObservables[], reference: readonly ShowerObservables[], edges: SummaryEdges, referenceLabel: string): Summary {
  const layerEdges = Array.from({ length: edges.layers + 1 }, (_, k) => k);
  const both = (label: string, binEdges: number[], of: (s: readonly ShowerObservables[]) => number[]): Histogram => ({
    label,
    edges: binEdges,
    counts: of(sample),
    reference: { label: referenceLabel, counts: of(reference) },
  });
  const longitudinal = (s: readonly ShowerObservables[]) => meanOf(s, (o) => o.layerEnergy, edges.layers, MEV_PER_GEV);
  const histograms: Record<string, Histogram> = {
    longitudinal: both('mean visible energy per layer (MeV)', layerEdges, longitudinal),
    radial: both('mean visible energy per radial bin about the axis (MeV)', RADIAL_DRAWN, (s) => meanOf(s, (o) => o.radialAxis, RADIAL_DRAWN.length - 1, MEV_PER_GEV)),
    hitEnergy: both('mean hits per shower per log10 E bin', LOG_HIT_EDGES, (s) => meanOf(s, (o) => o.hitSpectrum, LOG_HIT_EDGES.length - 1)),
  };
  for (const q of QUANTITIES) histograms[q.id] = both(`share of showers: ${q.label}`, edges.quantities[q.id]!, (s) => shares(edges.quantities[q.id]!, s, q));

  const mean = (s: readonly ShowerObservables[], q: ShowerQuantity) => {
    const v = s.map(q.value).filter(Number.isFinite);
    return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  };
  const [hits, ratio, cogLayer] = ['hits', 'ratio', 'cogLayer'].map((id) => QUANTITIES.find((q) => q.id === id)!);
  return {
    scalars: {
      showers: sample.length,
      meanHits: mean(sample, hits!),
      meanRatio: mean(sample, ratio!),
      meanCogLayer: mean(sample, cogLayer!),
      maxLayer: profileMaximum(longitudinal(sample)),
      referenceMeanHits: mean(reference, hits!),
      referenceMeanCogLayer: mean(reference, cogLayer!),
      referenceMaxLayer: profileMaximum(longitudinal(reference)),
    },
    histograms,
  };
}

/** Per-shower quantities whose W1 (standardised by the generator's spread) tracks a model's training. */
const TRACKED = ['hits', 'cogLayer', 'ratio'] as const;
const W1_NAME: Record<(typeof TRACKED)[number], string> = { hits: 'Hits', cogLayer: 'Cog', ratio: 'Ratio' };

/**
 * A model's showers against the generator's for the same conditions: every histogram of `summarise`
 * (as `flow.<id>`, the generator drawn over the model), the model's means, and per tracked quantity the
 * W1 distance to the generator (standardised by the generator's std) beside its noise floor, the same
 * distance from the generator to an independent sample (`floor`; left out when there is none).
 */
export function summariseModel(
  model: readonly ShowerObservables[],
  generator: readonly ShowerObservables[],
  floor: readonly ShowerObservables[] | undefined,
  edges: SummaryEdges,
): Summary {
  const s = summarise(model, generator, edges, 'generator (same conditions)');
  const scalars: Record<string, number> = {
    flowShowers: model.length,
    flowMeanHits: s.scalars.meanHits!,
    flowMeanRatio: s.scalars.meanRatio!,
    flowMeanCogLayer: s.scalars.meanCogLayer!,
    flowMaxLayer: s.scalars.maxLayer!,
  };
  for (const id of TRACKED) {
    const q = QUANTITIES.find((x) => x.id === id)!;
    const values = (sample: readonly ShowerObservables[]) => sample.map(q.value).filter(Number.isFinite);
    scalars[`flowW1${W1_NAME[id]}`] = standardisedW1(values(generator), values(model));
    if (floor) scalars[`flowW1${W1_NAME[id]}Floor`] = standardisedW1(values(generator), values(floor));
  }
  return { scalars, histograms: Object.fromEntries(Object.entries(s.histograms).map(([k, h]) => [`flow.${k}`, h])) };
}
