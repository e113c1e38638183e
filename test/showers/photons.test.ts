// Photons against electrons: a photon first travels an Exp(9/7 X0) depth (the pair-production mean free
// path), then showers like an electron of the same energy, so its shower starts, and its centre of
// gravity lies, 9/7 X0 deeper on average.
import { describe, expect, it } from 'vitest';
import { ildCalorimeter } from '../../src/sims/showers/detector';
import { develop, generateShowers, type Shower } from '../../src/sims/showers/generator';
import { Rng } from '../../src/sims/showers/random';
import { traceAxis } from '../../src/sims/showers/trajectory';
import { mean, sd, standardError } from './helpers';

const ild = ildCalorimeter();
const axis = traceAxis(ild, { theta: 0, phi: 0, x: 0, y: 0 });

describe('photons start 9/7 X0 deeper than electrons', () => {
  it('has a mean shower start of 9/7 X0', () => {
    const N = 20_000;
    const starts = Array.from({ length: N }, (_, n) => develop(ild, axis, { particle: 'photon', energy: 10 }, Rng.forShower(31, n)).start);
    const electron = develop(ild, axis, { particle: 'electron', energy: 10 }, Rng.forShower(31, 0)).start;
    expect(electron).toBe(0);
    // Exponential: the standard error is the mean over √N (0.009 X0); 3 standard errors.
    expect(Math.abs(mean(starts) - 9 / 7)).toBeLessThan((3 * 9) / 7 / Math.sqrt(N));
    expect(sd(starts)).toBeCloseTo(9 / 7, 1);
  });

  it('moves the energy centre of gravity 9/7 X0 deeper in the ILD-like stack (10 GeV)', () => {
    // Depth of a layer: the middle of its slab in X0 (the energy deposited in the slab is centred there);
    // energies calibrated back to deposited ones by the sampling fraction. The stack is 79 X0, so nothing leaks.
    const depth = ild.layers.map((_, i) => (axis.tIn[i]! + axis.tOut[i]!) / 2);
    const layerCog = (s: Shower) => {
      let [sum, weighted, inLayers] = [0, 0, 0];
      for (const h of s.hits) {
        const e = h.e / ild.layers[h.layer]!.samplingFraction;
        sum += e;
        weighted += e * depth[h.layer]!;
        inLayers += e * h.layer;
      }
      return { x0: weighted / sum, layer: inLayers / sum };
    };
    const N = 1500;
    const cog = (particle: 'electron' | 'photon') =>
      generateShowers(ild, { particle, energy: 10 }, { seed: particle === 'photon' ? 32 : 33, count: N }).map(layerCog);
    const [electrons, photons] = [cog('electron'), cog('photon')];
    const shift = mean(photons.map((c) => c.x0)) - mean(electrons.map((c) => c.x0));
    const error = Math.hypot(standardError(photons.map((c) => c.x0)), standardError(electrons.map((c) => c.x0)));
    const layers = mean(photons.map((c) => c.layer)) - mean(electrons.map((c) => c.layer));
    console.log(`CoG shift: ${shift.toFixed(3)} ± ${error.toFixed(3)} X0 (${layers.toFixed(2)} layers); expected ${(9 / 7).toFixed(3)}`);
    // 3 standard errors of the difference (~0.04 X0 each side).
    expect(Math.abs(shift - 9 / 7)).toBeLessThan(3 * error);
  });
});
