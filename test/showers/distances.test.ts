// Distances between shower samples: the exact W1 against two independent computations (sorted pairing,
// the quantile-function integral) and against analytic Gaussian cases; the equal-occupancy bins on
// hand-made weights; and the whole table on generated showers: a second sample of the same law sits at
// the noise floor, a wrong energy or particle stands far above it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binSums,
  compareSamples,
  decileEdges,
  populationStd,
  standardisedW1,
  wasserstein1,
  type DistanceRow,
} from '../../src/sims/showers/distances';
import { ildCalorimeter } from '../../src/sims/showers/detector';
import { generateShowers, type ShowerRequest } from '../../src/sims/showers/generator';
import { observeShowers, type ShowerObservables } from '../../src/sims/showers/observables';
import { Rng } from '../../src/sims/showers/random';
import { mean, sd } from './helpers';

const normals = (rng: Rng, n: number, mu = 0) => Array.from({ length: n }, () => mu + rng.normal());
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** Equal sizes: the optimal coupling pairs order statistics, W1 = mean |a_(i) − b_(i)|. */
function pairedW1(a: number[], b: number[]): number {
  const [x, y] = [sorted(a), sorted(b)];
  return mean(x.map((v, i) => Math.abs(v - y[i]!)));
}

/** Any sizes: W1 = ∫₀¹ |Q_a(u) − Q_b(u)| du, Q(u) = x_(⌈u n⌉), piecewise constant between the breakpoints k/n, l/m. */
function quantileW1(a: number[], b: number[]): number {
  const [x, y] = [sorted(a), sorted(b)];
  const breaks = sorted([...x.map((_, k) => (k + 1) / x.length), ...y.map((_, l) => (l + 1) / y.length)]);
  let [u, total] = [0, 0];
  for (const next of breaks) {
    if (next <= u) continue;
    const mid = (u + next) / 2; // Q is constant on (u, next]
    total += (next - u) * Math.abs(x[Math.ceil(mid * x.length) - 1]! - y[Math.ceil(mid * y.length) - 1]!);
    u = next;
  }
  return total;
}

/** Any sizes, small integers: repeat every value to a common size L = lcm(n, m), then pair order statistics. */
function replicatedW1(a: number[], b: number[]): number {
  const gcd = (p: number, q: number): number => (q === 0 ? p : gcd(q, p % q));
  const L = (a.length * b.length) / gcd(a.length, b.length);
  const repeat = (xs: number[]) => xs.flatMap((v) => new Array<number>(L / xs.length).fill(v));
  return pairedW1(repeat(a), repeat(b));
}

describe('exact 1-D Wasserstein-1', () => {
  it('gives hand-computed values', () => {
    expect(wasserstein1([0], [1])).toBe(1);
    expect(wasserstein1([0, 1], [0])).toBe(0.5);
    expect(wasserstein1([0, 2], [1])).toBe(1);
    expect(wasserstein1([0, 0, 3], [1, 2])).toBeCloseTo(7 / 6, 14); // |F_a − F_b|: 2/3 on [0,1), 1/6 on [1,2), 1/3 on [2,3)
    expect(wasserstein1([1, 2, 3], [3, 1, 2])).toBe(0);
  });

  it('equals the sorted pairing for equal sizes', () => {
    const rng = new Rng(1);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + (trial % 9);
      const [a, b] = [normals(rng, n), normals(rng, n, 0.3)];
      expect(wasserstein1(a, b)).toBeCloseTo(pairedW1(a, b), 12);
    }
  });

  it('equals the quantile-function integral and the replicated pairing for unequal sizes', () => {
    const rng = new Rng(2);
    for (let trial = 0; trial < 60; trial++) {
      const [n, m] = [1 + (trial % 7), 1 + ((3 * trial) % 11)];
      const [a, b] = [normals(rng, n), normals(rng, m, 0.5)];
      expect(wasserstein1(a, b)).toBeCloseTo(quantileW1(a, b), 12);
      // Integers with ties, which the merged-support walk must handle.
      const [p, q] = [a.map((v) => Math.round(3 * v)), b.map((v) => Math.round(3 * v))];
      expect(wasserstein1(p, q)).toBeCloseTo(replicatedW1(p, q), 12);
      expect(wasserstein1(p, q)).toBeCloseTo(quantileW1(p, q), 12);
    }
  });

  it('is symmetric, shift invariant and scales with the data', () => {
    const rng = new Rng(3);
    const [a, b] = [normals(rng, 40), normals(rng, 25, 1)];
    const w = wasserstein1(a, b);
    expect(wasserstein1(b, a)).toBeCloseTo(w, 13);
    expect(wasserstein1(a.map((v) => v + 7.5), b.map((v) => v + 7.5))).toBeCloseTo(w, 12);
    expect(wasserstein1(a.map((v) => -3 * v), b.map((v) => -3 * v))).toBeCloseTo(3 * w, 12);
    expect(wasserstein1(a, a.map((v) => v - 2.25))).toBeCloseTo(2.25, 12); // a shifted copy: |shift|
    // Standardising both by the reference's mean and σ divides by σ (the mean drops out).
    const [mu, sigma] = [mean(a), populationStd(a)];
    const z = (xs: number[]) => xs.map((v) => (v - mu) / sigma);
    expect(standardisedW1(a, b)).toBeCloseTo(wasserstein1(z(a), z(b)), 12);
  });

  it('gives |μ| between N(0, 1) and N(μ, 1) samples, within the standard error', () => {
    const rng = new Rng(4);
    for (const [n, m, mu] of [[20_000, 20_000, 0.7], [20_000, 15_000, -0.4]] as const) {
      const w = wasserstein1(normals(rng, n), normals(rng, m, mu));
      // Quantile functions that do not cross give W1 = |mean difference|, standard error √(1/n + 1/m).
      expect(Math.abs(w - Math.abs(mu))).toBeLessThan(4 * Math.sqrt(1 / n + 1 / m));
    }
  });

  it('has the null mean √(2/n)·√(2/π)·∫√(Φ(1−Φ)) dx = 1.822/√n for two N(0, 1) samples of size n', () => {
    // Asymptotically √(n/2)(F_a − F_b) is a Brownian bridge in Φ(x), whose |value| has mean √(2/π)·√(Φ(1 − Φ));
    // ∫√(Φ(1 − Φ)) dx = 1.6147 (numerical quadrature).
    const rng = new Rng(5);
    const n = 1000;
    const nulls = Array.from({ length: 200 }, () => wasserstein1(normals(rng, n), normals(rng, n)));
    const expected = 1.822 / Math.sqrt(n);
    console.log(`null W1, n = ${n}: ${mean(nulls).toFixed(5)} ± ${(sd(nulls) / Math.sqrt(nulls.length)).toFixed(5)} (asymptotic ${expected.toFixed(5)}), spread ${(sd(nulls) / mean(nulls)).toFixed(2)} of the mean`);
    expect(Math.abs(mean(nulls) - expected)).toBeLessThan(4 * (sd(nulls) / Math.sqrt(nulls.length)) + 0.02 * expected);
  });

  it('refuses empty samples and NaN', () => {
    expect(() => wasserstein1([], [1])).toThrow(RangeError);
    expect(() => wasserstein1([1, Number.NaN], [1])).toThrow(RangeError);
  });
});

describe('equal-occupancy bins', () => {
  it('cuts a continuous sample into ten bins of 10 % each', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i); // 1 … 1000, unsorted
    const edges = decileEdges(values);
    expect(edges).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, Infinity]);
    expect(Array.from(binSums(edges, values, new Array<number>(1000).fill(1)))).toEqual(new Array<number>(10).fill(100));
  });

  it('merges deciles that fall on the same discrete value', () => {
    // Layers 0…4 holding 50, 5, 5, 30, 10 % of the hits: cumulative 50, 55, 60, 90, 100 %, so q1…q5 = 0,
    // q6 = 2, q7…q9 = 3; bins (−∞, 0], (0, 2], (2, 3], (3, ∞).
    const layers = [0, 1, 2, 3, 4];
    const edges = decileEdges(layers, [50, 5, 5, 30, 10]);
    expect(edges).toEqual([0, 2, 3, Infinity]);
    expect(Array.from(binSums(edges, layers, [1, 2, 3, 4, 5]))).toEqual([1, 5, 4, 5]);
    // The top value holding the last deciles: q5…q9 = 4 would leave (4, ∞) empty, so 4 opens the last bin.
    expect(decileEdges(layers, [10, 10, 10, 10, 60])).toEqual([0, 1, 2, 3, Infinity]);
    expect(decileEdges([...layers, 5, 6], [10, 10, 10, 10, 60, 0, 0])).toEqual([0, 1, 2, 3, Infinity]); // empty layers behind
  });
});

describe('distance table on generated showers (ILD-like, 15 mm cells, 300 showers per sample)', () => {
  const ild = ildCalorimeter({ ecalCellSize: 15 });
  const N = 300;
  /** A distance below SAME_LAW × its noise floor is "at the floor"; a detected difference lies above it. */
  const SAME_LAW = 3;
  const sample = (request: ShowerRequest, seed: number, label = request.energy): ShowerObservables[] =>
    // `label`: the incident energy the showers claim, as a model asked for `label` GeV would report it.
    observeShowers(ild, generateShowers(ild, request, { seed, count: N }).map((s) => ({ ...s, energy: label })));
  const electrons10 = { particle: 'electron', energy: 10 } as const;
  let reference: ShowerObservables[] = [];
  let independent: ShowerObservables[] = [];
  const tables: Record<string, DistanceRow[]> = {};
  const row = (table: string, feature: string) => tables[table]!.find((r) => r.feature === feature)!;

  beforeAll(() => {
    reference = sample(electrons10, 101);
    independent = sample(electrons10, 102);
    tables.same = compareSamples(reference, sample(electrons10, 103), independent);
    tables.energy = compareSamples(reference, sample({ particle: 'electron', energy: 12 }, 104, 10), independent);
    tables.photon = compareSamples(reference, sample({ particle: 'photon', energy: 10 }, 105), independent);
    for (const [name, table] of Object.entries(tables)) {
      console.log(`candidate: ${name}\n` + table.map((r) => `  ${r.feature.padEnd(24)} W1 ${r.w1.toFixed(3).padStart(7)}   floor ${r.noiseFloor.toFixed(3)}   ratio ${(r.w1 / r.noiseFloor).toFixed(2)}`).join('\n'));
    }
    const bins = row('same', 'layer energy (deciles)').bins!;
    console.log(`layer bins (upper edges): ${bins.edges.join(', ')}; radial bins (mm): ${row('same', 'radial energy (deciles)').bins!.edges.map((e) => e.toFixed(1)).join(', ')}`);
  });

  it('reports every feature with a noise floor of the expected size', () => {
    expect(tables.same!.map((r) => r.feature)).toEqual([
      'cog x', 'cog y', 'cog layer', 'hits', 'visible / incident', 'hit energy', 'layer energy (deciles)', 'radial energy (deciles)',
    ]);
    for (const r of tables.same!) {
      // Two samples of 300 from one law: about 1.8/√300 = 0.105 in standardised units for a Gaussian feature,
      // draw to draw ±36 % (the null test above); 1.8/√29 000 = 0.011 for the pooled hit energies, less for
      // their long tail, which inflates σ.
      const [low, high] = r.feature === 'hit energy' ? [0.002, 0.03] : [0.03, 0.25];
      expect(r.noiseFloor).toBeGreaterThan(low);
      expect(r.noiseFloor).toBeLessThan(high);
    }
  });

  it('puts an independent sample of the same law at the noise floor', () => {
    // W1 and floor are two draws of one null law (spread ±36 % each): each ratio below SAME_LAW, their mean
    // near 1. Over 12 other seed triples the largest ratio was 2.28 and the mean ratio 0.72–1.55.
    const ratios = tables.same!.map((r) => r.w1 / r.noiseFloor);
    for (const ratio of ratios) expect(ratio).toBeLessThan(SAME_LAW);
    expect(mean(ratios)).toBeGreaterThan(0.5);
    expect(mean(ratios)).toBeLessThan(2);
  });

  it('detects 12 GeV electrons passed off as 10 GeV ones', () => {
    for (const feature of ['hits', 'visible / incident', 'hit energy', 'layer energy (deciles)', 'radial energy (deciles)']) {
      const r = row('energy', feature);
      expect(r.w1).toBeGreaterThan(SAME_LAW * r.noiseFloor); // 7.7–40× here; at least 3.6× over 12 other seed triples
    }
  });

  it('detects photons in place of electrons by their deeper showers', () => {
    for (const feature of ['cog layer', 'layer energy (deciles)']) {
      const r = row('photon', feature);
      expect(r.w1).toBeGreaterThan(SAME_LAW * r.noiseFloor); // 13–30× here; at least 6.1× over 12 other seed triples
    }
  });
});
