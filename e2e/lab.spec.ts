// Open the lab, run mips/abp-mips, see particles, change a parameter live.
import { expect, openLab, particlePixels, runUntil, stepCount, test } from './helpers';

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
