// The Flow model panel (showers): the shipped network for flow-electrons loads, its showers are drawn
// beside the generator's and flow from noise to the shower under the t slider, every model plot
// draws, the sampling controls change the solver, a run with other cells gets no model showers and says
// why; Train builds a network on the run's own showers
// and trains it, and a run whose showers do not fit the network's points is refused with the setting named.
import type { Page } from '@playwright/test';
import { expect, openLab, stepBy, test } from './helpers';

/** Model showers the panel's session has made. */
async function sampled(page: Page): Promise<number> {
  return Number(await page.getByTestId('flow-sampling').getAttribute('data-count'));
}

/** Points a plot of the model panel draws (lab-plot's data-points). */
async function plotPoints(page: Page, id: string): Promise<number> {
  return Number(await page.locator(`lab-model-panel svg[data-plot="${id}"]`).getAttribute('data-points'));
}

const MODEL_PLOTS = ['flow-w1', 'flow-longitudinal', 'flow-hits', 'flow-cogLayer', 'flow-ratio', 'flow-radial', 'flow-hitEnergy'];

test('flow-electrons opens with the shipped flow model: its showers beside the generator’s, the flow under the t slider, every model plot', async ({ page }) => {
  test.setTimeout(300_000);
  await openLab(page, 'system=showers&preset=flow-electrons');
  await expect(page.getByTestId('banner-info').filter({ hasText: 'Loaded the pretrained flow model' }).first()).toBeVisible();
  await expect(page.getByTestId('flow-status')).toContainText('weights: default (weights/flow-electrons.bin)');
  // Few network evaluations per shower: SwiftShader runs the network on the CPU.
  await page.getByTestId('flow-solver').selectOption('euler');
  await page.getByTestId('flow-steps').selectOption('2');
  await expect(page.getByTestId('flow-sampling')).toContainText('2 network evaluations per shower');
  await stepBy(page, 6);
  await expect.poll(() => sampled(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(6);
  await expect(page.getByTestId('caption')).toContainText('right: model (flow');

  // Scrubbing t: noise at t = 1, the shower's cells at t = 0.
  // The canvas halves: the generator's shower stays, the model's side changes with t.
  const box = (await page.getByTestId('viewport-canvas').boundingBox())!;
  const half = async (side: 0 | 1) => {
    await page.waitForTimeout(400); // a few frames past the caption's change
    return page.screenshot({ clip: { x: box.x + (side * box.width) / 2, y: box.y, width: box.width / 2, height: box.height } });
  };
  const t = page.getByTestId('flow-t');
  await t.fill('1');
  await expect(page.getByTestId('caption')).toContainText('t = 1.00');
  await expect(page.getByTestId('caption')).toContainText('points flowing from noise');
  const [left1, right1] = [await half(0), await half(1)];
  await t.fill('0');
  await expect(page.getByTestId('caption')).toContainText('t = 0:');
  const [left0, right0] = [await half(0), await half(1)];
  expect(left0.equals(left1), 'the generator side is unchanged').toBe(true);
  expect(right0.equals(right1), 'the model side moved from noise to the shower').toBe(false);
  await page.screenshot({ path: 'docs/showers-flow.png' }); // the README's picture of the flow model

  const s = (await page.evaluate(() => window.__lab!.sampleNow()))!;
  expect(s.scalars.flowShowers).toBe(6);
  for (const k of ['flowMeanHits', 'flowW1Hits', 'flowW1HitsFloor', 'flowW1Cog', 'flowTrainStep']) expect(Number.isFinite(s.scalars[k]), k).toBe(true);
  await page.waitForTimeout(400); // plots redraw at most ~5 times a second
  for (const id of MODEL_PLOTS) expect(await plotPoints(page, id), id).toBeGreaterThan(0);
  await expect(page.getByTestId('banner-error')).toHaveCount(0);

  // Photons of 5 GeV lie within what it learned (electrons and photons, 2–10 GeV): no note. Other cells: no model showers, said why.
  await page.locator('select[data-param=particle]').selectOption('photon');
  await page.waitForFunction(() => window.__lab!.ready && window.__lab!.params!.particle === 'photon', null, { timeout: 90_000, polling: 100 });
  await expect(page.getByTestId('flow-conditions')).toHaveCount(0);
  const cells = page.locator('input[data-param=ecalCell]');
  await cells.fill('30');
  await cells.press('Enter');
  await page.waitForFunction(() => window.__lab!.ready && window.__lab!.params!.ecalCell === 30, null, { timeout: 90_000, polling: 100 });
  await expect(page.getByTestId('flow-conditions')).toContainText('no model showers: the model learned 15 mm ECAL cells');
  await stepBy(page, 1);
  await expect(page.getByTestId('caption')).toContainText('no model showers');
});

test('Train builds a network on the run’s showers and trains it; showers too big for its points are refused by name', async ({ page }) => {
  test.setTimeout(300_000);
  await openLab(page, 'system=showers&preset=electron-10gev');
  // 10 GeV in 5 mm cells: ~200 hits, more than the default 160 points.
  await page.getByTestId('flow-train').click();
  await expect(page.getByTestId('banner-error').filter({ hasText: 'flow.tokens = 160 is below the largest training shower' }).first()).toBeVisible();

  await openLab(page, 'system=showers&preset=electron-10gev&ecalCell=30&energy=2:5');
  await page.getByTestId('flow-settings').locator('summary').click();
  const tiny = { width: '8', depth: '1', heads: '2', mlp: '16', countHidden: '16', pool: '32', batch: '4', tokens: '64' };
  for (const [k, v] of Object.entries(tiny)) {
    const input = page.getByTestId(`flow-setting-${k}`);
    await input.fill(v);
    await input.dispatchEvent('change');
  }
  await page.getByTestId('flow-total').fill('4');
  await page.getByTestId('flow-train').click();
  await expect(page.getByTestId('flow-status')).toContainText('weights: training · 8×1, 2 heads, window ±2, 64 points', { timeout: 60_000 });
  await expect(page.getByTestId('flow-status')).toContainText('4 / 4 · loss', { timeout: 120_000 });
  await page.getByTestId('flow-solver').selectOption('euler');
  await page.getByTestId('flow-steps').selectOption('1');
  await stepBy(page, 3);
  await expect.poll(() => sampled(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  await page.waitForTimeout(400);
  expect(await plotPoints(page, 'flow-loss')).toBeGreaterThan(0);
  await expect(page.getByTestId('banner-error')).toHaveCount(0);
});
