// `lab sweep plan <system> …`: the grid expanded to fully resolved points, checked by the system's
// schema, written once to DIR/manifest.jsonl (re-planning the same sweep is a no-op; a different
// one into the same folder is refused, so results never mix).
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { quote } from '../../src/quote';
import { resolveParams } from '../../src/sims/config';
import { getSystem } from '../../src/sims/registry';
import { LAB_VERSION } from '../../src/version';
import { UsageError } from '../args';
import { expand, parseAxis, parseSeeds } from './grid';
import { manifestPath, manifestText, pointId, writeAtomic, type SweepPoint } from './layout';

export interface PlanOptions {
  system: string;
  preset?: string;
  set: Record<string, string>;
  grid: string[];
  seeds?: string;
  steps: number;
  every?: number;
  out: string;
}

export function planSweep(o: PlanOptions): SweepPoint[] {
  const def = getSystem(o.system);
  const preset = o.preset ?? def.defaultPreset;
  const base = resolveParams(def, preset, o.set);
  const axes = o.grid.map((g) => parseAxis(def.schema, g));
  if (axes.some((a) => a.name === 'seed')) throw new UsageError('sweep seeds with --seeds, not --grid seed=…');
  const seeds = o.seeds === undefined ? [base.seed as number] : parseSeeds(def.schema, o.seeds);
  const every = o.every ?? Math.max(1, Math.floor(o.steps / 100));
  const points = expand(def.schema, base, axes, seeds).map((g, index) => {
    const p = { index, id: '', system: def.id, preset, axes: g.axes, params: g.params, steps: o.steps, every, version: LAB_VERSION };
    return { ...p, id: pointId(p) };
  });
  const ids = new Set(points.map((p) => p.id));
  if (ids.size !== points.length) throw new UsageError('two grid points resolve to the same params (a derived axis and the param it sets both swept?)');
  const text = manifestText(points);
  const file = manifestPath(o.out);
  if (existsSync(o.out) && !statSync(o.out).isDirectory()) throw new UsageError(`--out ${quote(o.out)} is a file; sweep plan needs a folder`);
  if (existsSync(file)) {
    if (readFileSync(file, 'utf8') !== text) throw new UsageError(`${quote(o.out)} already holds a different sweep; plan into a new folder`);
    return points;
  }
  mkdirSync(o.out, { recursive: true });
  writeAtomic(file, text);
  return points;
}
