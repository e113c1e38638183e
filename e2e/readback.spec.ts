// Buffers go from compute to render with no per-frame readback: with metric sampling off,
// running many frames maps no buffer but the GPU timer's 16-byte timestamp buffer, and that
// only a few times a second (every GPUBuffer.mapAsync call is counted by buffer label).
import { expect, openLab, test } from './helpers';

test('the render loop never reads GPU buffers back', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __mapAsyncCalls: number; __timerReads: number };
    w.__mapAsyncCalls = 0;
    w.__timerReads = 0;
    const orig = GPUBuffer.prototype.mapAsync;
    GPUBuffer.prototype.mapAsync = function (...args: Parameters<GPUBuffer['mapAsync']>) {
      if (this.label.startsWith('gpu timer')) w.__timerReads++;
      else w.__mapAsyncCalls++;
      return orig.apply(this, args);
    };
  });
  await openLab(page);
  const calls = () => page.evaluate(() => (window as unknown as { __mapAsyncCalls: number }).__mapAsyncCalls);
  const timerReads = () => page.evaluate(() => (window as unknown as { __timerReads: number }).__timerReads);

  // With sampling on, readbacks happen only at metric cadence (far fewer than frames).
  await page.evaluate(() => window.__lab!.play(true));
  await page.waitForFunction(() => window.__lab!.samples >= 3, null, { timeout: 60_000 });

  // Sampling off: frames and steps advance, mapAsync count does not move.
  await page.evaluate(() => window.__lab!.setSampleEvery(0));
  await page.waitForTimeout(500); // let an in-flight sample finish
  const c0 = await calls();
  const t0 = await timerReads();
  const started = Date.now();
  const f0 = await page.evaluate(() => window.__lab!.frames);
  const s0 = await page.evaluate(() => window.__lab!.step);
  await page.waitForFunction((f) => window.__lab!.frames >= f + 20, f0, { timeout: 90_000 });
  expect(await calls()).toBe(c0);
  // GPU-time readout: at most one timestamp read per 500 ms (TIMING_INTERVAL_MS), never one per frame.
  const seconds = (Date.now() - started) / 1000;
  expect(await timerReads() - t0).toBeLessThanOrEqual(Math.ceil(seconds / 0.5) + 1);
  expect(await page.evaluate(() => window.__lab!.step)).toBeGreaterThan(s0 + 10);
});
