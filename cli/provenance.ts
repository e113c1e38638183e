// What produced a result: the lab version, and the git commit when the CLI runs from a checkout.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LAB_VERSION } from '../src/version';

let commit: string | undefined;

/** HEAD of the checkout the CLI runs from, with "+dirty" for uncommitted changes; "unknown" outside git (an installed package). */
export function gitCommit(): string {
  if (commit === undefined) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    try {
      commit = git('rev-parse', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : '');
    } catch {
      commit = 'unknown';
    }
  }
  return commit;
}

export const provenance = () => ({ version: LAB_VERSION, commit: gitCommit() });
