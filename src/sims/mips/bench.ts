// Throughput benchmark: particle-steps per second and a per-kernel time split (GPU timestamps);
// with a Verlet list (skin > 0), how often it was rebuilt.
import type { GpuContext } from '../../gpu/context';
import { GpuTimer } from '../../gpu/timing';
import type { Params } from '../params';
import { MipsSimulation } from './simulation';

export interface MipsBenchResult {
  n: number;
  steps: number;
  seconds: number;
  particleStepsPerSecond: number;
  /**
   * Milliseconds per step spent in each kernel pass (timestamp queries; empty without them),
   * averaged over `timedSteps` steps: the rebuild kernels' share is their cost amortised.
   */
  kernelMs: Record<string, number>;
  timedSteps: number;
  /** skin > 0: list builds during the `steps` (and the timed steps), and its fill. */
  neighbourList?: {
    skin: number;
    rebuilds: number;
    /** null when the measured steps did not rebuild. */
    stepsPerRebuild: number | null;
    /**
     * GPU ms of one rebuild: the rebuild kernels' time on timed steps that rebuilt, minus their
     * time (empty indirect dispatches) on steps that did not; null when the timed steps lack either.
     */
    msPerRebuild: number | null;
    capacity: number;
    most: number;
  };
  adapter: string;
}

/** Steps per submit: enough to amortise submission, few enough to keep the queue responsive. */
const BATCH = 20;
/** Steps timed pass by pass for the kernel split (more with a Verlet list, to catch rebuilds). */
const TIMED_STEPS = 16;
const TIMED_STEPS_VERLET = 48;

/** Enough particle-steps (~4M) for a stable rate, at least 40 steps (a few Verlet rebuilds). */
export function defaultBenchSteps(n: number): number {
  return Math.min(2000, Math.max(40, Math.ceil(4e6 / n)));
}

export async function benchMips(ctx: GpuContext, params: Params, opts: { steps: number }): Promise<MipsBenchResult> {
  const sim = new MipsSimulation(ctx, params);
  const { device } = ctx;
  const { n } = sim.params;
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
    const before = await sim.neighbourStats();
    const t0 = performance.now();
    await run(opts.steps);
    const seconds = (performance.now() - t0) / 1000;
    const after = await sim.neighbourStats();

    const kernelMs: Record<string, number> = {};
    const timedSteps = before ? TIMED_STEPS_VERLET : TIMED_STEPS;
    // Rebuild kernels' ms per step, split by whether the GPU rebuilt on that step.
    const rebuildMs = { built: 0, builtSteps: 0, idle: 0, idleSteps: 0 };
    if (ctx.hasTimestamps) {
      const timer = new GpuTimer(device);
      let rebuilds = after?.rebuilds ?? 0;
      for (let done = 0; done < timedSteps; done++) {
        const was = { ...timer.report().perLabelMs };
        const encoder = device.createCommandEncoder();
        sim.encodeSteps(encoder, 1, timer);
        timer.resolve(encoder);
        device.queue.submit([encoder.finish()]);
        await timer.collect();
        if (!before) continue;
        const now = timer.report().perLabelMs;
        const ms = Object.keys(now).filter((k) => k.startsWith('rebuild:')).reduce((a, k) => a + now[k]! - (was[k] ?? 0), 0);
        const count = (await sim.neighbourStats())!.rebuilds;
        if (count > rebuilds) [rebuildMs.built, rebuildMs.builtSteps] = [rebuildMs.built + ms, rebuildMs.builtSteps + 1];
        else [rebuildMs.idle, rebuildMs.idleSteps] = [rebuildMs.idle + ms, rebuildMs.idleSteps + 1];
        rebuilds = count;
      }
      for (const [label, ms] of Object.entries(timer.report().perLabelMs)) kernelMs[label] = ms / timedSteps;
      timer.destroy();
    }
    const result: MipsBenchResult = {
      n, steps: opts.steps, seconds, particleStepsPerSecond: (n * opts.steps) / seconds, kernelMs, timedSteps, adapter: ctx.adapterName,
    };
    if (before && after) {
      const rebuilds = after.rebuilds - before.rebuilds;
      const { built, builtSteps, idle, idleSteps } = rebuildMs;
      result.neighbourList = {
        skin: sim.params.skin,
        rebuilds,
        stepsPerRebuild: rebuilds > 0 ? opts.steps / rebuilds : null,
        msPerRebuild: builtSteps > 0 && idleSteps > 0 ? built / builtSteps - idle / idleSteps : null,
        capacity: after.capacity,
        most: after.most,
      };
    }
    return result;
  } finally {
    sim.dispose();
  }
}
