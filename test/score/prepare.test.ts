// The lab compiles the inference network's pipelines asynchronously before building it
// (ScoreModel.prepareEvaluation: recorded on a stand-in device, then createComputePipelineAsync),
// because synchronous creation held Chromium's GPU process, and the page's frames, for 20 s on
// SwiftShader. Checked here: after it, building and running the evaluation creates no pipeline
// synchronously, and the result is the one-submit evaluation's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeContext } from '../../src/gpu/node';
import type { GpuContext } from '../../src/gpu/context';
import { MipsSimulation } from '../../src/sims/mips/simulation';
import { SCORE_TINY } from '../../src/sims/mips/score/config';
import { ScoreModel } from '../../src/sims/mips/score/model';
import { mipsParams } from '../mips/helpers';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await createNodeContext();
});
afterAll(() => ctx.device.destroy());

describe('score inference: pipelines compiled ahead, chunks', () => {
  it.each(['aoup', 'abp'])('%s: prepareEvaluation leaves no synchronous pipeline creation; 3 chunks give the one-submit result', async (model) => {
    const sim = new MipsSimulation(ctx, mipsParams({ model, force: 'softdisk', n: 200, phi: 0.3, v0: 1, gamma: 1, Dr: 1, Dt: 0.5, A: 0, dt: 0.01, seed: 5 }));
    sim.step(20);
    const m = new ScoreModel(sim, { ...SCORE_TINY, neighbors: 4, seed: 3 });
    const device = ctx.device;
    const sync = device.createComputePipeline.bind(device);
    let created = 0;
    device.createComputePipeline = (d) => {
      created++;
      return sync(d);
    };
    try {
      await m.prepareEvaluation(70);
      created = 0;
      m.beginEvaluation(70); // 3 chunks: 70, 70, 60
      let e;
      for (let i = 0; i < 3; i++) e = await m.evaluateChunk();
      expect(e).toBeDefined();
      expect(created).toBe(0);
      const whole = await m.evaluate(); // one chunk of 200 (its pipelines made on demand)
      // Same state, same weights: the chunked sums differ only by float32 summation order.
      expect(e!.step).toBe(whole.step);
      expect(Math.abs(e!.eprLearned - whole.eprLearned)).toBeLessThan(1e-5 * Math.max(1, Math.abs(whole.eprLearned)));
      expect(Math.abs(e!.meanLocalEpr - whole.meanLocalEpr)).toBeLessThan(1e-5 * Math.max(1, Math.abs(whole.meanLocalEpr)));
      console.log(`${model}: chunked ${e!.eprLearned} vs whole ${whole.eprLearned}`);
    } finally {
      device.createComputePipeline = sync;
      m.destroy();
      sim.dispose();
    }
  });
});
