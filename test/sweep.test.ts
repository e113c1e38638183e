// Sweeps: the grid is expanded and checked at plan time (values against the schema, the derived
// Pe axis against its definition v0 / (σ Dr)); a sweep run on a pool of workers gives each point
// what a straight `lab run` of its params gives; SIGTERM mid-point, then a rerun, gives the same
// samples bit for bit as an uninterrupted point; a SIGKILLed point reruns to completion.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expand, parseAxis, parseSeeds } from '../cli/sweep/grid';
import { presetParams } from '../src/sims/config';
import { ParamError, type Params } from '../src/sims/params';
import { getSystem } from '../src/sims/registry';
import '../src/sims/index';
import { labProcess } from './lab-process';
import { startSlurm } from './cluster/slurm';
import { startRedis } from './cluster/redis';

const dir = mkdtempSync(join(tmpdir(), 'lab-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lab = (...args: string[]) => labProcess(args);
const mips = getSystem('mips');

describe('sweep grids (plan time, no GPU)', () => {
  it('a:b:step includes b and gives clean decimals; lists are checked value by value against the schema', () => {
    expect(parseAxis(mips.schema, 'phi=0.3:0.8:0.1').values).toEqual([0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    expect(parseAxis(mips.schema, 'model=abp,aoup').values).toEqual(['abp', 'aoup']);
    expect(() => parseAxis(mips.schema, 'phi=0.5,1.2')).toThrow(/phi must be a number in \(0, 1\)/);
    expect(() => parseAxis(mips.schema, 'model=abp,xyz')).toThrow(/model must be one of aoup\|abp/);
    expect(() => parseAxis(mips.schema, 'phi=0.8:0.3:0.1')).toThrow(/needs a ≤ b and step > 0/);
    expect(() => parseAxis(mips.schema, 'model=0:1:1')).toThrow(/a:b:step needs a number param/);
    expect(() => parseAxis(mips.schema, 'nope=1')).toThrow(/unknown parameter "nope".*derived axes: Pe/);
    expect(parseSeeds(mips.schema, '3..5')).toEqual([3, 4, 5]);
    expect(() => parseSeeds(mips.schema, '1,-2')).toThrow(ParamError);
  });

  it('Pe sets Dr = v0 / (σ Pe) for ABP and γ for AOUP; a combination the schema refuses is named', () => {
    const base: Params = { ...presetParams(mips, 'abp-mips'), v0: 2, sigma: 1.5 };
    const points = expand(mips.schema, base, [parseAxis(mips.schema, 'model=abp,aoup'), parseAxis(mips.schema, 'Pe=10,100')], [1, 2]);
    expect(points.map((p) => [p.axes.model, p.axes.Pe, p.axes.seed])).toEqual([
      ['abp', 10, 1], ['abp', 10, 2], ['abp', 100, 1], ['abp', 100, 2], ['aoup', 10, 1], ['aoup', 10, 2], ['aoup', 100, 1], ['aoup', 100, 2],
    ]);
    expect(points[0]!.params.Dr).toBeCloseTo(2 / (1.5 * 10), 12);
    expect(points[2]!.params.Dr).toBeCloseTo(2 / (1.5 * 100), 12);
    expect(points[4]!.params.gamma).toBeCloseTo(2 / (1.5 * 10), 12);
    expect(points[4]!.params.Dr).toBe(base.Dr); // AOUP keeps Dr
    expect(() => expand(mips.schema, base, [parseAxis(mips.schema, 'Pe=0.001')], [1])).toThrow(/sweep point Pe=0.001, seed=1: Dr must be a number in/);
    expect(() => expand(mips.schema, { ...base, v0: 0 }, [parseAxis(mips.schema, 'Pe=1')], [1])).toThrow(/Pe needs v0 > 0/);
  });

  it('lab sweep plan refuses a bad grid before anything runs, naming the field, and writes nothing', () => {
    const out = join(dir, 'bad');
    const r = lab('sweep', 'plan', 'mips', '--preset', 'dilute-gas', '--grid', 'phi=0.1,1.5', '--steps', '10', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: .*phi must be a number in \(0, 1\).*got 1\.5/)]);
    expect(existsSync(out)).toBe(false);
  });
});

const SMALL = ['--preset', 'dilute-gas', '--set', 'n=256', '--set', 'skin=0'];
/** Rows of a DuckDB query (the engine researchers read the Parquet files with). */
async function query(sql: string): Promise<Record<string, unknown>[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = (await connection.runAndReadAll(sql)).getRowObjects();
  connection.closeSync();
  return rows as Record<string, unknown>[];
}
const result = (sweep: string, id: string) => JSON.parse(readFileSync(join(sweep, 'runs', id, 'result.json'), 'utf8'));
const manifest = (sweep: string) => readFileSync(join(sweep, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** Starts the CLI with `args`, sends `signal` once `metrics` holds 4 samples; its exit code (137: SIGKILL). */
function killWhenSampled(args: string[], metrics: string, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './cli/register-loaders.mjs', 'cli/lab.ts', ...args], { stdio: 'ignore' });
    const poll = setInterval(() => {
      const lines = existsSync(metrics) ? readFileSync(metrics, 'utf8').trim().split('\n').filter(Boolean).length : 0;
      if (lines >= 4) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 20);
    child.on('close', (code, sig) => {
      clearInterval(poll);
      resolve(code ?? (sig === 'SIGKILL' ? 137 : null));
    });
  });
}

/** The CLI as a child process, awaited (several run at once). */
function labAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './cli/register-loaders.mjs', 'cli/lab.ts', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('lab sweep on Dawn', () => {
  it('a 6-point sweep on 2 workers: each point equals a straight lab run of its params; a rerun skips them; status counts them; collect writes the Parquet files', async () => {
    const sweep = join(dir, 'grid');
    const plan = lab('sweep', 'plan', 'mips', ...SMALL, '--grid', 'Pe=2,20,200', '--seeds', '1..2', '--steps', '30', '--every', '10', '--out', sweep);
    expect(plan.code, plan.stderr).toBe(0);
    const points = manifest(sweep);
    expect(points.length).toBe(6);
    const run = lab('sweep', 'run', sweep, '--jobs', '2');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\[worker 1\]/);
    for (const p of [points[0], points[5]]) {
      const r = result(sweep, p.id);
      expect(r).toMatchObject({ status: 'ok', step: 30, version: expect.any(String), commit: expect.any(String) });
      const straight = JSON.parse(lab('run', 'mips', ...SMALL, '--set', `Dr=${p.params.Dr}`, '--seed', String(p.params.seed), '--steps', '30', '--every', '10', '--json').stdout);
      expect(r.metrics.msd).toBe(straight.msd);
      expect(r.metrics.eprScoreFree).toBe(straight.eprScoreFree);
      expect(readFileSync(join(sweep, 'runs', p.id, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step)).toEqual([0, 10, 20, 30]);
    }
    const again = lab('sweep', 'run', sweep, '--jobs', '2');
    expect(again.stderr).toMatch(/6 points, 6 done, 0 to run/);
    expect(JSON.parse(lab('sweep', 'status', sweep, '--json').stdout)).toMatchObject({ points: 6, done: 6, failed: 0, missing: 0 });

    // Parquet, read back with DuckDB: a row per point with its axes and final metrics, a row per sample.
    const collect = lab('sweep', 'collect', sweep);
    expect(collect.code, collect.stderr).toBe(0);
    expect(collect.stderr).toMatch(/note: dt is the column dt_2/);
    const rows = await query(`SELECT index, id, Pe, seed, Dr, dt_2, msd, eprScoreFree, status FROM '${join(sweep, 'runs.parquet')}' ORDER BY index`);
    expect(rows.map((r) => [Number(r.index), r.Pe, Number(r.seed)])).toEqual(points.map((p) => [p.index, p.axes.Pe, p.axes.seed]));
    for (const r of rows) {
      const p = points[Number(r.index)];
      expect([r.id, r.Dr, r.dt_2, r.status]).toEqual([p.id, p.params.Dr, p.params.dt, 'ok']);
      expect([r.msd, r.eprScoreFree]).toEqual([result(sweep, p.id).metrics.msd, result(sweep, p.id).metrics.eprScoreFree]);
    }
    const samples = await query(`SELECT count(*) AS n, count(DISTINCT id) AS ids, max(step) AS last FROM '${join(sweep, 'samples.parquet')}'`);
    expect(samples[0]).toEqual({ n: 24n, ids: 6n, last: 30n });
    rmSync(join(sweep, 'runs', points[3].id, 'result.json'));
    const partial = lab('sweep', 'collect', sweep);
    expect(partial.stderr).toMatch(/missing 1 point\(s\): 3/);
    expect((await query(`SELECT count(*) AS n FROM '${join(sweep, 'runs.parquet')}'`))[0]).toEqual({ n: 5n });
    // runs.parquet cannot be written (a non-empty folder holds its name): exit 1 naming it, and samples.parquet is still written.
    rmSync(join(sweep, 'runs.parquet'));
    rmSync(join(sweep, 'samples.parquet'));
    mkdirSync(join(sweep, 'runs.parquet', 'x'), { recursive: true });
    const blocked = lab('sweep', 'collect', sweep);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/error: could not write .*runs\.parquet/);
    expect((await query(`SELECT count(*) AS n FROM '${join(sweep, 'samples.parquet')}'`))[0]).toEqual({ n: 20n });
    rmSync(join(sweep, 'runs.parquet'), { recursive: true });
    expect(lab('sweep', 'collect', sweep).code).toBe(0);
  });

  it('the same sweep through Slurm (a loopback cluster, job array of 3 tasks × 2 points) gives the same results and Parquet values', async () => {
    const local = join(dir, 'grid');
    const viaSlurm = join(dir, 'slurm');
    const cluster = await startSlurm();
    try {
      expect(lab('sweep', 'plan', 'mips', ...SMALL, '--grid', 'Pe=2,20,200', '--seeds', '1..2', '--steps', '30', '--every', '10', '--out', viaSlurm).code).toBe(0);
      const submit = labProcess(['sweep', 'slurm', viaSlurm, '--submit', '--gpus-per-task', '0', '--points-per-task', '2'], cluster.env);
      expect(submit.code, submit.stderr).toBe(0);
      expect(submit.stdout).toMatch(/submitted job \d+/);
      expect(readFileSync(join(viaSlurm, 'sweep.sbatch'), 'utf8')).toMatch(/#SBATCH --array=0-2\n/);
      await cluster.drain(240_000);
    } finally {
      await cluster.stop();
    }
    expect(JSON.parse(lab('sweep', 'status', viaSlurm, '--json').stdout)).toMatchObject({ points: 6, done: 6 });
    // The local sweep's point 3 lost its result above (the collect test): compare the others.
    for (const p of manifest(local).filter((q) => q.index !== 3)) expect(result(viaSlurm, p.id).metrics).toEqual(result(local, p.id).metrics);
    expect(lab('sweep', 'collect', viaSlurm).code).toBe(0);
    const columns = 'index, Pe, seed, msd, eprScoreFree, largestClusterFraction';
    const [a, b] = await Promise.all([local, viaSlurm].map((d) => query(`SELECT ${columns} FROM '${join(d, 'runs.parquet')}' WHERE index <> 3 ORDER BY index`)));
    expect(b).toEqual(a);
  }, 300_000);

  it('SIGTERM mid-point writes a checkpoint and exits 143; the rerun resumes it bit-identical to a straight point; SIGKILL, then a rerun, completes', async () => {
    const args = ['--grid', 'phi=0.05', '--steps', '600', '--every', '10'];
    const straight = join(dir, 'straight');
    const cut = join(dir, 'cut');
    for (const out of [straight, cut]) expect(lab('sweep', 'plan', 'mips', ...SMALL, ...args, '--out', out).code).toBe(0);
    expect(lab('sweep', 'point', straight, '0').code).toBe(0);
    const [p] = manifest(cut);
    const metrics = join(cut, 'runs', p.id, 'metrics.jsonl');
    const interrupt = (signal: NodeJS.Signals) => killWhenSampled(['sweep', 'point', cut, '0'], metrics, signal);
    expect(await interrupt('SIGKILL')).toBe(137);
    expect(existsSync(join(cut, 'runs', p.id, 'lock'))).toBe(true); // left behind by the killed writer
    expect(JSON.parse(lab('sweep', 'status', cut, '--json').stdout)).toMatchObject({ missing: 1, running: 0 });
    // The killed run left its samples; without a checkpoint the point starts over and rewrites them.
    // Removed here so the next signal waits for the new run's samples (after its handlers are set).
    rmSync(metrics);
    expect(await interrupt('SIGTERM')).toBe(143); // the dead writer's lock is broken
    expect(readdirSync(join(cut, 'runs', p.id)).sort()).toEqual(['checkpoint.json', 'metrics.jsonl', 'point.json']);
    expect(JSON.parse(lab('sweep', 'status', cut, '--json').stdout)).toMatchObject({ interrupted: 1 });
    const resumed = lab('sweep', 'point', cut, '0');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resumed at step [1-9]\d*/);
    expect(readFileSync(metrics, 'utf8')).toBe(readFileSync(join(straight, 'runs', p.id, 'metrics.jsonl'), 'utf8'));
    expect(result(cut, p.id).metrics).toEqual(result(straight, p.id).metrics);
    expect(existsSync(join(cut, 'runs', p.id, 'checkpoint.json'))).toBe(false);
  });
  it('the same sweep through BullMQ on a loopback Redis (2 workers) gives the same results; a SIGKILLed worker\'s point is retried and completes bit-identical; bad input is not retried', async () => {
    const redis = await startRedis();
    try {
      const local = join(dir, 'grid');
      const viaQueue = join(dir, 'queue');
      expect(lab('sweep', 'plan', 'mips', ...SMALL, '--grid', 'Pe=2,20,200', '--seeds', '1..2', '--steps', '30', '--every', '10', '--out', viaQueue).code).toBe(0);
      expect(lab('sweep', 'enqueue', viaQueue, '--redis', redis.url).stdout).toMatch(/enqueued 6 of 6 points/);
      const workers = await Promise.all([0, 1].map(() => labAsync(['worker', '--redis', redis.url, '--exit-when-idle'])));
      for (const w of workers) expect(w.code, w.stderr).toBe(0);
      expect(JSON.parse(lab('sweep', 'status', viaQueue, '--json').stdout)).toMatchObject({ points: 6, done: 6 });
      for (const p of manifest(local).filter((q) => q.index !== 3)) expect(result(viaQueue, p.id).metrics).toEqual(result(local, p.id).metrics);

      // Killed mid-point: the job stalls, its lock lapses, and the next worker runs it again.
      const killed = join(dir, 'queue-kill');
      expect(lab('sweep', 'plan', 'mips', ...SMALL, '--grid', 'phi=0.05', '--steps', '600', '--every', '10', '--out', killed).code).toBe(0);
      const [p] = manifest(killed);
      lab('sweep', 'enqueue', killed, '--redis', redis.url);
      expect(await killWhenSampled(['worker', '--redis', redis.url], join(killed, 'runs', p.id, 'metrics.jsonl'), 'SIGKILL')).toBe(137);
      const retry = await labAsync(['worker', '--redis', redis.url, '--exit-when-idle']);
      expect(retry.code, retry.stderr).toBe(0);
      expect(readFileSync(join(killed, 'runs', p.id, 'metrics.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'straight', 'runs', p.id, 'metrics.jsonl'), 'utf8'));

      // A manifest damaged after enqueueing: the job fails once and is not retried.
      const damaged = join(dir, 'queue-bad');
      expect(lab('sweep', 'plan', 'mips', ...SMALL, '--grid', 'phi=0.07', '--steps', '10', '--out', damaged).code).toBe(0);
      lab('sweep', 'enqueue', damaged, '--redis', redis.url);
      const [q] = manifest(damaged);
      const intact = readFileSync(join(damaged, 'manifest.jsonl'), 'utf8');
      writeFileSync(join(damaged, 'manifest.jsonl'), '{"index": 0}\n');
      const worker = await labAsync(['worker', '--redis', redis.url, '--exit-when-idle']);
      expect(worker.code, worker.stderr).toBe(0);
      expect(worker.stderr).toMatch(/is not the point lab sweep plan wrote/);
      const { Queue } = await import('bullmq');
      const queue = new Queue('particle-lab', { connection: { url: redis.url } });
      const job = await queue.getJob(q.id);
      expect([await job!.getState(), job!.attemptsMade]).toEqual(['failed', 1]);
      await queue.close();
      // Mended and enqueued again: the failed job is replaced, and the point runs.
      writeFileSync(join(damaged, 'manifest.jsonl'), intact);
      expect(lab('sweep', 'enqueue', damaged, '--redis', redis.url).stdout).toMatch(/enqueued 1 of 1 points/);
      expect((await labAsync(['worker', '--redis', redis.url, '--exit-when-idle'])).code).toBe(0);
      expect(result(damaged, q.id).status).toBe('ok');
    } finally {
      await redis.stop();
    }
  }, 300_000);
});
