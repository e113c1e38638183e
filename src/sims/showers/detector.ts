// Calorimeter geometry as plain data (so it can be posted to a Web Worker): an ILD-like Si–W ECAL and
// steel–scintillator HCAL, a homogeneous block for tests, and the (x, y, layer) → cell map.
// Lengths in mm along z (the stack axis), energies in GeV.
import { iron, polystyrene, silicon, tungsten, type Material } from './materials';

export interface Slab {
  material: Material;
  /** mm */
  thickness: number;
}

export type Section = 'ecal' | 'hcal' | 'block';

export interface Layer {
  index: number;
  section: Section;
  /** Passive plate in front of the active slab; null in a homogeneous layer (all of it is read out). */
  absorber: Slab | null;
  active: Slab;
  /** z of the layer's front face, of the middle of its active slab, and of its back face (mm). */
  zFront: number;
  zActive: number;
  zBack: number;
  /** Material budget at normal incidence, absorber + active, in X0 and in λ_I. */
  x0: number;
  lambdaI: number;
  /** Share of the energy deposited in the layer that the active slab sees (1 in a homogeneous layer). */
  samplingFraction: number;
  /** Square cell pitch, mm. */
  cellSize: number;
  /** Cell threshold on visible energy, GeV. */
  threshold: number;
  /** Stochastic term a of the sampling fluctuation σ/E = a/√(E/GeV) (0 in a homogeneous layer). */
  stochasticTerm: number;
}

export interface Detector {
  name: string;
  /** z of the front face, mm. */
  front: number;
  layers: Layer[];
}

export interface LayerSpec {
  section: Section;
  absorber: Slab | null;
  active: Slab;
  cellSize: number;
  threshold: number;
  stochasticTerm: number;
  /** Empty space before this layer, mm. */
  gapBefore?: number;
}

/** Energy a MIP deposits in a slab (MeV), from the PDG minimum dE/dx. */
export function mipDeposit(slab: Slab): number {
  return slab.material.dEdxMin * slab.material.density * (slab.thickness / 10);
}

/**
 * MIP sampling fraction: the active slab's share of a minimum-ionising particle's energy loss in the
 * layer. The e/mip ratio (< 1 for a high-Z absorber, GFlash's ê) is not folded in: it shifts the scale
 * of the visible energy, not its linearity, and a calibration would absorb it.
 */
export function mipSamplingFraction(absorber: Slab | null, active: Slab): number {
  if (!absorber || absorber.thickness === 0) return 1;
  const seen = mipDeposit(active);
  return seen / (seen + mipDeposit(absorber));
}

function budget(slab: Slab | null, length: (m: Material) => number): number {
  return slab ? slab.thickness / length(slab.material) : 0;
}

/** Places the layers one after another from `front`. */
export function stack(name: string, front: number, specs: LayerSpec[]): Detector {
  let z = front;
  const layers = specs.map((spec, index): Layer => {
    z += spec.gapBefore ?? 0;
    const zFront = z;
    const absorberThickness = spec.absorber?.thickness ?? 0;
    const zActive = zFront + absorberThickness + spec.active.thickness / 2;
    z = zFront + absorberThickness + spec.active.thickness;
    return {
      index,
      section: spec.section,
      absorber: spec.absorber,
      active: spec.active,
      zFront,
      zActive,
      zBack: z,
      x0: budget(spec.absorber, (m) => m.X0mm) + budget(spec.active, (m) => m.X0mm),
      lambdaI: budget(spec.absorber, (m) => m.lambdaImm) + budget(spec.active, (m) => m.lambdaImm),
      samplingFraction: mipSamplingFraction(spec.absorber, spec.active),
      cellSize: spec.cellSize,
      threshold: spec.threshold,
      stochasticTerm: spec.stochasticTerm,
    };
  });
  return { name, front, layers };
}

export interface IldOptions {
  /** z of the ECAL front face, mm (ILD's barrel ECAL starts at r = 1805 mm). */
  front?: number;
  /** ECAL cell pitch, mm (ILD: 5). */
  ecalCellSize?: number;
  /** HCAL tile pitch, mm (ILD AHCAL: 30). */
  hcalCellSize?: number;
  /** Empty space between the ECAL and the HCAL, mm. */
  gap?: number;
  /** Cell thresholds on visible energy, GeV (0.1 MeV ECAL, 0.25 MeV HCAL: about half a MIP). */
  ecalThreshold?: number;
  hcalThreshold?: number;
  /**
   * Sampling stochastic terms for EM showers: ECAL 0.11 (GFlash's default for a sampling calorimeter);
   * HCAL 0.219 (CALICE AHCAL, positrons: 21.9 %/√E, JINST 6 (2011) P04003).
   */
  ecalStochasticTerm?: number;
  hcalStochasticTerm?: number;
}

export const ILD = {
  ecalLayers: 30,
  /** Layers 1–20 carry 2.1 mm of W, layers 21–30 4.2 mm; 0.525 mm Si in every layer. */
  ecalThinLayers: 20,
  tungstenThin: 2.1,
  tungstenThick: 4.2,
  silicon: 0.525,
  hcalLayers: 48,
  steel: 20,
  scintillator: 3,
} as const;

/** The ILD-like calorimeter: 30 Si–W ECAL layers (≈ 24 X0) then 48 steel–scintillator HCAL layers. */
export function ildCalorimeter(options: IldOptions = {}): Detector {
  const ecal = {
    section: 'ecal' as const,
    active: { material: silicon, thickness: ILD.silicon },
    cellSize: options.ecalCellSize ?? 5,
    threshold: options.ecalThreshold ?? 0.1e-3,
    stochasticTerm: options.ecalStochasticTerm ?? 0.11,
  };
  const hcal = {
    section: 'hcal' as const,
    absorber: { material: iron, thickness: ILD.steel },
    active: { material: polystyrene, thickness: ILD.scintillator },
    cellSize: options.hcalCellSize ?? 30,
    threshold: options.hcalThreshold ?? 0.25e-3,
    stochasticTerm: options.hcalStochasticTerm ?? 0.219,
  };
  const specs: LayerSpec[] = [];
  for (let i = 0; i < ILD.ecalLayers; i++) {
    const w = i < ILD.ecalThinLayers ? ILD.tungstenThin : ILD.tungstenThick;
    specs.push({ ...ecal, absorber: { material: tungsten, thickness: w } });
  }
  for (let i = 0; i < ILD.hcalLayers; i++) specs.push({ ...hcal, gapBefore: i === 0 ? (options.gap ?? 0) : 0 });
  return stack('ILD-like', options.front ?? 0, specs);
}

export interface BlockOptions {
  layers: number;
  /** mm per layer */
  layerThickness: number;
  cellSize: number;
  front?: number;
}

/** A homogeneous block of one material cut into read-out layers: no absorber, no threshold, no sampling fluctuation. */
export function homogeneousBlock(material: Material, options: BlockOptions): Detector {
  const spec: LayerSpec = {
    section: 'block',
    absorber: null,
    active: { material, thickness: options.layerThickness },
    cellSize: options.cellSize,
    threshold: 0,
    stochasticTerm: 0,
  };
  return stack(`${material.name} block`, options.front ?? 0, Array.from({ length: options.layers }, () => spec));
}

/** Material budget of the layers of one section (all layers when omitted), at normal incidence. */
export function materialBudget(detector: Detector, section?: Section): { x0: number; lambdaI: number } {
  const layers = detector.layers.filter((l) => !section || l.section === section);
  return { x0: layers.reduce((s, l) => s + l.x0, 0), lambdaI: layers.reduce((s, l) => s + l.lambdaI, 0) };
}

export interface Cell {
  layer: number;
  /** Integer cell coordinates; cell (0, 0) is centred on x = y = 0. */
  i: number;
  j: number;
  /** Cell centre, mm. */
  x: number;
  y: number;
  /** A number unique to (layer, i, j), for maps. */
  key: number;
}

/** Cells per half-axis the grid holds (±32767 cells: ±164 m at 5 mm). */
const HALF = 1 << 15;
const LAYER_STRIDE = 4294967296;

/** Index of the cell containing coordinate x along one axis (cell 0 is centred on 0). */
export function cellIndex(cellSize: number, x: number): number {
  return Math.round(x / cellSize) + 0; // + 0 turns −0 into 0
}

export function inGrid(i: number, j: number): boolean {
  return Math.abs(i) < HALF && Math.abs(j) < HALF;
}

export function cellKey(layer: number, i: number, j: number): number {
  return layer * LAYER_STRIDE + (i + HALF) * 65536 + (j + HALF);
}

export function decodeCellKey(key: number): { layer: number; i: number; j: number } {
  const layer = Math.floor(key / LAYER_STRIDE);
  const rest = key - layer * LAYER_STRIDE;
  return { layer, i: Math.floor(rest / 65536) - HALF, j: (rest % 65536) - HALF };
}

/** The cell of layer `layer` containing (x, y), with its centre. */
export function cellOf(detector: Detector, x: number, y: number, layer: number): Cell {
  const size = detector.layers[layer]!.cellSize;
  const i = cellIndex(size, x);
  const j = cellIndex(size, y);
  if (!inGrid(i, j)) throw new RangeError(`cellOf: (${x}, ${y}) mm is outside the cell grid`);
  return { layer, i, j, x: i * size, y: j * size, key: cellKey(layer, i, j) };
}
