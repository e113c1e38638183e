// The CLI as a user runs it: `npm run lab` as a child process, its exit code and both streams.
import { spawnSync } from 'node:child_process';

export interface LabResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function labProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000): LabResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './cli/register-loaders.mjs', 'cli/lab.ts', ...args], {
    encoding: 'utf8',
    timeout,
    env: { ...process.env, ...env },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
