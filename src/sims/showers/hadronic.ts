// Hadronic showers (charged pions, neutrons): a documented toy, not a hadronic physics model. The first
// interaction lies Exp(1) interaction lengths into the real layer stack (a pion leaves one MIP hit per layer
// before it, a neutron nothing); from there Bock et al.'s two-component longitudinal profile shares out the
// energy, its X0 part carrying a per-event EM fraction (Groom) drawn as GFlash spots, its λ_I part spread
// with a wide core + halo lateral law and seen at h/e of the EM response. Same plain-data output and
// per-shower random streams as the EM generator. Every coefficient below is tunable; see README.md.
import { cellOf, mipDeposit, type Detector, type Layer, type Slab } from './detector';
import { CellAccumulator, type DepositSink, type Hit } from './digitise';
import {
  depositAround,
  generateShowers,
  inBatch,
  incidence,
  placeSpots,
  showerAxis,
  TAIL_CUT,
  type Batch,
  type Development,
  type LayerShare,
  type Shower,
  type ShowerRequest,
} from './generator';
import { gammaProfile, mediumOf, profileLaw, spotCount } from './gflash';
import type { Rng } from './random';
import { gammaP } from './special';
import type { Axis } from './trajectory';

export type HadronParticle = 'pion' | 'neutron';

export interface HadronRequest {
  particle: HadronParticle;
  /** Incident energy, GeV. */
  energy: number;
  /** Polar angle to the stack axis and azimuth, radians (default 0); entry point on the front face, mm (default 0, 0). */
  theta?: number;
  phi?: number;
  x?: number;
  y?: number;
}

/** Where the first inelastic interaction happens. */
export interface Interaction {
  layer: number;
  /** Material along the axis from the front face to the point: interaction lengths and radiation lengths. */
  lambda: number;
  x0: number;
  /** z of the point along the stack axis, mm. */
  z: number;
}

export interface HadronShower extends Omit<Shower, 'particle' | 'start'> {
  particle: HadronParticle;
  /** X0 along the axis before the shower starts: the interaction's depth (the whole stack if none). */
  start: number;
  /** null when the hadron crosses the whole stack without interacting. */
  interaction: Interaction | null;
  /** Energy that showers, GeV (the incident energy less the track's ionisation loss), and its EM fraction. */
  showerEnergy: number;
  emFraction: number;
}

/**
 * Bock, Hansl-Kozanecka, Shah, NIM 186 (1981) 533, E in GeV, x from the first interaction:
 * dE/dx ∝ w (x/X0)^{a−1} e^{−b x/X0} + (1 − w)(x/λ_I)^{a−1} e^{−d x/λ_I},
 * a = 0.6165 + 0.3183 ln E, b = 0.2198, d = 0.9099 − 0.0237 ln E, w = 0.4634 (the values the science sheet
 * §3.3 quotes for the paper, which could not be opened from here). Tunable.
 */
export const BOCK = { a0: 0.6165, a1: 0.3183, b: 0.2198, d0: 0.9099, d1: 0.0237, w: 0.4634 } as const;

/** The fit's energy range starts around a GeV; below it a → 0 would put all the energy at the interaction point. */
const BOCK_MIN_ENERGY = 1;

/**
 * EM fraction, Groom, NIM A 572 (2007) 633: f_em = 1 − (E/E0)^{k−1} (0 below E0). Pions: E0 = 1 GeV, k = 0.82.
 * Neutrons: baryon-number conservation keeps a leading baryon, which makes no π0, so baryon-induced showers have
 * less EM energy; E0 = 2.6 GeV, the value for proton-induced cascades in the PDG calorimetry review (as
 * recalled, not re-checked here), with the pion's k. Tunable.
 */
export const GROOM: Readonly<Record<HadronParticle, { E0: number; k: number }>> = {
  pion: { E0: 1, k: 0.82 },
  neutron: { E0: 2.6, k: 0.82 },
};

/**
 * Per-event spread of f_em: Beta(μν, (1 − μ)ν) with μ = Groom's mean, so the mean is Groom's exactly, f_em stays
 * in [0, 1], and σ = √(μ(1 − μ)/(ν + 1)). ν = 15 gives σ ≈ 0.12 at μ = 0.35–0.5: argued, not fitted — the
 * order of the event-to-event spread of f_em that dual-readout calorimeters measure (DREAM, Akchurin et al.,
 * NIM A 537 (2005) 537). Tunable.
 */
export const EM_FRACTION_CONCENTRATION = 15;

/**
 * Visible response of the non-EM part relative to the EM part (e/h effect): deposits are counted at h/e = 0.75.
 * Iron/plastic-scintillator calorimeters have e/h ≈ 1.3–1.4 (R. Wigmans, Calorimetry, Oxford); with
 * f_em(10 GeV) = 0.34 it gives e/π = 1/(f_em + (1 − f_em) h/e) ≈ 1.2, the non-compensation of the CALICE AHCAL
 * (the ILD HCAL's prototype) as recalled, not re-checked here. Used for the Si–W ECAL too. Tunable.
 */
export const H_OVER_E = 0.75;

/**
 * Lateral law of the non-EM part, energy per unit area ∝ p e^{−r/r_c}/r_c² + (1 − p) e^{−r/r_h}/r_h², r in the
 * layer's λ_I: core r_c = 0.1 λ_I (≈ R_M: 17.2/167.7 for Fe, 9.3/99.5 for W; the sheet's "core ≈ R_M"), halo
 * r_h = 0.25 λ_I (the sheet's value), p = 0.5 so that 95 % of it lies within 1 λ_I (the textbook containment,
 * e.g. Fabjan & Gianotti, Rev. Mod. Phys. 75 (2003) 1243). Tunable.
 */
export const HADRON_LATERAL = { core: 0.1, halo: 0.25, pCore: 0.5 } as const;

/** Mean interaction depth of a hadron, in λ_I (inelastic interactions are a Poisson process along the path). */
const MEAN_FREE_PATH = 1;

// ---------------------------------------------------------------------------------------------------------
// The path to the first interaction

/** Per layer: λ_I along the axis from the front face to its front and back faces (Σ d/λ_I of its slabs, × 1/cos θ). */
export interface LambdaFaces {
  lIn: Float64Array;
  lOut: Float64Array;
}

export function lambdaFaces(detector: Detector, axis: Axis): LambdaFaces {
  const count = detector.layers.length;
  const faces = { lIn: new Float64Array(count), lOut: new Float64Array(count) };
  let l = 0;
  detector.layers.forEach((layer, i) => {
    faces.lIn[i] = l;
    l += layer.lambdaI / axis.n[2];
    faces.lOut[i] = l;
  });
  return faces;
}

/** The slabs of a layer in the order the axis meets them. */
function slabsOf(layer: Layer): Slab[] {
  return layer.absorber ? [layer.absorber, layer.active] : [layer.active];
}

/**
 * The point `depth` interaction lengths along the axis: the layer whose λ_I interval holds it, then its slabs
 * walked in order (absorber, active), each crossed over d/cos θ. null beyond the stack.
 */
export function interactionAt(detector: Detector, axis: Axis, faces: LambdaFaces, depth: number): Interaction | null {
  const layer = faces.lOut.findIndex((l) => l > depth);
  if (layer < 0) return null;
  const cosTheta = axis.n[2];
  let [l, x0, z] = [faces.lIn[layer]!, axis.tIn[layer]!, detector.layers[layer]!.zFront];
  const slabs = slabsOf(detector.layers[layer]!);
  for (const [k, slab] of slabs.entries()) {
    const dl = slab.thickness / slab.material.lambdaImm / cosTheta;
    if (depth < l + dl || k === slabs.length - 1) {
      const f = Math.min(Math.max((depth - l) / dl, 0), 1); // the last slab takes the rounding remainder
      return { layer, lambda: depth, x0: x0 + (f * slab.thickness) / slab.material.X0mm / cosTheta, z: z + f * slab.thickness };
    }
    [l, x0, z] = [l + dl, x0 + slab.thickness / slab.material.X0mm / cosTheta, z + slab.thickness];
  }
  return null; // a layer has at least its active slab
}

/** Ionisation a minimum-ionising particle leaves in a slab crossed at cos θ, GeV: PDG dE/dx|min × ρ × d / cos θ. */
export function mipLoss(slab: Slab | null, cosTheta: number): number {
  return slab ? mipDeposit(slab) / cosTheta / 1000 : 0;
}

/**
 * The charged hadron's track through layers 0 … before − 1: one hit per layer, in the cell the axis crosses,
 * with the MIP loss of the active slab (no Landau spread, no smearing: a MIP is not a sampled shower); and
 * the energy it loses there (absorbers too). The layer it interacts in gets the shower, not a track hit.
 */
export function mipTrack(detector: Detector, axis: Axis, before: number): { hits: Hit[]; loss: number } {
  const hits: Hit[] = [];
  let loss = 0;
  for (let i = 0; i < before; i++) {
    const layer = detector.layers[i]!;
    const e = mipLoss(layer.active, axis.n[2]);
    loss += e + mipLoss(layer.absorber, axis.n[2]);
    if (e < layer.threshold) continue;
    const cell = cellOf(detector, axis.x[i]!, axis.y[i]!, i);
    hits.push({ x: cell.x, y: cell.y, layer: i, e });
  }
  return { hits, loss };
}

// ---------------------------------------------------------------------------------------------------------
// Energy split and longitudinal profile

/** Groom's mean EM fraction for a shower of E GeV. */
export function meanEmFraction(particle: HadronParticle, energy: number): number {
  const { E0, k } = GROOM[particle];
  return energy > E0 ? 1 - Math.pow(energy / E0, k - 1) : 0;
}

/** One event's EM fraction: Beta(μν, (1 − μ)ν) as G1/(G1 + G2) of two unit-scale Gammas. */
export function drawEmFraction(particle: HadronParticle, energy: number, rng: Rng): number {
  const mu = meanEmFraction(particle, energy);
  if (!(mu > 0)) return 0;
  const em = rng.gamma(mu * EM_FRACTION_CONCENTRATION, 1);
  const rest = rng.gamma((1 - mu) * EM_FRACTION_CONCENTRATION, 1);
  return em / (em + rest);
}

/** Bock's shape parameters at E GeV (E held at ≥ 1 GeV). */
export function bockProfile(energy: number): { a: number; b: number; d: number } {
  const lnE = Math.log(Math.max(energy, BOCK_MIN_ENERGY));
  return { a: BOCK.a0 + BOCK.a1 * lnE, b: BOCK.b, d: BOCK.d0 - BOCK.d1 * lnE };
}

/**
 * Share of the energy in Bock's X0 term with his weight w, in a material of X0 and λ_I (same units):
 * ∫ (x/X0)^{a−1} e^{−bx/X0} dx = X0 Γ(a)/b^a, so share = w X0 b^{−a} / (w X0 b^{−a} + (1 − w) λ_I d^{−a}).
 * The generator replaces it, event by event, by the drawn f_em; this is the cross-check (iron, ≥ 10 GeV: within
 * 0.03 of Groom's mean).
 */
export function bockEmShare(energy: number, X0: number, lambdaI: number): number {
  const { a, b, d } = bockProfile(energy);
  const em = BOCK.w * X0 * Math.pow(b, -a);
  return em / (em + (1 - BOCK.w) * lambdaI * Math.pow(d, -a));
}

/** One layer's non-EM energy, GeV (deposited, before h/e). */
export interface HadronShare {
  layer: number;
  energy: number;
}

export interface HadronDevelopment {
  /** Energy that showers (GeV) and its drawn EM fraction. */
  energy: number;
  emFraction: number;
  interaction: Interaction | null;
  /** The EM part in the form placeSpots takes (no medium when there is none). */
  em: Development;
  hadronic: HadronShare[];
}

function noEm(start: number): Development {
  return { energy: 0, start, medium: null, profile: null, shares: [] };
}

/**
 * The development from the interaction point: f_em drawn, then each layer's share of the two Bock terms between
 * its faces' depths from the point — the EM part, f_em E, as Gamma(a, b) in X0 along the axis, the rest,
 * (1 − f_em) E, as Gamma(a, d) in λ_I. The EM part's spots: GFlash's count for f_em E in the interaction layer's
 * medium, spread over the layers like its energy; their radial law takes τ = t/T with T of GFlash's median
 * profile for f_em E (Bock's X0 term has no maximum below 3.3 GeV).
 */
export function developHadron(
  detector: Detector,
  axis: Axis,
  faces: LambdaFaces,
  particle: HadronParticle,
  energy: number,
  interaction: Interaction | null,
  rng: Rng,
): HadronDevelopment {
  const start = interaction?.x0 ?? axis.tOut[axis.tOut.length - 1] ?? 0;
  if (!interaction || !(energy > 0)) return { energy, emFraction: 0, interaction, em: noEm(start), hadronic: [] };
  const emFraction = drawEmFraction(particle, energy, rng);
  const [emEnergy, hadEnergy] = [emFraction * energy, (1 - emFraction) * energy];
  const { a, b, d } = bockProfile(energy);
  const medium = mediumOf(detector.layers[interaction.layer]!);
  const law = profileLaw(medium, emEnergy);
  const profile = gammaProfile(Math.exp(law.meanLnT), Math.exp(law.meanLnAlpha));
  const spotTotal = spotCount(medium, emEnergy);
  const [emShares, hadronic]: [LayerShare[], HadronShare[]] = [[], []];
  let [emBefore, hadBefore] = [0, 0];
  for (let layer = interaction.layer; layer < detector.layers.length; layer++) {
    const front = Math.max(axis.tIn[layer]! - interaction.x0, 0);
    const back = Math.max(axis.tOut[layer]! - interaction.x0, 0);
    const emUpTo = gammaP(a, b * back);
    const hadUpTo = gammaP(a, d * Math.max(faces.lOut[layer]! - interaction.lambda, 0));
    const share = emUpTo - emBefore;
    emShares.push({ layer, energy: emEnergy * share, spots: spotTotal * share, tau: (front + back) / 2 / profile.T });
    hadronic.push({ layer, energy: hadEnergy * (hadUpTo - hadBefore) });
    [emBefore, hadBefore] = [emUpTo, hadUpTo];
    if (1 - emBefore < TAIL_CUT && 1 - hadBefore < TAIL_CUT) break;
  }
  const em = emEnergy > 0 ? { energy: emEnergy, start, medium, profile, shares: emShares } : noEm(start);
  return { energy, emFraction, interaction, em, hadronic };
}

// ---------------------------------------------------------------------------------------------------------
// Lateral spread of the non-EM part

/** A radius in λ_I: the core with probability p, else the halo; area density e^{−r/R} means r ~ Gamma(2, R). */
export function drawHadronRadius(rng: Rng): number {
  const R = rng.uniform() < HADRON_LATERAL.pCore ? HADRON_LATERAL.core : HADRON_LATERAL.halo;
  return rng.gamma(2, R);
}

/** Share of the non-EM energy within r (λ_I): each component's CDF is 1 − e^{−r/R}(1 + r/R). */
export function hadronContainment(r: number): number {
  const cdf = (R: number) => 1 - Math.exp(-r / R) * (1 + r / R);
  return HADRON_LATERAL.pCore * cdf(HADRON_LATERAL.core) + (1 - HADRON_LATERAL.pCore) * cdf(HADRON_LATERAL.halo);
}

/** λ_I of a layer's absorber + active mixture, mm (its thickness over its λ_I budget). */
export function layerInteractionLength(layer: Layer): number {
  return ((layer.absorber?.thickness ?? 0) + layer.active.thickness) / layer.lambdaI;
}

/**
 * The non-EM energy as spots at radii from the core + halo law in each layer's λ_I. A spot carries about what a
 * MIP loses crossing the layer (absorber + active, at normal incidence): that energy is carried by charged
 * hadron track segments, and spots much smaller than a MIP would each be read as a sub-threshold cell.
 */
export function placeHadronic(development: HadronDevelopment, detector: Detector, axis: Axis, rng: Rng, deposit: DepositSink): void {
  for (const share of development.hadronic) {
    if (!(share.energy > 0)) continue;
    const layer = detector.layers[share.layer]!;
    const scale = layerInteractionLength(layer);
    const spotEnergy = mipLoss(layer.absorber, 1) + mipLoss(layer.active, 1);
    const count = Math.max(rng.roundStochastic(share.energy / spotEnergy), 1);
    const e = share.energy / count;
    for (let s = 0; s < count; s++) depositAround(axis, share.layer, drawHadronRadius(rng) * scale, rng, e, deposit);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Showers

/** One hadron shower with the given random stream. */
export function generateHadronShower(detector: Detector, request: HadronRequest, rng: Rng): HadronShower {
  const axis = showerAxis(detector, request);
  const faces = lambdaFaces(detector, axis);
  const interaction = interactionAt(detector, axis, faces, rng.exponential(MEAN_FREE_PATH));
  const crossed = interaction?.layer ?? detector.layers.length;
  const track = request.particle === 'pion' ? mipTrack(detector, axis, crossed) : { hits: [], loss: 0 };
  const energy = Math.max(request.energy - track.loss, 0);
  const development = developHadron(detector, axis, faces, request.particle, energy, interaction, rng);
  const cells = new CellAccumulator(detector);
  placeSpots(development.em, axis, rng, (layer, x, y, e) => cells.deposit(layer, x, y, e));
  // The non-EM part is read out at h/e of the EM response; the cell smearing then acts on what is seen.
  placeHadronic(development, detector, axis, rng, (layer, x, y, e) => cells.deposit(layer, x, y, e * H_OVER_E));
  return {
    particle: request.particle,
    energy: request.energy,
    ...incidence(request),
    start: development.em.start,
    interaction,
    showerEnergy: energy,
    emFraction: development.emFraction,
    hits: [...track.hits, ...cells.hits(rng)],
  };
}

/** Hadron showers first … first + count − 1 of the run seeded `seed` (shower i: Rng.forShower(seed, i)). */
export function generateHadronShowers(detector: Detector, request: HadronRequest, batch: Batch): HadronShower[] {
  return inBatch(batch, (rng) => generateHadronShower(detector, request, rng));
}

export type AnyShowerRequest = ShowerRequest | HadronRequest;

export function isHadronRequest(request: AnyShowerRequest): request is HadronRequest {
  return request.particle === 'pion' || request.particle === 'neutron';
}

/**
 * Any particle's showers: electrons and photons from generator.ts, pions and neutrons from here. (The dispatch
 * lives here, not in generator.ts, because this module reuses generator.ts and the module graph has no cycles.)
 */
export function generateAnyShowers(detector: Detector, request: AnyShowerRequest, batch: Batch): (Shower | HadronShower)[] {
  return isHadronRequest(request) ? generateHadronShowers(detector, request, batch) : generateShowers(detector, request, batch);
}
