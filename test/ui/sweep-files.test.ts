// The Sweep view's file reading: a sweep folder gives the rows collect writes (checked against the
// fixture's runs.parquet read by hyparquet), and damaged folders are one line naming the file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/sims/index';
import { readSweepFiles } from '../../src/ui/sweep/sweep-files';

const FIXTURE = join(__dirname, '../../e2e/fixtures/sweep-tokens');

/** A File as a folder picker gives it: its path inside the chosen folder, starting with the folder's name. */
function picked(path: string, text: string | Uint8Array<ArrayBuffer>): File {
  const file = new File([text], path.split('/').at(-1)!);
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

function folder(dir: string, name: string): File[] {
  const walk = (d: string): string[] => readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
  return walk(dir).map((f) => picked(`${name}/${relative(dir, f)}`, new Uint8Array(readFileSync(f))));
}

describe('sweep files', () => {
  it('a sweep folder reads to the rows of its runs.parquet and samples.parquet', async () => {
    const fromFolder = await readSweepFiles(folder(FIXTURE, 'sweep-tokens').filter((f) => !f.name.endsWith('.parquet')));
    const fromParquet = await readSweepFiles(['runs.parquet', 'samples.parquet'].map((n) => new File([new Uint8Array(readFileSync(join(FIXTURE, n)))], n)));
    expect(fromFolder.name).toBe('sweep-tokens/');
    expect(fromParquet.name).toBe('runs.parquet + samples.parquet');
    const plain = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
    expect(plain(fromFolder.runs)).toEqual(plain(fromParquet.runs));
    expect(fromFolder.samples).toHaveLength(20);
    expect(plain(fromFolder.samples)).toEqual(plain(fromParquet.samples));
  });

  it('a damaged folder is one line naming the file', async () => {
    const files = folder(FIXTURE, 'sw').filter((f) => !f.name.endsWith('.parquet'));
    const manifest = files.find((f) => f.name === 'manifest.jsonl')!;
    const lines = (await manifest.text()).split('\n');
    const damaged = [...files.filter((f) => f !== manifest), picked('sw/manifest.jsonl', [lines[0], '{"index": 1}'].join('\n'))];
    await expect(readSweepFiles(damaged)).rejects.toThrow(/^sw\/manifest.jsonl line 2 is not the point lab sweep plan wrote/);
    const unfinished = files.filter((f) => f.name !== 'result.json');
    await expect(readSweepFiles(unfinished)).rejects.toThrow(/^sw\/: none of its 4 points has finished/);
    const badResult = files.map((f) => (f.name === 'result.json' ? picked(f.webkitRelativePath, '{oops') : f));
    await expect(readSweepFiles(badResult)).rejects.toThrow(/^sw\/: runs\/[0-9a-f]{16}\/result.json is not JSON/);
  });
});
