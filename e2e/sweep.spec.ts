// The Sweep view: a collected sweep (a fixture runs.parquet that `lab sweep collect` wrote: mips,
// φ ∈ {0.05, 0.1} × Pe ∈ {2, 20} × seeds 1, 2) draws as a heatmap whose cells are the seed means
// DuckDB computes from the same file; a click opens that point with its exact params.
import { DuckDBInstance } from '@duckdb/node-api';
import { resolve } from 'node:path';
import { expect, openLab, test } from './helpers';

const FIXTURE = resolve('e2e/fixtures/sweep-mips-runs.parquet');

async function seedMeans(): Promise<Map<string, { mean: number; n: number }>> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = (await connection.runAndReadAll(`SELECT phi, Pe, avg(msd) AS mean, count(*) AS n FROM '${FIXTURE}' GROUP BY phi, Pe`)).getRowObjects();
  connection.closeSync();
  return new Map(rows.map((r) => [`${r.phi}|${r.Pe}`, { mean: r.mean as number, n: Number(r.n) }]));
}

test('the Sweep view draws a metric over two axes from runs.parquet, averaged over seeds, and a click opens the point', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('sweep-open').click();
  await page.getByTestId('sweep-file').setInputFiles(FIXTURE);
  const map = page.getByTestId('sweep-heatmap');
  await expect(map).toBeVisible();
  await page.getByTestId('sweep-metric').selectOption('msd');
  await page.getByTestId('sweep-x').selectOption('phi');
  await page.getByTestId('sweep-y').selectOption('Pe');
  await expect(map).toHaveAttribute('data-cells', '4');
  const expected = await seedMeans();
  const cells = await map.locator('rect.cell').evaluateAll((rects) =>
    rects.map((r) => ({ key: `${r.getAttribute('data-x')}|${r.getAttribute('data-y')}`, mean: Number(r.getAttribute('data-mean')), title: r.textContent ?? '' })),
  );
  expect(cells.map((c) => c.key).sort()).toEqual([...expected.keys()].sort());
  for (const c of cells) {
    expect(c.mean).toBeCloseTo(expected.get(c.key)!.mean, 12);
    expect(c.title).toMatch(/± .* \(std over 2 seeds\)/);
  }
  // A click opens φ = 0.1, Pe = 20 (seed 1): Dr = v0 / (σ Pe) = 0.05, with the sweep's N.
  await map.locator('rect.cell[data-x="0.1"][data-y="20"]').click();
  await expect(page.getByTestId('banner-info').last()).toContainText('Opened the sweep point phi = 0.1, Pe = 20, seed 1');
  const params = await page.evaluate(() => window.__lab!.params!);
  expect([params.phi, params.Dr, params.seed, params.n, params.skin]).toEqual([0.1, 0.05, 1, 256, 0]);

  // Not a Parquet file: one line, and the view keeps what it showed.
  await page.getByTestId('sweep-open').click();
  await page.getByTestId('sweep-file').setInputFiles({ name: 'notes.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from('not parquet at all') });
  await expect(page.getByTestId('sweep-error')).toContainText('notes.parquet: not a readable Parquet file');
  await expect(map).toHaveAttribute('data-cells', '4');
});
