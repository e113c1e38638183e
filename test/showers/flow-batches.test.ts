// A training batch against the formulas it implements: y_t and u from the batch's own x, z and t
// (recomputed in float64 here), the time features, the condition rows, and OT pairing lowering the
// transport cost against independent noise drawn from the same stream.
import { describe, expect, it } from 'vitest';
import { presetParams } from '../../src/sims/config';
import { withValues } from '../../src/sims/params';
import { getSystem } from '../../src/sims/registry';
import { detectorOf, eventSpec, generateEvents } from '../../src/sims/showers/events';
import { conditionRows, conditionWidth, flowBatch, timeFeatures } from '../../src/sims/showers/flow/batches';
import { buildBatch, computeStats } from '../../src/sims/showers/flow/dataset';
import { SIGMA_MIN } from '../../src/sims/showers/flow/interpolant';
import { schema } from '../../src/sims/showers/params';
import { Rng } from '../../src/sims/showers/random';
import '../../src/sims/index';

const def = getSystem('showers');
const p = schema.typed(withValues(schema, presetParams(def, 'electron-10gev'), { ecalCell: 15, energy: '2:10' }));
const spec = eventSpec(p);
const detector = detectorOf(spec);
const showers = generateEvents(detector, spec, 0, 24);
const batch = buildBatch(showers, computeStats(showers), detector, 128);

describe('flow training batches', () => {
  it('time features are sin/cos of π·2^k t', () => {
    const f = timeFeatures(0.3, 6);
    expect([...f].map((v) => Math.round(v * 1e6) / 1e6)).toEqual(
      [Math.sin(Math.PI * 0.3), Math.cos(Math.PI * 0.3), Math.sin(2 * Math.PI * 0.3), Math.cos(2 * Math.PI * 0.3), Math.sin(4 * Math.PI * 0.3), Math.cos(4 * Math.PI * 0.3)].map((v) => Math.round(Math.fround(v) * 1e6) / 1e6),
    );
    expect(() => timeFeatures(0.3, 5)).toThrow(/even/);
  });

  it('y_t = (1 − t) x + (σ + (1 − σ) t) z and u = (1 − σ) z − x, per shower t; zero on padding', () => {
    const fb = flowBatch(batch, new Rng(5), { pairing: 'ot', timeFeatures: 8 });
    // Recover z from the target (z = (u + x)/(1 − σ)) and check y_t in float64.
    const K = batch.tokens;
    for (let s = 0; s < batch.showers; s++) {
      const t = fb.t[s]!;
      expect(t).toBeGreaterThanOrEqual(0);
      expect(t).toBeLessThan(1);
      for (let i = 0; i < K; i++) {
        for (let d = 0; d < 3; d++) {
          const k = (s * K + i) * 3 + d;
          const x = batch.points[k]!;
          const z = (fb.target[k]! + x) / (1 - SIGMA_MIN);
          const y = (1 - t) * x + (SIGMA_MIN + (1 - SIGMA_MIN) * t) * z;
          expect(Math.abs(fb.input[k]! - y)).toBeLessThan(1e-5 * (1 + Math.abs(y)));
          if (batch.tok[s * K + i]! < 0) expect([fb.input[k], fb.target[k]]).toEqual([0, 0]);
        }
      }
    }
    const width = conditionWidth(8);
    expect(fb.conditions.length).toBe(batch.showers * width);
    const rows = conditionRows(batch, fb.t, 8);
    expect(rows).toEqual(fb.conditions);
    expect(rows[width + 8]).toBe(batch.logEnergy[1]);
    expect([...rows.subarray(width + 9, width + 12)]).toEqual([...batch.direction.subarray(3, 6)]);
  });

  it('OT pairing moves less: the summed |x − z| is lower than with the same noise unpaired', () => {
    const cost = (pairing: 'ot' | 'random') => {
      const fb = flowBatch(batch, new Rng(9), { pairing, timeFeatures: 8 });
      let c = 0;
      for (let k = 0; k < fb.target.length; k += 3) {
        const z = [0, 1, 2].map((d) => (fb.target[k + d]! + batch.points[k + d]!) / (1 - SIGMA_MIN));
        c += Math.hypot(...z.map((v, d) => v - batch.points[k + d]!));
      }
      return c;
    };
    // The same stream draws the same t and noise; OT only reorders it within each layer, so its cost is never higher.
    expect(cost('ot')).toBeLessThan(cost('random'));
  });
});
