// `lab sweep run DIR --jobs J`: a local pool of J child processes, one GPU device each. Each child
// runs its share of the points still missing a result (`lab sweep point DIR i j k…`), so start-up
// and pipeline compilation are paid J times, not once per point. SIGTERM/SIGINT are passed on:
// every child checkpoints its point, and the pool exits 143/130.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { adapterArgs } from '../adapter';
import { pointFile, readManifest } from './layout';

/** How this CLI was started (tsx and its loader, or the bundle), to start more of itself. */
const self = () => [...process.execArgv, process.argv[1]!];

export async function runPool(dir: string, jobs: number): Promise<number> {
  const points = readManifest(dir);
  const pending = points.filter((p) => !existsSync(pointFile(dir, p.id, 'result.json'))).map((p) => p.index);
  console.error(`sweep: ${points.length} points, ${points.length - pending.length} done, ${pending.length} to run on ${Math.min(jobs, pending.length)} worker(s)`);
  if (pending.length === 0) return 0;
  // Round-robin shares: neighbouring points (often similar cost) go to different workers.
  const shares = Array.from({ length: Math.min(jobs, pending.length) }, (_, w) => pending.filter((_, k) => k % jobs === w));
  const children = shares.map((share, w) => {
    const child = spawn(process.execPath, [...self(), ...adapterArgs(), 'sweep', 'point', dir, ...share.map(String)], { stdio: ['ignore', 'inherit', 'pipe'] });
    child.stderr!.setEncoding('utf8');
    let partial = '';
    child.stderr!.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line) process.stderr.write(`[worker ${w}] ${line}\n`);
    });
    const done = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 1))));
    return { child, done };
  });
  let stop: number | undefined;
  const forward = (signal: NodeJS.Signals, code: number) => () => {
    stop = code;
    for (const { child } of children) child.kill(signal);
  };
  const onTerm = forward('SIGTERM', 143);
  const onInt = forward('SIGINT', 130);
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  try {
    const codes = await Promise.all(children.map((c) => c.done));
    return stop ?? codes.reduce((a, b) => Math.max(a, b), 0);
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  }
}
