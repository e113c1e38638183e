// The flow model as one trainable, saveable model: its weights file (both networks, their EMA, the
// standardisation) restores a model that samples the same showers; a file is refused by a calorimeter
// it does not fit; generator counts are kept point for point; the trajectory runs on the solver's grid
// from the noise (t = 1) to the sample (t = 0); and the joined layout splits back into the parts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { createNodeContext } from '../../src/gpu/node';
import { JoinedLayout, ParamLayout } from '../../src/nn/layout';
import { presetParams } from '../../src/sims/config';
import { withValues } from '../../src/sims/params';
import { getSystem } from '../../src/sims/registry';
import { detectorOf, eventSpec, generateEvents } from '../../src/sims/showers/events';
import { sortByLayer } from '../../src/sims/showers/flow/dataset';
import { timeGrid } from '../../src/sims/showers/flow/solvers';
import { ShowerFlowModel, trainedOn, trainingPool } from '../../src/sims/showers/model/flow-model';
import { FLOW_SETTINGS_DEFAULTS, type FlowSettings } from '../../src/sims/showers/model/settings';
import { checkWeights, modelFromWeights } from '../../src/sims/showers/model/weights';
import { schema } from '../../src/sims/showers/params';
import { Rng } from '../../src/sims/showers/random';
import '../../src/sims/index';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx?.device.destroy());

const TINY: FlowSettings = { ...FLOW_SETTINGS_DEFAULTS, width: 8, depth: 1, heads: 2, mlp: 16, countHidden: 16, pool: 24, batch: 4, tokens: 64 };

/** Electrons of 2–5 GeV in 30 mm ECAL cells: showers of ~20–40 hits, small enough for SwiftShader. */
async function setup() {
  const params = withValues(schema, presetParams(getSystem('showers'), 'flow-electrons'), { ecalCell: 30, energy: '2:5' });
  const p = schema.typed(params);
  const detector = detectorOf(eventSpec(p));
  const pool = await trainingPool(p, TINY, (spec, first, n) => generateEvents(detector, spec, first, n));
  return { params, p, detector, pool };
}

async function trained(steps: number) {
  const { p, detector, pool } = await setup();
  const model = ShowerFlowModel.fromPool(ctx.device, detector, TINY, pool, trainedOn(p));
  for (let i = 0; i < steps; i++) await model.trainChunk();
  return model;
}

describe('JoinedLayout', () => {
  it('places each part at its start with its own offsets, and splits a block back into the parts', () => {
    const a = new ParamLayout();
    a.add('w', [3, 5], { kind: 'glorot' });
    a.add('b', [5], { kind: 'zeros' });
    const b = new ParamLayout();
    b.add('w', [2, 2], { kind: 'glorot' });
    const joined = new JoinedLayout({ a, b });
    expect(joined.entries.map((e) => [e.name, e.offset])).toEqual([['a/w', 0], ['a/b', a.get('b').offset], ['b/w', a.size]]);
    expect(joined.size).toBe(a.size + b.size);
    const blockA = Float32Array.from({ length: a.size }, (_, i) => i + 1);
    const blockB = Float32Array.from({ length: b.size }, (_, i) => -(i + 1));
    const block = joined.join({ a: blockA, b: blockB });
    expect(Array.from(joined.slice(block, 'a'))).toEqual(Array.from(blockA));
    expect(Array.from(joined.slice(block, 'b'))).toEqual(Array.from(blockB));
  });
});

describe('flow model', () => {
  it('saves both networks with their EMA; the file rebuilds a model that samples the same showers', async () => {
    const { params, p, pool } = await setup();
    const model = await trained(3);
    const bytes = await model.save({ preset: 'test' });
    expect(() => checkWeights(bytes, params)).not.toThrow();
    const copy = modelFromWeights(ctx.device, p, bytes);
    expect(copy.steps).toBe(3);
    expect(copy.settings).toEqual(model.settings);
    for (const part of ['point', 'count'] as const) {
      expect(Array.from(await copy[part].params.weights())).toEqual(Array.from(await model[part].params.weights()));
      expect(Array.from(await copy[part].params.emaWeights())).toEqual(Array.from(await model[part].params.emaWeights()));
    }
    // After 3 steps at EMA decay 0.995 the EMA is not the weights: sampling uses the EMA.
    expect(Array.from(await model.point.params.emaWeights())).not.toEqual(Array.from(await model.point.params.weights()));
    const sampling = { solver: 'midpoint', steps: 2, counts: 'model' } as const;
    const a = await model.sample(pool.slice(0, 3), sampling, new Rng(4));
    const b = await copy.sample(pool.slice(0, 3), sampling, new Rng(4));
    expect(b.points).toEqual(a.points);
    model.destroy();
    copy.destroy();
  }, 120_000);

  it('is refused, with the cells named, by a calorimeter with other cells', async () => {
    const { params } = await setup();
    const model = await trained(0);
    const bytes = await model.save();
    expect(() => checkWeights(bytes, { ...params, ecalCell: 15 })).toThrow(/learned 30 mm ECAL cells .* ecalCell = 15/);
    const cut = bytes.slice(0, bytes.length - 8);
    expect(() => checkWeights(cut, params)).toThrow(/truncated/);
    model.destroy();
  }, 60_000);

  it('keeps the generator shower’s points per layer with counts from the generator, and runs its trajectory from t = 1 to 0', async () => {
    const { detector, pool } = await setup();
    const model = await trained(1);
    const showers = pool.slice(0, 4);
    const steps = 3;
    const out = await model.sample(showers, { solver: 'euler', steps, counts: 'generator' }, new Rng(2), true);
    out.points.forEach((points, s) => {
      const L = detector.layers.length;
      expect(Array.from(sortByLayer(points, L).counts)).toEqual(Array.from(sortByLayer(showers[s]!.hits, L).counts));
    });
    const tr = out.trajectory!;
    expect(tr.times).toEqual(timeGrid(steps));
    // t = 0 is the sample itself; between grid times the points move linearly.
    expect(model.pointsAt(tr, 2, 0)).toEqual(out.points[2]);
    const [a, b, mid] = [model.pointsAt(tr, 1, 1), model.pointsAt(tr, 1, 2 / 3), model.pointsAt(tr, 1, 5 / 6)];
    mid.forEach((h, i) => expect(h.x).toBeCloseTo((a[i]!.x + b[i]!.x) / 2, 3));
    model.destroy();
  }, 120_000);
});
