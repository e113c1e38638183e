// snapToCells against a direct construction: points placed at known offsets inside known cells.
import { describe, expect, it } from 'vitest';
import { ildCalorimeter } from '../../src/sims/showers/detector';
import { snapToCells } from '../../src/sims/showers/flow/cells';

const detector = ildCalorimeter({ front: 0, ecalCellSize: 15, hcalCellSize: 30 });
const ecal = detector.layers[0]!;
const hcal = detector.layers[40]!;

describe('snapToCells', () => {
  it('moves points to their cell centre and sums the energy of points sharing a cell', () => {
    const e = 10 * ecal.threshold;
    const hits = snapToCells(detector, [
      { x: 7, y: -7, layer: 0, e }, // cell (0, 0): |x| < 7.5
      { x: -7.4, y: 7.4, layer: 0, e }, // the same cell
      { x: 8, y: 0, layer: 0, e }, // cell (1, 0), centre x = 15
      { x: 8, y: 0, layer: 1, e }, // another layer: another cell
      { x: 44, y: -16, layer: 40, e: 10 * hcal.threshold }, // HCAL 30 mm: cell (1, −1)
    ]);
    const key = (h: { x: number; y: number; layer: number }) => `${h.layer}:${h.x}:${h.y}`;
    const byCell = new Map(hits.map((h) => [key(h), h.e]));
    expect(hits).toHaveLength(4);
    expect(byCell.get('0:0:0')).toBeCloseTo(2 * e, 12);
    expect(byCell.get('0:15:0')).toBeCloseTo(e, 12);
    expect(byCell.get('1:15:0')).toBeCloseTo(e, 12);
    expect(byCell.get('40:30:-30')).toBeCloseTo(10 * hcal.threshold, 12);
  });

  it('drops cells under the threshold after merging, and points without energy or layer', () => {
    const half = 0.6 * ecal.threshold;
    const hits = snapToCells(detector, [
      { x: 0, y: 0, layer: 0, e: half },
      { x: 1, y: 1, layer: 0, e: half }, // merged: 1.2 × threshold, kept
      { x: 100, y: 0, layer: 0, e: half }, // alone: under threshold
      { x: 0, y: 0, layer: 2, e: 0 },
      { x: 0, y: 0, layer: 999, e: 1 },
    ]);
    expect(hits).toEqual([{ x: 0, y: 0, layer: 0, e: 2 * half }]);
  });
});
