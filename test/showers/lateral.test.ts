// Lateral containment of 10 GeV electron showers in homogeneous tungsten: the spots the generator
// places, against the textbook shower (PDG review "Passage of particles through matter", EM cascades:
// ~90 % of the energy within one Molière radius, ~99 % within 3.5 R_M) and ~95 % within 2 R_M.
import { beforeAll, describe, expect, it } from 'vitest';
import { homogeneousBlock } from '../../src/sims/showers/detector';
import { develop, placeSpots } from '../../src/sims/showers/generator';
import { homogeneousMedium, radialContainment, radialLaw } from '../../src/sims/showers/gflash';
import { tungsten } from '../../src/sims/showers/materials';
import { Rng } from '../../src/sims/showers/random';
import { traceAxis } from '../../src/sims/showers/trajectory';
import { standardError } from './helpers';

describe('lateral containment, homogeneous W, 10 GeV electrons', () => {
  const block = homogeneousBlock(tungsten, { layers: 120, layerThickness: tungsten.X0mm / 2, cellSize: 5 });
  const axis = traceAxis(block, { theta: 0, phi: 0, x: 0, y: 0 });
  const radii = [1, 2, 3.5];
  let share: number[] = [];
  const perShower: number[] = []; // share within 1 R_M, shower by shower, for the statistical error
  let spots = 0;
  beforeAll(() => {
    const inside = radii.map(() => 0);
    let total = 0;
    for (let n = 0; n < 300; n++) {
      const rng = Rng.forShower(21, n);
      const development = develop(block, axis, { particle: 'electron', energy: 10 }, rng);
      let [own, ownInside] = [0, 0];
      placeSpots(development, axis, rng, (_layer, x, y, e) => {
        // Radius in the PDG Molière radius of W (9.33 mm) from the axis at (0, 0).
        const r = Math.hypot(x, y) / tungsten.moliereRadiusMm;
        radii.forEach((R, i) => r < R && (inside[i] = inside[i]! + e));
        if (r < 1) ownInside += e;
        own += e;
        spots++;
      });
      total += own;
      perShower.push(ownInside / own);
    }
    share = inside.map((e) => e / total);
  });

  it('holds ~90 % within 1 R_M, ~95 % within 2 R_M, ~99 % within 3.5 R_M', () => {
    const error = standardError(perShower);
    console.log(`energy within 1, 2, 3.5 R_M: ${share.map((s) => s.toFixed(4)).join(', ')} (${spots} spots; ±${error.toFixed(4)})`);
    // The statistical error (printed) is ~0.001; the tolerances are the looseness of the textbook rules
    // ("about"): ±0.025, ±0.02, ±0.01.
    expect(error).toBeLessThan(0.003);
    expect(Math.abs(share[0]! - 0.9)).toBeLessThan(0.025);
    expect(Math.abs(share[1]! - 0.95)).toBeLessThan(0.02);
    expect(Math.abs(share[2]! - 0.99)).toBeLessThan(0.01);
  });

  it('samples radii from the core + tail law: the spots match the law integrated over the mean profile', () => {
    // Expected share within r: ∫ f(t) [p F_C + (1 − p) F_T](r; τ = t/T) dt for the median profile (fluctuations of
    // T and α move τ, to second order). Agreement to 0.005 checks the sampling of r, not the physics.
    const medium = homogeneousMedium(tungsten);
    const lnY = Math.log(10000 / medium.criticalEnergy);
    const T = lnY - 0.812;
    const alpha = 0.81 + (0.458 + 2.26 / 74) * lnY;
    const beta = (alpha - 1) / T;
    radii.forEach((R, i) => {
      let [num, den] = [0, 0];
      for (let t = 0.005; t < 60; t += 0.01) {
        const f = Math.pow(t, alpha - 1) * Math.exp(-beta * t);
        num += f * radialContainment(radialLaw(medium, 10, t / T), (R * tungsten.moliereRadiusMm) / medium.moliereRadius);
        den += f;
      }
      expect(Math.abs(share[i]! - num / den)).toBeLessThan(0.005);
    });
  });
});
