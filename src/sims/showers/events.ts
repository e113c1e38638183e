// The showers a run shows, one per step: shower i of a run is a pure function of the params and i
// (its own random stream), so the lab, `lab generate showers` and a resumed state all see the same
// showers, and any slice of a run can be made apart (in a Web Worker, say).
import { ildCalorimeter, type Detector } from './detector';
import { generateShower, type Shower } from './generator';
import { generateHadronShower, type HadronShower } from './hadronic';
import { Rng } from './random';
import { energyRange, type Particle, type ShowerParams } from './params';

export type AnyShower = Shower | HadronShower;

/** What makes a run's showers: plain data, so it can be posted to a worker. */
export interface EventSpec {
  particle: Particle;
  /** Incident energy interval, GeV; uniform in [lo, hi] per shower (lo = hi: fixed). */
  energy: { lo: number; hi: number };
  /** Incident direction, rad. */
  theta: number;
  phi: number;
  seed: number;
  detector: { front: number; ecalCell: number; hcalCell: number };
}

/** Salts that keep the energy draws and the reference sample independent of the showers' own streams. */
const ENERGY_SALT = 0x3c6ef372;
const REFERENCE_SALT = 0x6a09e667;

const DEG = Math.PI / 180;

export function eventSpec(p: ShowerParams): EventSpec {
  return {
    particle: p.particle,
    energy: energyRange(p),
    theta: p.theta * DEG,
    phi: p.phi * DEG,
    seed: p.seed,
    detector: { front: p.front, ecalCell: p.ecalCell, hcalCell: p.hcalCell },
  };
}

/** The reference sample's spec: another seed (an independent sample) and the reference particle. */
export function referenceSpec(p: ShowerParams): EventSpec {
  const own = eventSpec(p);
  return { ...own, particle: p.reference === 'independent' ? p.particle : p.reference, seed: (p.seed ^ REFERENCE_SALT) >>> 0 };
}

/** Keep training showers' streams apart from the run's (seed) and the reference's, and the partner's from the run particle's. */
const TRAINING_SALT = 0x510e527f;
const PARTNER_SALT = 0x1f83d9ab;

/** The particle a model also trains on, so its particle embedding learns the difference (EM ⇄ EM, hadron ⇄ hadron). */
export const PARTNER: Readonly<Record<Particle, Particle>> = { electron: 'photon', photon: 'electron', pion: 'neutron', neutron: 'pion' };

/**
 * The showers a model trains on: the run's conditions from the model's own seed, `count` in all, the share
 * `partnerShare` of them of the run particle's PARTNER (same energies, direction and calorimeter).
 */
export function trainingSpecs(p: ShowerParams, seed: number, count: number, partnerShare: number): { spec: EventSpec; count: number }[] {
  const own = eventSpec(p);
  const partner = Math.round(count * partnerShare);
  const specs = [{ spec: { ...own, seed: (seed ^ TRAINING_SALT) >>> 0 }, count: count - partner }];
  if (partner > 0) specs.push({ spec: { ...own, particle: PARTNER[p.particle], seed: (seed ^ TRAINING_SALT ^ PARTNER_SALT) >>> 0 }, count: partner });
  return specs;
}

/** Shower `index`'s conditions without its hits (what a model needs to make one like it). */
export function eventConditions(spec: EventSpec, index: number): Pick<Shower, 'energy' | 'theta' | 'phi' | 'x' | 'y' | 'hits'> & { particle: Particle } {
  return { particle: spec.particle, energy: eventEnergy(spec, index), theta: spec.theta, phi: spec.phi, x: 0, y: 0, hits: [] };
}

export function detectorOf(spec: EventSpec): Detector {
  const { front, ecalCell, hcalCell } = spec.detector;
  return ildCalorimeter({ front, ecalCellSize: ecalCell, hcalCellSize: hcalCell });
}

/** Incident energy of shower `index`, GeV. */
export function eventEnergy(spec: EventSpec, index: number): number {
  const { lo, hi } = spec.energy;
  if (lo === hi) return lo;
  return lo + (hi - lo) * Rng.forShower((spec.seed ^ ENERGY_SALT) >>> 0, index).uniform();
}

/** Shower `index` of the run `spec`. */
export function generateEvent(detector: Detector, spec: EventSpec, index: number): AnyShower {
  const rng = Rng.forShower(spec.seed, index);
  const request = { energy: eventEnergy(spec, index), theta: spec.theta, phi: spec.phi };
  const { particle } = spec;
  return particle === 'pion' || particle === 'neutron'
    ? generateHadronShower(detector, { ...request, particle }, rng)
    : generateShower(detector, { ...request, particle }, rng);
}

/** Showers first … first + count − 1 of the run `spec`. */
export function generateEvents(detector: Detector, spec: EventSpec, first: number, count: number): AnyShower[] {
  return Array.from({ length: count }, (_, k) => generateEvent(detector, spec, first + k));
}
