// What the Sweep view opens: the Parquet files `lab sweep collect` writes (runs.parquet, and
// samples.parquet for heatmaps over time), or the sweep folder itself (manifest.jsonl and
// runs/<id>/result.json, metrics.jsonl), read into the same rows collect would write.
import { parquetReadObjects } from 'hyparquet';
import { parseManifest, sweepRows } from '../../sweep/rows';

export interface SweepSource {
  /** What the view names it by: the file, or the folder. */
  name: string;
  runs: Record<string, unknown>[];
  samples: Record<string, unknown>[];
}

/** A file's path inside a chosen folder, without the folder's own name. */
const inFolder = (f: File) => (f.webkitRelativePath || f.name).split('/').slice(1).join('/');

/** Runs and samples from the chosen files; anything unreadable is one line naming the file. */
export async function readSweepFiles(files: readonly File[]): Promise<SweepSource> {
  const manifest = files.find((f) => inFolder(f) === 'manifest.jsonl' || (!f.webkitRelativePath && f.name === 'manifest.jsonl'));
  return manifest ? readFolder(files, manifest) : readParquet(files);
}

async function readParquet(files: readonly File[]): Promise<SweepSource> {
  const tables = await Promise.all(
    files.map(async (file) => {
      try {
        return { file, rows: (await parquetReadObjects({ file: await file.arrayBuffer() })) as Record<string, unknown>[] };
      } catch (e) {
        throw new Error(`${file.name}: not a readable Parquet file (${(e as Error).message})`);
      }
    }),
  );
  // samples.parquet has no system column; runs.parquet has one.
  const runs = tables.filter((t) => t.rows.length === 0 || 'system' in t.rows[0]!);
  const samples = tables.filter((t) => !runs.includes(t));
  if (runs.length !== 1 || samples.length > 1) {
    throw new Error(`${files.map((f) => f.name).join(', ')}: choose one runs.parquet, and at most one samples.parquet beside it`);
  }
  const names = [runs[0]!, ...samples].map((t) => t.file.name).join(' + ');
  return { name: names, runs: runs[0]!.rows, samples: samples[0]?.rows ?? [] };
}

async function readFolder(files: readonly File[], manifest: File): Promise<SweepSource> {
  const folder = (manifest.webkitRelativePath || manifest.name).split('/')[0] ?? 'sweep';
  const byPath = new Map(files.map((f) => [inFolder(f), f]));
  const points = parseManifest(await manifest.text(), `${folder}/manifest.jsonl`);
  const texts = new Map<string, string>();
  for (const p of points) {
    for (const name of ['result.json', 'metrics.jsonl'] as const) {
      const file = byPath.get(`runs/${p.id}/${name}`);
      if (file) texts.set(`${p.id}/${name}`, await file.text());
    }
  }
  try {
    const rows = sweepRows(points, (id, name) => texts.get(`${id}/${name}`));
    if (rows.runs.length === 0) throw new Error(`none of its ${points.length} points has finished (run lab sweep run ${folder})`);
    return { name: `${folder}/`, runs: rows.runs, samples: rows.samples };
  } catch (e) {
    throw new Error(`${folder}/: ${(e as Error).message}`);
  }
}
