// Visible energy of electrons in the ILD-like ECAL: linear in the incident energy once each layer is
// weighted by its inverse sampling fraction, and a resolution σ/E = a/√E ⊕ b whose stochastic term is
// the one put into the sampling fluctuation (a = 0.11).
import { beforeAll, describe, expect, it } from 'vitest';
import { ildCalorimeter } from '../../src/sims/showers/detector';
import { generateShowers } from '../../src/sims/showers/generator';
import { fitLine, mean, sd } from './helpers';

const ild = ildCalorimeter();
const energies = [2, 5, 10, 20, 50];
const N = 400;

interface Point {
  energy: number;
  visible: number;
  /** Mean and spread of the reconstructed energy Σ_ECAL e / f_layer. */
  reconstructed: number;
  reconstructedError: number;
  spread: number;
  spreadError: number;
}

describe('ECAL response to electrons', () => {
  let points: Point[] = [];
  beforeAll(() => {
    points = energies.map((energy, k) => {
      const showers = generateShowers(ild, { particle: 'electron', energy }, { seed: 40 + k, count: N });
      const ecal = (weight: (layer: number) => number) =>
        showers.map((s) => s.hits.reduce((sum, h) => (h.layer < 30 ? sum + h.e * weight(h.layer) : sum), 0));
      const rec = ecal((layer) => 1 / ild.layers[layer]!.samplingFraction);
      const spread = sd(rec);
      return {
        energy,
        visible: mean(ecal(() => 1)),
        reconstructed: mean(rec),
        reconstructedError: spread / Math.sqrt(N),
        spread,
        spreadError: spread / Math.sqrt(2 * (N - 1)), // standard error of a sample standard deviation (near-Gaussian)
      };
    });
    for (const p of points) {
      console.log(
        `E = ${p.energy} GeV: visible/E = ${(p.visible / p.energy).toFixed(4)}, reconstructed/E = ${(p.reconstructed / p.energy).toFixed(4)}, ` +
          `σ/E = ${(p.spread / p.reconstructed).toFixed(4)} (0.11/√E = ${(0.11 / Math.sqrt(p.energy)).toFixed(4)})`,
      );
    }
  });

  it('sees between the thick- and thin-layer sampling fractions of the energy', () => {
    const [thin, thick] = [ild.layers[0]!.samplingFraction, ild.layers[29]!.samplingFraction];
    for (const p of points) {
      expect(p.visible / p.energy).toBeLessThan(thin);
      expect(p.visible / p.energy).toBeGreaterThan(thick);
    }
  });

  it('is linear: the reconstructed energy is a constant share of E (losses: leakage behind 24 X0 and thresholds)', () => {
    const shares = points.map((p) => p.reconstructed / p.energy);
    const errors = points.map((p) => p.reconstructedError / p.energy);
    const fit = fitLine(energies, shares, errors);
    console.log(`reconstructed/E = ${fit.a.toFixed(4)} + ${fit.b.toExponential(2)} E (slope ± ${fit.sigmaB.toExponential(1)})`);
    // Contained energy: at most a few % is lost (PDG: 24 X0 contain ≳ 98 % of a 50 GeV shower; 0.1 MeV
    // thresholds cut under 2 % at 2 GeV), and the response varies by less than 1 % from 2 to 50 GeV:
    // the slope of the share over 48 GeV is under 1 % (allowing 3 standard errors on top).
    shares.forEach((s) => expect(s).toBeGreaterThan(0.97));
    shares.forEach((s) => expect(s).toBeLessThan(1));
    expect(Math.abs(fit.b * 48)).toBeLessThan(0.01 + 3 * fit.sigmaB * 48);
  });

  it('has a stochastic term equal to the sampling term put in, 0.11 GeV^½', () => {
    // σ²/E² = a²/E + b²: a straight line in 1/E.
    const x = points.map((p) => 1 / p.energy);
    const y = points.map((p) => (p.spread / p.reconstructed) ** 2);
    const sigma = points.map((p) => 2 * (p.spread / p.reconstructed) * (p.spreadError / p.reconstructed));
    const fit = fitLine(x, y, sigma);
    const a = Math.sqrt(fit.b);
    const aError = fit.sigmaB / (2 * a);
    const b = Math.sqrt(Math.max(fit.a, 0));
    console.log(`σ/E = ${a.toFixed(4)} ± ${aError.toFixed(4)} / √E ⊕ ${b.toFixed(4)}`);
    // 3 standard errors of the fitted a (~0.002 here); the thresholds and the leakage may only add to b.
    expect(Math.abs(a - 0.11)).toBeLessThan(3 * aError);
    expect(b).toBeLessThan(0.015);
  });
});
