// `lab sweep slurm DIR [--submit] [--partition P] [--gpus-per-task G] [--time T] [--points-per-task K]
// [--max-running C]`: a Slurm job array over the sweep. Task t runs points t·K … t·K + K − 1 with
// `lab sweep point` (one device, pipelines compiled once per task). Slurm sends SIGTERM 60 s before
// the time limit (--signal), so a point checkpoints and the next submission resumes it.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { quote } from '../../src/quote';
import { UsageError } from '../args';
import { adapterArgs } from '../adapter';
import { readManifest, writeAtomic } from './layout';

export interface SlurmOptions {
  submit: boolean;
  partition?: string;
  gpusPerTask: number;
  time?: string;
  pointsPerTask: number;
  maxRunning?: number;
}

/** Single-quoted for bash. */
const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** How this CLI was started (node, tsx and its loader, or the bundle), as a command line for the job. */
const selfCommand = () => [process.execPath, ...process.execArgv, resolve(process.argv[1]!)].map(sh).join(' ');

export function sbatchScript(dir: string, points: number, o: SlurmOptions): string {
  const tasks = Math.ceil(points / o.pointsPerTask);
  const abs = resolve(dir);
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=lab-sweep`,
    `#SBATCH --array=0-${tasks - 1}${o.maxRunning ? `%${o.maxRunning}` : ''}`,
    `#SBATCH --ntasks=1`,
    `#SBATCH --output=${join(abs, 'slurm', '%A_%a.out')}`,
    `#SBATCH --signal=B:TERM@60`,
    ...(o.gpusPerTask > 0 ? [`#SBATCH --gpus-per-task=${o.gpusPerTask}`] : []),
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    '',
    `# ${points} points, ${o.pointsPerTask} per task. Written by lab sweep slurm; rerun it to resume.`,
    `first=$(( SLURM_ARRAY_TASK_ID * ${o.pointsPerTask} ))`,
    `last=$(( first + ${o.pointsPerTask} - 1 < ${points - 1} ? first + ${o.pointsPerTask} - 1 : ${points - 1} ))`,
    `cd ${sh(process.cwd())}`,
    // exec: the job's SIGTERM reaches the lab, which checkpoints (143).
    `exec ${selfCommand()}${adapterArgs().map((a) => ` ${sh(a)}`).join('')} sweep point ${sh(abs)} $(seq "$first" "$last")`,
    '',
  ];
  return lines.join('\n');
}

const TIME = /^(\d+-)?\d{1,2}(:\d{2}){0,2}$|^\d+$/;

export function slurmSweep(dir: string, o: SlurmOptions): number {
  const points = readManifest(dir);
  if (o.time !== undefined && !TIME.test(o.time)) throw new UsageError(`--time must be Slurm's [days-]hours:minutes:seconds or minutes; got ${quote(o.time)}`);
  if (o.partition !== undefined && !/^[\w.-]+$/.test(o.partition)) throw new UsageError(`--partition must be a partition name (letters, digits, _ . -); got ${quote(o.partition)}`);
  const script = join(dir, 'sweep.sbatch');
  mkdirSync(join(dir, 'slurm'), { recursive: true });
  writeAtomic(script, sbatchScript(dir, points.length, o));
  console.log(`wrote ${script}: ${Math.ceil(points.length / o.pointsPerTask)} array tasks for ${points.length} points`);
  if (!o.submit) return 0;
  let out: string;
  try {
    out = execFileSync('sbatch', ['--parsable', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new UsageError('sbatch was not found: run lab sweep slurm on a Slurm login node, or submit sweep.sbatch there');
    throw new Error(`sbatch refused the job: ${(err.stderr ?? err.message).trim().split('\n')[0]}`);
  }
  console.log(`submitted job ${out.trim().split(';')[0]}`);
  return 0;
}
