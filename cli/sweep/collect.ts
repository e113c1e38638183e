// `lab sweep collect DIR`: the results as Parquet, through DuckDB (@duckdb/node-api), for pandas,
// polars and DuckDB itself:
//   DIR/runs.parquet     one row per finished point: index, id, system, preset, status, error, every param, the
//                        derived axes (mips: Pe), the final metrics, step, time, wall seconds,
//                        adapter, version, commit
//   DIR/samples.parquet  one row per sample: index, id, step, time, the scalar metrics
// The points still missing a result are listed (and left out).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getSystem } from '../../src/sims/registry';
import type { ParamSpec } from '../../src/sims/params';
import { pointFile, readManifest, type SweepPoint } from './layout';

interface Result {
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

type SqlType = 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';

/**
 * Typed columns, in order. Types come from the schema, not from the values (v0 = 1 in every row
 * is still a DOUBLE). DuckDB compares column names ignoring case, so of two names that differ only
 * in case (mips: Dt and dt) the later is written with "_2" (dt_2), and said once on stderr.
 */
class Columns {
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

  /** DuckDB's read_json columns argument. */
  sql(): string {
    return `{${[...this.types].map(([k, t]) => `${sqlText(k)}: ${sqlText(t)}`).join(', ')}}`;
  }
}

function paramType(s: ParamSpec): SqlType {
  if (s.kind === 'number') return s.integer ? 'BIGINT' : 'DOUBLE';
  return s.kind === 'boolean' ? 'BOOLEAN' : 'VARCHAR';
}

/** A point's row: params, derived axes, then metrics (a metric named like a param gets `metric_`). */
function runRow(columns: Columns, p: SweepPoint, r: Result): Record<string, unknown> {
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
function sampleRow(columns: Columns, p: SweepPoint, sample: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  row[columns.add('index', 'BIGINT')] = p.index;
  row[columns.add('id', 'VARCHAR')] = p.id;
  for (const [k, v] of Object.entries(sample)) row[columns.add(k, k === 'step' ? 'BIGINT' : k === 'problem' ? 'VARCHAR' : 'DOUBLE')] = v;
  return row;
}

const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Rows (JSON lines) → a Parquet file, written beside and renamed (a reader never sees half of it). */
async function toParquet(run: (sql: string) => Promise<unknown>, rowsFile: string, columns: Columns, out: string): Promise<void> {
  const part = `${out}.${process.pid}.part`;
  await run(`COPY (SELECT * FROM read_json(${sqlText(rowsFile)}, columns = ${columns.sql()}, format = 'newline_delimited')) TO ${sqlText(part)} (FORMAT parquet)`);
  renameSync(part, out);
}

export async function collectSweep(dir: string): Promise<number> {
  const points = readManifest(dir);
  const runs: string[] = [];
  const samples: string[] = [];
  const runColumns = new Columns();
  const sampleColumns = new Columns();
  const missing: number[] = [];
  for (const p of points) {
    const resultFile = pointFile(dir, p.id, 'result.json');
    if (!existsSync(resultFile)) {
      missing.push(p.index);
      continue;
    }
    runs.push(JSON.stringify(runRow(runColumns, p, JSON.parse(readFileSync(resultFile, 'utf8')) as Result)));
    for (const line of readFileSync(pointFile(dir, p.id, 'metrics.jsonl'), 'utf8').split('\n')) {
      if (line.trim()) samples.push(JSON.stringify(sampleRow(sampleColumns, p, JSON.parse(line))));
    }
  }
  if (runs.length === 0) {
    console.error(`sweep collect: no point of ${points.length} has finished; nothing written`);
    return 0;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'lab-collect-'));
  const failed: string[] = [];
  try {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const run = (sql: string) => connection.run(sql);
    for (const [name, rows, columns] of [['runs', runs, runColumns], ['samples', samples, sampleColumns]] as const) {
      const rowsFile = join(scratch, `${name}.jsonl`);
      writeFileSync(rowsFile, `${rows.join('\n')}\n`);
      const out = resolve(dir, `${name}.parquet`);
      // Each file on its own: one that cannot be written loses no other.
      try {
        await toParquet(run, rowsFile, columns, out);
      } catch (e) {
        rmSync(`${out}.${process.pid}.part`, { force: true });
        failed.push(`could not write ${out}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    connection.closeSync();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const [name, column] of runColumns.renamed) console.error(`note: ${name} is the column ${column} (DuckDB column names ignore case)`);
  for (const line of failed) console.error(`error: ${line}`);
  if (failed.length < 2) console.log(`collected ${runs.length} of ${points.length} points (${samples.length} samples) into ${dir}`);
  if (missing.length > 0) console.error(`missing ${missing.length} point(s): ${missing.join(', ')} (run lab sweep run ${dir})`);
  return failed.length > 0 ? 1 : 0;
}
