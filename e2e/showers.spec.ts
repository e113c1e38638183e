// The showers system in Chromium: hits drawn as cells with a colour bar, the energy control moving
// the shower maximum deeper (asserted on the metric), and the showers downloaded as HDF5 that
// h5py (an independent reader) opens in the documented layout.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { download, expect, openLab, particlePixels, stepBy, test } from './helpers';

test('electron-10gev: hits in the viewport, a colour bar; 50 GeV moves the maximum deeper', async ({ page }) => {
  test.setTimeout(240_000);
  await openLab(page, 'system=showers&preset=electron-10gev');
  await stepBy(page, 40);
  const at10 = (await page.evaluate(() => window.__lab!.sampleNow()))!;
  expect(at10.scalars.showers).toBe(40);
  await expect(page.getByTestId('color-bar')).toBeVisible();
  await expect(page.getByTestId('caption')).toContainText('hits');
  const shot = await page.getByTestId('viewport-canvas').screenshot();
  expect((await particlePixels(page, shot)).particles).toBeGreaterThan(200);
  await page.screenshot({ path: 'docs/showers.png' }); // the README's picture of the system

  const energy = page.locator('input[data-param=energy]');
  await energy.fill('50');
  await energy.press('Enter');
  await page.waitForFunction(() => window.__lab!.ready && window.__lab!.params!.energy === '50', null, { timeout: 90_000, polling: 100 });
  await stepBy(page, 40);
  const at50 = (await page.evaluate(() => window.__lab!.sampleNow()))!;
  // T_max grows by ln 5 = 1.6 X0 ≈ 2.7 thin layers (0.605 X0 each); the mean of 40 profiles is good to ~0.5 layer.
  expect(at50.scalars.maxLayer! - at10.scalars.maxLayer!).toBeGreaterThan(1.5);
  expect(at50.scalars.meanHits!).toBeGreaterThan(at10.scalars.meanHits!);
});

test('a bad energy is refused with its range, and the run is unchanged', async ({ page }) => {
  await openLab(page, 'system=showers&preset=electron-10gev');
  const energy = page.locator('input[data-param=energy]');
  await energy.fill('10:2');
  await energy.press('Enter');
  await expect(page.getByTestId('param-error-energy')).toContainText('energy must be a number or lo:hi');
  expect(await page.evaluate(() => window.__lab!.params!.energy)).toBe('10');
});

test('"Re-generate" draws a new sample: the next seed, from shower 0, in the URL too', async ({ page }) => {
  await openLab(page, 'system=showers&preset=electron-10gev&ecalCell=15');
  await stepBy(page, 5);
  const before = (await page.evaluate(() => window.__lab!.sampleNow()))!;
  await page.locator('button[data-action=regenerate]').click();
  await page.waitForFunction(() => window.__lab!.ready && window.__lab!.params!.seed === 2 && window.__lab!.step === 0, null, { timeout: 60_000, polling: 100 });
  expect(page.url()).toContain('seed=2');
  await stepBy(page, 5);
  const after = (await page.evaluate(() => window.__lab!.sampleNow()))!;
  expect(after.scalars.meanHits).not.toBe(before.scalars.meanHits);
});

test('the window downloads as HDF5 that h5py reads: (N, max_points, 4), energies, pdg 11', async ({ page }) => {
  await openLab(page, 'system=showers&preset=electron-10gev&ecalCell=15');
  await stepBy(page, 12);
  const file = await download(page, () => page.locator('[data-export=download-showers]').click());
  expect(file.name).toMatch(/\.h5$/);
  const path = join(mkdtempSync(join(tmpdir(), 'showers-e2e-')), file.name);
  writeFileSync(path, file.data);
  const script = [
    'import h5py, json, sys',
    'f = h5py.File(sys.argv[1], "r")',
    's = f["showers"]',
    'n = f["num_points"][:]',
    'print(json.dumps({"shape": list(s.shape), "energy": f["energy"][:].tolist(), "pdg": f["pdg"][:].tolist(), "points": n.tolist(),',
    '  "padded_zero": bool((s[0, n[0]:, :] == 0).all()) if n[0] < s.shape[1] else True}))',
  ].join('\n');
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' })) as {
    shape: number[]; energy: number[]; pdg: number[]; points: number[]; padded_zero: boolean;
  };
  expect(out.shape[0]).toBe(12);
  expect(out.shape[2]).toBe(4);
  expect(out.shape[1]).toBe(Math.max(...out.points));
  expect(out.energy).toEqual(Array(12).fill(10));
  expect(out.pdg).toEqual(Array(12).fill(11));
  expect(out.padded_zero).toBe(true);
});

test('Histograms CSV holds every plotted histogram with its reference column', async ({ page }) => {
  await openLab(page, 'system=showers&preset=electron-10gev&ecalCell=15');
  await stepBy(page, 8);
  await page.evaluate(() => window.__lab!.sampleNow());
  const file = await download(page, () => page.locator('[data-export=histograms]').click());
  expect(file.name).toMatch(/histograms\.csv$/);
  const [header, ...rows] = file.data.toString('utf8').trim().split('\n');
  expect(header).toBe('histogram,bin_lo,bin_hi,count,reference');
  const names = new Set(rows.map((r) => r.split(',')[0]));
  for (const h of ['longitudinal', 'radial', 'hits', 'ratio', 'cogLayer', 'cogX', 'hitEnergy']) expect(names.has(h), h).toBe(true);
  // Every row carries a reference value (the independent sample), and the longitudinal profile has one row per layer.
  expect(rows.every((r) => r.split(',')[4] !== '')).toBe(true);
  expect(rows.filter((r) => r.startsWith('longitudinal,'))).toHaveLength(78);
});
