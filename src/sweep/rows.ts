// A sweep's results as table rows, one source for `lab sweep collect` (which writes them to
// Parquet) and the Sweep view (which also reads a sweep folder directly):
//   runs     one row per finished point: index, id, system, preset, status, error, every param,
//            the derived axes (mips: Pe), the final metrics, step, time, wall seconds, adapter,
//            version, commit
//   samples  one row per sample: index, id, step, time, the scalar metrics
import { getSystem } from '../sims/registry';
import type { ParamSpec, ParamValue, Params } from '../sims/params';

export interface SweepPoint {
  index: number;
  id: string;
  system: string;
  preset: string;
  /** The swept values (seed included), by axis name. */
  axes: Record<string, ParamValue>;
  params: Params;
  steps: number;
  every: number;
  version: string;
}

/** A point's result.json. */
export interface PointResult {
  status: string;
  error?: string;
  step: number;
  time: number;
  metrics: Record<string, number>;
  wallSeconds: number;
  adapter: string;
  version: string;
  commit: string;
}

/**
 * The points of a manifest.jsonl, checked line by line (`verify` adds the id check where a hash is
 * at hand); a damaged line throws one message naming the file and the line.
 */
export function parseManifest(text: string, file: string, verify: (p: SweepPoint) => boolean = () => true): SweepPoint[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    let p: SweepPoint;
    try {
      p = JSON.parse(line) as SweepPoint;
    } catch (e) {
      throw new Error(`${file} line ${i + 1} is not JSON (${(e as Error).message})`);
    }
    const ok = p && p.index === i && typeof p.id === 'string' && typeof p.system === 'string' && typeof p.params === 'object' && Number.isInteger(p.steps) && Number.isInteger(p.every);
    if (!ok || !verify(p)) throw new Error(`${file} line ${i + 1} is not the point lab sweep plan wrote (edited or damaged)`);
    return p;
  });
}

export type SqlType = 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';

/**
 * Typed columns, in order. Types come from the schema, not from the values (v0 = 1 in every row
 * is still a DOUBLE). DuckDB compares column names ignoring case, so of two names that differ only
 * in case (mips: Dt and dt) the later is written with "_2" (dt_2).
 */
export class Columns {
  readonly types = new Map<string, SqlType>();
  private readonly lower = new Map<string, string>();
  readonly renamed = new Map<string, string>();

  add(name: string, type: SqlType): string {
    const key = this.renamed.get(name) ?? name;
    if (this.types.has(key)) return key;
    const clash = this.lower.get(key.toLowerCase());
    const column = clash && clash !== key ? `${key}_2` : key;
    if (column !== key) this.renamed.set(name, column);
    this.types.set(column, type);
    this.lower.set(column.toLowerCase(), column);
    return column;
  }
}

function paramType(s: ParamSpec): SqlType {
  if (s.kind === 'number') return s.integer ? 'BIGINT' : 'DOUBLE';
  return s.kind === 'boolean' ? 'BOOLEAN' : 'VARCHAR';
}

/** A point's row: params, derived axes, then metrics (a metric named like a param gets `metric_`). */
export function runRow(columns: Columns, p: SweepPoint, r: PointResult): Record<string, unknown> {
  const schema = getSystem(p.system).schema;
  const row: Record<string, unknown> = {};
  const put = (name: string, type: SqlType, v: unknown) => (row[columns.add(name, type)] = v);
  put('index', 'BIGINT', p.index);
  put('id', 'VARCHAR', p.id);
  put('system', 'VARCHAR', p.system);
  put('preset', 'VARCHAR', p.preset);
  put('status', 'VARCHAR', r.status);
  put('error', 'VARCHAR', r.error ?? null);
  for (const spec of schema.specs) put(spec.name, paramType(spec), p.params[spec.name]);
  for (const d of schema.derived ?? []) put(d.name, 'DOUBLE', (p.axes[d.name] as number | undefined) ?? d.of(p.params));
  for (const [k, v] of Object.entries(r.metrics)) put(schema.specs.some((s) => s.name === k) ? `metric_${k}` : k, 'DOUBLE', v);
  put('step', 'BIGINT', r.step);
  put('time', 'DOUBLE', r.time);
  put('wall_seconds', 'DOUBLE', r.wallSeconds);
  for (const k of ['adapter', 'version', 'commit'] as const) put(k, 'VARCHAR', r[k]);
  return row;
}

/** A sample's row: index, id, step, time, then its scalar metrics (and the problem that stopped it). */
export function sampleRow(columns: Columns, p: SweepPoint, sample: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  row[columns.add('index', 'BIGINT')] = p.index;
  row[columns.add('id', 'VARCHAR')] = p.id;
  for (const [k, v] of Object.entries(sample)) row[columns.add(k, k === 'step' ? 'BIGINT' : k === 'problem' ? 'VARCHAR' : 'DOUBLE')] = v;
  return row;
}

export interface SweepRows {
  runs: Record<string, unknown>[];
  samples: Record<string, unknown>[];
  runColumns: Columns;
  sampleColumns: Columns;
  /** Indices of the points without a result. */
  missing: number[];
}

/**
 * The rows of every finished point. `read(id, name)` gives a point's file as text, or undefined
 * when it does not exist; a file that is not what the point writes throws a message naming it.
 */
export function sweepRows(points: readonly SweepPoint[], read: (id: string, name: 'result.json' | 'metrics.jsonl') => string | undefined): SweepRows {
  const out: SweepRows = { runs: [], samples: [], runColumns: new Columns(), sampleColumns: new Columns(), missing: [] };
  const parse = (id: string, name: string, text: string) => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`runs/${id}/${name} is not JSON (${(e as Error).message})`);
    }
  };
  for (const p of points) {
    const result = read(p.id, 'result.json');
    if (result === undefined) {
      out.missing.push(p.index);
      continue;
    }
    out.runs.push(runRow(out.runColumns, p, parse(p.id, 'result.json', result) as unknown as PointResult));
    for (const line of (read(p.id, 'metrics.jsonl') ?? '').split('\n')) {
      if (line.trim()) out.samples.push(sampleRow(out.sampleColumns, p, parse(p.id, 'metrics.jsonl', line)));
    }
  }
  return out;
}
