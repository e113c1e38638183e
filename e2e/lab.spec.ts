// Open the lab, run mips/abp-mips, see particles, change a parameter live.
import { writeFile } from 'node:fs/promises';
import { download, expect, openLab, particlePixels, runUntil, stepCount, test } from './helpers';

test('runs abp-mips, draws particles and applies a parameter live', async ({ page }) => {
  await openLab(page);
  expect(await page.evaluate(() => window.__lab!.system)).toBe('mips');
  await expect(page.getByTestId('adapter')).toContainText('WebGPU');

  await runUntil(page, 30, false);
  const playingStep = await stepCount(page);
  expect(playingStep).toBeGreaterThanOrEqual(30);

  // Canvas shows particles (screenshot of the canvas element, decoded and counted).
  const shot = await page.getByTestId('viewport-canvas').screenshot();
  const px = await particlePixels(page, shot);
  expect(px.particles / px.total).toBeGreaterThan(0.01);

  // A live parameter: the splitting scheme, while running. The run continues (no reset) and the URL follows.
  const spec = await page.evaluate(() => window.__lab!.params!.splitting);
  const next = spec === 'strang' ? 'lie' : 'strang';
  await page.locator('select[data-param=splitting]').selectOption(next);
  await expect.poll(() => page.evaluate(() => window.__lab!.params!.splitting)).toBe(next);
  const after = await stepCount(page);
  expect(after).toBeGreaterThanOrEqual(playingStep);
  await page.waitForFunction((s) => window.__lab!.step > s + 5, after, { timeout: 60_000 });
  await expect(page).toHaveURL(new RegExp(`splitting=${next}`));

  // Plots received samples.
  await expect.poll(() => page.evaluate(() => window.__lab!.samples)).toBeGreaterThan(2);
  await expect(page.locator('lab-plot').first()).toBeVisible();

  // Space toggles play/pause.
  await page.locator('header').click();
  await page.keyboard.press('Space');
  await expect.poll(() => page.evaluate(() => window.__lab!.playing)).toBe(false);

});

test('a rebuild parameter (n) rebuilds the system with the new size', async ({ page }) => {
  await openLab(page);
  await runUntil(page, 5);
  const input = page.locator('input[data-param=n]');
  await input.fill('2048');
  await input.press('Enter');
  await expect.poll(() => page.evaluate(() => window.__lab!.count)).toBe(2048);
  await expect(page).toHaveURL(/n=2048/);
  await runUntil(page, (await stepCount(page)) + 3);
  const shot = await page.getByTestId('viewport-canvas').screenshot();
  expect((await particlePixels(page, shot)).particles).toBeGreaterThan(500);
});

test('every disc is drawn, also those past the viewport\'s first batch of 1024', async ({ page }, info) => {
  // n = 1100: discs 0..1023 fill the first instance of the batched draw, 1024..1099 the second.
  await openLab(page, 'system=mips&preset=abp-mips&n=1100&colorBy=orientation');
  const exported = JSON.parse((await download(page, () => page.locator('button[data-export=state]').click())).data.toString('utf8'));
  const original = new Float32Array(new Uint8Array(Buffer.from(exported.buffers.positions.base64, 'base64')).buffer);
  const L = Math.max(...original); // just inside the box
  const drawnPixels = async (spreadFrom: number) => {
    // Discs before `spreadFrom` stacked at the centre (one visible disc); the rest on a 9 x 9 grid.
    const xy = new Float32Array(2 * 1100);
    for (let i = 0; i < 1100; i++) {
      const g = i - spreadFrom;
      xy[2 * i] = g < 0 ? L / 2 : L * (0.1 + 0.8 * ((g % 9) / 8));
      xy[2 * i + 1] = g < 0 ? L / 2 : L * (0.1 + 0.8 * (Math.floor(g / 9) / 8));
    }
    const state = { ...exported, buffers: { ...exported.buffers, positions: { ...exported.buffers.positions, base64: Buffer.from(xy.buffer).toString('base64') } } };
    const path = info.outputPath(`state-${spreadFrom}.json`);
    await writeFile(path, JSON.stringify(state));
    await page.getByTestId('import-file').setInputFiles(path);
    await expect.poll(() => page.evaluate(() => window.__lab!.ready)).toBe(true);
    await page.waitForTimeout(500); // a few frames
    // Only the discs count: the colour bar over the view's corner is coloured too.
    await page.getByTestId('color-bar').evaluate((bar) => ((bar as HTMLElement).style.visibility = 'hidden'));
    return (await particlePixels(page, await page.getByTestId('viewport-canvas').screenshot())).particles;
  };
  const oneDisc = await drawnPixels(1100); // all stacked
  const secondBatch = await drawnPixels(1024); // 1 stack + 76 discs, all from the second instance
  expect(oneDisc).toBeGreaterThan(0);
  // 77 separate discs vs one: allow for edge pixels and the grid's overlaps with the stack.
  expect(secondBatch).toBeGreaterThan(40 * oneDisc);
});
