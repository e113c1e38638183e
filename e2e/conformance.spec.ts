// What a first-time user sees, for every system and preset: every plot draws, switching between
// systems and presets raises no GPU error, bad counts and bad URLs get one named-range line.
import type { Page } from '@playwright/test';
import { download, expect, openLab, pixelStats, stepBy, test } from './helpers';

/** Systems this file walks through; the catalog test fails when a registered system is missing. */
const SYSTEMS = ['mips', 'tokens', 'showers'];
const SMALL_N = 1024;

async function catalog(page: Page) {
  return page.evaluate(() => window.__lab!.catalog());
}

async function expectNoGpuError(page: Page): Promise<void> {
  await expect(page.getByTestId('banner-error')).toHaveCount(0);
}

/** Plots with no point yet, after a few more samples (plots redraw at most ~5 times a second). */
async function emptyPlots(page: Page): Promise<string[]> {
  for (let i = 0; i < 3; i++) await page.evaluate(() => window.__lab!.sampleNow());
  await page.waitForTimeout(400);
  const plots = await page.evaluate(() => window.__lab!.plots());
  expect(plots.length).toBeGreaterThan(0);
  // Curves come from an on-demand action (e.g. the convergence study, drawn in tokens.spec.ts).
  return plots.filter((p) => p.kind !== 'curves' && p.points === 0).map((p) => p.id);
}

test('the catalog lists exactly the systems this file checks', async ({ page }) => {
  await openLab(page);
  expect((await catalog(page)).map((s) => s.id).sort()).toEqual([...SYSTEMS].sort());
});

for (const system of SYSTEMS) {
  test(`${system}: every plot of every preset draws`, async ({ page }) => {
    test.setTimeout(480_000);
    await openLab(page, `system=${system}`);
    const presets = (await catalog(page)).find((s) => s.id === system)!.presets;
    for (const preset of presets) {
      const n = preset.n !== undefined ? `&n=${Math.min(preset.n, SMALL_N)}` : '';
      await page.goto(`/?system=${system}&preset=${preset.name}${n}`);
      await page.waitForFunction(() => window.__lab?.ready === true, null, { timeout: 90_000, polling: 100 });
      await stepBy(page, 6);
      expect(await emptyPlots(page), `${system}/${preset.name}: plots with no point`).toEqual([]);
      await expectNoGpuError(page);
    }
  });
}

test('switching systems and presets, playing or paused, raises no GPU error and the new run steps', async ({ page }) => {
  test.setTimeout(300_000);
  await openLab(page, `system=mips&preset=abp-mips&n=${SMALL_N}`);
  const system = page.getByTestId('system');
  const preset = page.getByTestId('preset');
  const ready = (id: string) =>
    page.waitForFunction((s) => window.__lab!.ready && window.__lab!.system === s, id, { timeout: 90_000, polling: 100 });
  const steps = async () => {
    const before = await page.evaluate(() => window.__lab!.step);
    await stepBy(page, 3);
    expect(await page.evaluate(() => window.__lab!.step)).toBeGreaterThanOrEqual(before + 3);
    await page.evaluate(() => window.__lab!.sampleNow());
    await expectNoGpuError(page);
  };
  // Away from mips while playing (the reported case), back, and away again while paused.
  await page.evaluate(() => window.__lab!.play(true));
  await page.waitForFunction(() => window.__lab!.step > 5, null, { timeout: 60_000 });
  await system.selectOption('tokens');
  await ready('tokens');
  await steps();
  await preset.selectOption('convergence');
  await page.waitForFunction(() => window.__lab!.ready && window.__lab!.preset === 'convergence', null, { polling: 100 });
  await steps();
  await system.selectOption('mips');
  await ready('mips');
  await steps();
  // A preset with a score network (its shipped weights load in the background), then away.
  await preset.selectOption('trapped-aoup');
  await page.waitForFunction(() => window.__lab!.ready && window.__lab!.preset === 'trapped-aoup', null, { polling: 100 });
  await steps();
  await preset.selectOption('boffi-mips');
  await page.waitForFunction(() => window.__lab!.ready && window.__lab!.preset === 'boffi-mips', null, { polling: 100 });
  await page.evaluate(() => window.__lab!.play(true));
  await page.waitForTimeout(1500);
  await system.selectOption('tokens');
  await ready('tokens');
  await steps();
  // To showers and away from it while it plays (its generator runs in a worker).
  await system.selectOption('showers');
  await ready('showers');
  await steps();
  await page.evaluate(() => window.__lab!.play(true));
  await page.waitForFunction(() => window.__lab!.step > 10, null, { timeout: 60_000 });
  await system.selectOption('mips');
  await ready('mips');
  await steps();
});

test('Step N and steps per frame out of range show the named range and are not applied', async ({ page }) => {
  await openLab(page);
  const stepN = page.getByTestId('step-n');
  await stepN.fill('-5');
  await stepN.press('Enter');
  await expect(page.getByTestId('step-error')).toHaveText('steps must be an integer in [1, 100000]; got -5');
  await expect(page.getByTestId('step')).toBeDisabled();
  await stepN.fill('12');
  await stepN.press('Enter');
  await expect(page.getByTestId('step-error')).toHaveCount(0);
  await stepBy(page, 12);

  const speed = page.getByTestId('steps-per-frame');
  await speed.fill('99999');
  await speed.press('Enter');
  await expect(page.getByTestId('speed-error')).toHaveText('steps per frame must be an integer in [1, 1000]; got 99999');
  await speed.fill('2.5');
  await speed.press('Enter');
  await expect(page.getByTestId('speed-error')).toContainText('integer');
  await speed.fill('7');
  await speed.press('Enter');
  await expect(page.getByTestId('speed-error')).toHaveCount(0);
});

test('a rebuild (N) re-fits the camera and starts a new, marked run in the plots; the CSV has one row per step', async ({ page }) => {
  test.setTimeout(240_000);
  await openLab(page, 'system=mips&preset=abp-mips&n=1024');
  await stepBy(page, 30);
  // Pauses and "sample now" at one step give one row.
  for (let i = 0; i < 3; i++) await page.evaluate(() => window.__lab!.sampleNow());
  await page.evaluate(() => window.__lab!.play(true));
  await page.evaluate(() => window.__lab!.play(false));

  const input = page.locator('input[data-param=n]');
  await input.fill('16384');
  await input.press('Enter');
  await page.waitForFunction(() => window.__lab!.ready && window.__lab!.count === 16384, null, { timeout: 90_000, polling: 100 });
  const view = await page.evaluate(() => window.__lab!.view());
  const [x0, y0, x1, y1] = view.visible!;
  expect(x0).toBeLessThanOrEqual(view.bounds!.min[0]!);
  expect(y0).toBeLessThanOrEqual(view.bounds!.min[1]!);
  expect(x1).toBeGreaterThanOrEqual(view.bounds!.max[0]!);
  expect(y1).toBeGreaterThanOrEqual(view.bounds!.max[1]!);

  await stepBy(page, 4);
  await page.evaluate(() => window.__lab!.sampleNow());
  await expect(page.getByTestId('legend-clusters')).toContainText('run 2, after n 1024 → 16384', { timeout: 30_000 });

  const csv = await download(page, () => page.locator('button[data-export=csv]').click());
  const rows = csv.data.toString('utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  const keys = rows.map(([step, , run]) => `${run}:${step}`);
  expect(new Set(keys).size).toBe(keys.length);
  // Both runs start at step 0 and each run's steps increase.
  expect(rows.filter((r) => r[0] === 0).map((r) => r[2])).toEqual([0, 1]);
  for (const run of [0, 1]) {
    const steps = rows.filter((r) => r[2] === run).map((r) => r[0]!);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  }
});

test('text-demo: word labels show at step 0 and move with their tokens', async ({ page }) => {
  await openLab(page, 'system=tokens&preset=text-demo');
  expect(await page.evaluate(() => window.__lab!.labels)).toBe(14);
  const canvas = page.getByTestId('viewport-canvas');
  const drawn = async () => {
    const f = await page.evaluate(() => window.__lab!.frames);
    await page.waitForFunction((t) => window.__lab!.frames > t, f + 2, { timeout: 60_000, polling: 100 });
    return (await pixelStats(page, await canvas.screenshot())).white;
  };
  // No sample is needed: labels are placed on the GPU from the first frame on.
  const before = await drawn();
  expect(before.count).toBeGreaterThan(40); // label text is near-white; tokens are coloured
  await stepBy(page, 60);
  const after = await drawn();
  expect(after.count).toBeGreaterThan(40);
  // The tokens spread across the view as they move: the text moves with them.
  expect(Math.hypot(after.x - before.x, after.y - before.y) + Math.abs(after.spread - before.spread)).toBeGreaterThan(5);
});
