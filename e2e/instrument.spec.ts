// The lab as an instrument (#15): a landing page that is alive and says what it shows, a preset
// description that admits it was modified, "About this system" with native MathML reachable from
// every plot title, and a model panel that folds and keeps out of the way until a network is loaded.
import { download, expect, openLab, runUntil, stepCount, test, waitForReset } from './helpers';

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

test('"Run to" a step or a time plays there with progress and time left, pauses exactly there, and names the range of a bad target', async ({ page }) => {
  await openLab(page, 'system=mips&preset=abp-mips&n=1024');
  const value = page.getByTestId('run-to-value');
  await value.fill('0');
  await page.getByTestId('run-to').click();
  await expect(page.getByTestId('run-error')).toContainText('run to step must be an integer in [1, 4294967295]');
  await value.fill('300');
  await page.getByTestId('run-to').click();
  await expect(page.getByTestId('run-progress-text')).toContainText(/\/ 300 · ≈ .* left/);
  await page.waitForFunction(() => !window.__lab!.playing, null, { timeout: 120_000 });
  expect(await page.evaluate(() => window.__lab!.step)).toBe(300);
  await expect(page.getByTestId('banner-info').last()).toContainText('Reached step 300');
  // t = 2 with dt = 0.004 is step 500.
  await page.getByTestId('run-to-kind').selectOption('time');
  await value.fill('2');
  await page.getByTestId('run-to').click();
  await page.waitForFunction(() => window.__lab!.step === 500 && !window.__lab!.playing, null, { timeout: 120_000 });
  expect(await page.evaluate(() => window.__lab!.time)).toBeCloseTo(2, 6);
});

test('a change that would make one frame take over a second says so, offers a smaller N, and Cancel keeps the run as it was', async ({ page }) => {
  // N = 256 at 10 steps per frame: N = 1048576 is 4096 × the cost, over a second per frame on any adapter
  // this test runs on (SwiftShader: ~0.3 ms of GPU time per step at N = 256).
  await openLab(page, 'system=mips&preset=abp-mips&n=256');
  await page.evaluate(() => window.__lab!.setStepsPerFrame(10));
  await page.evaluate(() => window.__lab!.play(true)); // the step time is measured over a second of play
  await page.waitForFunction(() => window.__lab!.step > 300, null, { timeout: 60_000 });
  await page.waitForTimeout(1500);
  await page.evaluate(() => window.__lab!.play(false));
  const n = page.locator('input[data-param=n]');
  await n.fill('1048576');
  await n.press('Enter');
  const warning = page.getByTestId('heavy-warning');
  await expect(warning).toContainText(/N = 1048576 would take about [\d.]+ s per frame on this adapter \(measured [\d.]+ ms per step at N = 256, 10 steps per frame/);
  const smaller = await page.getByTestId('heavy-smaller').textContent();
  const offered = Number(/N = (\d+)/.exec(smaller!)![1]);
  expect(offered).toBeGreaterThan(256);
  expect(offered).toBeLessThan(1048576);
  await page.getByTestId('heavy-cancel').click();
  await expect(warning).toHaveCount(0);
  await expect(n).toHaveValue('256');
  expect(await page.evaluate(() => window.__lab!.params!.n)).toBe(256);
  // A change that fits (twice the cost) applies at once.
  await n.fill('512');
  await n.press('Enter');
  await expect.poll(() => page.evaluate(() => window.__lab!.count)).toBe(512);
  await expect(warning).toHaveCount(0);
});

test('"Measure convergence" shows its progress and time left while it runs', async ({ page }) => {
  await openLab(page, 'system=tokens&preset=convergence');
  await page.locator('button[data-action=measure-convergence]').click();
  await expect(page.getByTestId('action-progress')).toContainText(/\d+ % · \d+ s so far · ≈ .* left/);
  await expect(page.getByTestId('action-progress')).toHaveCount(0, { timeout: 120_000 });
  await expect.poll(() => page.evaluate(() => Object.keys(window.__lab!.latest?.curves ?? {}).length)).toBeGreaterThan(0);
});

test('"Pin curves" keeps a run as a dotted reference under the next run, and the metrics CSV carries it', async ({ page }) => {
  await openLab(page, 'system=mips&preset=abp-mips&n=1024');
  await runUntil(page, 40);
  const pinnedAt = await stepCount(page); // the pause lands at 40 or a frame later
  await page.evaluate(() => window.__lab!.sampleNow());
  await page.locator('button[data-export=pin]').click();
  await expect(page.getByTestId('banner-info').last()).toContainText(`Pinned abp-mips to step ${pinnedAt} (N 1024)`);
  const v0 = page.locator('input[data-param=v0]');
  await v0.fill('3');
  await v0.press('Enter');
  await expect.poll(() => page.evaluate(() => window.__lab!.params!.v0)).toBe(3);
  await page.getByTestId('reset').click();
  await waitForReset(page);
  await runUntil(page, 20);
  await page.evaluate(() => window.__lab!.sampleNow());
  // Every time-series plot of the system draws the pinned run (its dotted lines) and says so in its legend.
  const series = page.locator('section.plots lab-plot').filter({ has: page.locator('svg path.series:not(.pinned)') });
  const n = await series.count();
  expect(n).toBeGreaterThan(1);
  for (let i = 0; i < n; i++) {
    await expect(series.nth(i).locator('svg path.pinned').first()).toBeAttached();
    await expect(series.nth(i).locator('.legend')).toContainText(`dotted: pinned, abp-mips to step ${pinnedAt} (N 1024)`);
  }
  const csv = (await download(page, () => page.locator('button[data-export=csv]').click())).data.toString('utf8').trim().split('\n');
  const runColumn = csv[0]!.split(',').indexOf('run');
  const pinnedRows = csv.slice(1).filter((row) => row.split(',')[runColumn] === 'pinned');
  expect(pinnedRows.length).toBeGreaterThan(0);
  expect(Math.max(...pinnedRows.map((row) => Number(row.split(',')[0])))).toBe(pinnedAt);
  await page.locator('button[data-export=unpin]').click();
  await expect(page.locator('svg path.pinned')).toHaveCount(0);
});
