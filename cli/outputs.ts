// The files a run writes: every path is checked before the run starts (so an hour of GPU work
// never ends in "cannot write"), and each is written on its own (one failing write loses no other).
import { closeSync, existsSync, openSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';
import { quote } from '../src/quote';
import { UsageError } from './args';

export interface OutputPath {
  /** The option that named it, for messages: --out, --state. */
  flag: string;
  path: string;
}

export interface Output extends OutputPath {
  data: () => Promise<string | Uint8Array> | string | Uint8Array;
}

const REASONS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EISDIR: 'it is a folder',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'the name is too long',
};

/** The reason of a failed file operation in a few words (Node's own message repeats the path). */
export function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? code ?? (e as Error).message;
}

/** The same file under two names (a symlinked folder, `./a` and `a`) counts once. */
function identity(path: string): string {
  const abs = resolve(path);
  try {
    return join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
}

/** Can this path be written? Probes by opening it (without truncating), as the write will. */
function probe({ flag, path }: OutputPath): void {
  const fail = (why: string): never => {
    throw new UsageError(`${flag} ${quote(path)} cannot be written: ${why}`);
  };
  let exists = true;
  try {
    if (statSync(path).isDirectory()) fail('it is a folder; give a file name');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(reason(e));
    exists = false;
  }
  try {
    closeSync(openSync(path, exists ? 'r+' : 'wx'));
    if (!exists) unlinkSync(path);
  } catch (e) {
    // ENOENT on create with the folder present: a pseudo file system (/proc) that takes no new files.
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT' && existsSync(dirname(resolve(path)));
    fail(missing ? 'no file can be created in that folder' : reason(e));
  }
}

/** Refuses, before any work, an output that cannot be written or two outputs naming one file. */
export function checkOutputs(outputs: readonly OutputPath[]): void {
  const seen = new Map<string, string>();
  for (const o of outputs) {
    const id = identity(o.path);
    const other = seen.get(id);
    if (other) throw new UsageError(`${o.flag} and ${other} name the same file ${quote(o.path)}; one would overwrite the other`);
    seen.set(id, o.flag);
    probe(o);
  }
}

/** Writes every output independently; returns one line per output that could not be written. */
export async function writeOutputs(outputs: readonly Output[]): Promise<string[]> {
  const failed: string[] = [];
  for (const o of outputs) {
    try {
      await writeFile(o.path, await o.data());
    } catch (e) {
      failed.push(`${o.flag} ${quote(o.path)} was not written: ${reason(e)}`);
    }
  }
  return failed;
}
