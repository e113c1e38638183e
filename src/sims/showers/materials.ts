// Calorimeter materials with the constants the shower code needs, from the PDG "Atomic and nuclear
// properties of materials" tables (pdg.lbl.gov/AtomicNuclearProperties, one page per material).
// Lengths are given in g/cm² as tabulated and converted to mm by the density, so the two never disagree.

export interface Material {
  name: string;
  /** Atomic number; for a compound the mass-weighted mean (what GFlash's mixture rules use). */
  Z: number;
  /** Atomic mass (g/mol); mass-weighted mean for a compound. */
  A: number;
  /** Mean Z/A counted over electrons (differs from Z/A above for a compound with hydrogen). */
  ZoverA: number;
  /** Density, g/cm³. */
  density: number;
  /** Radiation length X0, g/cm² and mm. */
  X0: number;
  X0mm: number;
  /** Nuclear interaction length λ_I, g/cm² and mm. */
  lambdaI: number;
  lambdaImm: number;
  /** Molière radius R_M, mm. */
  moliereRadiusMm: number;
  /** Critical energy for electrons (Rossi definition, as the PDG tabulates it), MeV. */
  criticalEnergy: number;
  /** Minimum ionisation dE/dx, MeV cm²/g (sets the MIP sampling fraction). */
  dEdxMin: number;
}

type Tabulated = Omit<Material, 'X0mm' | 'lambdaImm'>;

/** g/cm² → mm at density ρ (g/cm³). */
export function areal2mm(arealDensity: number, density: number): number {
  return (10 * arealDensity) / density;
}

function material(m: Tabulated): Material {
  return { ...m, X0mm: areal2mm(m.X0, m.density), lambdaImm: areal2mm(m.lambdaI, m.density) };
}

/** PDG "Tungsten (W)": X0 = 6.76 g/cm² (0.3504 cm), λ_I = 191.9 g/cm² (9.946 cm), R_M = 0.9327 cm, E_c(e⁻) = 7.97 MeV. */
export const tungsten = material({
  name: 'tungsten',
  Z: 74,
  A: 183.84,
  ZoverA: 0.40252,
  density: 19.3,
  X0: 6.76,
  lambdaI: 191.9,
  moliereRadiusMm: 9.327,
  criticalEnergy: 7.97,
  dEdxMin: 1.145,
});

/** PDG "Silicon (Si)": X0 = 21.82 g/cm² (9.370 cm), λ_I = 108.4 g/cm² (46.52 cm), R_M = 4.944 cm, E_c(e⁻) = 40.19 MeV. */
export const silicon = material({
  name: 'silicon',
  Z: 14,
  A: 28.0855,
  ZoverA: 0.49848,
  density: 2.329,
  X0: 21.82,
  lambdaI: 108.4,
  moliereRadiusMm: 49.44,
  criticalEnergy: 40.19,
  dEdxMin: 1.664,
});

/** PDG "Iron (Fe)": X0 = 13.84 g/cm² (1.757 cm), λ_I = 132.1 g/cm² (16.77 cm), R_M = 1.719 cm, E_c(e⁻) = 21.68 MeV. */
export const iron = material({
  name: 'iron',
  Z: 26,
  A: 55.845,
  ZoverA: 0.46557,
  density: 7.874,
  X0: 13.84,
  lambdaI: 132.1,
  moliereRadiusMm: 17.19,
  criticalEnergy: 21.68,
  dEdxMin: 1.451,
});

/**
 * PDG "Polystyrene" (C8H8, the base of the scintillator tiles): X0 = 43.79 g/cm² (41.31 cm),
 * λ_I = 81.7 g/cm² (77.07 cm), ⟨Z/A⟩ = 0.53768, E_c(e⁻) = 93.11 MeV; R_M = 21.2 MeV · X0 / E_c.
 * Z and A are the mass-weighted means of C (92.26 %) and H (7.74 %).
 */
export const polystyrene = material({
  name: 'polystyrene',
  Z: 5.613,
  A: 11.16,
  ZoverA: 0.53768,
  density: 1.06,
  X0: 43.79,
  lambdaI: 81.7,
  moliereRadiusMm: 94.1,
  criticalEnergy: 93.11,
  dEdxMin: 2.052,
});

export const materials = { tungsten, silicon, iron, polystyrene } as const;

/** Scale energy of the Molière radius, E_s = m_e c² √(4π/α), MeV. */
export const SCALE_ENERGY_MEV = 21.2052;
