// Generated points back to read-out cells: each point's (x, y) goes to the centre of the cell of its
// layer that contains it, points in one cell merge (energies add, as deposits do in digitise.ts), and
// cells under the layer's threshold are dropped, as the read-out drops them. A model's showers then
// have the generator's granularity, so per-cell observables (hits, hit energies) compare like for like.
import { cellIndex, cellKey, decodeCellKey, inGrid, type Detector } from '../detector';
import type { Hit } from '../digitise';

export function snapToCells(detector: Detector, points: readonly Hit[]): Hit[] {
  const cells = new Map<number, number>();
  for (const p of points) {
    const layer = detector.layers[p.layer];
    if (!layer || !(p.e > 0)) continue;
    const i = cellIndex(layer.cellSize, p.x);
    const j = cellIndex(layer.cellSize, p.y);
    if (!inGrid(i, j)) continue;
    const key = cellKey(p.layer, i, j);
    cells.set(key, (cells.get(key) ?? 0) + p.e);
  }
  const hits: Hit[] = [];
  for (const [key, e] of cells) {
    const { layer, i, j } = decodeCellKey(key);
    const { cellSize, threshold } = detector.layers[layer]!;
    if (e >= threshold) hits.push({ x: i * cellSize, y: j * cellSize, layer, e });
  }
  return hits;
}
