// Bad inputs: a weights file of the wrong shape or for another configuration gives a clear
// error and changes nothing; a non-finite loss stops training with the weights unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { NonFiniteStepError } from '../../src/nn/adamw';
import { WeightsFormatError } from '../../src/nn/io';
import { MipsSimulation } from '../../src/sims/mips/simulation';
import { SCORE_TINY } from '../../src/sims/mips/score/config';
import { ScoreModel } from '../../src/sims/mips/score/model';
import { modelFromWeights } from '../../src/sims/mips/score/model';
import { readScoreMeta } from '../../src/sims/mips/score/weights';
import { mipsParams } from '../mips/helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx.device.destroy());

const VALUES = { model: 'aoup', force: 'softdisk', n: 128, phi: 0.3, v0: 1, gamma: 1, Dt: 0, A: 0, dt: 0.01, seed: 9 };
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('score network: bad inputs', () => {
  it('a weights file of the wrong shape is refused with a clear message; the weights stay', async () => {
    const sim = new MipsSimulation(ctx, mipsParams(VALUES));
    const a = new ScoreModel(sim, { ...SCORE_TINY, width: 16, batch: 32 });
    await a.train(2);
    const bytes = await a.save();
    const b = new ScoreModel(sim, { ...SCORE_TINY, width: 32, batch: 32 });
    const before = await b.params.weights();
    let err: unknown;
    try {
      b.load(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeightsFormatError);
    console.log(`wrong shape: ${(err as Error).message}`);
    expect((err as Error).message).toMatch(/shape \[\d+, 16\] in the file but \[\d+, 32\] in the network/);
    expect(same(await b.params.weights(), before)).toBe(true);
    // Truncated file and a non-weights file.
    const wa = await a.params.weights();
    expect(() => a.load(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated or padded/);
    expect(same(await a.params.weights(), wa)).toBe(true);
    expect(() => readScoreMeta(new TextEncoder().encode('{"hello": 1}'))).toThrow(WeightsFormatError);
    // The same file rebuilds its own network; on a Dt > 0 system it is refused.
    const c = await modelFromWeights(sim, bytes);
    expect(c.settings.width).toBe(16);
    expect(same(await c.params.weights(), await a.params.weights())).toBe(true);
    const simDt = new MipsSimulation(ctx, mipsParams({ ...VALUES, Dt: 0.5 }));
    await expect(modelFromWeights(simDt, bytes)).rejects.toThrow(/these weights are for AOUP, Dt = 0, .*; the system is AOUP, Dt > 0 \(s_x\)/);
    for (const m of [a, b, c]) m.destroy();
    sim.dispose();
    simDt.dispose();
  });

  it('a NaN loss stops training with NonFiniteStepError; weights, EMA and step count unchanged', async () => {
    const sim = new MipsSimulation(ctx, mipsParams(VALUES));
    const model = new ScoreModel(sim, { ...SCORE_TINY, batch: 32 });
    const good = await model.train(3);
    const w0 = await model.params.weights();
    const e0 = await model.params.emaWeights();
    // Poison the propulsion of every particle on the GPU (a state file carrying NaN is refused
    // before it gets there): every training set sees a NaN input. bodyA holds (p.x, p.y, dx, dy).
    const { buf } = sim.internals;
    ctx.device.queue.writeBuffer(buf.bodyA, 0, new Float32Array(4 * buf.n).fill(NaN));
    let err: unknown;
    try {
      await model.train(2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteStepError);
    console.log(`NaN loss: ${(err as Error).message}`);
    expect(same(await model.params.weights(), w0)).toBe(true);
    expect(same(await model.params.emaWeights(), e0)).toBe(true);
    expect((await model.optimizer.readStats()).steps).toBe(good.steps);
    model.destroy();
    sim.dispose();
  });
});
