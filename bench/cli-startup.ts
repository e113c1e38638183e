// Start-up time of the CLI: the sources through tsx (`npm run lab`) against the bundled bin
// (lib/cli.js, what `npx particle-lab` runs), median wall time of REPEATS runs each, as JSON.
// Usage: npm run build:package && npm run --silent bench:cli-startup [-- REPEATS]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const repeats = Number(process.argv[2] ?? 5);
if (!Number.isInteger(repeats) || repeats < 1) {
  console.error(`error: REPEATS must be a positive integer; got ${JSON.stringify(process.argv[2])}`);
  process.exit(2);
}
if (!existsSync('lib/cli.js')) {
  console.error('error: lib/cli.js is missing; run `npm run build:package` first');
  process.exit(2);
}

const launchers = {
  tsx: [process.execPath, '--import', 'tsx', '--import', './cli/register-loaders.mjs', 'cli/lab.ts'],
  'npm run lab': ['npm', 'run', '--silent', 'lab', '--'],
  bundle: [process.execPath, 'lib/cli.js'],
};
const commands = { version: ['--version'], list: ['list'], 'run tokens, 1 step': ['run', 'tokens', '--steps', '1', '--json'] };

function medianMs(argv: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.split('\n')[0]}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]!);
}

const rows = Object.entries(commands).map(([command, args]) => {
  const ms = Object.fromEntries(Object.entries(launchers).map(([name, launcher]) => [name, medianMs([...launcher, ...args])]));
  return { command, ms, tsxOverBundle: Number((ms.tsx! / ms.bundle!).toFixed(2)) };
});
console.log(JSON.stringify({ bench: 'cli-startup', repeats, unit: 'ms (median wall time)', rows }, null, 1));
