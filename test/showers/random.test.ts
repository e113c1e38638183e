// The seeded generator: determinism, and the moments of its normal, exponential and gamma draws
// (tolerances: 5 standard errors of each estimate, from the known variances).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sims/showers/random';
import { gammaP, lnGamma } from '../../src/sims/showers/special';
import { mean, sd } from './helpers';

const N = 200_000;
const draw = (f: () => number) => Float64Array.from({ length: N }, f);

describe('Rng', () => {
  it('repeats a seed bit for bit and separates seeds and shower streams', () => {
    const [r1, r2, r3] = [new Rng(42), new Rng(42), new Rng(43)];
    const s1 = Array.from({ length: 100 }, () => r1.nextUint32());
    expect(Array.from({ length: 100 }, () => r2.nextUint32())).toEqual(s1);
    expect(Array.from({ length: 100 }, () => r3.nextUint32())).not.toEqual(s1);
    expect(Rng.forShower(1, 0).uniform()).not.toBe(Rng.forShower(1, 1).uniform());
    expect(Rng.forShower(1, 5).uniform()).toBe(Rng.forShower(1, 5).uniform());
  });

  it('draws uniforms in (0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(1);
    const u = draw(() => rng.uniform());
    expect(u.reduce((a, b) => Math.min(a, b))).toBeGreaterThan(0);
    expect(u.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(sd(u) - Math.sqrt(1 / 12))).toBeLessThan(0.002);
  });

  it('draws standard normals and exponentials', () => {
    const rng = new Rng(2);
    const z = draw(() => rng.normal());
    expect(Math.abs(mean(z))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(sd(z) - 1)).toBeLessThan(5 / Math.sqrt(2 * N)); // se(s) ≈ σ/√(2N)
    const x = draw(() => rng.exponential(9 / 7));
    expect(Math.abs(mean(x) - 9 / 7)).toBeLessThan((5 * 9) / 7 / Math.sqrt(N));
  });

  it.each([0.05, 0.3, 1, 2.5, 50])('draws Gamma(k = %s, θ = 0.4) with mean kθ and variance kθ²', (k) => {
    const rng = new Rng(3);
    const theta = 0.4;
    const g = draw(() => rng.gamma(k, theta));
    const sigma = Math.sqrt(k) * theta;
    expect(Math.abs(mean(g) - k * theta)).toBeLessThan((5 * sigma) / Math.sqrt(N));
    // se of the variance: σ² √((κ4 + 2)/N) with excess kurtosis κ4 = 6/k.
    const variance = sd(g) ** 2;
    expect(Math.abs(variance - sigma * sigma)).toBeLessThan(5 * sigma * sigma * Math.sqrt((6 / k + 2) / N));
  });
});

describe('special functions', () => {
  it('has ln Γ at known points', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lnGamma(100)).toBeCloseTo(359.13420536957540, 9);
  });

  it('has P(a, x) equal to the closed forms for integer a', () => {
    for (const x of [0.01, 0.5, 1, 3, 7.5, 20, 60]) {
      expect(gammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 12);
      expect(gammaP(2, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x), 12);
      expect(gammaP(3, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x + (x * x) / 2), 12);
    }
    expect(gammaP(0.5, 2)).toBeCloseTo(0.9544997361036416, 12); // erf(√2)
    expect(gammaP(4.3, 0)).toBe(0);
  });
});
