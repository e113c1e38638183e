// Per-shower observables of the CaloClouds / AllShowers evaluation (science.md §3.1): hit count, visible
// energy, energy-weighted centre of gravity, longitudinal and radial profiles, hit-energy spectrum, plus
// the per-hit radius and energy that the equal-occupancy bins of `distances.ts` are cut from.
// Pure functions of a shower and its detector; plain numbers and typed arrays out.
import type { Detector } from './detector';
import type { Shower } from './generator';
import { traceAxis, type Axis } from './trajectory';

/**
 * Radial bin edges (mm) for the radial profiles, bin k = [edge k, edge k+1): 4 mm steps out to 16 mm (the
 * core: R_M,eff of the ILD Si–W layer is 11 mm, its cells 5 mm), then half-octaves (×1.5, ×4/3) to 384 mm
 * (~35 R_M, the 30 mm HCAL tiles), last bin open. No edge equals a cell-centre radius s√(i²+j²) for
 * s = 5, 15 or 30 mm at normal incidence, so no hit sits on an edge.
 */
export const RADIAL_EDGES_MM: readonly number[] = [0, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, Infinity];

/**
 * Hit-energy spectrum edges (GeV visible): 10^(−6 + k/5), k = 0 … 35, i.e. 1 keV to 10 GeV, five bins per
 * decade; ILD thresholds are 0.1 MeV (ECAL) and 0.25 MeV (HCAL). Hits outside are counted apart.
 */
export const HIT_ENERGY_EDGES_GEV: readonly number[] = Array.from({ length: 36 }, (_, k) => 10 ** (-6 + k / 5));

export interface ShowerObservables {
  /** Incident energy, GeV (the shower's label: what a model was asked for). */
  incidentEnergy: number;
  /** Number of hits (cells above threshold): the occupancy. */
  hits: number;
  /** Σ e over hits, GeV visible (no sampling-fraction calibration), and its ratio to the incident energy. */
  visibleEnergy: number;
  visibleFraction: number;
  /** Energy-weighted centre of gravity: x, y (mm) and layer index; NaN for a shower without energy. */
  cogX: number;
  cogY: number;
  cogLayer: number;
  /** Per layer of the detector: visible energy (the longitudinal profile) and number of hits. */
  layerEnergy: Float64Array;
  layerHits: Float64Array;
  /** Visible energy per RADIAL_EDGES_MM bin, about the axis crossing of each hit's layer and about (cogX, cogY). */
  radialAxis: Float64Array;
  radialCog: Float64Array;
  /** Hit counts per HIT_ENERGY_EDGES_GEV bin, and the hits below and above that range. */
  hitSpectrum: Float64Array;
  hitsBelowSpectrum: number;
  hitsAboveSpectrum: number;
  /** Per hit, in the shower's hit order: visible energy (GeV) and distance (mm) from its layer's axis crossing. */
  hitEnergy: Float64Array;
  hitRadius: Float64Array;
}

/** Index k of the bin [edges[k], edges[k+1]) holding v: −1 below the first edge, edges.length − 1 at or above the last. */
export function binIndex(edges: readonly number[], v: number): number {
  let [lo, hi] = [0, edges.length]; // first edge > v, by bisection
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! > v) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** The shower's axis (its entry point and direction) through the detector. */
/** What the observables read of a shower (EM or hadronic alike). */
export type ShowerLike = Pick<Shower, 'energy' | 'theta' | 'phi' | 'x' | 'y' | 'hits'>;

export function axisOf(detector: Detector, shower: ShowerLike): Axis {
  return traceAxis(detector, { theta: shower.theta, phi: shower.phi, x: shower.x, y: shower.y });
}

/** Energy-weighted centre of gravity in x, y and layer index (NaN when the shower has no energy). */
export function centreOfGravity(shower: Pick<Shower, 'hits'>): { x: number; y: number; layer: number; energy: number } {
  let [energy, x, y, layer] = [0, 0, 0, 0];
  for (const h of shower.hits) {
    energy += h.e;
    x += h.e * h.x;
    y += h.e * h.y;
    layer += h.e * h.layer;
  }
  return { x: x / energy, y: y / energy, layer: layer / energy, energy };
}

/** Sums `weights[i]` into the bin of `values[i]` (values outside the edges are dropped). */
export function histogram(edges: readonly number[], values: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(edges.length - 1);
  for (let i = 0; i < values.length; i++) {
    const k = binIndex(edges, values[i]!);
    if (k >= 0 && k < out.length) out[k] = out[k]! + weights[i]!;
  }
  return out;
}

/** All observables of one shower. */
export function observeShower(detector: Detector, shower: ShowerLike): ShowerObservables {
  const axis = axisOf(detector, shower);
  const cog = centreOfGravity(shower);
  const n = shower.hits.length;
  const [layerEnergy, layerHits] = [new Float64Array(detector.layers.length), new Float64Array(detector.layers.length)];
  const [hitEnergy, hitRadius, cogRadius] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  shower.hits.forEach((h, i) => {
    layerEnergy[h.layer] = layerEnergy[h.layer]! + h.e;
    layerHits[h.layer] = layerHits[h.layer]! + 1;
    hitEnergy[i] = h.e;
    hitRadius[i] = Math.hypot(h.x - axis.x[h.layer]!, h.y - axis.y[h.layer]!);
    cogRadius[i] = Math.hypot(h.x - cog.x, h.y - cog.y);
  });
  const ones = new Float64Array(n).fill(1);
  const spectrumRange = [HIT_ENERGY_EDGES_GEV[0]!, HIT_ENERGY_EDGES_GEV[HIT_ENERGY_EDGES_GEV.length - 1]!] as const;
  return {
    incidentEnergy: shower.energy,
    hits: n,
    visibleEnergy: cog.energy,
    visibleFraction: cog.energy / shower.energy,
    cogX: cog.x,
    cogY: cog.y,
    cogLayer: cog.layer,
    layerEnergy,
    layerHits,
    radialAxis: histogram(RADIAL_EDGES_MM, hitRadius, hitEnergy),
    radialCog: histogram(RADIAL_EDGES_MM, cogRadius, hitEnergy),
    hitSpectrum: histogram(HIT_ENERGY_EDGES_GEV, hitEnergy, ones),
    hitsBelowSpectrum: hitEnergy.filter((e) => e < spectrumRange[0]).length,
    hitsAboveSpectrum: hitEnergy.filter((e) => e >= spectrumRange[1]).length,
    hitEnergy,
    hitRadius,
  };
}

/** Observables of every shower of a sample. */
export function observeShowers(detector: Detector, showers: readonly ShowerLike[]): ShowerObservables[] {
  return showers.map((s) => observeShower(detector, s));
}
