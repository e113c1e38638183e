// `lab run <system>`: steps a system headless, samples metrics every K steps, writes CSV/JSON and state.
import type { GpuContext } from '../src/gpu/context';
import { MetricLog, nonFiniteMetric } from '../src/sims/metrics';
import type { MetricSample, Simulation } from '../src/sims/types';
import { stateToSafetensors } from '../src/sims/state';
import type { Plan } from './plan';
import type { Progress } from './progress';
import { writeOutputs, type Output } from './outputs';
import type { Keep } from '../src/sims/tools';
import { provenance } from './provenance';

export interface RunResult {
  log: MetricLog;
  final: MetricSample;
  sim: Simulation;
}

/** Flattens a sample into one JSON object: scalars and histograms by their metric names. */
export function finalMetrics(s: MetricSample): Record<string, unknown> {
  return { ...s.scalars, ...(s.histograms ?? {}), ...(s.curves ?? {}) };
}

/** A sample as one JSON line (--jsonl, a sweep point's metrics.jsonl): step, time, scalars, and the problem if any. */
export function sampleLine(s: MetricSample): string {
  return JSON.stringify({ step: s.step, time: s.time, ...s.scalars, ...(s.problem ? { problem: s.problem } : {}) });
}

export async function runSystem(ctx: GpuContext, plan: Plan, keep: Keep, prepare?: (sim: Simulation) => Promise<void>, progress?: Progress): Promise<RunResult> {
  const { args } = plan;
  const steps = args.steps ?? 1000;
  const every = args.every ?? Math.max(1, Math.floor(steps / 100));
  const sim = keep(await plan.def.create(ctx, plan.params));
  if (plan.resume) await sim.importState(plan.resume);
  await prepare?.(sim);
  const log = new MetricLog(plan.def.id);
  const sample = async () => {
    const s = await sim.sample();
    s.problem ??= nonFiniteMetric(s);
    log.push(s);
    // --jsonl: each sample as it is taken (flushed line by line), for a pipe or a live plot.
    if (args.jsonl) console.log(sampleLine(s));
    return s;
  };
  let final = await sample();
  let done = 0;
  while (done < steps && !final.problem) {
    const n = Math.min(every, steps - done);
    sim.step(n);
    done += n;
    final = await sample();
    progress?.update(done, steps, 'steps');
  }
  progress?.end();
  return { log, final, sim };
}

export async function runVerb(ctx: GpuContext, plan: Plan, keep: Keep, progress?: Progress): Promise<number> {
  const started = performance.now();
  const { args, def } = plan;
  const { weights } = plan;
  const model = def.model;
  const prepare = weights && model ? async (sim: Simulation) => void keep(await model.attach(sim, weights)) : undefined;
  const { final, sim, log } = await runSystem(ctx, plan, keep, prepare, progress);
  const outputs: Output[] = [];
  if (args.out) {
    const out = args.out;
    outputs.push({ flag: '--out', path: out, data: () => (out.toLowerCase().endsWith('.csv') ? log.toCSV() : log.toJSON({ preset: plan.preset, params: sim.params, adapter: ctx.adapterName }, def.metrics)) });
  }
  if (args.state) {
    const safetensors = args.state.toLowerCase().endsWith('.safetensors');
    outputs.push({ flag: '--state', path: args.state, data: async () => (safetensors ? stateToSafetensors : JSON.stringify)(await sim.exportState()) });
  }
  const failed = await writeOutputs(outputs);
  for (const line of failed) console.error(`error: ${line}`);
  if (final.problem) {
    const kept = outputs.length > failed.length ? '; the outputs were written' : '';
    console.error(`error: ${final.problem} (stopped at step ${final.step}${kept})`);
    return 3;
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const report = {
    system: def.id, preset: plan.preset, step: final.step, time: final.time, ...finalMetrics(final),
    // Provenance: what reproduces this result.
    params: sim.params, adapter: ctx.adapterName, ...provenance(), wallSeconds,
  };
  if (args.json) console.log(JSON.stringify(report));
  else if (args.jsonl) console.error(`${def.id}: ${final.step} steps, t = ${final.time}`);
  else {
    console.log(`${def.id}: ${final.step} steps, t = ${final.time}`);
    for (const [k, v] of Object.entries(final.scalars)) console.log(`  ${k.padEnd(24)} ${v}`);
  }
  return failed.length > 0 ? 1 : 0;
}
