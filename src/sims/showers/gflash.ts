// GFlash parametrisation of electromagnetic showers (Grindhammer & Peters, hep-ex/0001020, "GP" below):
// the medium (one material, or an absorber–active sampling mixture), the correlated per-shower Gamma
// longitudinal profile, the core + tail radial profile, the spot count and spot profile.
// Units: energy in GeV at the interface (the fits take E in GeV; y = E/E_c is formed in MeV),
// depth t in radiation lengths of the medium, radii in Molière radii of the medium, lengths in mm.
import type { Layer, Slab } from './detector';
import { areal2mm, SCALE_ENERGY_MEV, type Material } from './materials';
import type { Rng } from './random';
import { gammaP } from './special';

/** GP Eq. (5): E_c = 2.66 (X0 Z/A)^1.1 MeV with X0 in g/cm² (X0 in mm gives about half: 3.9 MeV for W). */
export function criticalEnergy(m: Pick<Material, 'X0' | 'Z' | 'A'>): number {
  return 2.66 * Math.pow((m.X0 * m.Z) / m.A, 1.1);
}

export interface Medium {
  kind: 'homogeneous' | 'sampling';
  Z: number;
  A: number;
  /** Radiation length, g/cm² and mm. */
  X0: number;
  X0mm: number;
  /** Molière radius, mm. */
  moliereRadius: number;
  /** Critical energy, MeV. */
  criticalEnergy: number;
  /** Sampling frequency F_S = X0,eff / (d_a + d_p), layers per X0,eff; Infinity when homogeneous. */
  Fs: number;
  /** ê = 1 / (1 + 0.007 (Z_a − Z_p)), GFlash's e/mip estimate; 1 when homogeneous. */
  eHat: number;
  /** Stochastic term of the sampling fluctuation (sets the sampling spot count); 0 when homogeneous. */
  stochasticTerm: number;
}

/** One material; E_c from Eq. (5) (what the fits were made with) and R_M = E_s X0 / E_c. */
export function homogeneousMedium(m: Material): Medium {
  const Ec = criticalEnergy(m);
  return {
    kind: 'homogeneous',
    Z: m.Z,
    A: m.A,
    X0: m.X0,
    X0mm: m.X0mm,
    moliereRadius: (SCALE_ENERGY_MEV * m.X0mm) / Ec,
    criticalEnergy: Ec,
    Fs: Infinity,
    eHat: 1,
    stochasticTerm: 0,
  };
}

/**
 * GP App. A.2, sampling calorimeter of absorber (a) and active (p) slabs: mass weights
 * w_i = ρ_i d_i / Σ ρ_j d_j; Z_eff = Σ w_i Z_i, A_eff = Σ w_i A_i; 1/X0,eff = Σ w_i / X0,i;
 * E_c,eff = X0,eff Σ w_i E_c,i / X0,i; 1/R_M,eff = Σ w_i E_c,i / (E_s X0,i). All in g/cm² (the PDG's mixture
 * rules), then converted to mm with the mean density Σ ρ_i d_i / Σ d_i. (Geant4's GFlash mixes g/cm² and
 * cm in the last two and gets R_M,eff ≈ 9.5 mm instead of 11.1 mm for the ILD thin layer.)
 */
export function samplingMedium(absorber: Slab, active: Slab, stochasticTerm: number): Medium {
  const slabs = [absorber, active];
  const areal = slabs.map((s) => s.material.density * (s.thickness / 10)); // g/cm²
  const total = areal[0]! + areal[1]!;
  const w = areal.map((a) => a / total);
  const mix = (f: (m: Material) => number) => slabs.reduce((sum, s, i) => sum + w[i]! * f(s.material), 0);
  const density = total / ((absorber.thickness + active.thickness) / 10);
  const X0 = 1 / mix((m) => 1 / m.X0);
  const ecOverX0 = mix((m) => criticalEnergy(m) / m.X0);
  const X0mm = areal2mm(X0, density);
  return {
    kind: 'sampling',
    Z: mix((m) => m.Z),
    A: mix((m) => m.A),
    X0,
    X0mm,
    moliereRadius: areal2mm(SCALE_ENERGY_MEV / ecOverX0, density),
    criticalEnergy: X0 * ecOverX0,
    Fs: X0mm / (absorber.thickness + active.thickness),
    eHat: 1 / (1 + 0.007 * (absorber.material.Z - active.material.Z)),
    stochasticTerm,
  };
}

/** The medium a shower starting in this layer develops in. */
export function mediumOf(layer: Layer): Medium {
  return layer.absorber && layer.absorber.thickness > 0
    ? samplingMedium(layer.absorber, layer.active, layer.stochasticTerm)
    : homogeneousMedium(layer.active.material);
}

/** Mean and covariance of (ln T, ln α) for one shower energy. */
export interface ProfileLaw {
  meanLnT: number;
  meanLnAlpha: number;
  sigmaLnT: number;
  sigmaLnAlpha: number;
  /** Correlation of ln T and ln α. */
  rho: number;
}

// Guards outside the fits' domain (E ≳ 1 GeV), as Geant4's GFlash has them: positive arguments of the
// logarithms, σ ≤ 0.5, α ≥ 1.1 (a Gamma profile with a maximum).
const MIN_LOG_ARGUMENT = 0.1;
const MAX_SIGMA = 0.5;
const MIN_ALPHA = 1.1;
const MIN_T = 0.1;

const sigmaOf = (c0: number, c1: number, lnY: number) => {
  const inverse = c0 + c1 * lnY;
  return inverse > 1 / MAX_SIGMA ? 1 / inverse : MAX_SIGMA;
};

/**
 * GP App. A.1, individual profiles in a homogeneous medium, y = E/E_c:
 * ⟨ln T⟩ = ln(ln y − 0.812), ⟨ln α⟩ = ln(0.81 + (0.458 + 2.26/Z) ln y),
 * σ(ln T) = 1/(−1.4 + 1.26 ln y), σ(ln α) = 1/(−0.58 + 0.86 ln y), ρ = 0.705 − 0.023 ln y.
 * GP App. A.2, sampling: T and α shift by the sampling frequency and ê,
 * ⟨ln T⟩ = ln(e^{⟨ln T_hom⟩} − 0.55/F_S − 0.69 (1 − ê)), ⟨ln α⟩ = ln(e^{⟨ln α_hom⟩} − 0.476/F_S),
 * σ(ln T) = 1/(−2.5 + 1.25 ln y), σ(ln α) = 1/(−0.82 + 0.79 ln y), ρ = 0.784 − 0.023 ln y.
 */
export function profileLaw(medium: Medium, energy: number): ProfileLaw {
  const lnY = Math.log((1000 * energy) / medium.criticalEnergy);
  const Thom = Math.max(lnY - 0.812, MIN_LOG_ARGUMENT);
  const alphaHom = Math.max(0.81 + (0.458 + 2.26 / medium.Z) * lnY, MIN_LOG_ARGUMENT);
  if (medium.kind === 'homogeneous') {
    return {
      meanLnT: Math.log(Thom),
      meanLnAlpha: Math.log(alphaHom),
      sigmaLnT: sigmaOf(-1.4, 1.26, lnY),
      sigmaLnAlpha: sigmaOf(-0.58, 0.86, lnY),
      rho: 0.705 - 0.023 * lnY,
    };
  }
  return {
    meanLnT: Math.log(Math.max(Thom - 0.55 / medium.Fs - 0.69 * (1 - medium.eHat), MIN_LOG_ARGUMENT)),
    meanLnAlpha: Math.log(Math.max(alphaHom - 0.476 / medium.Fs, MIN_LOG_ARGUMENT)),
    sigmaLnT: sigmaOf(-2.5, 1.25, lnY),
    sigmaLnAlpha: sigmaOf(-0.82, 0.79, lnY),
    rho: 0.784 - 0.023 * lnY,
  };
}

/** A Gamma profile f(t) = β(βt)^{α−1} e^{−βt} / Γ(α) (GP Eq. (2)), maximum at T = (α − 1)/β (GP Eq. (3)). */
export interface GammaProfile {
  T: number;
  alpha: number;
  beta: number;
}

export function gammaProfile(T: number, alpha: number): GammaProfile {
  const a = Math.max(alpha, MIN_ALPHA);
  const t = Math.max(T, MIN_T);
  return { T: t, alpha: a, beta: (a - 1) / t };
}

/**
 * The profile for two independent standard normals (z1, z2): the correlated pair
 * ln T = ⟨ln T⟩ + σ_T (√((1+ρ)/2) z1 + √((1−ρ)/2) z2), ln α = ⟨ln α⟩ + σ_α (√((1+ρ)/2) z1 − √((1−ρ)/2) z2)
 * has correlation ρ (GP App. A.1).
 */
export function profileFromNormals(law: ProfileLaw, z1: number, z2: number): GammaProfile {
  const c1 = Math.sqrt((1 + law.rho) / 2);
  const c2 = Math.sqrt((1 - law.rho) / 2);
  const lnT = law.meanLnT + law.sigmaLnT * (c1 * z1 + c2 * z2);
  const lnAlpha = law.meanLnAlpha + law.sigmaLnAlpha * (c1 * z1 - c2 * z2);
  return gammaProfile(Math.exp(lnT), Math.exp(lnAlpha));
}

export function drawProfile(law: ProfileLaw, rng: Rng): GammaProfile {
  const z1 = rng.normal();
  const z2 = rng.normal();
  return profileFromNormals(law, z1, z2);
}

/** Share of the profile between depths t1 < t2: P(α, βt2) − P(α, βt1). */
export function profileFraction(p: GammaProfile, t1: number, t2: number): number {
  return gammaP(p.alpha, p.beta * t2) - gammaP(p.alpha, p.beta * t1);
}

/**
 * Longitudinal profile of the spots (GP App. A.1 / A.2): homogeneous T_s = T (0.698 + 0.00212 Z),
 * α_s = α (0.639 + 0.00334 Z); sampling T_s = T (0.813 + 0.0019 Z), α_s = α (0.844 + 0.0026 Z).
 */
export function spotProfile(medium: Medium, p: GammaProfile): GammaProfile {
  const Z = medium.Z;
  return medium.kind === 'homogeneous'
    ? gammaProfile(p.T * (0.698 + 0.00212 * Z), p.alpha * (0.639 + 0.00334 * Z))
    : gammaProfile(p.T * (0.813 + 0.0019 * Z), p.alpha * (0.844 + 0.0026 * Z));
}

/** GFlash's default sampling resolution, used for the spot count of a sampling layer that is not smeared (a = 0). */
const DEFAULT_SAMPLING_TERM = 0.11;

/** Number of spots of a shower of E GeV: homogeneous 93 ln Z E^0.876, sampling (10.3/a) E^0.959 (GP App. A.1 / A.2). */
export function spotCount(medium: Medium, energy: number): number {
  return medium.kind === 'homogeneous'
    ? 93 * Math.log(medium.Z) * Math.pow(energy, 0.876)
    : (10.3 / (medium.stochasticTerm || DEFAULT_SAMPLING_TERM)) * Math.pow(energy, 0.959);
}

/** Radial profile at one depth, radii in Molière radii: f(r) = p f_C(r) + (1 − p) f_T(r) (GP Eq. (23)). */
export interface RadialLaw {
  rCore: number;
  rTail: number;
  pCore: number;
}

/**
 * R_C, R_T and p at τ = t/T for a shower of E GeV (GP Eqs. (24)–(26), App. A.1.3):
 * R_C = z1 + z2 τ, z1 = 0.0251 + 0.00319 ln E, z2 = 0.1162 − 0.000381 Z;
 * R_T = k1 [e^{k3 (τ − k2)} + e^{k4 (τ − k2)}], k1 = 0.659 − 0.00309 Z, k2 = 0.645, k3 = −2.59, k4 = 0.3585 + 0.0412 ln E;
 * p = p1 exp[(p2 − τ)/p3 − e^{(p2 − τ)/p3}], p1 = 2.632 − 0.00094 Z, p2 = 0.401 + 0.00187 Z, p3 = 1.313 − 0.0686 ln E.
 * Sampling (GP App. A.2): R_C += −0.0203 (1 − ê) + 0.0397 e^{−τ}/F_S; R_T += −0.14 (1 − ê) − 0.495 e^{−τ}/F_S;
 * p += (1 − ê)(0.348 − 0.642 e^{−(τ−1)²}/F_S).
 */
export function radialLaw(medium: Medium, energy: number, tau: number): RadialLaw {
  const Z = medium.Z;
  const lnE = Math.log(energy);
  let rCore = 0.0251 + 0.00319 * lnE + (0.1162 - 0.000381 * Z) * tau;
  const k2 = 0.645;
  let rTail = (0.659 - 0.00309 * Z) * (Math.exp(-2.59 * (tau - k2)) + Math.exp((0.3585 + 0.0412 * lnE) * (tau - k2)));
  const u = (0.401 + 0.00187 * Z - tau) / (1.313 - 0.0686 * lnE);
  let pCore = (2.632 - 0.00094 * Z) * Math.exp(u - Math.exp(u));
  if (medium.kind === 'sampling') {
    const gap = 1 - medium.eHat;
    rCore += -0.0203 * gap + (0.0397 * Math.exp(-tau)) / medium.Fs;
    rTail += -0.14 * gap - (0.495 * Math.exp(-tau)) / medium.Fs;
    pCore += gap * (0.348 - (0.642 * Math.exp(-((tau - 1) ** 2))) / medium.Fs);
  }
  // Keep the two components proper distributions where the fits are extrapolated.
  return { rCore: Math.max(rCore, 1e-3), rTail: Math.max(rTail, 1e-3), pCore: Math.min(Math.max(pCore, 0), 1) };
}

/** Energy share within r (Molière radii): each component's CDF is r²/(r² + R²). */
export function radialContainment(law: RadialLaw, r: number): number {
  const r2 = r * r;
  return law.pCore * (r2 / (r2 + law.rCore ** 2)) + (1 - law.pCore) * (r2 / (r2 + law.rTail ** 2));
}

/** A radius (Molière radii): pick the core with probability p, then invert its CDF, r = R √(u/(1 − u)). */
export function drawRadius(law: RadialLaw, rng: Rng): number {
  const R = rng.uniform() < law.pCore ? law.rCore : law.rTail;
  const u = rng.uniform();
  return R * Math.sqrt(u / (1 - u));
}

/** Mean photon conversion depth, X0 (pair-production mean free path 9/7 X0). */
export const CONVERSION_MEAN_X0 = 9 / 7;
