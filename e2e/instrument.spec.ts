// The lab as an instrument (#15): a landing page that is alive and says what it shows, a preset
// description that admits it was modified, "About this system" with native MathML reachable from
// every plot title, and a model panel that folds and keeps out of the way until a network is loaded.
import { expect, openLab, test } from './helpers';

test('the bare landing page plays the default preset and says in one sentence what it shows', async ({ page }) => {
  await page.goto('/');
  await page.waitForFunction(() => window.__lab?.ready === true, null, { timeout: 90_000, polling: 100 });
  // Nothing was clicked: the steps come from the landing page playing by itself.
  await page.waitForFunction(() => window.__lab!.step > 20, null, { timeout: 60_000, polling: 100 });
  expect(await page.evaluate(() => window.__lab!.playing)).toBe(true);
  const headline = page.getByTestId('headline');
  await expect(headline).toHaveText(/^4096 active Brownian disks at packing fraction φ = 0\.7 in a periodic box/);
  // A shared link opens paused, at its state.
  await openLab(page, 'system=mips&preset=abp-mips&n=1024');
  expect(await page.evaluate(() => window.__lab!.playing)).toBe(false);
  await expect(headline).toHaveText(/^1024 active Brownian disks/);
});

test('a changed param marks the preset "modified" with old → new values and folds away its description', async ({ page }) => {
  await openLab(page, 'system=mips&preset=abp-mips&n=1024');
  // n = 1024 is already a change from the preset's 4096.
  const modified = page.getByTestId('preset-modified');
  await expect(modified).toContainText('modified from abp-mips: N 4096 → 1024');
  await expect(page.getByTestId('preset-description')).toBeHidden();
  await page.locator('input[data-param=v0]').fill('2');
  await page.locator('input[data-param=v0]').press('Enter');
  await expect(modified).toContainText('v0 1 → 2');
  await expect(page.getByTestId('headline')).toContainText('v0 = 2');
  // Back to the preset: its description is true again, and shown.
  await page.getByTestId('preset').selectOption('abp-mips');
  await expect(modified).toHaveCount(0);
  await expect(page.getByTestId('preset-description')).toBeVisible();
  await expect(page.getByTestId('preset-description')).toContainText('N = 4096, φ = 0.7');
});

for (const [system, query] of [
  ['mips', 'system=mips&preset=abp-mips&n=1024'],
  ['tokens', 'system=tokens&preset=sa-sphere'],
  ['showers', 'system=showers&preset=electron-10gev&window=10'],
] as const) {
  test(`${system}: "About this system" renders its equations as MathML, and every plot title opens its definition`, async ({ page }) => {
    await openLab(page, query);
    const about = page.getByTestId('about');
    await expect(about).toBeHidden();
    await page.getByTestId('about-open').click();
    await expect(about).toBeVisible();
    // Native MathML: the browser lays out <math> as math (a box with height), not as plain text.
    const maths = about.locator('math');
    expect(await maths.count()).toBeGreaterThanOrEqual(2);
    const box = await maths.first().boundingBox();
    expect(box!.height).toBeGreaterThan(12);
    expect(await maths.first().evaluate((m) => m.namespaceURI)).toBe('http://www.w3.org/1998/Math/MathML');
    await expect(page.getByTestId('about-references').locator('li').first()).toBeVisible();
    await page.getByTestId('about-close').click();
    await expect(about).toBeHidden();
    const titles = page.locator('lab-plot').getByTestId('plot-about');
    const n = await titles.count();
    expect(n).toBeGreaterThan(1);
    for (let i = 0; i < n; i++) {
      const title = (await titles.nth(i).textContent())!.trim();
      await titles.nth(i).click();
      const entry = about.locator('dt.target');
      await expect(entry).toHaveText(title);
      await expect(entry).toBeInViewport();
      await expect(about.locator('dt.target + dd')).not.toBeEmpty();
      await page.getByTestId('about-close').click();
    }
  });
}

test('the model panel folds, and sits after the system’s plots while no network is loaded', async ({ page }) => {
  await openLab(page, 'system=mips&preset=abp-mips&n=1024');
  const panel = page.locator('lab-model-panel');
  await expect(panel).toHaveCount(1);
  expect(await panel.getAttribute('loaded')).toBeNull();
  const panelTop = (await panel.boundingBox())!.y;
  const plotsTop = (await page.locator('section.plots').boundingBox())!.y;
  expect(panelTop).toBeGreaterThan(plotsTop);
  const train = page.getByTestId('score-train');
  await expect(train).toBeVisible();
  await page.getByTestId('score-fold').click();
  await expect(train).toBeHidden();
  await page.getByTestId('score-fold').click();
  await expect(train).toBeVisible();
});
