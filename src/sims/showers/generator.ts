// Seeded electromagnetic shower generator (electron, photon) on a layered calorimeter: one GFlash
// profile per shower, energy shared out over the real layer stack along the (possibly tilted) axis,
// spots placed with the radial profile, then read out by the digitiser. Plain data in and out, one
// random stream per shower index, so a Web Worker can generate any slice of a run.
import type { Detector } from './detector';
import { CellAccumulator, type DepositSink, type Hit } from './digitise';
import {
  CONVERSION_MEAN_X0,
  drawProfile,
  drawRadius,
  mediumOf,
  profileLaw,
  radialLaw,
  spotCount,
  spotProfile,
  type GammaProfile,
  type Medium,
} from './gflash';
import { Rng } from './random';
import { gammaP } from './special';
import { layerAtDepth, traceAxis, type Axis } from './trajectory';

export type EmParticle = 'electron' | 'photon';

export interface ShowerRequest {
  particle: EmParticle;
  /** Incident energy, GeV. */
  energy: number;
  /** Polar angle to the stack axis and azimuth, radians (default 0: normal incidence). */
  theta?: number;
  phi?: number;
  /** Entry point on the front face, mm (default 0, 0). */
  x?: number;
  y?: number;
}

export interface Shower {
  particle: EmParticle;
  energy: number;
  theta: number;
  phi: number;
  x: number;
  y: number;
  /** Material along the axis before the shower starts, X0: 0 for an electron, the conversion depth for a photon. */
  start: number;
  hits: Hit[];
}

/** One layer's part of a shower: deposited energy (GeV), expected spot count, and τ = t/T at its middle. */
export interface LayerShare {
  layer: number;
  energy: number;
  spots: number;
  tau: number;
}

export interface Development {
  /** Incident energy, GeV. */
  energy: number;
  start: number;
  /** null when the shower starts behind the stack (a photon that never converts). */
  medium: Medium | null;
  profile: GammaProfile | null;
  shares: LayerShare[];
}

/** Layers are skipped once both profiles have less than this share left. */
export const TAIL_CUT = 1e-7;

/** Material before the shower starts: none for an electron; Exp(mean 9/7 X0) for a photon's conversion. */
function startDepth(particle: EmParticle, rng: Rng): number {
  return particle === 'photon' ? rng.exponential(CONVERSION_MEAN_X0) : 0;
}

/**
 * The longitudinal development: the start, the medium of the layer it starts in (whose sampling structure
 * sets the GFlash parameters), one fluctuated profile, and each layer's share of energy and spots between
 * its faces' depths along the axis, measured from the start.
 */
export function develop(detector: Detector, axis: Axis, request: ShowerRequest, rng: Rng): Development {
  const start = startDepth(request.particle, rng);
  const first = layerAtDepth(axis, start);
  if (first < 0) return { energy: request.energy, start, medium: null, profile: null, shares: [] };
  const medium = mediumOf(detector.layers[first]!);
  const profile = drawProfile(profileLaw(medium, request.energy), rng);
  const spots = spotProfile(medium, profile);
  const spotTotal = spotCount(medium, request.energy);
  const shares: LayerShare[] = [];
  let [energyBefore, spotsBefore] = [0, 0];
  for (let layer = first; layer < detector.layers.length; layer++) {
    const front = Math.max(axis.tIn[layer]! - start, 0);
    const back = axis.tOut[layer]! - start;
    const energyUpTo = gammaP(profile.alpha, profile.beta * back);
    const spotsUpTo = gammaP(spots.alpha, spots.beta * back);
    shares.push({
      layer,
      energy: request.energy * (energyUpTo - energyBefore),
      spots: spotTotal * (spotsUpTo - spotsBefore),
      tau: (front + back) / 2 / profile.T,
    });
    [energyBefore, spotsBefore] = [energyUpTo, spotsUpTo];
    if (1 - energyBefore < TAIL_CUT && 1 - spotsBefore < TAIL_CUT) break;
  }
  return { energy: request.energy, start, medium, profile, shares };
}

/**
 * Spots of equal energy per layer (a stochastically rounded count, at least one where there is energy),
 * at radii from the layer's core + tail law and uniform azimuth, carried onto the layer plane.
 */
export function placeSpots(development: Development, axis: Axis, rng: Rng, deposit: DepositSink): void {
  const { medium, energy } = development;
  if (!medium) return;
  for (const share of development.shares) {
    if (!(share.energy > 0)) continue;
    const law = radialLaw(medium, energy, share.tau);
    const count = Math.max(rng.roundStochastic(share.spots), 1);
    const e = share.energy / count;
    for (let s = 0; s < count; s++) depositAround(axis, share.layer, drawRadius(law, rng) * medium.moliereRadius, rng, e, deposit);
  }
}

/**
 * Deposits e at radius r (mm) from the axis, at a uniform azimuth in the plane transverse to it, carried along
 * the axis onto layer `layer` (shared by every shower model that spreads energy about the axis).
 */
export function depositAround(axis: Axis, layer: number, r: number, rng: Rng, e: number, deposit: DepositSink): void {
  const psi = 2 * Math.PI * rng.uniform();
  const [c, sn] = [r * Math.cos(psi), r * Math.sin(psi)];
  deposit(layer, axis.x[layer]! + c * axis.planeU[0] + sn * axis.planeV[0], axis.y[layer]! + c * axis.planeU[1] + sn * axis.planeV[1], e);
}

/** The axis of a request (defaults: normal incidence at x = y = 0). */
/** The incident direction and entry point of a request, defaults filled in (normal incidence at the origin). */
export function incidence(request: Pick<ShowerRequest, 'theta' | 'phi' | 'x' | 'y'>): { theta: number; phi: number; x: number; y: number } {
  return { theta: request.theta ?? 0, phi: request.phi ?? 0, x: request.x ?? 0, y: request.y ?? 0 };
}

export function showerAxis(detector: Detector, request: Pick<ShowerRequest, 'theta' | 'phi' | 'x' | 'y'>): Axis {
  return traceAxis(detector, incidence(request));
}

/** One shower with the given random stream. */
export function generateShower(detector: Detector, request: ShowerRequest, rng: Rng): Shower {
  const axis = showerAxis(detector, request);
  const development = develop(detector, axis, request, rng);
  const cells = new CellAccumulator(detector);
  placeSpots(development, axis, rng, (layer, x, y, e) => cells.deposit(layer, x, y, e));
  return {
    particle: request.particle,
    energy: request.energy,
    ...incidence(request),
    start: development.start,
    hits: cells.hits(rng),
  };
}

export interface Batch {
  seed: number;
  count: number;
  /** Index of the first shower (a worker given showers first … first + count − 1 makes the same ones). */
  first?: number;
}

/** Showers first … first + count − 1 of the run seeded `seed`; shower i uses stream Rng.forShower(seed, i). */
export function generateShowers(detector: Detector, request: ShowerRequest, batch: Batch): Shower[] {
  return inBatch(batch, (rng) => generateShower(detector, request, rng));
}

/** Items first … first + count − 1 of a run, item i made with stream Rng.forShower(seed, i) (any shower model's batches). */
export function inBatch<T>(batch: Batch, make: (rng: Rng) => T): T[] {
  const first = batch.first ?? 0;
  return Array.from({ length: batch.count }, (_, k) => make(Rng.forShower(batch.seed, first + k)));
}
