// A collected sweep (runs.parquet from `lab sweep collect`, with samples.parquet when given) as the
// Sweep view reads it: each row's system, preset and exact params (checked by the system's
// schema), the axes that vary (time too, from the samples), the metrics, and a metric averaged
// over the other axes (the seeds) on a two-axis grid.
import { presetParams } from '../../sims/config';
import { ParamError, withValues, type Params } from '../../sims/params';
import { getSystem } from '../../sims/registry';
import type { SimDefinition } from '../../sims/types';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface SweepTable {
  def: SimDefinition;
  preset: string;
  rows: Row[];
  /** Params and derived axes that take more than one value (not the seed), in schema order; then `time` when there are samples. */
  axes: string[];
  /** Numeric result columns (final metrics). */
  metrics: string[];
  /** One row per sample, with its point's params and derived axes (empty without samples). */
  samples: Row[];
  /** The sampled metrics (what a heatmap over time draws). */
  sampleMetrics: string[];
  /** The exact params of a row, for opening it in the lab. */
  params(row: Row): Params;
}

/** Columns collect writes besides params, derived axes and metrics. */
const META = new Set(['index', 'id', 'system', 'preset', 'status', 'error', 'step', 'time', 'wall_seconds', 'adapter', 'version', 'commit']);
/** The axis a sweep's samples add: the simulated time of each sample. */
export const TIME_AXIS = 'time';
const SAMPLE_META = new Set(['index', 'id', 'step', 'time', 'problem']);

/** BigInt (Parquet INT64) as a number: sweep values are far below 2^53. */
const plain = (v: unknown): Cell => (typeof v === 'bigint' ? Number(v) : (v as Cell));

/** The column that holds param `name`: collect writes the later of two names differing only in case as `<name>_2` (mips dt). */
function columnOf(columns: ReadonlySet<string>, name: string): string | undefined {
  return columns.has(name) ? name : columns.has(`${name}_2`) ? `${name}_2` : undefined;
}

export function readSweepTable(raw: Record<string, unknown>[], file: string, rawSamples: Record<string, unknown>[] = []): SweepTable {
  if (raw.length === 0) throw new ParamError('file', `${file}: the sweep has no finished points`);
  const rows = raw.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])) as Row);
  const system = rows[0]!.system;
  if (typeof system !== 'string') throw new ParamError('file', `${file}: no "system" column (is it runs.parquet from lab sweep collect?)`);
  if (rows.some((r) => r.system !== system)) throw new ParamError('file', `${file}: rows of more than one system`);
  let def: SimDefinition;
  try {
    def = getSystem(system);
  } catch (e) {
    throw new ParamError('file', `${file}: ${(e as Error).message}`);
  }
  const preset = typeof rows[0]!.preset === 'string' && def.presets.some((p) => p.name === rows[0]!.preset) ? (rows[0]!.preset as string) : def.defaultPreset;
  const columns = new Set(Object.keys(rows[0]!));
  const paramColumns = new Map(def.schema.specs.flatMap((s) => (columnOf(columns, s.name) ? [[s.name, columnOf(columns, s.name)!] as const] : [])));
  // A param added after the sweep was written takes the preset's value (params() fills it).
  const missing = def.schema.specs.filter((s) => !paramColumns.has(s.name) && !(s.kind === 'enum' && s.added)).map((s) => s.name);
  if (missing.length > 0) throw new ParamError('file', `${file}: no column for ${def.id} params ${missing.join(', ')}`);
  const derived = (def.schema.derived ?? []).map((d) => d.name).filter((n) => columns.has(n));
  const varies = (c: string) => new Set(rows.map((r) => r[c])).size > 1;
  const axes = [...def.schema.specs.map((s) => s.name).filter((n) => n !== 'seed' && varies(paramColumns.get(n)!)), ...derived.filter(varies)];
  const taken = new Set([...META, ...paramColumns.values(), ...derived]);
  const metrics = [...columns].filter((c) => !taken.has(c) && rows.some((r) => typeof r[c] === 'number'));
  const samples = joinSamples(rows, rawSamples, [...paramColumns.values(), ...derived], file);
  const sampleMetrics = samples.length > 0 ? Object.keys(rawSamples[0]!).filter((c) => !SAMPLE_META.has(c) && samples.some((r) => typeof r[c] === 'number')) : [];
  if (new Set(samples.map((r) => r[TIME_AXIS])).size > 1) axes.push(TIME_AXIS);
  const params = (row: Row): Params => {
    const values = Object.fromEntries([...paramColumns].map(([name, column]) => [name, row[column]]));
    return withValues(def.schema, presetParams(def, preset), values);
  };
  return { def, preset, rows, axes, metrics, samples, sampleMetrics, params };
}

/** Each sample with its point's columns (matched by index); time to 6 digits, so equal clocks bin together. */
function joinSamples(rows: readonly Row[], raw: readonly Record<string, unknown>[], columns: readonly string[], file: string): Row[] {
  const byIndex = new Map(rows.map((r) => [r.index, r]));
  const out: Row[] = [];
  for (const r of raw) {
    const s = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])) as Row;
    const run = byIndex.get(s.index ?? null);
    if (typeof s.time !== 'number') throw new ParamError('file', `${file}: a sample has no time (is it samples.parquet from the same sweep?)`);
    if (!run) continue; // a point without a result (collect leaves it out of runs)
    out.push({ ...Object.fromEntries(columns.map((c) => [c, run[c]!])), ...s, time: Number(s.time.toPrecision(6)) });
  }
  return out;
}

/** The value of an axis in a row (a param's own column, or a derived axis). */
export const axisValue = (row: Row, axis: string): Cell => row[axis] ?? row[`${axis}_2`] ?? null;

export interface HeatCell {
  x: Cell;
  y: Cell;
  mean: number;
  std: number;
  n: number;
  /** The first row of the cell (its lowest seed): what a click opens. */
  row: Row;
}

/** Whether a heatmap over these axes reads the samples (one axis is time) or the final results. */
export const overTime = (x: string, y: string) => x === TIME_AXIS || y === TIME_AXIS;

/** The metrics a heatmap over these axes can draw. */
export const metricsFor = (table: SweepTable, x: string, y: string) => (overTime(x, y) ? table.sampleMetrics : table.metrics);

const order = (a: Cell, b: Cell) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)));

/** The values an axis takes, in order (time only over the samples). */
export function axisValues(table: SweepTable, axis: string): Cell[] {
  return [...new Set((axis === TIME_AXIS ? table.samples : table.rows).map((r) => axisValue(r, axis)))].sort(order);
}

/**
 * The swept axes grouped by one-to-one correspondence over the rows (mips: Dr and Pe at one v0
 * are one axis). A heatmap holds each group that has neither of its axes at one value.
 */
export function axisGroups(table: SweepTable): string[][] {
  const swept = table.axes.filter((a) => a !== TIME_AXIS);
  const determines = (a: string, b: string) => {
    const seen = new Map<Cell, Cell>();
    return table.rows.every((r) => {
      const [va, vb] = [axisValue(r, a), axisValue(r, b)];
      if (!seen.has(va)) seen.set(va, vb);
      return seen.get(va) === vb;
    });
  };
  const groups: string[][] = [];
  for (const axis of swept) {
    const group = groups.find((g) => determines(g[0]!, axis) && determines(axis, g[0]!));
    if (group) group.push(axis);
    else groups.push([axis]);
  }
  return groups;
}

/**
 * `metric` averaged over every row with the same (x, y): mean, sample standard deviation, count.
 * Every other swept axis is held at its value in `fixed` (a parameter is never averaged over; the
 * seeds are). With time as an axis the rows are the samples, so a cell is one sampled time of the points.
 */
export function heatmap(table: SweepTable, metric: string, x: string, y: string, fixed: Readonly<Record<string, Cell>> = {}): { xs: Cell[]; ys: Cell[]; cells: HeatCell[] } {
  const at = Object.entries(fixed).filter(([axis]) => axis !== x && axis !== y);
  const rows = (overTime(x, y) ? table.samples : table.rows).filter((r) => at.every(([axis, v]) => axisValue(r, axis) === v));
  const xs = [...new Set(rows.map((r) => axisValue(r, x)))].sort(order);
  const ys = [...new Set(rows.map((r) => axisValue(r, y)))].sort(order);
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify([axisValue(r, x), axisValue(r, y)]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const cells: HeatCell[] = [];
  for (const group of groups.values()) {
    const values = group.map((r) => r[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length === 0) continue;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
    const first = [...group].sort((a, b) => Number(a.seed ?? 0) - Number(b.seed ?? 0))[0]!;
    cells.push({ x: axisValue(first, x), y: axisValue(first, y), mean, std, n: values.length, row: first });
  }
  return { xs, ys, cells };
}
