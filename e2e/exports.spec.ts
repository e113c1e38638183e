// Every export downloads and holds what it says; a state import resumes at the same step.
import { writeFile } from 'node:fs/promises';
import { download, expect, openLab, particlePixels, pngSize, runUntil, stepCount, test } from './helpers';

test('PNG, metrics CSV/JSON and state JSON export; state import resumes', async ({ page }, info) => {
  await openLab(page);
  await runUntil(page, 20);
  await page.evaluate(() => window.__lab!.sampleNow());
  const step = await stepCount(page);

  // PNG of the viewport (rendered and captured in the same task).
  const png = await download(page, () => page.locator('button[data-export=png]').click());
  expect(png.name).toMatch(/\.png$/);
  const size = pngSize(png.data);
  expect(size.width).toBeGreaterThan(200);
  expect(size.height).toBeGreaterThan(200);
  const px = await particlePixels(page, png.data);
  expect(px.particles / px.total).toBeGreaterThan(0.01);

  // Metrics CSV: header step,time,<scalars>; numeric rows, one per sample.
  const csv = (await download(page, () => page.locator('button[data-export=csv]').click())).data.toString('utf8');
  const lines = csv.trim().split('\n');
  const header = lines[0]!.split(',');
  expect(header.slice(0, 2)).toEqual(['step', 'time']);
  expect(header.length).toBeGreaterThan(2);
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const row of lines.slice(1)) {
    const cells = row.split(',');
    expect(cells.length).toBe(header.length);
    expect(Number.isInteger(Number(cells[0]))).toBe(true);
  }
  expect(Number(lines[lines.length - 1]!.split(',')[0])).toBe(step);

  // Metrics JSON: system, params and the samples.
  const metrics = JSON.parse((await download(page, () => page.locator('button[data-export=json]').click())).data.toString('utf8'));
  expect(metrics.system).toBe('mips');
  expect(metrics.params).toBeTruthy();
  expect(Array.isArray(metrics.samples)).toBe(true);
  expect(metrics.samples.length).toBe(lines.length - 1);
  expect(typeof metrics.samples[0].scalars).toBe('object');

  // State JSON.
  const stateFile = await download(page, () => page.locator('button[data-export=state]').click());
  const state = JSON.parse(stateFile.data.toString('utf8'));
  expect(state.format).toBe('particle-lab-state');
  expect(state.version).toBe(1);
  expect(state.system).toBe('mips');
  expect(state.step).toBe(step);
  expect(state.params.n).toBe(1024);
  expect(Object.keys(state.buffers).length).toBeGreaterThan(0);

  // Move on, then import: back at the exported step, and it keeps running from there.
  await page.getByTestId('step-n').fill('7');
  await page.getByTestId('step').click();
  await expect.poll(() => stepCount(page)).toBe(step + 7);
  const statePath = info.outputPath('state.json');
  await writeFile(statePath, stateFile.data);
  await page.getByTestId('import-file').setInputFiles(statePath);
  await expect(page.getByTestId('banner-info')).toContainText(`resumed at step ${step}`);
  expect(await stepCount(page)).toBe(step);
  await runUntil(page, step + 3);

  // A bad file: a clear message, and the run is kept.
  const before = await stepCount(page);
  const badPath = info.outputPath('bad.json');
  await writeFile(badPath, JSON.stringify({ ...state, format: 'something-else' }));
  await page.getByTestId('import-file').setInputFiles(badPath);
  await expect(page.getByTestId('banner-error')).toContainText('format');
  expect(await stepCount(page)).toBe(before);
  await writeFile(badPath, '{ not json');
  await page.getByTestId('import-file').setInputFiles(badPath);
  await expect(page.getByTestId('banner-error').last()).toContainText('not valid JSON');
  expect(await page.evaluate(() => window.__lab!.ready)).toBe(true);
});
