// `lab sweep status DIR`: each point done, failed, running, interrupted (a checkpoint waits) or
// missing, with the failures' one-line errors.
import { existsSync, readFileSync } from 'node:fs';
import { lockHeld } from './point';
import { pointFile, readManifest, type SweepPoint } from './layout';

export type PointStatus = 'done' | 'failed' | 'running' | 'interrupted' | 'missing';

export function pointStatus(dir: string, p: SweepPoint): { status: PointStatus; error?: string } {
  const result = pointFile(dir, p.id, 'result.json');
  if (existsSync(result)) {
    const r = JSON.parse(readFileSync(result, 'utf8')) as { status: string; error?: string };
    return r.status === 'ok' ? { status: 'done' } : { status: 'failed', error: r.error };
  }
  if (lockHeld(dir, p.id)) return { status: 'running' };
  if (existsSync(pointFile(dir, p.id, 'checkpoint.json'))) return { status: 'interrupted' };
  return { status: 'missing' };
}

export function sweepStatus(dir: string, json: boolean): number {
  const points = readManifest(dir);
  const rows = points.map((p) => ({ index: p.index, id: p.id, axes: p.axes, ...pointStatus(dir, p) }));
  const counts: Record<PointStatus, number> = { done: 0, failed: 0, running: 0, interrupted: 0, missing: 0 };
  for (const r of rows) counts[r.status]++;
  if (json) {
    console.log(JSON.stringify({ points: points.length, ...counts, failures: rows.filter((r) => r.status === 'failed') }));
    return 0;
  }
  console.log(`${points.length} points: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  const where = (axes: Record<string, unknown>) => Object.entries(axes).map(([k, v]) => `${k}=${v}`).join(' ');
  for (const r of rows) if (r.status === 'failed') console.log(`  failed ${r.index} (${where(r.axes)}): ${r.error}`);
  return 0;
}
