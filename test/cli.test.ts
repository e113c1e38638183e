// The CLI as a user types it: bad options exit non-zero with one line naming the problem.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

export function lab(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './cli/register-loaders.mjs', 'cli/lab.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lab CLI usage errors', () => {
  it('--help prints usage and exits 0', () => {
    const r = lab('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: npm run --silent lab -- <verb> <system>/);
  });

  it.each([
    [['frob', 'mips'], /unknown verb "frob"/],
    [['run', 'nosuch'], /unknown system "nosuch"/],
    [['run', 'mips', '--steps', '0'], /--steps must be an integer in \[1, /],
    [['run', 'mips', '--set', 'phi'], /--set needs key=value/],
    [['run', 'mips', '--out', 'metrics.txt'], /--out must end in \.csv or \.json/],
    [['run', 'mips', '--bogus'], /unknown option --bogus/],
  ])('%j fails with a one-line message', (args, message) => {
    const r = lab(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
