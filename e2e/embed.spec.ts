// Two <particle-lab> elements on one plain page (examples/embed.html): each starts from its
// attributes, sizes to its box, takes keys only while focused, and leaves the page's URL alone.
import { expect, test } from './helpers';

test('two embedded labs run independently: their own systems, keys, params and steps; the page URL is untouched', async ({ page }) => {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.goto('/examples/embed.html');
  await page.waitForFunction(() => window.__labs?.length === 2 && window.__labs.every((l) => l.ready), null, { timeout: 120_000, polling: 100 });
  const url = page.url();
  const labs = () => page.evaluate(() => window.__labs!.map((l) => ({ system: l.system, preset: l.preset, step: l.step, playing: l.playing, n: l.params?.n, colorBy: l.params?.colorBy })));
  expect((await labs()).map(({ system, preset, n, colorBy }) => ({ system, preset, n, colorBy }))).toEqual([
    { system: 'mips', preset: 'abp-mips', n: 1024, colorBy: 'density' },
    { system: 'tokens', preset: 'sa-sphere', n: 64, colorBy: undefined },
  ]);
  // Each fills the 640 px box the page gives it (not the window's height).
  for (const id of ['#mips', '#tokens']) expect(Math.round((await page.locator(id).boundingBox())!.height)).toBe(640);

  // Space with no lab focused does nothing; in the first lab it plays that lab only.
  await page.keyboard.press('Space');
  await page.waitForTimeout(300);
  expect((await labs()).map((l) => l.playing)).toEqual([false, false]);
  await page.locator('#mips').getByTestId('adapter').click(); // any non-control spot focuses the lab
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.__labs![0]!.step > 10, null, { timeout: 60_000 });
  expect((await labs()).map((l) => l.playing)).toEqual([true, false]);
  expect((await labs())[1]!.step).toBe(0);
  await page.keyboard.press('Space');
  await expect.poll(async () => (await labs())[0]!.playing).toBe(false);

  // The second lab, through its own controls.
  await page.locator('#tokens').getByTestId('step').click();
  await expect.poll(async () => (await labs())[1]!.step).toBeGreaterThan(0);

  // A param typed in one lab changes that lab only, and no URL. (Once both are idle: a pause takes a
  // state snapshot, and two SwiftShader devices on 2 cores can take a while over it.)
  await page.waitForFunction(() => window.__labs!.every((l) => l.ready && !l.pending.operations), null, { timeout: 120_000, polling: 100 });
  const v0 = page.locator('#mips').locator('input[data-param=v0]');
  await v0.fill('3');
  await v0.press('Enter');
  await expect.poll(() => page.evaluate(() => window.__labs![0]!.params!.v0), { timeout: 120_000 }).toBe(3);
  expect(await page.evaluate(() => window.__labs![1]!.params!.beta)).toBe(1);
  expect(page.url()).toBe(url);

  // "Copy link" of an embedded lab gives the element that reproduces it (params that differ from the preset).
  await page.locator('#mips').locator('button[data-export=link]').click();
  await expect(page.locator('#mips').getByTestId('banner-info').last()).toContainText('<particle-lab system="mips" preset="abp-mips" params="n=1024&amp;v0=3"></particle-lab>');
});
