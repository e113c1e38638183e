// The tokens system in Chromium: scheme toggles change trajectories live; the convergence plot shows four slopes.
import { download, expect, openLab, particlePixels, runUntil, stepBy, stepCount, test, waitForReset } from './helpers';

test('sa-sphere: tokens drawn on the sphere cluster, and E_β does not decrease', async ({ page }) => {
  await openLab(page, 'system=tokens&preset=sa-sphere');
  const first = await page.evaluate(() => window.__lab!.sampleNow());
  await stepBy(page, 60);
  const later = await page.evaluate(() => window.__lab!.sampleNow());
  expect(later!.scalars.energy!).toBeGreaterThanOrEqual(first!.scalars.energy! - 1e-6);
  expect(later!.scalars.meanCosine!).toBeGreaterThan(first!.scalars.meanCosine!);
  const shot = await page.getByTestId('viewport-canvas').screenshot();
  expect((await particlePixels(page, shot)).particles).toBeGreaterThan(200);
  // The cosine heatmap's colour bar reads 0 … 1 (count per column over its largest bin).
  const ticks = page.locator('svg[data-plot=cosine] .color-bar .axis text');
  await expect.poll(async () => (await ticks.allTextContents()).map(Number)).toEqual([0, 0.5, 1]);
});

test('playing stops at the network depth T/dt once; play again continues past it', async ({ page }) => {
  await openLab(page, 'system=tokens&preset=sa-sphere&T=0.7&n=16');
  await page.evaluate(() => window.__lab!.setStepsPerFrame(3)); // 7 layers: frames of 3, 3, then 1
  await page.evaluate(() => window.__lab!.play(true));
  await expect(page.getByTestId('banner-info')).toContainText('Reached T = 0.7');
  expect(await page.evaluate(() => [window.__lab!.step, window.__lab!.playing])).toEqual([7, false]);
  await runUntil(page, 10);
});

test('switching splitting and substep live changes the trajectory', async ({ page }) => {
  await openLab(page, 'system=tokens&preset=convergence');
  const cosineAfter = async (splitting: string, substep: string) => {
    await page.locator('select[data-param=splitting]').selectOption(splitting);
    await page.locator('select[data-param=substep]').selectOption(substep);
    await expect.poll(() => page.evaluate(() => `${window.__lab!.params!.splitting}/${window.__lab!.params!.substep}`)).toBe(`${splitting}/${substep}`);
    await page.getByTestId('reset').click();
    await waitForReset(page);
    await stepBy(page, 4);
    return (await page.evaluate(() => window.__lab!.sampleNow()))!.scalars.meanCosine!;
  };
  const lieEuler = await cosineAfter('lie', 'euler');
  const strangEuler = await cosineAfter('strang', 'euler');
  const strangRk4 = await cosineAfter('strang', 'rk4');
  expect(await cosineAfter('lie', 'euler')).toBe(lieEuler); // deterministic
  expect(strangEuler).not.toBe(lieEuler);
  expect(strangRk4).not.toBe(strangEuler);
  // A toggle while playing keeps the run going.
  await page.evaluate(() => window.__lab!.play(true));
  const before = await stepCount(page);
  await page.locator('select[data-param=splitting]').selectOption('strang');
  await page.waitForFunction((s) => window.__lab!.step > s + 3, before, { timeout: 60_000 });
  await page.evaluate(() => window.__lab!.play(false));
});

test('"Measure convergence" plots four schemes with fitted slopes ≈ 1, 1, 1, 2', async ({ page }) => {
  await openLab(page, 'system=tokens&preset=convergence');
  await page.locator('button[data-action=measure-convergence]').click();
  const legend = page.getByTestId('legend-convergence');
  await expect(legend).toContainText('strang-rk4', { timeout: 150_000 });
  const text = await legend.innerText();
  const slopes = Object.fromEntries(
    [...text.matchAll(/(lie-euler|strang-euler|lie-rk4|strang-rk4) \(slope (-?[\d.]+)\)/g)].map((m) => [m[1], Number(m[2])]),
  );
  expect(Object.keys(slopes).sort()).toEqual(['lie-euler', 'lie-rk4', 'strang-euler', 'strang-rk4']);
  // Same tolerance as the Node convergence test: first order within ±0.15, Strang–RK4 second order within ±0.2.
  for (const k of ['lie-euler', 'strang-euler', 'lie-rk4']) expect(Math.abs(slopes[k]! - 1)).toBeLessThan(0.15);
  expect(Math.abs(slopes['strang-rk4']! - 2)).toBeLessThan(0.2);

  // The convergence table exports as CSV: one row per (scheme, dt) with the fitted slope.
  const csv = await download(page, () => page.locator('button[data-export=curves]').click());
  expect(csv.name).toMatch(/curves\.csv$/);
  const lines = csv.data.toString('utf8').trim().split('\n');
  expect(lines[0]).toBe('plot,curve,x,y,slope');
  const rows = lines.slice(1).map((l) => l.split(','));
  expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['lie-euler', 'strang-euler', 'lie-rk4', 'strang-rk4']));
  for (const r of rows) {
    expect(Number(r[2])).toBeGreaterThan(0); // dt
    expect(Number(r[3])).toBeGreaterThan(0); // error
    expect(Number(r[4])).toBeCloseTo(slopes[r[1]!]!, 2);
  }
});
