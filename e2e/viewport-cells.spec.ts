// The viewport's cell drawing (RenderView perPointSize, box shape, planes, colorBar), exercised
// through the showers system, the one that uses it.
import type { Page } from '@playwright/test';
import { colorBarReading, expect, openLab, pixelStats, stepBy, test } from './helpers';

/** Coloured pixels of the viewport after a few more frames (a change shows on the next frame). */
async function colouredPixels(page: Page): Promise<number> {
  const frames = await page.evaluate(() => window.__lab!.frames);
  await page.waitForFunction((f) => window.__lab!.frames >= f + 3, frames, { timeout: 60_000 });
  return (await pixelStats(page, await page.getByTestId('viewport-canvas').screenshot())).particles;
}

test('showers: cells drawn as boxes, layer planes, a colour bar in GeV that gives way to the next system’s', async ({ page }) => {
  await openLab(page, 'system=showers&particle=pion&window=10&planes=false');
  const bar = page.getByTestId('color-bar');
  await expect(bar).toBeVisible();
  await expect(bar).toContainText('GeV');
  // Decades of visible energy, each label reading as the number it marks.
  const reading = await colorBarReading(page);
  expect(reading.ticks.length).toBeGreaterThanOrEqual(2);
  for (const t of reading.ticks) {
    expect(t.reads, t.text).toBeCloseTo(t.value, 9);
    expect(Math.log10(t.value) % 1, t.text).toBeCloseTo(0, 9);
  }

  // Before the first shower every cell has size 0 (hidden): only the legend is coloured.
  const empty = await colouredPixels(page);
  await stepBy(page, 2);
  const cells = await colouredPixels(page);
  expect(cells).toBeGreaterThan(empty + 200);

  // Planes on: a live param, a new view with planes; they tint a large part of the view.
  await page.locator('input[data-param=planes]').check();
  await expect.poll(() => page.evaluate(() => window.__lab!.params!.planes)).toBe(true);
  const planes = await colouredPixels(page);
  expect(planes).toBeGreaterThan(cells + 5000);

  await page.getByTestId('system').selectOption('mips');
  await page.waitForFunction(() => window.__lab!.ready && window.__lab!.system === 'mips', null, { timeout: 90_000, polling: 100 });
  await expect(bar).toHaveCount(1);
  await expect(bar).not.toContainText('GeV');
});
