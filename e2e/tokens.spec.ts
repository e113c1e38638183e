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

test('trained-sort: a frame per sub-layer up to the network’s output; switching the splitting swaps in the Macaron network, and its trajectory differs', async ({ page }) => {
  test.setTimeout(240_000);
  await openLab(page, 'system=tokens&preset=trained-sort');
  const caption = page.getByTestId('caption');
  await expect(caption).toContainText("standard network's output");
  expect(await page.evaluate(() => [window.__lab!.count, window.__lab!.labels])).toEqual([16, 16]);
  /** (layer, mean cosine) at every frame up to the output, and the viewport there. */
  const walk = async (frames: number) => {
    const rows: number[][] = [];
    for (let k = 0; k <= frames; k++) {
      if (k > 0) await stepBy(page, 1);
      const s = (await page.evaluate(() => window.__lab!.sampleNow()))!;
      rows.push([s.scalars.layer!, s.scalars.meanCosine!]);
    }
    return { layers: rows.map((r) => r[0]!), cosines: rows.map((r) => r[1]!), shot: await page.getByTestId('viewport-canvas').screenshot() };
  };
  const standard = await walk(4);
  expect(standard.layers).toEqual([0, 0.5, 1, 1.5, 2]); // attention, then FFN: two frames per layer
  await page.screenshot({ path: 'docs/tokens-trained.png' }); // the README's picture of a trained network's tokens
  // The trained network's plots draw: cosines over depth, and the step size per layer of both networks.
  const plots = Object.fromEntries((await page.evaluate(() => window.__lab!.plots())).map((p) => [p.id, p.points]));
  for (const id of ['cosine', 'energy', 'meanCosine', 'stepSize']) expect(plots[id], id).toBeGreaterThan(0);
  expect(plots.convergence).toBeUndefined(); // the ODE study of random weights is not shown for a trained network

  await page.locator('select[data-param=splitting]').selectOption('strang');
  await expect(caption).toContainText("macaron network's output");
  await waitForReset(page);
  const macaron = await walk(6);
  expect(macaron.layers.map((t) => Math.round(3 * t))).toEqual([0, 1, 2, 3, 4, 5, 6]); // ½FFN, attention, ½FFN: three frames per layer
  expect(macaron.cosines[6]).not.toBe(standard.cosines[4]);
  expect(macaron.shot.equals(standard.shot)).toBe(false);
  // Playing from the start pauses at the output once.
  await page.getByTestId('reset').click();
  await waitForReset(page);
  await page.evaluate(() => window.__lab!.play(true));
  await expect(page.getByTestId('banner-info')).toContainText("Reached the macaron network's output");

  // The ODE-solver view: both networks' layers, refined with their own weights, converge at order ≈ 1.
  await page.locator('button[data-action=measure-convergence]').click();
  const legend = page.getByTestId('legend-solverGap');
  await expect(legend).toContainText('macaron layer 2', { timeout: 120_000 });
  const slopes = [...(await legend.innerText()).matchAll(/(standard|macaron) layer \d \(slope (-?[\d.]+)\)/g)].map((m) => Number(m[2]));
  expect(slopes).toHaveLength(4);
  for (const s of slopes) expect(Math.abs(s - 1)).toBeLessThan(0.2); // the fit over h = 1 … 1/32 includes the pre-asymptotic n = 1, 2

  // A sequence the network cannot read is refused in one line, and the run keeps its tokens.
  const text = page.locator('input[data-param=text]');
  await text.fill('kindofabigjamhoz');
  await text.press('Enter');
  await expect(page.getByTestId('param-error-text')).toHaveText("text has \"z\" at letter 16; the sort network's symbols are the letters a–p");
  expect(await page.evaluate(() => window.__lab!.count)).toBe(16);
});

test('Networks panel: Train trains standard and Macaron for every seed side by side, the held-out curves grow live with seed bands, and saved weights load into the view', async ({ page }) => {
  test.setTimeout(240_000);
  await openLab(page, 'system=tokens&preset=trained-sort');
  await page.getByTestId('net-settings').locator('summary').click();
  // A small network, so SwiftShader trains 2 seeds × 2 architectures in seconds.
  for (const [key, value] of [['width', '16'], ['heads', '2'], ['layers', '1'], ['batch', '16'], ['validation', '32'], ['seeds', '2']] as const) {
    const field = page.getByTestId(`net-setting-${key}`);
    await field.fill(value);
    await field.blur();
  }
  await expect(page.getByTestId('net-settings-error')).toHaveCount(0);
  await page.getByTestId('net-total').fill('20');
  const train = page.getByTestId('net-train');
  await train.click();
  // Live: the curves have a point for the start and one after each chunk of 10 steps while training goes on.
  const rounds = () => page.getByTestId('net-comparison').getAttribute('data-count').then(Number);
  await expect.poll(rounds, { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  await expect(train).toHaveText(/Train/, { timeout: 120_000 });
  expect(await rounds()).toBe(2);
  const legend = page.getByTestId('legend-net-learning');
  await expect(legend).toContainText('standard (2 seeds)');
  await expect(legend).toContainText('macaron (2 seeds)');
  const plot = page.locator('lab-model-panel svg[data-plot="net-learning"]');
  await expect.poll(() => plot.getAttribute('data-points').then(Number)).toBe(2 * 3); // two curves, steps 0, 10, 20
  await expect(plot.locator('path.band')).toHaveCount(2);
  await expect(page.getByTestId('net-difference')).toHaveText(/^[+-]\d\.\d{3} ± \d\.\d{3} nats$/);

  // Save weights: the standard network of the first seed; loaded back, the view shows it in place of the shipped one.
  const saved = await download(page, () => page.getByTestId('net-save').click());
  await page.getByTestId('net-file').setInputFiles({ name: 'mine.safetensors', mimeType: 'application/octet-stream', buffer: saved.data });
  await expect(page.getByTestId('caption')).toContainText("standard network (mine.safetensors)'s output", { timeout: 60_000 });
  expect(await page.evaluate(() => window.__lab!.count)).toBe(16);
});
