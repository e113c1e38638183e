// Bad input never crashes the lab: URL params, values typed in the panel, no WebGPU, a lost device.
import { download, expect, openLab, runUntil, stepCount, test } from './helpers';

test('a bad URL param names the field and its range; the run falls back to defaults', async ({ page }) => {
  await openLab(page, 'system=mips&preset=abp-mips&n=1024&phi=1.5');
  const banner = page.getByTestId('banner-error');
  await expect(banner).toContainText('phi');
  await expect(banner).toContainText('1.5');
  await expect(banner).toContainText(/phi must be .*[[(][^,\])]+, *1[\])]/);
  const phi = await page.evaluate(() => window.__lab!.params!.phi);
  expect(phi).toBeLessThan(1);
  await runUntil(page, 3);
});

test('a bad value typed in the panel shows an inline message and changes nothing', async ({ page }) => {
  await openLab(page);
  const before = await page.evaluate(() => window.__lab!.params!.phi);
  const input = page.locator('input[data-param=phi]');
  await input.fill('1.5');
  await input.press('Enter');
  const msg = page.getByTestId('param-error-phi');
  await expect(msg).toContainText(/phi must be .*1\.5/);
  expect(await page.evaluate(() => window.__lab!.params!.phi)).toBe(before);
  await input.fill('abc');
  await input.press('Enter');
  await expect(msg).toContainText('"abc"');
  // A good value clears the message.
  await input.fill(String(before));
  await input.press('Enter');
  await expect(msg).toHaveCount(0);
});

test('without WebGPU the page explains what is needed', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }));
  await page.goto('/');
  await expect(page.getByTestId('no-webgpu')).toBeVisible();
  await expect(page.locator('lab-no-webgpu')).toContainText('Chrome or Edge 113+');
});

test('a lost device is re-initialised with the same params and the last snapshot', async ({ page }) => {
  await openLab(page, 'system=mips&preset=abp-mips&n=512&seed=7');
  await runUntil(page, 10); // pausing takes a state snapshot
  const step = await stepCount(page);
  await expect.poll(() => page.evaluate(() => window.__lab!.snapshotStep)).toBe(step);
  await page.evaluate(() => window.__lab!.loseDevice());
  await expect(page.getByTestId('banner-error')).toContainText('device was lost');
  await expect.poll(() => page.evaluate(() => window.__lab!.recoveries), { timeout: 60_000 }).toBe(1);
  await expect(page.getByTestId('banner-info')).toContainText('Recovered');
  expect(await page.evaluate(() => window.__lab!.params!.seed)).toBe(7);
  expect(await stepCount(page)).toBe(step);
  await runUntil(page, step + 3);
});

test('an uncaptured GPU error pauses the run and names the error', async ({ page }) => {
  await openLab(page, 'system=mips&preset=abp-mips&n=512');
  await page.evaluate(() => window.__lab!.play(true));
  await page.evaluate(() => window.__lab!.injectGpuError());
  await expect(page.getByTestId('banner-error')).toContainText(/Paused at step \d+: GPU error: .*injected error/);
  expect(await page.evaluate(() => window.__lab!.playing)).toBe(false);
  const s = await stepCount(page);
  await page.waitForTimeout(500);
  expect(await stepCount(page)).toBe(s);
});

test('a blow-up (NaN in the state) pauses the run with a message, and the metrics recorded so far stay exportable', async ({ page }) => {
  // Brownian WCA disks with a huge ε and dt: explicit Euler diverges within a few steps.
  await openLab(page, 'system=mips&preset=passive-wca&n=256&phi=0.7&epsilon=10000&dt=1');
  await page.evaluate(() => window.__lab!.setSampleEvery(1));
  await page.evaluate(() => window.__lab!.play(true));
  const banner = page.getByTestId('banner-error');
  // Either the particles went non-finite, or a pair force overflowed first (the metrics name it).
  await expect(banner).toContainText(/Paused at step \d+: .*not finite/i);
  expect(await page.evaluate(() => window.__lab!.playing)).toBe(false);
  // Steps submitted before the pause are still sampled (and logged); wait until the last one is.
  await page.waitForFunction(() => window.__lab!.latest?.step === window.__lab!.step && !window.__lab!.pending.sampling, null, { polling: 100 });
  const history = await page.evaluate(() => window.__lab!.history());
  expect(history.length).toBeGreaterThanOrEqual(2);
  expect(history[0]!.problem).toBeUndefined();
  expect(history[history.length - 1]!.problem).toMatch(/not finite/i);
  const csv = await download(page, () => page.locator('button[data-export=csv]').click());
  expect(csv.data.toString('utf8').trim().split('\n').length).toBe(history.length + 1);
  // Pausing is final until the user acts: the step count no longer moves.
  const s = await stepCount(page);
  await page.waitForTimeout(1000);
  expect(await stepCount(page)).toBe(s);
});
