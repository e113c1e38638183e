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

// A tokens sweep (β ∈ {1, 4} × seeds 1, 2, n = 16, 40 layers sampled every 10), opened as its folder
// and as the two Parquet files collect wrote from it: time is an axis, and every (t, β) cell is the
// seed mean of closePairs that DuckDB computes by joining samples.parquet to runs.parquet.
const TOKENS = resolve('e2e/fixtures/sweep-tokens');

async function closePairsOverTime(): Promise<Map<string, number>> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = (
    await connection.runAndReadAll(
      `SELECT s.time AS t, r.beta AS beta, avg(s.closePairs) AS mean FROM '${TOKENS}/samples.parquet' s JOIN '${TOKENS}/runs.parquet' r USING (index) GROUP BY s.time, r.beta`,
    )
  ).getRowObjects();
  connection.closeSync();
  return new Map(rows.map((r) => [`${Number((r.t as number).toPrecision(6))}|${r.beta}`, r.mean as number]));
}

async function cellsOf(map: import('@playwright/test').Locator) {
  return map.locator('rect.cell').evaluateAll((rects) => rects.map((r) => [`${r.getAttribute('data-x')}|${r.getAttribute('data-y')}`, Number(r.getAttribute('data-mean'))] as const));
}

test('the Sweep view opens a sweep folder or runs + samples Parquet: a (t, β) heatmap of closePairs, and a click opens the point', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('sweep-open').click();
  await page.getByTestId('sweep-folder').setInputFiles(TOKENS);
  const map = page.getByTestId('sweep-heatmap');
  await expect(map).toBeVisible();
  // One swept axis and samples: the view starts on (time, β).
  await expect(page.getByTestId('sweep-x')).toHaveValue('time');
  await expect(page.getByTestId('sweep-y')).toHaveValue('beta');
  await page.getByTestId('sweep-metric').selectOption('closePairs');
  const expected = await closePairsOverTime();
  expect(expected.size).toBe(10); // t = 0, 1, 2, 3, 4 × β = 1, 4
  await expect(map).toHaveAttribute('data-cells', '10');
  const fromFolder = await cellsOf(map);
  expect(fromFolder.map(([k]) => k).sort()).toEqual([...expected.keys()].sort());
  for (const [k, mean] of fromFolder) expect(mean, k).toBeCloseTo(expected.get(k)!, 12);

  // The same sweep from its Parquet files: the same cells.
  await page.getByTestId('sweep-file').setInputFiles([`${TOKENS}/runs.parquet`, `${TOKENS}/samples.parquet`]);
  await expect(page.getByRole('heading', { name: /runs\.parquet \+ samples\.parquet/ })).toBeVisible();
  await page.getByTestId('sweep-metric').selectOption('closePairs');
  expect((await cellsOf(map)).sort()).toEqual([...fromFolder].sort());

  // A click on (t = 4, β = 4) opens that point (seed 1) with its exact params.
  await map.locator('rect.cell[data-x="4"][data-y="4"]').click();
  await expect(page.getByTestId('banner-info').last()).toContainText('Opened the sweep point beta = 4, seed 1');
  const params = await page.evaluate(() => window.__lab!.params!);
  expect([params.beta, params.n, params.seed]).toEqual([4, 16, 1]);

  // Two runs files are not a sweep: one line, and the view keeps what it showed.
  await page.getByTestId('sweep-open').click();
  await page.getByTestId('sweep-file').setInputFiles([`${TOKENS}/runs.parquet`, FIXTURE]);
  await expect(page.getByTestId('sweep-error')).toContainText('choose one runs.parquet, and at most one samples.parquet beside it');
  await expect(map).toHaveAttribute('data-cells', '10');
});

// The two example sweeps the README shows (docs/sweeps/): each opens, draws what its README says,
// and is photographed for the README.
test('the shipped example sweeps draw: tokens (t, β) closePairs, mips φ × Pe largest-cluster fraction and EPR', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('sweep-open').click();
  const map = page.getByTestId('sweep-heatmap');
  const dialog = page.locator('lab-sweep-view dialog');

  await page.getByTestId('sweep-file').setInputFiles(['docs/sweeps/tokens-t-beta/runs.parquet', 'docs/sweeps/tokens-t-beta/samples.parquet']);
  await page.getByTestId('sweep-metric').selectOption('closePairs');
  await expect(map).toHaveAttribute('data-cells', String(31 * 18)); // t = 0, 1, …, 30 × β = 0.5, 1, …, 9
  // At t = 30 all 32 tokens have merged for β = 0.5 (every seed), but not for β = 9 (metastable clusters).
  expect(Number(await map.locator('rect.cell[data-x="30"][data-y="0.5"]').getAttribute('data-mean'))).toBe(1);
  expect(Number(await map.locator('rect.cell[data-x="30"][data-y="9"]').getAttribute('data-mean'))).toBeLessThan(0.5);
  await dialog.screenshot({ path: 'docs/sweep-tokens.png' });

  await page.getByTestId('sweep-file').setInputFiles(['docs/sweeps/mips-phi-pe/runs.parquet', 'docs/sweeps/mips-phi-pe/samples.parquet']);
  await expect(page.getByTestId('sweep-x')).toHaveValue('phi');
  await expect(page.getByTestId('sweep-y')).toHaveValue('Pe'); // Dr moves with Pe: one axis, shown as Pe
  await page.getByTestId('sweep-metric').selectOption('largestClusterFraction');
  await expect(map).toHaveAttribute('data-cells', String(6 * 5));
  // φ = 0.3 stays a gas at every Pe; φ = 0.8 is one large cluster.
  for (const Pe of ['25', '300']) {
    expect(Number(await map.locator(`rect.cell[data-x="0.3"][data-y="${Pe}"]`).getAttribute('data-mean'))).toBeLessThan(0.05);
    expect(Number(await map.locator(`rect.cell[data-x="0.8"][data-y="${Pe}"]`).getAttribute('data-mean'))).toBeGreaterThan(0.7);
  }
  await dialog.screenshot({ path: 'docs/sweep-mips.png' });
  await page.getByTestId('sweep-metric').selectOption('eprScoreFree');
  await dialog.screenshot({ path: 'docs/sweep-mips-epr.png' });
});
