// The showers system as the lab runs it: the GPU cells kernel against a float64 CPU reference, the
// view growing for a shower bigger than its buffers, and every preset run for 20 000 steps with its
// description checked on what the plots then show (the last N showers against the reference).
// Seeds are fixed; each tolerance is derived in place from the spread of the quantity.
import { interpolateCividis, rgb } from 'd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readback } from '../../src/gpu/buffers';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { presetParams } from '../../src/sims/config';
import { withValues } from '../../src/sims/params';
import { getSystem } from '../../src/sims/registry';
import { detectorOf, eventSpec, generateEvent, generateEvents } from '../../src/sims/showers/events';
import { maxHits } from '../../src/sims/showers/flow/dataset';
import { trainingPool } from '../../src/sims/showers/model/flow-model';
import { FLOW_SETTINGS_DEFAULTS } from '../../src/sims/showers/model/settings';
import type { HadronShower } from '../../src/sims/showers/hadronic';
import { observeShower } from '../../src/sims/showers/observables';
import { schema } from '../../src/sims/showers/params';
import { ShowerSimulation } from '../../src/sims/showers/simulation';
import { directSource } from '../../src/sims/showers/source';
import { CellView } from '../../src/sims/showers/view';
import '../../src/sims/index';
import { mean, sd } from './helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx?.device.destroy());

const def = () => getSystem('showers');
const params = (preset: string, values: Record<string, unknown> = {}) => schema.typed(withValues(schema, presetParams(def(), preset), values));
const srgbToLinear = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);

describe('cells on the GPU', () => {
  it('put each hit at its layer’s active slab with its cell pitch, coloured by log10 E through the chosen map (cividis)', async () => {
    const p = params('electron-10gev', { ecalCell: 10 });
    const spec = eventSpec(p);
    const detector = detectorOf(spec);
    const shower = generateEvent(detector, spec, 3);
    const range = { low: -4, high: -1 };
    const view = new CellView(ctx.device, detector, 1024, range, 'cividis');
    // d3's cividis is a 256-step table: between our entries a colour may differ from d3's by one of its steps.
    const steps = Array.from({ length: 256 }, (_, k) => rgb(interpolateCividis(k / 255)));
    const tolerance = Math.max(...steps.slice(1).flatMap((c, k) => (['r', 'g', 'b'] as const).map((ch) => Math.abs(srgbToLinear(c[ch]) - srgbToLinear(steps[k]![ch]))))) + 1e-6;
    view.show(shower.hits);
    const readback = new Readback(ctx.device, 'cells test');
    const positions = await readback.f32(view.positions);
    const colors = await readback.f32(view.colors);
    shower.hits.forEach((h, i) => {
      const layer = detector.layers[h.layer]!;
      expect([...positions.subarray(4 * i, 4 * i + 4)]).toEqual([Math.fround(h.x), Math.fround(h.y), Math.fround(layer.zActive), Math.fround(layer.cellSize)]);
      const u = Math.min(1, Math.max(0, (Math.log10(h.e) - range.low) / (range.high - range.low)));
      const c = rgb(interpolateCividis(u));
      [c.r, c.g, c.b].forEach((v, k) => expect(Math.abs(colors[4 * i + k]! - srgbToLinear(v))).toBeLessThan(tolerance));
    });
    // Slots past the hits are hidden (size 0).
    expect(positions[4 * shower.hits.length + 3]).toBe(0);
    expect(positions[4 * 1023 + 3]).toBe(0);
    view.destroy();
    readback.destroy();
  });

  it('grow when a shower has more hits than the buffers hold, so every hit is drawn', async () => {
    // Coarse ECAL cells: the electron reference's showers are small (~90 hits), the pions' are not (~250).
    const p = params('pion-50gev', { window: 10, ecalCell: 30, energy: '20' });
    const sim = await ShowerSimulation.create(ctx, p, directSource());
    const spec = eventSpec(p);
    const detector = detectorOf(spec);
    const capacities = new Set<number>();
    for (let i = 1; i <= 40; i++) {
      sim.step(1);
      await sim.sample();
      const hits = generateEvent(detector, spec, i - 1).hits.length;
      expect(sim.render.caption, `shower ${i}`).toContain(`: ${hits} hits`);
      expect(sim.render.count).toBeGreaterThanOrEqual(hits);
      capacities.add(sim.render.count);
    }
    // The reference of 10 electron showers sizes the buffers; the pions outgrow them.
    expect(capacities.size).toBeGreaterThan(1);
    sim.dispose();
  });
});

/** A preset run for 20 000 steps as the lab runs it; the plots then show the last `window` showers. */
async function longRun(preset: string) {
  const sim = await def().create(ctx, presetParams(def(), preset));
  for (let k = 0; k < 4; k++) sim.step(5000);
  const sample = await sim.sample();
  sim.dispose();
  expect(sample.step).toBe(20_000);
  expect(sample.problem).toBeUndefined();
  for (const [name, v] of Object.entries(sample.scalars)) expect(Number.isFinite(v), name).toBe(true);
  return sample.scalars;
}

describe('presets keep their descriptions after 20 000 showers', () => {
  it('electron-10gev: ~200 hits, the profile peaks at layer 8–9, ~4 % visible; the reference agrees', async () => {
    const s = await longRun('electron-10gev');
    // Hits per shower spread by ~8 (sd): the window mean of 200 is ±0.6; the bands are the description's words.
    expect(s.meanHits).toBeGreaterThan(180);
    expect(s.meanHits).toBeLessThan(220);
    expect(s.maxLayer).toBeGreaterThan(7.5);
    expect(s.maxLayer).toBeLessThan(10);
    expect(s.meanRatio).toBeGreaterThan(0.035);
    expect(s.meanRatio).toBeLessThan(0.045);
    // Same law, independent samples: the CoG layer's sd is ~1.2, so two means of 200 differ by < 4 · 1.2 · √(2/200) = 0.48.
    expect(Math.abs(s.meanCogLayer! - s.referenceMeanCogLayer!)).toBeLessThan(0.48);
  }, 120_000);

  it('photon-vs-electron: the photons’ CoG sits about 2 thin layers deeper (1.3 X0 / 0.605 X0 per layer)', async () => {
    const s = await longRun('photon-vs-electron');
    // Expected 9/7 X0 / 0.605 X0 = 2.1 layers less the conversion-depth smearing seen in test/showers/photons (1.9).
    // The shift's sd over 300 + 300 showers: photons' CoG sd ~1.6 layers → √(1.6²/300 + 1.2²/300) = 0.12; 4σ band.
    const shift = s.meanCogLayer! - s.referenceMeanCogLayer!;
    expect(shift).toBeGreaterThan(1.9 - 0.5);
    expect(shift).toBeLessThan(2.1 + 0.5);
    expect(Math.abs(s.meanRatio! / 0.039 - 1)).toBeLessThan(0.1);
  }, 120_000);

  it('pion-50gev: a bit over half interact in the ECAL; the shower peaks in the HCAL, the electrons’ in the ECAL', async () => {
    const s = await longRun('pion-50gev');
    expect(s.maxLayer).toBeGreaterThan(30); // layer 30 is the first HCAL layer
    expect(s.referenceMaxLayer).toBeLessThan(30);
    const p = params('pion-50gev');
    const spec = eventSpec(p);
    const showers = generateEvents(detectorOf(spec), spec, 0, 400) as HadronShower[];
    const inEcal = showers.filter((sh) => sh.interaction !== null && sh.interaction.layer < 30).length / showers.length;
    // 1 − e^{−0.88} = 0.585 (ECAL 0.88 λ_I); binomial sd over 400: 0.025; 3σ.
    expect(Math.abs(inEcal - (1 - Math.exp(-0.88)))).toBeLessThan(3 * 0.025);
  }, 180_000);

  it('flow-electrons: ~70 cells per shower, at most ~140, so the flow model’s training pool fits its 160 points', async () => {
    const s = await longRun('flow-electrons');
    // Hits over 2–10 GeV spread with sd ~25: the window mean of 200 is ±1.8; the band is the description's "about 70".
    expect(s.meanHits).toBeGreaterThan(60);
    expect(s.meanHits).toBeLessThan(80);
    const p = params('flow-electrons');
    const detector = detectorOf(eventSpec(p));
    const pool = await trainingPool(p, FLOW_SETTINGS_DEFAULTS, (spec, first, n) => generateEvents(detector, spec, first, n));
    expect(maxHits(pool)).toBeGreaterThan(110);
    expect(maxHits(pool)).toBeLessThanOrEqual(FLOW_SETTINGS_DEFAULTS.tokens);
  }, 120_000);

  it('energy-scan: energies uniform on 1–100 GeV; calibrated response flat within 1 %, raw fraction falling; hits grow with E', async () => {
    const s = await longRun('energy-scan');
    expect(s.meanHits).toBeGreaterThan(0);
    const p = params('energy-scan');
    const spec = eventSpec(p);
    const detector = detectorOf(spec);
    const observed = generateEvents(detector, spec, 0, 400).map((sh) => observeShower(detector, sh));
    const e = observed.map((o) => o.incidentEnergy);
    // Uniform on [1, 100]: mean 50.5, sd 28.6; the mean of 400 is ±1.43; 4σ.
    expect(Math.abs(mean(e) - 50.5)).toBeLessThan(4 * 1.43);
    expect(Math.min(...e)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...e)).toBeLessThanOrEqual(100);
    // Calibrated energy: each layer's visible energy over its sampling fraction.
    const calibrated = observed.map((o) => o.layerEnergy.reduce((sum, v, k) => sum + v / detector.layers[k]!.samplingFraction, 0) / o.incidentEnergy);
    const raw = observed.map((o) => o.visibleFraction);
    const third = (values: number[], lo: number, hi: number) => values.filter((_, i) => e[i]! >= lo && e[i]! < hi);
    const [low, high] = [[1, 34], [67, 101]] as const;
    for (const [lo, hi] of [low, high]) {
      const c = third(calibrated, lo, hi);
      // Per shower sd ≤ 0.11/√1 GeV; over ≥ 100 showers the mean is within ±0.011 (1σ at worst, 1 GeV); leakage ≤ 1 %.
      expect(Math.abs(mean(c) - 1), `calibrated response ${lo}–${hi} GeV`).toBeLessThan(0.01 + 2 * sd(c) / Math.sqrt(c.length));
    }
    // The raw fraction falls (more energy in the thick-W layers, sampling fraction 0.0215 vs 0.042): ~4.0 % → ~3.7 %.
    expect(mean(third(raw, ...low))).toBeGreaterThan(mean(third(raw, ...high)) + 0.001);
    const hitsLow = observed.filter((o) => o.incidentEnergy < 20).map((o) => o.hits);
    const hitsHigh = observed.filter((o) => o.incidentEnergy > 80).map((o) => o.hits);
    expect(mean(hitsHigh)).toBeGreaterThan(mean(hitsLow) * 1.5);
  }, 120_000);
});
