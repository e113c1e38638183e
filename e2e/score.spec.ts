// The Score panel (mips): the shipped network for boffi-mips (load stages, frames keep coming),
// learned EPR with its convergence verdict, the local-EPR map and plots, colour overlays, the
// evaluation following the run and "Evaluate now", save / load of weights (a bad file is refused,
// weights unchanged), the "train to" field and the network settings (SCORE_SCHEMA messages), a
// short online training run, and a learned EPR from the network restored after a device loss.
import type { Page } from '@playwright/test';
import { colorBarReading, download, expect, openLab, test } from './helpers';

// Small N: inference over every particle is quick on SwiftShader; the network is local, so the
// boffi-mips weights (trained at N = 1024) run unchanged.
const BOFFI = 'system=mips&preset=boffi-mips&n=256';

/** Waits for a banner of `kind` that contains `text` (several banners can be up at once). */
async function banner(page: Page, kind: 'info' | 'error', text: string): Promise<void> {
  await expect(page.getByTestId(`banner-${kind}`).filter({ hasText: text }).first()).toBeVisible();
}

/** Learned-EPR evaluations the panel's session has finished. */
async function evaluations(page: Page): Promise<number> {
  return Number(await page.getByTestId('score-eval').getAttribute('data-count'));
}

/** Waits for a new evaluation after `action` (clicking "Evaluate now" by default). */
async function freshEvaluation(page: Page, action = () => page.getByTestId('score-evaluate').click()): Promise<void> {
  const n0 = await evaluations(page);
  await action();
  await expect.poll(() => evaluations(page), { timeout: 60_000 }).toBeGreaterThan(n0);
}

/** Points a plot of the Score panel draws (lab-plot's data-points). */
async function plotPoints(page: Page, id: string): Promise<number> {
  return Number(await page.locator(`lab-model-panel svg[data-plot="${id}"]`).getAttribute('data-points'));
}

/** The largest gap between animation frames since the page loaded, in ms, after `since` (ms, page clock). */
async function maxFrameGap(page: Page, since = 0): Promise<number> {
  return page.evaluate((t) => {
    const f = (window as unknown as { __frames: number[] }).__frames.filter((x) => x >= t);
    let gap = 0;
    for (let i = 1; i < f.length; i++) gap = Math.max(gap, f[i]! - f[i - 1]!);
    return gap;
  }, since);
}

async function learnedSample(page: Page, afterStep = -1): Promise<number> {
  await expect
    .poll(async () => page.evaluate((s) => {
      const hit = window.__lab!.history().filter((x) => x.step > s && Number.isFinite(x.scalars.eprLearned));
      return hit.length;
    }, afterStep))
    .toBeGreaterThan(0);
  return page.evaluate((s) => window.__lab!.history().filter((x) => x.step > s && Number.isFinite(x.scalars.eprLearned)).at(-1)!.scalars.eprLearned!, afterStep);
}

test('boffi-mips opens with the shipped score network: load stages, learned EPR with its verdict, map, plots, overlays', async ({ page }) => {
  // Every animation frame's time, to see whether the load and the evaluations let frames through.
  await page.addInitScript(() => {
    const w = window as unknown as { __frames: number[] };
    w.__frames = [];
    const tick = (t: number) => {
      w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // The weights are held back until the panel's "fetching" stage has been seen (a fixed delay
  // raced the page's first frames on a slow machine).
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/weights/boffi-mips.bin', async (route) => {
    await held;
    await route.continue();
  });
  await openLab(page, BOFFI);
  const loadStart = await page.evaluate(() => performance.now());
  await expect(page.getByTestId('score-loading')).toContainText('fetching weights/boffi-mips.bin');
  release();
  await banner(page, 'info', 'Loaded the pretrained score network');
  const epr = await learnedSample(page);
  expect(epr).toBeGreaterThanOrEqual(0);
  const loadGap = await maxFrameGap(page, loadStart);
  console.log(`largest gap between frames from the weights' fetch to the first learned EPR: ${loadGap.toFixed(0)} ms`);
  await expect(page.getByTestId('score-epr')).toHaveText(/^[0-9.e+-]+$/);
  await expect(page.getByTestId('score-epr-div')).toHaveText(/^-?[0-9.e+-]+$/);
  await expect(page.getByTestId('score-converged')).toHaveText(/^(converged|not converged) \(gap [≤>] 10 %\)/);
  const sample = await page.evaluate(() => window.__lab!.history().filter((x) => Number.isFinite(x.scalars.eprLearned)).at(-1)!.scalars);
  expect(Number.isFinite(sample.eprLearnedDiv)).toBe(true);
  expect(sample.eprLearnedGap).toBeGreaterThanOrEqual(0);
  expect([0, 1]).toContain(sample.eprLearnedConverged);
  console.log(`boffi-mips at n = 256: learned ${sample.eprLearned} vs divergence form ${sample.eprLearnedDiv}, gap ${sample.eprLearnedGap} ± ${sample.eprLearnedGapErr}`);
  // The panel's EPR plot draws the learned EPR (both forms) and the score-free one.
  await expect.poll(() => plotPoints(page, 'score-epr')).toBeGreaterThan(0);
  // The binned map is drawn: one pixel per bin, some of them not the empty-bin background.
  const painted = await page.getByTestId('score-map').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0 && !(d[i] === 13 && d[i + 1] === 17 && d[i + 2] === 23)) n++;
    return { bins: c.width * c.height, n };
  });
  expect(painted.bins).toBeGreaterThan(1);
  expect(painted.n).toBeGreaterThan(0);
  // The map's colour bar: its unit, and symmetric numeric ticks (the map spans ±3 × mean |value|).
  const mapBar = page.locator('lab-model-panel').getByTestId('color-bar');
  await expect(mapBar.getByTestId('color-bar-label')).toContainText('local EPR / γ');
  const mapTicks = (await colorBarReading(page, 'color-bar', mapBar)).ticks;
  expect(mapTicks.length).toBeGreaterThanOrEqual(3);
  for (const t of mapTicks) expect(t.reads, t.text).toBeCloseTo(t.value, 9);
  expect(mapTicks.map((t) => t.value)).toContain(0);
  await page.getByRole('button', { name: 'Colour by local EPR' }).click();
  await expect.poll(() => page.evaluate(() => window.__lab!.params!.colorBy)).toBe('scoreEpr');
  await expect(page.getByTestId('viewport').getByTestId('color-bar-label')).toHaveText('learned local EPR / mean |local EPR|');
  expect(new URL(page.url()).searchParams.get('colorBy')).toBe('scoreEpr');
  // Evaluations keep coming after a colour change (it changes no network input); frames keep
  // coming during one (the pipelines exist by now: only the chunks run).
  const evalStart = await page.evaluate(() => performance.now());
  await freshEvaluation(page);
  console.log(`largest gap between frames during a later evaluation: ${(await maxFrameGap(page, evalStart)).toFixed(0)} ms`);
});

test('the learned EPR follows the run, chunk by chunk, and "Evaluate now" starts over on the current state', async ({ page }) => {
  await openLab(page, BOFFI);
  await banner(page, 'info', 'Loaded the pretrained score network');
  await learnedSample(page);
  const stepOf = async () => Number(await page.getByTestId('score-epr-step').textContent());
  // Playing: each finished evaluation is of a later state (it said "at step 0" for good before).
  await page.evaluate(() => window.__lab!.play(true));
  const first = await stepOf();
  await expect.poll(stepOf, { timeout: 60_000 }).toBeGreaterThan(first);
  await page.evaluate(() => window.__lab!.play(false));
  // Paused: the evaluation catches up with the state on screen.
  const paused = await page.evaluate(() => window.__lab!.step);
  await expect.poll(stepOf, { timeout: 60_000 }).toBe(paused);
  // Evaluate now: a new pass over the same state, its progress shown, then the same step again,
  // and a sample of that step carries it.
  await freshEvaluation(page, async () => {
    await page.getByTestId('score-evaluate').click();
    await expect(page.getByTestId('score-eval-progress')).toContainText(`evaluating step ${paused}`);
  });
  expect(await stepOf()).toBe(paused);
  const last = await page.evaluate(() => window.__lab!.history().at(-1)!);
  expect(last.step).toBe(paused);
  expect(last.scalars.eprLearnedStep).toBe(paused);
});

test('score weights save, load back, and a bad file is refused with the network unchanged', async ({ page }) => {
  await openLab(page, BOFFI);
  await banner(page, 'info', 'Loaded the pretrained score network');
  const saved = await download(page, () => page.getByTestId('score-save').click());
  expect(saved.name).toMatch(/\.safetensors$/);
  // The safetensors layout, read by hand: u64 header length, then the JSON table.
  const headerLength = Number(saved.data.readBigUInt64LE(0));
  const header = JSON.parse(saved.data.subarray(8, 8 + headerLength).toString('utf8'));
  expect(header.__metadata__.format).toBe('particle-lab-weights');
  expect(JSON.parse(header.__metadata__.meta).kind).toBe('mips-score');
  const file = page.getByTestId('score-file');
  await file.setInputFiles({ name: 'saved.safetensors', mimeType: 'application/octet-stream', buffer: saved.data });
  await banner(page, 'info', 'Loaded score weights "saved.safetensors"');
  // Paused: each evaluation is of the same state. Evaluate now, before and after the bad file.
  const fresh = async () => {
    await freshEvaluation(page);
    // Its sample can wait behind one in flight: poll until a sample carries a learned EPR.
    await learnedSample(page);
    return page.evaluate(() => window.__lab!.history().filter((x) => Number.isFinite(x.scalars.eprLearned)).at(-1)!.scalars.eprLearned!);
  };
  const before = await fresh();
  await file.setInputFiles({ name: 'cut.bin', mimeType: 'application/octet-stream', buffer: saved.data.subarray(0, saved.data.length - 40) });
  await banner(page, 'error', 'Could not load score weights "cut.bin"');
  // Same state, same weights: the same learned EPR.
  const after = await fresh();
  expect(after).toBe(before);
});

test('the "train to" field and the network settings name their ranges, and a short online training run completes', async ({ page }) => {
  await openLab(page, BOFFI);
  await banner(page, 'info', 'Loaded the pretrained score network');
  const total = page.getByTestId('score-total');
  const train = page.getByTestId('score-train');
  // Network settings go through SCORE_SCHEMA: the width/heads rule and strict numbers, named score.*.
  await page.getByTestId('score-settings').locator('summary').click();
  const width = page.getByTestId('score-setting-width');
  await width.fill('3');
  await width.blur();
  await expect(page.getByTestId('score-settings-error')).toHaveText('score.width must be even and divisible by score.heads into at most 64 channels per head; got width 3, heads 4');
  await expect(train).toBeDisabled();
  await width.fill('0x10');
  await width.blur();
  await expect(page.getByTestId('score-settings-error')).toHaveText('score.width must be an integer in [2, 512] channels; got "0x10"');
  await width.fill('16');
  await width.blur();
  await expect(page.getByTestId('score-settings-error')).toHaveCount(0);
  await expect(train).toBeEnabled();
  await total.fill('0');
  await expect(page.getByTestId('score-total-error')).toContainText('[1, 1000000]');
  await expect(train).toBeDisabled();
  await total.fill('2.5');
  await expect(page.getByTestId('score-total-error')).toContainText('"2.5"');
  await total.fill('8');
  await expect(page.getByTestId('score-total-error')).toHaveCount(0);
  await train.click();
  await expect(page.getByTestId('score-status')).toContainText(/\d+ \/ 8 · loss -?[0-9.]+/, { timeout: 120_000 });
  await expect(train).toHaveText(/Train/, { timeout: 120_000 }); // back to "▶ Train": finished
  await expect(page.getByTestId('score-status')).toContainText(/(8|9|1\d) \/ 8/);
  await expect.poll(() => plotPoints(page, 'score-loss')).toBeGreaterThan(0);
});

test('after a device loss the score network is restored on the new device and gives a learned EPR', async ({ page }) => {
  await openLab(page, BOFFI);
  await banner(page, 'info', 'Loaded the pretrained score network');
  await learnedSample(page);
  await page.evaluate(() => window.__lab!.loseDevice());
  await expect.poll(() => page.evaluate(() => window.__lab!.recoveries), { timeout: 60_000 }).toBe(1);
  await banner(page, 'info', 'Restored the score network');
  // A garbage collection now collects whatever the lab let go of from the lost device: it used to
  // block the page for good at this point (see the end of this test).
  await (await page.context().newCDPSession(page)).send('HeapProfiler.collectGarbage');
  await expect(page.getByTestId('score-status')).toContainText('weights: default');
  // A learned EPR from the restored network: its first evaluation on the new device finishes and
  // the panel shows it (the new session counts from 0).
  await expect.poll(() => evaluations(page), { timeout: 90_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('score-epr')).toHaveText(/^[0-9.e+-]+$/);
  // And a sample carries it. Paused, a sample of the same step replaces the last row, so: one more
  // evaluation ("Evaluate now"), then a sample taken after it (the lab samples each finished one).
  const samples = await page.evaluate(() => window.__lab!.samples);
  await freshEvaluation(page);
  await expect.poll(() => page.evaluate(() => window.__lab!.samples), { timeout: 60_000 }).toBeGreaterThan(samples);
  await expect.poll(() => page.evaluate(() => window.__lab!.history().at(-1)!.scalars.eprLearned), { timeout: 60_000 }).toBeGreaterThanOrEqual(0);
  // This used to block the page for good in 2 of 8 runs, when the lost device's objects were
  // garbage-collected (score/README.md, Device loss; LabRunner.keepAlive).
});
