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
import { quote } from '../../src/quote';
import { sweepRows, type Columns, type SweepRows } from '../../src/sweep/rows';
import { UsageError } from '../args';
import { pointFile, readManifest } from './layout';

const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** DuckDB's read_json columns argument. */
const columnsSql = (columns: Columns) => `{${[...columns.types].map(([k, t]) => `${sqlText(k)}: ${sqlText(t)}`).join(', ')}}`;

/** Rows (JSON lines) → a Parquet file, written beside and renamed (a reader never sees half of it). */
async function toParquet(run: (sql: string) => Promise<unknown>, rowsFile: string, columns: Columns, out: string): Promise<void> {
  const part = `${out}.${process.pid}.part`;
  await run(`COPY (SELECT * FROM read_json(${sqlText(rowsFile)}, columns = ${columnsSql(columns)}, format = 'newline_delimited')) TO ${sqlText(part)} (FORMAT parquet)`);
  renameSync(part, out);
}

export async function collectSweep(dir: string): Promise<number> {
  const points = readManifest(dir);
  let rows: SweepRows;
  try {
    rows = sweepRows(points, (id, name) => {
      const file = pointFile(dir, id, name);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    });
  } catch (e) {
    throw new UsageError(`${quote(dir)}: ${(e as Error).message}`);
  }
  const { runs, samples, runColumns, sampleColumns, missing } = rows;
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
      writeFileSync(rowsFile, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
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
