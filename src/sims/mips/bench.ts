// Throughput benchmark: particle-steps per second and a per-kernel time split (GPU timestamps).
import type { GpuContext } from '../../gpu/context';
import { GpuTimer } from '../../gpu/timing';
import type { Params } from '../params';
import { MipsSimulation } from './simulation';

export interface MipsBenchResult {
  n: number;
  steps: number;
  seconds: number;
  particleStepsPerSecond: number;
  /** Milliseconds per step spent in each kernel pass (timestamp queries; empty without them). */
  kernelMs: Record<string, number>;
  adapter: string;
}

/** Steps per submit: enough to amortise submission, few enough to keep the queue responsive. */
const BATCH = 20;
/** Steps timed pass by pass for the kernel split (each step uses ≤ 7 timed passes of 128). */
const TIMED_STEPS = 16;

export async function benchMips(ctx: GpuContext, params: Params, opts: { steps: number }): Promise<MipsBenchResult> {
  const sim = new MipsSimulation(ctx, params);
  const { device } = ctx;
  const n = params.n as number;
  try {
    const run = async (steps: number) => {
      for (let done = 0; done < steps; done += BATCH) {
        const encoder = device.createCommandEncoder();
        sim.encodeSteps(encoder, Math.min(BATCH, steps - done));
        device.queue.submit([encoder.finish()]);
      }
      await device.queue.onSubmittedWorkDone();
    };
    await run(Math.min(BATCH, opts.steps)); // warm-up: pipelines compiled, caches filled
    const t0 = performance.now();
    await run(opts.steps);
    const seconds = (performance.now() - t0) / 1000;

    const kernelMs: Record<string, number> = {};
    if (ctx.hasTimestamps) {
      const timer = new GpuTimer(device);
      for (let done = 0; done < TIMED_STEPS; done++) {
        const encoder = device.createCommandEncoder();
        sim.encodeSteps(encoder, 1, timer);
        timer.resolve(encoder);
        device.queue.submit([encoder.finish()]);
        await timer.collect();
      }
      for (const [label, ms] of Object.entries(timer.report().perLabelMs)) kernelMs[label] = ms / TIMED_STEPS;
      timer.destroy();
    }
    return { n, steps: opts.steps, seconds, particleStepsPerSecond: (n * opts.steps) / seconds, kernelMs, adapter: ctx.adapterName };
  } finally {
    sim.dispose();
  }
}
