// From deposited energy to read-out hits: energy is summed per cell, smeared for the sampling
// fluctuation, scaled by the layer's sampling fraction and cut at the cell threshold. Any shower
// model (GFlash spots now, a hadronic toy later) feeds it through `deposit`.
import { cellIndex, cellKey, decodeCellKey, inGrid, type Detector } from './detector';
import type { Rng } from './random';

/** A read-out hit: cell centre (mm), layer index, visible energy (GeV). */
export interface Hit {
  x: number;
  y: number;
  layer: number;
  e: number;
}

/** Receives energy deposited (GeV) in layer `layer` at (x, y) mm. */
export type DepositSink = (layer: number, x: number, y: number, e: number) => void;

export class CellAccumulator {
  /** Deposited energy (GeV, absorber + active) per cell key, in first-deposit order. */
  private readonly cells = new Map<number, number>();

  constructor(private readonly detector: Detector) {}

  /** Adds energy deposited in layer `layer` (its sampling cell: absorber and active slab) at (x, y) mm. */
  deposit(layer: number, x: number, y: number, e: number): void {
    const size = this.detector.layers[layer]!.cellSize;
    const i = cellIndex(size, x);
    const j = cellIndex(size, y);
    if (!inGrid(i, j)) return; // beyond ±164 m: not part of the calorimeter
    const key = cellKey(layer, i, j);
    this.cells.set(key, (this.cells.get(key) ?? 0) + e);
  }

  /**
   * The hits: per cell, the deposited energy E_dep (GeV) becomes Gamma(shape E_dep/a², scale a²) — mean E_dep,
   * variance a² E_dep, so summed over cells σ/E = a/√E, GFlash's sampling fluctuation; smearing per cell equals
   * smearing per spot because Gammas of one scale add — times the sampling fraction; cells under threshold are dropped.
   */
  hits(rng: Rng): Hit[] {
    const hits: Hit[] = [];
    for (const [key, deposited] of this.cells) {
      const { layer: index, i, j } = decodeCellKey(key);
      const layer = this.detector.layers[index]!;
      const a2 = layer.stochasticTerm ** 2;
      const smeared = a2 > 0 ? rng.gamma(deposited / a2, a2) : deposited;
      const e = smeared * layer.samplingFraction;
      if (!(e > 0) || e < layer.threshold) continue;
      hits.push({ x: i * layer.cellSize, y: j * layer.cellSize, layer: index, e });
    }
    return hits;
  }
}
