// What a mips sample reports, decoded from the summary buffer sample() reads back (layout:
// particles.ts SUMMARY): the observe sums as per-particle metrics, the largest cluster, the
// density histogram, the free-particle MSD and T_conf/kT; and the per-particle fields in id order.
import type { MipsParams } from './params';
import type { MetricSample } from '../types';
import { HISTOGRAM_BINS, HISTOGRAM_MAX } from './kernels';
import { msdAbp, msdAoup } from './msd';
import { SUMMARY } from './particles';
import { decodeStatus, type NeighbourStats } from './verlet';

/** What the summary alone does not say: the clock it was encoded at and the system's size. */
export interface SummaryContext {
  params: MipsParams;
  n: number;
  step: number;
  time: number;
  /** Time since the MSD origin (reset, or model change). */
  msdTime: number;
  /** Slots per particle of the Verlet list, when there is one (its status is in the summary). */
  listCapacity?: number;
}

export interface Summary {
  /** Metrics and histogram; the problem is set by the caller (problems.ts), after any attached model's metrics. */
  sample: MetricSample;
  /** Particles with a NaN/Inf position or propulsion. */
  nonFinite: number;
  /** The Verlet list's status, when there is one. */
  list?: NeighbourStats;
}

/**
 * T_conf / kT of the pair potential from the observe sums Σ|F_i|² and Σ(−div_i F_i), with kT = Dt/k:
 * 1 for exact samples of a passive system, so its deviation is the integrator's bias (scheme, dt).
 * Absent without thermal noise, pair forces or pairs in range.
 */
function configurationalTemperature(p: MipsParams, gradSquared: number, laplacian: number): Record<string, number> {
  const [k, Dt] = [p.k, p.Dt];
  if (p.force === 'none' || !(Dt > 0) || !(k > 0) || !(laplacian > 0)) return {};
  return { tConf: ((gradSquared / laplacian) * k) / Dt };
}

export function decodeSummary(raw: ArrayBuffer, c: SummaryContext): Summary {
  const { params: p, n } = c;
  const total = new Float32Array(raw, SUMMARY.totalOffset, 8);
  const largest = new Uint32Array(raw, SUMMARY.largestOffset, 1)[0]!;
  const counts = [...new Uint32Array(raw, SUMMARY.histogramOffset, HISTOGRAM_BINS)];
  // observe's sums (sims/mips/shaders/observe.wgsl): epr, msd, heading x, y | non-finite, density, |F|², −div F
  const [eprSum, msdSum, hx, hy, nonFinite, densitySum, gradSquared, laplacian] = Array.from(total);
  const good = Math.max(1, n - nonFinite!);
  const msdAnalytic =
    p.model === 'abp'
      ? msdAbp(c.msdTime, p.v0, p.Dr, p.Dt)
      : msdAoup(c.msdTime, p.v0, p.gamma, p.Dt);
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => (i * HISTOGRAM_MAX) / HISTOGRAM_BINS);
  const sample: MetricSample = {
    step: c.step,
    time: c.time,
    scalars: {
      eprScoreFree: eprSum! / good,
      msd: msdSum! / good,
      msdAnalytic,
      msdTime: c.msdTime,
      largestClusterFraction: largest / n,
      polarization: Math.hypot(hx!, hy!) / good,
      meanLocalDensity: densitySum! / good,
      ...configurationalTemperature(p, gradSquared!, laplacian!),
    },
    histograms: { densityHistogram: { label: 'local packing fraction', edges, counts } },
  };
  const list = c.listCapacity === undefined ? undefined : decodeStatus(raw, SUMMARY.statusOffset, c.listCapacity);
  return { sample, nonFinite: nonFinite!, list };
}

/**
 * The per-particle (density, epr) fields in id order, from readbacks of the fields buffer
 * (vec2f per slot) and posA (vec4f per slot, w = the particle's id).
 */
export function fieldsById(fields: Float32Array, pos: Float32Array): { density: Float64Array; epr: Float64Array } {
  const n = pos.length / 4;
  const density = new Float64Array(n);
  const epr = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const id = pos[4 * s + 3]!;
    density[id] = fields[2 * s]!;
    epr[id] = fields[2 * s + 1]!;
  }
  return { density, epr };
}
