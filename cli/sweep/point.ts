// `lab sweep point DIR INDEX…`: runs planned points one after another in this process, on one GPU
// device (so pipelines compile once). Each point writes only into its own folder, under a lock.
// SIGTERM or SIGINT (a Slurm time limit, Ctrl-C) ends the current sample, writes a checkpoint and
// exits 143 or 130; running the point again resumes from it, bit-identical to a straight run
// (the noise is counter-based: the step clock is in the state).
import { appendFileSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import type { GpuContext } from '../../src/gpu/context';
import { nonFiniteMetric } from '../../src/sims/metrics';
import { getSystem } from '../../src/sims/registry';
import { checkState, parseStateFile } from '../../src/sims/state';
import type { MetricSample, Simulation } from '../../src/sims/types';
import { UsageError } from '../args';
import { provenance } from '../provenance';
import { sampleLine } from '../run';
import { withGpu } from '../session';
import { pointDir, pointFile, readManifest, writeAtomic, type SweepPoint } from './layout';

export type PointOutcome = 'done' | 'skipped' | 'held' | 'failed' | 'interrupted';

/** The signal that asked this process to stop, as its exit code (143 SIGTERM, 130 SIGINT). */
let stopCode: number | undefined;
export const stopRequested = () => stopCode;

export function listenForStop(): () => void {
  const term = () => (stopCode = 143);
  const int = () => (stopCode = 130);
  process.on('SIGTERM', term);
  process.on('SIGINT', int);
  return () => {
    process.off('SIGTERM', term);
    process.off('SIGINT', int);
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the point's lock (one writer per folder); a lock left by a dead process on this host is broken. */
function lock(dir: string, p: SweepPoint): boolean {
  const file = pointFile(dir, p.id, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() }));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = lockHolder(dir, p.id);
      if (holder && holder.host === hostname() && !alive(holder.pid)) rmSync(file, { force: true });
      else return false;
    }
  }
  return false;
}

/** Whether a live writer holds the point (a lock left by a dead process on this host is not held). */
export function lockHeld(dir: string, id: string): boolean {
  const h = lockHolder(dir, id);
  return h !== undefined && (h.host !== hostname() || alive(h.pid));
}

function lockHolder(dir: string, id: string): { host: string; pid: number } | undefined {
  try {
    return JSON.parse(readFileSync(pointFile(dir, id, 'lock'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The samples already written up to `step` (those after a checkpoint are taken again on resume). */
function keepSamplesUpTo(file: string, step: number): void {
  if (!existsSync(file)) return;
  const kept = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '' && (JSON.parse(l) as { step: number }).step <= step);
  writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
}

export async function runPoint(ctx: GpuContext, dir: string, p: SweepPoint, say: (line: string) => void): Promise<PointOutcome> {
  if (existsSync(pointFile(dir, p.id, 'result.json'))) return 'skipped';
  mkdirSync(pointDir(dir, p.id), { recursive: true });
  if (!lock(dir, p)) {
    const h = lockHolder(dir, p.id);
    say(`point ${p.index} (${p.id}): held by ${h ? `pid ${h.pid} on ${h.host}` : 'another writer'}; skipped`);
    return 'held';
  }
  const started = performance.now();
  // Freed when the point ends, on every path (a long-lived worker runs thousands of points).
  let sim: Simulation | undefined;
  const metrics = pointFile(dir, p.id, 'metrics.jsonl');
  const checkpoint = pointFile(dir, p.id, 'checkpoint.json');
  try {
    writeAtomic(pointFile(dir, p.id, 'point.json'), JSON.stringify({ ...p, ...provenance(), seed: p.params.seed }, null, 1));
    const def = getSystem(p.system);
    sim = await def.create(ctx, p.params);
    if (existsSync(checkpoint)) {
      await sim.importState(checkState(def.id, def.schema, p.params, parseStateFile(readFileSync(checkpoint))));
      keepSamplesUpTo(metrics, sim.stepCount);
      say(`point ${p.index} (${p.id}): resumed at step ${sim.stepCount}`);
    } else writeFileSync(metrics, '');
    const running = sim;
    const sample = async (write: boolean): Promise<MetricSample> => {
      const s = await running.sample();
      s.problem ??= nonFiniteMetric(s);
      if (write) appendFileSync(metrics, `${sampleLine(s)}\n`);
      return s;
    };
    let final = await sample(sim.stepCount === 0);
    while (sim.stepCount < p.steps && !final.problem) {
      if (stopCode !== undefined) {
        writeAtomic(checkpoint, JSON.stringify(await sim.exportState()));
        say(`point ${p.index} (${p.id}): stopped at step ${sim.stepCount}; checkpoint written, run it again to resume`);
        return 'interrupted';
      }
      sim.step(Math.min(p.every, p.steps - sim.stepCount));
      final = await sample(true);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const result = {
      id: p.id, index: p.index, system: p.system, status: final.problem ? 'failed' : 'ok', ...(final.problem ? { error: final.problem } : {}),
      step: final.step, time: final.time, metrics: final.scalars, adapter: ctx.adapterName, wallSeconds, ...provenance(),
    };
    writeAtomic(pointFile(dir, p.id, 'result.json'), JSON.stringify(result, null, 1));
    rmSync(checkpoint, { force: true });
    say(`point ${p.index} (${p.id}): ${result.status === 'ok' ? 'done' : `failed: ${final.problem}`} at step ${final.step} (${wallSeconds.toFixed(1)} s)`);
    return final.problem ? 'failed' : 'done';
  } finally {
    sim?.dispose();
    rmSync(pointFile(dir, p.id, 'lock'), { force: true });
  }
}

/** Parses INDEX… against the manifest: each an integer in [0, M − 1]. */
export function pointIndices(points: readonly SweepPoint[], texts: readonly string[]): number[] {
  if (texts.length === 0) throw new UsageError('sweep point needs the indices of the points to run (0 … M − 1)');
  return texts.map((t) => {
    const i = Number(t);
    if (!/^\d+$/.test(t) || i >= points.length) throw new UsageError(`point index must be an integer in [0, ${points.length - 1}]; got ${JSON.stringify(t)}`);
    return i;
  });
}

/** Runs the points in order on one device; the exit code is 0, 3 (a point failed), or 143/130 (stopped). */
export async function runPoints(dir: string, indices: readonly number[]): Promise<number> {
  const points = readManifest(dir);
  const stopListening = listenForStop();
  const say = (line: string) => console.error(line);
  try {
    return await withGpu(async (ctx) => {
      let failed = false;
      for (const i of indices) {
        if (stopCode !== undefined) break;
        const outcome = await runPoint(ctx, dir, points[i]!, say);
        failed ||= outcome === 'failed';
      }
      return stopCode ?? (failed ? 3 : 0);
    });
  } finally {
    stopListening();
  }
}
