// A sweep directory (signac-like, safe on shared file systems: one writer per point folder):
//   DIR/manifest.jsonl        one fully resolved point per line (written once, by `sweep plan`)
//   DIR/runs/<id>/point.json  params, seed, lab version, git commit
//   DIR/runs/<id>/metrics.jsonl  samples, appended as they are taken
//   DIR/runs/<id>/checkpoint.json  the state an interrupted point resumes from
//   DIR/runs/<id>/result.json final metrics, status, adapter, wall seconds (its presence = done)
//   DIR/runs/<id>/lock        the writer (host, pid) while it runs
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from '../../src/quote';
import { parseManifest, type SweepPoint } from '../../src/sweep/rows';
import { UsageError } from '../args';

export type { SweepPoint };

export const manifestPath = (dir: string) => join(dir, 'manifest.jsonl');
export const pointDir = (dir: string, id: string) => join(dir, 'runs', id);
export const pointFile = (dir: string, id: string, name: 'point.json' | 'metrics.jsonl' | 'checkpoint.json' | 'result.json' | 'lock') =>
  join(pointDir(dir, id), name);

/** JSON with object keys sorted at every level: the same params always hash the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A point's id: a hash of what determines its result (system, params, steps, sampling, lab version). */
export function pointId(p: Pick<SweepPoint, 'system' | 'params' | 'steps' | 'every' | 'version'>): string {
  return createHash('sha256').update(canonical([p.system, p.params, p.steps, p.every, p.version])).digest('hex').slice(0, 16);
}

export const manifestText = (points: readonly SweepPoint[]) => points.map((p) => JSON.stringify(p)).join('\n') + '\n';

/** The planned points; a missing or damaged manifest is one line naming the file and the line. */
export function readManifest(dir: string): SweepPoint[] {
  const file = manifestPath(dir);
  if (!existsSync(file)) throw new UsageError(`${quote(dir)} is not a sweep directory (no manifest.jsonl; run lab sweep plan first)`);
  try {
    return parseManifest(readFileSync(file, 'utf8'), quote(file), (p) => p.id === pointId(p));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Writes a file whole or not at all (a reader never sees half of it; a crash leaves the old one). */
export function writeAtomic(file: string, text: string): void {
  const part = `${file}.${process.pid}.part`;
  writeFileSync(part, text);
  renameSync(part, file);
}
