// The hadronic toy (pions, neutrons) against what it promises: first interactions Exp(λ_I) deep through the
// real layers, a MIP track before them (pions only), Groom's mean EM fraction, Bock's longitudinal profile,
// a lateral spread wider than an electron's, energy bookkeeping, and bit-for-bit reproducibility.
import { describe, expect, it } from 'vitest';
import { cellOf, homogeneousBlock, ildCalorimeter, type Detector } from '../../src/sims/showers/detector';
import { generateShowers, showerAxis, type Shower } from '../../src/sims/showers/generator';
import {
  bockEmShare,
  bockProfile,
  developHadron,
  drawEmFraction,
  drawHadronRadius,
  EM_FRACTION_CONCENTRATION,
  generateAnyShowers,
  generateHadronShowers,
  H_OVER_E,
  hadronContainment,
  HADRON_LATERAL,
  interactionAt,
  lambdaFaces,
  meanEmFraction,
  type HadronShower,
} from '../../src/sims/showers/hadronic';
import { iron } from '../../src/sims/showers/materials';
import { Rng } from '../../src/sims/showers/random';
import { mean, sd, standardError } from './helpers';

const ild = ildCalorimeter();

/** Material (λ_I and X0 along an axis at cos θ) in front of z, walked slab by slab here, independently of the generator. */
function budgetBefore(detector: Detector, z: number, cosTheta: number): { lambda: number; x0: number } {
  let [lambda, x0] = [0, 0];
  for (const layer of detector.layers) {
    let front = layer.zFront;
    for (const slab of layer.absorber ? [layer.absorber, layer.active] : [layer.active]) {
      const crossed = Math.min(Math.max(z - front, 0), slab.thickness);
      lambda += crossed / slab.material.lambdaImm / cosTheta;
      x0 += crossed / slab.material.X0mm / cosTheta;
      front += slab.thickness;
    }
  }
  return { lambda, x0 };
}

/**
 * Mean free path from right-censored exponential depths (hadrons that cross the whole stack, L λ_I, are counted at
 * L): the maximum-likelihood estimate (Σ depths + censored·L)/interacting, standard error estimate/√interacting.
 */
function meanFreePath(depths: number[], censored: number, L: number) {
  const estimate = (depths.reduce((s, d) => s + d, 0) + censored * L) / depths.length;
  return { estimate, error: estimate / Math.sqrt(depths.length) };
}

describe('first interaction: Exp(1 λ_I) through the real layers', () => {
  const cases = [
    { name: 'ILD-like stack', detector: ild, theta: 0 },
    { name: 'iron block', detector: homogeneousBlock(iron, { layers: 120, layerThickness: 20, cellSize: 30 }), theta: 0 },
    { name: 'iron block, θ = 0.5', detector: homogeneousBlock(iron, { layers: 120, layerThickness: 20, cellSize: 30 }), theta: 0.5 },
  ];
  for (const [index, { name, detector, theta }] of cases.entries()) {
    it(`has mean depth 1 λ_I in the ${name}`, () => {
      // 2 GeV pions keep this fast; the depth is drawn before the energy matters.
      const N = 4000;
      const showers = generateHadronShowers(detector, { particle: 'pion', energy: 2, theta, phi: 0.3 }, { seed: 101 + index, count: N });
      const cosTheta = Math.cos(theta);
      const depths: number[] = [];
      for (const s of showers) {
        if (!s.interaction) continue;
        // The depth in λ_I from the point's z, converted here slab by slab; the generator's λ and X0 must agree.
        const own = budgetBefore(detector, s.interaction.z, cosTheta);
        expect(s.interaction.lambda).toBeCloseTo(own.lambda, 9);
        expect(s.start).toBeCloseTo(own.x0, 9);
        depths.push(own.lambda);
      }
      const L = budgetBefore(detector, Infinity, cosTheta).lambda;
      const { estimate, error } = meanFreePath(depths, N - depths.length, L);
      const beyond = (x: number) => depths.filter((d) => d > x).length / N;
      console.log(
        `${name}: ${L.toFixed(2)} λ_I along the axis, ${N - depths.length} of ${N} cross it; mean free path ${estimate.toFixed(4)} ± ${error.toFixed(4)} λ_I; ` +
          `beyond 1, 2 λ_I: ${beyond(1).toFixed(4)}, ${beyond(2).toFixed(4)} (e^-1 = 0.3679, e^-2 = 0.1353)`,
      );
      // 4 standard errors (SE ≈ 1/√N = 0.016 λ_I); survival fractions within 4 binomial standard errors.
      expect(Math.abs(estimate - 1)).toBeLessThan(4 * error);
      for (const x of [1, 2]) expect(Math.abs(beyond(x) - Math.exp(-x))).toBeLessThan(4 * Math.sqrt((Math.exp(-x) * (1 - Math.exp(-x))) / N));
    });
  }

  it('places the point inside the slab that holds its λ_I depth (absorber first, then active)', () => {
    const axis = showerAxis(ild, { theta: 0.2, phi: 0 });
    const faces = lambdaFaces(ild, axis);
    const layer = ild.layers[40]!; // an HCAL layer: 20 mm steel, then 3 mm scintillator
    const cosTheta = Math.cos(0.2);
    const steel = layer.absorber!.thickness / iron.lambdaImm / cosTheta;
    const inSteel = interactionAt(ild, axis, faces, faces.lIn[40]! + steel / 2)!;
    expect(inSteel.layer).toBe(40);
    expect(inSteel.z).toBeCloseTo(layer.zFront + 10, 9);
    const inScintillator = interactionAt(ild, axis, faces, faces.lIn[40]! + steel + 1e-6)!;
    expect(inScintillator.z).toBeGreaterThan(layer.zFront + 20);
    expect(inScintillator.z).toBeLessThan(layer.zBack);
    expect(interactionAt(ild, axis, faces, faces.lOut[77]! + 1e-9)).toBeNull();
  });
});

describe('the track before the interaction', () => {
  const [theta, phi] = [0.3, 1];
  const cosTheta = Math.cos(theta);
  const axis = showerAxis(ild, { theta, phi });
  // PDG dE/dx|min × ρ × d: Si 1.664 MeV cm²/g × 2.329 g/cm³ × 0.0525 cm; polystyrene 2.052 × 1.06 × 0.3 cm (MeV).
  const expectedMip = (layer: number) => (layer < 30 ? 1.664 * 2.329 * 0.0525 : 2.052 * 1.06 * 0.3) / cosTheta / 1000;
  // Energy lost per layer: W 1.145 MeV cm²/g × 19.3 g/cm³ × (0.21 or 0.42 cm), Fe 1.451 × 7.874 × 2.0 cm, plus the active slab.
  const expectedLoss = (layer: number) =>
    expectedMip(layer) + (layer < 30 ? 1.145 * 19.3 * (layer < 20 ? 0.21 : 0.42) : 1.451 * 7.874 * 2) / cosTheta / 1000;

  it('gives a pion one hit per layer crossed, on the axis, with the MIP energy of the active slab', () => {
    const showers = generateHadronShowers(ild, { particle: 'pion', energy: 10, theta, phi }, { seed: 102, count: 300 });
    let tracks = 0;
    for (const s of showers) {
      const crossed = s.interaction?.layer ?? ild.layers.length;
      const before = s.hits.filter((h) => h.layer < crossed).sort((a, b) => a.layer - b.layer);
      expect(before.map((h) => h.layer)).toEqual(Array.from({ length: crossed }, (_, i) => i));
      for (const h of before) {
        const cell = cellOf(ild, axis.x[h.layer]!, axis.y[h.layer]!, h.layer);
        expect([h.x, h.y]).toEqual([cell.x, cell.y]);
        expect(h.e).toBeCloseTo(expectedMip(h.layer), 12);
      }
      let loss = 0;
      for (let i = 0; i < crossed; i++) loss += expectedLoss(i);
      expect(s.showerEnergy).toBeCloseTo(10 - loss, 9);
      if (crossed > 0) tracks++;
    }
    // P(no ECAL layer crossed) = 1 − e^{−0.0295/cos θ} ≈ 3 %; most showers have a track.
    expect(tracks).toBeGreaterThan(250);
  });

  it('gives a neutron no track: nothing before the interaction layer, no energy lost', () => {
    const showers = generateHadronShowers(ild, { particle: 'neutron', energy: 10, theta, phi }, { seed: 102, count: 300 });
    let late = 0;
    for (const s of showers) {
      const crossed = s.interaction?.layer ?? ild.layers.length;
      expect(s.hits.filter((h) => h.layer < crossed)).toEqual([]);
      expect(s.showerEnergy).toBe(10);
      if (crossed > 5) late++;
    }
    expect(late).toBeGreaterThan(100); // the check bites: many neutrons cross layers first
  });
});

describe('EM fraction: Groom, f_em = 1 − (E/E0)^{k−1}, smeared per event', () => {
  const groom = (E: number, E0: number) => 1 - Math.pow(E / E0, 0.82 - 1);

  it('has the sample mean of Groom’s formula for pions at 10 and 100 GeV, and neutrons at 10 GeV', () => {
    const N = 10_000;
    for (const [particle, E, E0] of [['pion', 10, 1], ['pion', 100, 1], ['neutron', 10, 2.6]] as const) {
      const rng = new Rng(103 + E);
      const f = Array.from({ length: N }, () => drawEmFraction(particle, E, rng));
      const mu = groom(E, E0);
      const width = Math.sqrt((mu * (1 - mu)) / (EM_FRACTION_CONCENTRATION + 1));
      console.log(`${particle} ${E} GeV: f_em = ${mean(f).toFixed(4)} ± ${standardError(f).toFixed(4)} (Groom ${mu.toFixed(4)}), σ = ${sd(f).toFixed(4)} (Beta ${width.toFixed(4)})`);
      expect(meanEmFraction(particle, E)).toBeCloseTo(mu, 12);
      // 4 standard errors (SE = σ/√N ≈ 0.0012); the spread within 5 % (its relative SE is ≈ 1/√(2N) = 0.7 %).
      expect(Math.abs(mean(f) - mu)).toBeLessThan(4 * standardError(f));
      expect(Math.abs(sd(f) / width - 1)).toBeLessThan(0.05);
      expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...f)).toBeLessThanOrEqual(1);
    }
    expect(meanEmFraction('pion', 0.8)).toBe(0); // no π0 below E0
  });

  it('carries the same mean through the generator (f_em at the energy left after the track)', () => {
    const showers = generateHadronShowers(ild, { particle: 'pion', energy: 20 }, { seed: 104, count: 600 }).filter((s) => s.interaction);
    const f = showers.map((s) => s.emFraction);
    const expected = mean(showers.map((s) => meanEmFraction('pion', s.showerEnergy)));
    console.log(`20 GeV pions in ILD: f_em = ${mean(f).toFixed(4)} ± ${standardError(f).toFixed(4)}, Groom at the shower energy ${expected.toFixed(4)}`);
    expect(Math.abs(mean(f) - expected)).toBeLessThan(4 * standardError(f));
  });

  it('agrees with the EM share Bock’s own weight w implies in iron (within 0.03 from 10 GeV up)', () => {
    for (const E of [10, 50, 100]) {
      const bock = bockEmShare(E, iron.X0mm, iron.lambdaImm);
      console.log(`${E} GeV, iron: Bock's X0 term carries ${bock.toFixed(3)}, Groom's f_em ${groom(E, 1).toFixed(3)}`);
      expect(Math.abs(bock - groom(E, 1))).toBeLessThan(0.03);
    }
  });
});

describe('longitudinal profile: Bock et al. from the interaction point', () => {
  // A deep block of thin iron layers (5 mm = 0.28 X0 = 0.03 λ_I) contains the profile; the layers' middles stand
  // for their energy, so means agree to within half a layer.
  const block = homogeneousBlock(iron, { layers: 800, layerThickness: 5, cellSize: 30 });
  const axis = showerAxis(block, {});
  const faces = lambdaFaces(block, axis);

  it('puts f_em E in Gamma(a, b) over X0 and the rest in Gamma(a, d) over λ_I, with means a/b X0 and a/d λ_I', () => {
    for (const E of [10, 50]) {
      const interaction = interactionAt(block, axis, faces, 0.7)!;
      const dev = developHadron(block, axis, faces, 'neutron', E, interaction, new Rng(105));
      const { a, b, d } = bockProfile(E);
      const emSum = dev.em.shares.reduce((s, x) => s + x.energy, 0);
      const hadSum = dev.hadronic.reduce((s, x) => s + x.energy, 0);
      expect(emSum).toBeCloseTo(dev.emFraction * E, 5);
      expect(hadSum).toBeCloseTo((1 - dev.emFraction) * E, 5);
      const middle = (layer: number) => (block.layers[layer]!.zFront + block.layers[layer]!.zBack) / 2 - interaction.z;
      const emDepth = dev.em.shares.reduce((s, x) => s + x.energy * Math.max(middle(x.layer), 0), 0) / emSum / iron.X0mm;
      const hadDepth = dev.hadronic.reduce((s, x) => s + x.energy * Math.max(middle(x.layer), 0), 0) / hadSum / iron.lambdaImm;
      console.log(`${E} GeV: EM part mean depth ${emDepth.toFixed(3)} X0 (a/b = ${(a / b).toFixed(3)}), rest ${hadDepth.toFixed(4)} λ_I (a/d = ${(a / d).toFixed(4)})`);
      expect(Math.abs(emDepth - a / b)).toBeLessThan(0.5 * (5 / iron.X0mm));
      expect(Math.abs(hadDepth - a / d)).toBeLessThan(0.5 * (5 / iron.lambdaImm));
    }
  });

  it('reads out E_track + E_s (f_em + (1 − f_em) h/e) in a homogeneous block (no sampling, no threshold, no leak)', () => {
    const deep = homogeneousBlock(iron, { layers: 300, layerThickness: 20, cellSize: 30 }); // 36 λ_I
    for (const s of generateHadronShowers(deep, { particle: 'pion', energy: 10 }, { seed: 106, count: 200 })) {
      const seen = s.hits.reduce((sum, h) => sum + h.e, 0);
      const expected = s.energy - s.showerEnergy + s.showerEnergy * (s.emFraction + (1 - s.emFraction) * H_OVER_E);
      expect(Math.abs(seen - expected)).toBeLessThan(1e-6 * s.energy);
    }
  });
});

describe('lateral spread', () => {
  it('draws the non-EM radii from the core + halo law (95 % within 1 λ_I; mean 2 (p r_c + (1 − p) r_h))', () => {
    const N = 20_000;
    const rng = new Rng(107);
    const r = Array.from({ length: N }, () => drawHadronRadius(rng));
    const within = r.filter((x) => x < 1).length / N;
    const { core, halo, pCore } = HADRON_LATERAL;
    const meanR = 2 * (pCore * core + (1 - pCore) * halo);
    console.log(`within 1 λ_I: ${within.toFixed(4)} (law ${hadronContainment(1).toFixed(4)}); mean ${mean(r).toFixed(4)} ± ${standardError(r).toFixed(4)} λ_I (law ${meanR})`);
    expect(hadronContainment(1)).toBeCloseTo(0.954, 3);
    expect(Math.abs(within - hadronContainment(1))).toBeLessThan(4 * Math.sqrt((within * (1 - within)) / N));
    expect(Math.abs(mean(r) - meanR)).toBeLessThan(4 * standardError(r));
  });

  it('makes pions wider than electrons of the same energy (energy-weighted radius about the axis, iron, 5 mm cells)', () => {
    // Mean radius, not RMS: GFlash's radial law falls as r^−3, so its second moment diverges (logarithmically)
    // and per-shower RMS radii are heavy-tailed; the first moment is finite. The RMS is printed for reference.
    const block = homogeneousBlock(iron, { layers: 100, layerThickness: 20, cellSize: 5 });
    const radii = (showers: (Shower | HadronShower)[]) =>
      showers.map((s) => {
        let [e, er, er2] = [0, 0, 0];
        for (const h of s.hits) {
          const r = Math.hypot(h.x, h.y);
          [e, er, er2] = [e + h.e, er + h.e * r, er2 + h.e * r * r];
        }
        return { mean: er / e, rms: Math.sqrt(er2 / e) };
      });
    const N = 300;
    const pions = radii(generateHadronShowers(block, { particle: 'pion', energy: 10 }, { seed: 108, count: N }));
    const electrons = radii(generateShowers(block, { particle: 'electron', energy: 10 }, { seed: 108, count: N }));
    const [p, e] = [pions.map((x) => x.mean), electrons.map((x) => x.mean)];
    const error = Math.hypot(standardError(p), standardError(e));
    console.log(
      `10 GeV in iron: mean radius pions ${mean(p).toFixed(1)} ± ${standardError(p).toFixed(1)} mm, electrons ${mean(e).toFixed(2)} ± ${standardError(e).toFixed(2)} mm; ` +
        `RMS radius pions ${mean(pions.map((x) => x.rms)).toFixed(1)}, electrons ${mean(electrons.map((x) => x.rms)).toFixed(1)} mm`,
    );
    expect(mean(p) - mean(e)).toBeGreaterThan(10 * error);
    expect(mean(p) / mean(e)).toBeGreaterThan(2);
  });
});

describe('reproducibility and dispatch', () => {
  const request = { particle: 'pion', energy: 8, theta: 0.25, phi: -0.4, x: 3, y: 2 } as const;
  const bytes = (showers: HadronShower[]) =>
    new Uint8Array(
      Float64Array.from(
        showers.flatMap((s) => [s.start, s.showerEnergy, s.emFraction, s.interaction?.z ?? -1, s.hits.length, ...s.hits.flatMap((h) => [h.x, h.y, h.layer, h.e])]),
      ).buffer,
    );

  it('gives identical showers, bit for bit, for the same seed; others for another seed', () => {
    for (const particle of ['pion', 'neutron'] as const) {
      const [a, b] = [0, 1].map(() => generateHadronShowers(ild, { ...request, particle }, { seed: 7, count: 15 }));
      expect(a![0]!.hits.length).toBeGreaterThan(50);
      expect(bytes(a!)).toEqual(bytes(b!));
      expect(bytes(generateHadronShowers(ild, { ...request, particle }, { seed: 8, count: 15 }))).not.toEqual(bytes(a!));
    }
  });

  it('makes shower i the same whichever batch it is generated in', () => {
    const whole = generateHadronShowers(ild, request, { seed: 9, count: 10 });
    expect(bytes(generateHadronShowers(ild, request, { seed: 9, first: 6, count: 4 }))).toEqual(bytes(whole.slice(6)));
  });

  it('dispatches any particle to its generator (generateAnyShowers)', () => {
    const batch = { seed: 10, count: 3 };
    expect(generateAnyShowers(ild, request, batch)).toEqual(generateHadronShowers(ild, request, batch));
    const electron = { particle: 'electron', energy: 8 } as const;
    expect(generateAnyShowers(ild, electron, batch)).toEqual(generateShowers(ild, electron, batch));
  });
});
