// A 24-point mips sweep (φ × Pe × seeds, small N) through `lab sweep run --jobs 2` (each worker
// runs its points in one process, on one device), against the same 24 points as 24 separate
// `lab run` processes, two at a time. Prints JSON with both wall times and their ratio.
// Usage: npm run --silent bench:sweep [-- STEPS]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const steps = Number(process.argv[2] ?? 200);
if (!Number.isInteger(steps) || steps < 1) {
  console.error(`error: STEPS must be a positive integer; got ${JSON.stringify(process.argv[2])}`);
  process.exit(2);
}
const LAB = ['--import', 'tsx', '--import', './cli/register-loaders.mjs', 'cli/lab.ts'];
const BASE = ['--preset', 'abp-mips', '--set', 'n=1024'];

function lab(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...LAB, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`lab ${args.join(' ')} exited ${code}: ${stderr.split('\n').at(-2)}`))));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'lab-bench-sweep-'));
try {
  const sweep = join(dir, 'sweep');
  await lab(['sweep', 'plan', 'mips', ...BASE, '--grid', 'phi=0.4,0.6,0.8', '--grid', 'Pe=25,100,300,1000', '--seeds', '1..2', '--steps', String(steps), '--every', String(steps), '--out', sweep]);
  const points = readFileSync(join(sweep, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { params: Record<string, number | string> });

  let t0 = performance.now();
  await lab(['sweep', 'run', sweep, '--jobs', '2']);
  const pooled = (performance.now() - t0) / 1000;

  const runArgs = (p: { params: Record<string, number | string> }) => ['run', 'mips', ...BASE, '--set', `phi=${p.params.phi}`, '--set', `Dr=${p.params.Dr}`, '--seed', String(p.params.seed), '--steps', String(steps), '--every', String(steps), '--json'];
  t0 = performance.now();
  const queue = [...points];
  await Promise.all([0, 1].map(async () => {
    for (let p = queue.shift(); p; p = queue.shift()) await lab(runArgs(p));
  }));
  const separate = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({
    bench: 'sweep', points: points.length, steps, n: 1024, parallel: 2,
    seconds: { 'sweep run --jobs 2': Number(pooled.toFixed(1)), '24 × lab run, 2 at a time': Number(separate.toFixed(1)) },
    separateOverPooled: Number((separate / pooled).toFixed(2)),
  }, null, 1));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
