// Buffers go from compute to render with no per-frame readback: with metric sampling off,
// running many frames performs no mapAsync at all (every GPUBuffer.mapAsync call is counted).
import { expect, test } from '@playwright/test';
import { openLab } from './helpers';

test('the render loop never reads GPU buffers back', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __mapAsyncCalls: number };
    w.__mapAsyncCalls = 0;
    const orig = GPUBuffer.prototype.mapAsync;
    GPUBuffer.prototype.mapAsync = function (...args: Parameters<GPUBuffer['mapAsync']>) {
      w.__mapAsyncCalls++;
      return orig.apply(this, args);
    };
  });
  await openLab(page);
  const calls = () => page.evaluate(() => (window as unknown as { __mapAsyncCalls: number }).__mapAsyncCalls);

  // With sampling on, readbacks happen only at metric cadence (far fewer than frames).
  await page.evaluate(() => window.__lab!.play(true));
  await page.waitForFunction(() => window.__lab!.samples >= 3, null, { timeout: 60_000 });

  // Sampling off: frames and steps advance, mapAsync count does not move.
  await page.evaluate(() => window.__lab!.setSampleEvery(0));
  await page.waitForTimeout(500); // let an in-flight sample finish
  const c0 = await calls();
  const f0 = await page.evaluate(() => window.__lab!.frames);
  const s0 = await page.evaluate(() => window.__lab!.step);
  await page.waitForFunction((f) => window.__lab!.frames >= f + 20, f0, { timeout: 90_000 });
  expect(await calls()).toBe(c0);
  expect(await page.evaluate(() => window.__lab!.step)).toBeGreaterThan(s0 + 10);
});
