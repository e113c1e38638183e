// The generator as a reusable piece: bit-for-bit reproducible per seed and per shower index (so a batch
// can be split between workers), different for another seed, and following a tilted axis layer by layer.
import { beforeAll, describe, expect, it } from 'vitest';
import { benchShowers } from '../../src/sims/showers/bench';
import { ildCalorimeter } from '../../src/sims/showers/detector';
import { develop, generateShowers, placeSpots, type Shower } from '../../src/sims/showers/generator';
import { Rng } from '../../src/sims/showers/random';
import { traceAxis } from '../../src/sims/showers/trajectory';
import { mean, standardError } from './helpers';

const ild = ildCalorimeter();

/** Every number of a run, in order, as bytes. */
function bytes(showers: Shower[]): Uint8Array {
  const values = showers.flatMap((s) => [s.energy, s.start, s.hits.length, ...s.hits.flatMap((h) => [h.x, h.y, h.layer, h.e])]);
  return new Uint8Array(Float64Array.from(values).buffer);
}

describe('reproducibility', () => {
  const request = { particle: 'photon', energy: 7, theta: 0.2, phi: 1 } as const;

  it('gives identical hits, bit for bit, for the same seed', () => {
    const [a, b] = [generateShowers(ild, request, { seed: 5, count: 20 }), generateShowers(ild, request, { seed: 5, count: 20 })];
    expect(a.reduce((n, s) => n + s.hits.length, 0)).toBeGreaterThan(1000);
    expect(bytes(a)).toEqual(bytes(b));
  });

  it('gives different hits for a different seed', () => {
    const [a, b] = [generateShowers(ild, request, { seed: 5, count: 3 }), generateShowers(ild, request, { seed: 6, count: 3 })];
    expect(bytes(a)).not.toEqual(bytes(b));
    expect(a.map((s) => s.start)).not.toEqual(b.map((s) => s.start));
  });

  it('makes shower i the same whichever batch it is generated in', () => {
    const whole = generateShowers(ild, request, { seed: 9, count: 12 });
    const part = generateShowers(ild, request, { seed: 9, first: 7, count: 5 });
    expect(bytes(part)).toEqual(bytes(whole.slice(7)));
  });
});

it('generates 1000 showers of 10 GeV in seconds (benchShowers)', () => {
  const result = benchShowers(ild, { particle: 'electron', energy: 10 }, 1000);
  console.log(`${result.showersPerSecond.toFixed(0)} showers/s, ${result.meanHits.toFixed(0)} hits per shower`);
  // ~0.4–1 s on one core here; 20 s leaves room for a slow, shared machine.
  expect(result.seconds).toBeLessThan(20);
  expect(result.meanHits).toBeGreaterThan(100);
});

describe('a tilted axis (θ = 0.6, φ = 0.7) through the ILD-like stack', () => {
  const [theta, phi] = [0.6, 0.7];
  const axis = traceAxis(ild, { theta, phi, x: 0, y: 0 });
  const [batches, perBatch, energy] = [10, 50, 10];
  const layers = [2, 8, 15, 25];
  // Per batch and layer: median spot offsets along the azimuth direction and across it.
  const medians = layers.map(() => ({ along: [] as number[], across: [] as number[], absAlong: [] as number[], absAcross: [] as number[] }));
  beforeAll(() => {
    for (let b = 0; b < batches; b++) {
      const offsets = layers.map(() => ({ along: [] as number[], across: [] as number[] }));
      for (let n = 0; n < perBatch; n++) {
        const rng = Rng.forShower(50, b * perBatch + n);
        placeSpots(develop(ild, axis, { particle: 'electron', energy, theta, phi }, rng), axis, rng, (layer, x, y) => {
          const k = layers.indexOf(layer);
          if (k < 0) return;
          const [dx, dy] = [x - axis.x[layer]!, y - axis.y[layer]!];
          offsets[k]!.along.push(dx * Math.cos(phi) + dy * Math.sin(phi));
          offsets[k]!.across.push(-dx * Math.sin(phi) + dy * Math.cos(phi));
        });
      }
      offsets.forEach((o, k) => {
        medians[k]!.along.push(median(o.along));
        medians[k]!.across.push(median(o.across));
        medians[k]!.absAlong.push(median(o.along.map(Math.abs)));
        medians[k]!.absAcross.push(median(o.across.map(Math.abs)));
      });
    }
  });

  it('crosses each layer at z tan θ (cos φ, sin φ)', () => {
    layers.forEach((layer) => {
      const reach = (ild.layers[layer]!.zActive - ild.front) * Math.tan(theta);
      expect(axis.x[layer]).toBeCloseTo(reach * Math.cos(phi), 9);
      expect(axis.y[layer]).toBeCloseTo(reach * Math.sin(phi), 9);
    });
    // Material along the axis grows as 1/cos θ.
    expect(axis.tOut[29]).toBeCloseTo(24.15 / Math.cos(theta), 2);
  });

  it('centres the spots of every layer on the axis crossing (median offsets 0 within 4 standard errors)', () => {
    medians.forEach((m) => {
      for (const values of [m.along, m.across]) expect(Math.abs(mean(values))).toBeLessThan(4 * standardError(values) + 1e-9);
    });
  });

  it('stretches the spot pattern by 1/cos θ along the azimuth (the transverse plane seen on a tilted layer)', () => {
    medians.forEach((m) => {
      const ratio = mean(m.absAlong) / mean(m.absAcross);
      const error = ratio * Math.hypot(standardError(m.absAlong) / mean(m.absAlong), standardError(m.absAcross) / mean(m.absAcross));
      console.log(`|along|/|across| = ${ratio.toFixed(3)} ± ${error.toFixed(3)}, 1/cos θ = ${(1 / Math.cos(theta)).toFixed(3)}`);
      expect(Math.abs(ratio - 1 / Math.cos(theta))).toBeLessThan(4 * error);
    });
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
