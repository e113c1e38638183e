// Shower observables against tiny hand-made showers whose centre of gravity, layer energies, radial bins
// and hit-energy spectrum are worked out by hand below, on normal and on tilted incidence.
import { describe, expect, it } from 'vitest';
import { homogeneousBlock, ildCalorimeter } from '../../src/sims/showers/detector';
import { generateShowers, type Shower } from '../../src/sims/showers/generator';
import { tungsten } from '../../src/sims/showers/materials';
import { HIT_ENERGY_EDGES_GEV, RADIAL_EDGES_MM, binIndex, observeShower, observeShowers } from '../../src/sims/showers/observables';
import { mean } from './helpers';

const LAYER = 3.5; // mm per layer
const block = homogeneousBlock(tungsten, { layers: 4, layerThickness: LAYER, cellSize: 5 });

function shower(hits: Shower['hits'], over: Partial<Shower> = {}): Shower {
  return { particle: 'electron', energy: 10, theta: 0, phi: 0, x: 0, y: 0, start: 0, hits, ...over };
}

/** Energy per RADIAL_EDGES_MM bin from [lower edge, energy] pairs written by hand. */
function radial(entries: [number, number][]): number[] {
  const out = new Array<number>(RADIAL_EDGES_MM.length - 1).fill(0);
  for (const [edge, e] of entries) out[RADIAL_EDGES_MM.indexOf(edge)]! += e;
  return out;
}

const expectArrayClose = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 12));
};

describe('observables of a hand-made shower (normal incidence at x = y = 0)', () => {
  // Hits (x, y mm, layer, GeV). Total 1 GeV.
  // CoG x = 0.12·5 + 0.3·(−30) = −8.4; y = 0.08·10 + 0.3·40 = 12.8; layer = 0.3 + 0.08 + 2·0.3 = 0.98.
  const s = shower([
    { x: 0, y: 0, layer: 0, e: 0.2 },
    { x: 5, y: 0, layer: 0, e: 0.12 },
    { x: 0, y: 0, layer: 1, e: 0.3 },
    { x: 0, y: 10, layer: 1, e: 0.08 },
    { x: -30, y: 40, layer: 2, e: 0.3 },
  ]);
  const o = observeShower(block, s);

  it('counts hits and sums the visible energy', () => {
    expect(o.hits).toBe(5);
    expect(o.visibleEnergy).toBeCloseTo(1, 12);
    expect(o.visibleFraction).toBeCloseTo(0.1, 12);
    expect(o.incidentEnergy).toBe(10);
  });

  it('finds the energy-weighted centre of gravity', () => {
    expect(o.cogX).toBeCloseTo(-8.4, 12);
    expect(o.cogY).toBeCloseTo(12.8, 12);
    expect(o.cogLayer).toBeCloseTo(0.98, 12);
  });

  it('fills the longitudinal profile and the per-layer occupancy', () => {
    expectArrayClose(o.layerEnergy, [0.32, 0.38, 0.3, 0]);
    expectArrayClose(o.layerHits, [2, 2, 1, 0]);
  });

  it('bins the energy by distance from the axis', () => {
    // Radii 0, 5, 0, 10, 50 mm.
    expectArrayClose(o.hitRadius, [0, 5, 0, 10, 50]);
    expectArrayClose(o.radialAxis, radial([[0, 0.5], [4, 0.12], [8, 0.08], [48, 0.3]]));
  });

  it('bins the energy by distance from the centre of gravity', () => {
    // From (−8.4, 12.8): (0, 0) → 15.31 (twice), (5, 0) → 18.53, (0, 10) → 8.85, (−30, 40) → 34.73 mm.
    expectArrayClose(o.radialCog, radial([[12, 0.5], [16, 0.12], [8, 0.08], [32, 0.3]]));
  });

  it('histograms hit energies in log bins of 1/5 decade', () => {
    // k = ⌊5 (log10 e + 6)⌋: 0.2 → 26, 0.12 → 25, 0.3 → 27 (twice), 0.08 → 24.
    const expected = new Array<number>(HIT_ENERGY_EDGES_GEV.length - 1).fill(0);
    [26, 25, 27, 27, 24].forEach((k) => expected[k]!++);
    expectArrayClose(o.hitSpectrum, expected);
    expect([o.hitsBelowSpectrum, o.hitsAboveSpectrum]).toEqual([0, 0]);
    expectArrayClose(o.hitEnergy, [0.2, 0.12, 0.3, 0.08, 0.3]);
  });
});

describe('observables, edge cases', () => {
  it('measures radii from the axis crossing of each layer on a tilted shower', () => {
    // θ = 0.3, φ = 0.5, entry (2, −1): the axis crosses the middle of layer ℓ, z = (ℓ + ½)·3.5 mm, at
    // entry + z tan θ (cos φ, sin φ). Hits on the crossing, one 6 mm off it in x in layer 1.
    const [theta, phi, x0, y0] = [0.3, 0.5, 2, -1];
    const crossing = (l: number) => {
      const reach = (l + 0.5) * LAYER * Math.tan(theta);
      return [x0 + reach * Math.cos(phi), y0 + reach * Math.sin(phi)] as const;
    };
    const hits = [0, 1, 2, 3].map((l) => ({ x: crossing(l)[0], y: crossing(l)[1], layer: l, e: 0.25 }));
    hits.push({ x: crossing(1)[0] + 6, y: crossing(1)[1], layer: 1, e: 0.5 });
    const o = observeShower(block, shower(hits, { theta, phi, x: x0, y: y0 }));
    hits.slice(0, 4).forEach((_, i) => expect(o.hitRadius[i]).toBeLessThan(1e-12));
    expect(o.hitRadius[4]).toBeCloseTo(6, 12);
    expectArrayClose(o.radialAxis, radial([[0, 1], [4, 0.5]]));
  });

  it('counts hits outside the spectrum range apart', () => {
    const o = observeShower(block, shower([
      { x: 0, y: 0, layer: 0, e: 5e-7 },
      { x: 0, y: 0, layer: 1, e: 20 },
      { x: 0, y: 0, layer: 2, e: 1e-3 },
    ]));
    expect([o.hitsBelowSpectrum, o.hitsAboveSpectrum]).toEqual([1, 1]);
    expect(o.hitSpectrum.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('leaves the centre of gravity undefined for a shower without hits', () => {
    const o = observeShower(block, shower([]));
    expect([o.hits, o.visibleEnergy]).toEqual([0, 0]);
    expect([o.cogX, o.cogY, o.cogLayer].every(Number.isNaN)).toBe(true);
    expect(o.radialAxis.every((e) => e === 0)).toBe(true);
  });

  it('puts a value on an edge into the bin above it', () => {
    expect(binIndex(RADIAL_EDGES_MM, 0)).toBe(0);
    expect(binIndex(RADIAL_EDGES_MM, 4)).toBe(1);
    expect(binIndex(RADIAL_EDGES_MM, 1e9)).toBe(RADIAL_EDGES_MM.length - 2);
    expect(binIndex(RADIAL_EDGES_MM, -1)).toBe(-1);
  });
});

describe('observables of generated showers (ILD-like, 15 mm cells, 10 GeV electrons)', () => {
  it('sum to the shower totals and match the README numbers', () => {
    const ild = ildCalorimeter({ ecalCellSize: 15 });
    const showers = generateShowers(ild, { particle: 'electron', energy: 10 }, { seed: 5, count: 200 });
    const obs = observeShowers(ild, showers);
    for (const o of obs) {
      const total = o.visibleEnergy;
      expect(o.layerEnergy.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 12);
      expect(o.radialAxis.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 12);
      expect(o.radialCog.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 12);
      expect(o.hitSpectrum.reduce((a, b) => a + b, 0) + o.hitsBelowSpectrum + o.hitsAboveSpectrum).toBe(o.hits);
    }
    const hits = mean(obs.map((o) => o.hits));
    const fraction = mean(obs.map((o) => o.visibleFraction));
    const core = mean(obs.map((o) => (o.radialAxis[0]! + o.radialAxis[1]! + o.radialAxis[2]!) / o.visibleEnergy));
    console.log(`10 GeV e-, 15 mm cells: ${hits.toFixed(1)} hits, visible/E ${fraction.toFixed(4)}, share in the cell on the axis (r < 12 mm) ${core.toFixed(3)}`);
    // README: ~97 hits with 15 mm cells; visible/E 0.040–0.037 over 2–50 GeV.
    expect(Math.abs(hits - 97)).toBeLessThan(8);
    expect(fraction).toBeGreaterThan(0.036);
    expect(fraction).toBeLessThan(0.042);
  });
});
