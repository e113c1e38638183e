// Generator showers → training arrays: statistics against an independent float64 computation, the
// standardisation round trip, padding and mask, per-layer counts against observables.ts, the refusal of
// a shower larger than K, and shower → batch → hits.
import { describe, expect, it } from 'vitest';
import { detectorOf, generateEvents, type AnyShower, type EventSpec } from '../../src/sims/showers/events';
import {
  batchHits,
  buildBatch,
  computeStats,
  countFeature,
  countFromFeature,
  featureStats,
  maxHits,
  PADDING,
  standardise,
  unstandardise,
} from '../../src/sims/showers/flow/dataset';
import { pairBatch } from '../../src/sims/showers/flow/pairing';
import { observeShower } from '../../src/sims/showers/observables';
import { PARTICLES } from '../../src/sims/showers/params';
import { Rng } from '../../src/sims/showers/random';
import { mean, sd } from './helpers';

const spec = (particle: EventSpec['particle'], seed: number): EventSpec => ({
  particle,
  energy: { lo: 2, hi: 20 },
  theta: 0.3,
  phi: 1,
  seed,
  detector: { front: 0, ecalCell: 15, hcalCell: 30 }, // coarse cells: showers of tens of hits
});
const detector = detectorOf(spec('electron', 1));
const showers: AnyShower[] = [
  ...generateEvents(detector, spec('electron', 1), 0, 8),
  ...generateEvents(detector, spec('photon', 2), 0, 4),
  ...generateEvents(detector, spec('pion', 3), 0, 6),
];
const stats = computeStats(showers);
const K = maxHits(showers) + 5; // every shower has padding

describe('dataset statistics', () => {
  it('match an independent float64 computation (population std)', () => {
    const hits = showers.flatMap((s) => s.hits);
    const columns = [hits.map((h) => h.x), hits.map((h) => h.y), hits.map((h) => Math.log(h.e))];
    const population = (xs: number[]) => sd(xs) * Math.sqrt((xs.length - 1) / xs.length);
    columns.forEach((c, d) => {
      expect(stats.points.mean[d]).toBeCloseTo(mean(c), 10);
      expect(stats.points.std[d]! / population(c)).toBeCloseTo(1, 12);
    });
    const lnE = showers.map((s) => Math.log(s.energy));
    expect(stats.energy.mean[0]).toBeCloseTo(mean(lnE), 12);
    expect(stats.energy.std[0]! / population(lnE)).toBeCloseTo(1, 12);
  });

  it('are plain JSON, and a constant feature is only centred (std 1)', () => {
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    expect(featureStats(Float64Array.of(2.5, 2.5, 2.5), 1)).toEqual({ mean: [2.5], std: [1] });
  });

  it('standardise and unstandardise are inverse (float64, in place too)', () => {
    const rng = new Rng(8);
    const v = Float64Array.from({ length: 3 * 50 }, () => 100 * rng.normal());
    const w = standardise(stats.points, v);
    const back = unstandardise(stats.points, w);
    v.forEach((x, k) => expect(Math.abs(back[k]! - x)).toBeLessThan(1e-12 * (1 + Math.abs(x))));
    const copy = v.slice();
    unstandardise(stats.points, standardise(stats.points, copy, copy), copy);
    copy.forEach((x, k) => expect(Math.abs(x - v[k]!)).toBeLessThan(1e-12 * (1 + Math.abs(v[k]!))));
    // Standardised hits have mean 0 and std 1 per feature.
    const all = standardise(stats.points, Float64Array.from(showers.flatMap((s) => s.hits.flatMap((h) => [h.x, h.y, Math.log(h.e)]))));
    const again = featureStats(Float64Array.from(all), 3);
    again.mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-12));
    again.std.forEach((s) => expect(s).toBeCloseTo(1, 12));
  });

  it('ln(n + 0.5) counts round-trip', () => {
    for (let n = 0; n <= 1000; n++) expect(countFromFeature(countFeature(n))).toBe(n);
    expect(countFeature(0)).toBe(Math.log(0.5));
  });
});

describe('buildBatch', () => {
  const batch = buildBatch(showers, stats, detector, K);
  const L = detector.layers.length;

  it('sizes the arrays for S showers × K tokens × L layers', () => {
    expect([batch.showers, batch.tokens, batch.layers]).toEqual([showers.length, K, L]);
    expect([batch.points.length, batch.tok.length, batch.counts.length, batch.direction.length]).toEqual([showers.length * K * 3, showers.length * K, showers.length * L, showers.length * 3]);
  });

  it('marks padding with tok −1 and zero points, real tokens with their layer, sorted', () => {
    showers.forEach((shower, s) => {
      const n = shower.hits.length;
      expect(batch.hits[s]).toBe(n);
      expect(n).toBeLessThan(K);
      const tok = Array.from(batch.tok.subarray(s * K, (s + 1) * K));
      expect(tok.slice(n).every((t) => t === PADDING)).toBe(true);
      expect(Array.from(batch.points.subarray((s * K + n) * 3, (s + 1) * K * 3)).every((v) => v === 0)).toBe(true);
      const real = tok.slice(0, n);
      expect(real.every((t, i) => t >= 0 && (i === 0 || t >= real[i - 1]!))).toBe(true);
    });
  });

  it('counts hits per layer as observables.ts does; ln(n + 0.5) beside them', () => {
    showers.forEach((shower, s) => {
      const expected = observeShower(detector, shower).layerHits;
      expect(Array.from(batch.counts.subarray(s * L, (s + 1) * L))).toEqual(Array.from(expected));
      expected.forEach((n, l) => expect(batch.logCounts[s * L + l]).toBe(Math.fround(Math.log(n + 0.5))));
      // the tokens of each layer are as many as its count
      const tok = Array.from(batch.tok.subarray(s * K, (s + 1) * K));
      expected.forEach((n, l) => expect(tok.filter((t) => t === l).length).toBe(n));
    });
  });

  it('carries the conditions: particle index, standardised ln E_inc, unit direction', () => {
    showers.forEach((shower, s) => {
      expect(PARTICLES[batch.particle[s]!]).toBe(shower.particle);
      expect(batch.logEnergy[s]).toBeCloseTo((Math.log(shower.energy) - stats.energy.mean[0]!) / stats.energy.std[0]!, 6);
      const [st, ct, sp, cp] = [Math.sin(0.3), Math.cos(0.3), Math.sin(1), Math.cos(1)];
      expect(batch.direction[3 * s]).toBeCloseTo(st * cp, 7);
      expect(batch.direction[3 * s + 1]).toBeCloseTo(st * sp, 7);
      expect(batch.direction[3 * s + 2]).toBeCloseTo(ct, 7);
    });
  });

  it('round-trips to the showers\' hits, sorted by layer (float32 precision)', () => {
    showers.forEach((shower, s) => {
      const expected = [...shower.hits].sort((a, b) => a.layer - b.layer); // stable: generator order within a layer
      const got = batchHits(batch, stats, s);
      expect(got.length).toBe(expected.length);
      got.forEach((h, i) => {
        const e = expected[i]!;
        expect(h.layer).toBe(e.layer);
        expect(Math.abs(h.x - e.x)).toBeLessThan(1e-3);
        expect(Math.abs(h.y - e.y)).toBeLessThan(1e-3);
        expect(Math.abs(h.e / e.e - 1)).toBeLessThan(1e-5);
      });
    });
  });

  it('refuses a shower with more hits than K, naming the K needed', () => {
    const need = maxHits(showers);
    expect(() => buildBatch(showers, stats, detector, need)).not.toThrow();
    expect(() => buildBatch(showers, stats, detector, need - 1)).toThrow(new RegExp(`maxHits = ${need}`));
    expect(() => buildBatch(showers, stats, detector, 0)).toThrow(RangeError);
  });

  it('feeds pairBatch: noise on real tokens only', () => {
    const z = pairBatch(batch, new Rng(1));
    for (let k = 0; k < batch.tok.length; k++) {
      const row = Array.from(z.subarray(3 * k, 3 * k + 3));
      if (batch.tok[k]! < 0) expect(row).toEqual([0, 0, 0]);
      else expect(row.some((v) => v !== 0)).toBe(true);
    }
  });
});
