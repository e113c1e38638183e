// Runs bench/lammps-wca.in with Debian's LAMMPS on all cores (MPI) and parses its throughput.
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface LammpsResult {
  n: number;
  steps: number;
  seconds: number;
  particleStepsPerSecond: number;
  pairSeconds: number;
  neighSeconds: number;
}

export function lammpsAvailable(): boolean {
  return spawnSync('lmp', ['-h'], { stdio: 'ignore' }).status === 0;
}

/** N must be a perfect square (square lattice start). */
export function runLammps(n: number, steps: number, phi = 0.5, dt = 0.002): LammpsResult {
  const side = Math.round(Math.sqrt(n));
  if (side * side !== n) throw new Error(`LAMMPS comparison needs a square N; got ${n}`);
  const input = fileURLToPath(new URL('./lammps-wca.in', import.meta.url));
  const procs = String(availableParallelism());
  const out = execFileSync(
    'mpirun',
    ['--allow-run-as-root', '--oversubscribe', '-np', procs, 'lmp', '-in', input, '-log', 'none', '-nocite',
      '-var', 'side', String(side), '-var', 'phi', String(phi), '-var', 'dt', String(dt), '-var', 'steps', String(steps)],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const loops = [...out.matchAll(/Loop time of ([\d.eE+-]+) on \d+ procs for (\d+) steps with (\d+) atoms/g)];
  const last = loops[loops.length - 1];
  if (!last) throw new Error(`could not parse LAMMPS output:\n${out.slice(-2000)}`);
  const seconds = Number(last[1]);
  const section = (name: string) => {
    const all = [...out.matchAll(new RegExp(`^${name}\\s*\\|\\s*[\\d.eE+-]+\\s*\\|\\s*([\\d.eE+-]+)`, 'gm'))];
    return Number(all[all.length - 1]?.[1] ?? NaN);
  };
  return { n, steps, seconds, particleStepsPerSecond: (n * steps) / seconds, pairSeconds: section('Pair'), neighSeconds: section('Neigh') };
}
