// `lab run <system>`: steps a system headless, samples metrics every K steps, writes CSV/JSON and state.
import { readFile, writeFile } from 'node:fs/promises';
import type { GpuContext } from '../src/gpu/context';
import { MetricLog } from '../src/sims/metrics';
import { checkState } from '../src/sims/state';
import type { MetricSample, SimDefinition, Simulation } from '../src/sims/types';
import type { Params } from '../src/sims/params';
import { UsageError, type CliArgs } from './args';

export interface RunResult {
  log: MetricLog;
  final: MetricSample;
  sim: Simulation;
}

/** Flattens a sample into one JSON object: scalars and histograms by their metric names. */
export function finalMetrics(s: MetricSample): Record<string, unknown> {
  return { ...s.scalars, ...(s.histograms ?? {}), ...(s.curves ?? {}) };
}

export async function loadState(def: SimDefinition, params: Params, file: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--resume: cannot read JSON from ${file}: ${(e as Error).message}`);
  }
  return checkState(def.id, def.schema, params, raw);
}

export async function runSystem(
  ctx: GpuContext,
  def: SimDefinition,
  params: Params,
  args: CliArgs,
  prepare?: (sim: Simulation) => Promise<void>,
): Promise<RunResult> {
  const steps = args.steps ?? 1000;
  const every = args.every ?? Math.max(1, Math.floor(steps / 100));
  let sim = await def.create(ctx, params);
  if (args.resume) {
    const state = await loadState(def, params, args.resume);
    if (JSON.stringify(state.params) !== JSON.stringify(params)) {
      sim.dispose();
      sim = await def.create(ctx, state.params);
    }
    await sim.importState(state);
  }
  await prepare?.(sim);
  const log = new MetricLog(def.id);
  let final = await sim.sample();
  log.push(final);
  let done = 0;
  while (done < steps && !final.problem) {
    const n = Math.min(every, steps - done);
    sim.step(n);
    done += n;
    final = await sim.sample();
    log.push(final);
  }
  if (args.out) {
    const text = args.out.toLowerCase().endsWith('.csv') ? log.toCSV() : log.toJSON({ params: sim.params, adapter: ctx.adapterName });
    await writeFile(args.out, text);
  }
  if (args.state) await writeFile(args.state, JSON.stringify(await sim.exportState()));
  return { log, final, sim };
}
