// Shared e2e helpers: open the lab, wait for the test hook, read downloads, count particle pixels.
import { test as base, expect, type Download, type Locator, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

/**
 * Playwright's test, with two changes:
 * - each test gets its own browser. Chromium shares one GPU process between the pages of a browser;
 *   after several WebGPU-heavy pages (ours run SwiftShader on the CPU) a later page sometimes
 *   deadlocked there (renderer and GPU process idle, page.evaluate never returning), so
 *   tests were not independent. A fresh browser per test keeps them so (~1 s each).
 * - a failed test prints the lab's in-flight work (why a page stalled).
 */
export const test = base.extend<{ labState: void }>({
  context: async ({ playwright, launchOptions, baseURL, viewport, acceptDownloads }, use) => {
    const browser = await playwright.chromium.launch(launchOptions);
    const context = await browser.newContext({ baseURL, viewport, acceptDownloads });
    await use(context);
    await browser.close();
  },
  labState: [
    async ({ page }, use, info) => {
      await use();
      if (info.status === info.expectedStatus) return;
      const read = page.evaluate(() => {
        const l = window.__lab;
        return l && { ready: l.ready, step: l.step, playing: l.playing, frames: l.frames, samples: l.samples, pending: l.pending };
      });
      const timeout = new Promise<string>((r) => setTimeout(() => r('the page does not answer (main thread blocked)'), 5000));
      const state = await Promise.race([read, timeout]).catch((e: unknown) => `unreadable: ${String(e)}`);
      console.log(`[lab state after failure] ${JSON.stringify(state)}`);
    },
    { auto: true },
  ],
});
export { expect };

/** Small N keeps SwiftShader (CPU) fast; the default system is mips with its abp-mips preset. */
export const SMALL = 'system=mips&preset=abp-mips&n=1024';

export async function openLab(page: Page, query = SMALL): Promise<void> {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.goto(`/?${query}`);
  await page.waitForFunction(() => window.__lab?.ready === true, null, { timeout: 90_000, polling: 100 });
}

/** Waits for a reset to land. Polls on a timer: a state change must not depend on frames being drawn. */
export async function waitForReset(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__lab!.step === 0 && window.__lab!.ready, null, { timeout: 60_000, polling: 100 });
}

export async function stepCount(page: Page): Promise<number> {
  return page.evaluate(() => window.__lab!.step);
}

/** Steps N with the Step button and waits for the count to arrive. */
export async function stepBy(page: Page, n: number): Promise<void> {
  const before = await stepCount(page);
  await page.getByTestId('step-n').fill(String(n));
  await page.getByTestId('step').click();
  await page.waitForFunction((t) => window.__lab!.step >= t, before + n, { timeout: 120_000 });
}

/** Runs until the step count reaches `target` (then pauses when `pause`). */
export async function runUntil(page: Page, target: number, pause = true): Promise<void> {
  await page.evaluate(() => window.__lab!.play(true));
  await page.waitForFunction((t) => window.__lab!.step >= t, target, { timeout: 120_000 });
  if (pause) await page.evaluate(() => window.__lab!.play(false));
}

export async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; data: Buffer }> {
  const [dl] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void];
  const path = await dl.path();
  expect(path).toBeTruthy();
  return { name: dl.suggestedFilename(), data: await readFile(path!) };
}

export function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export interface PixelStats {
  total: number;
  /** Coloured pixels: not the viewport background (#0d1117), not grey (the box outline). */
  particles: number;
  /** Near-white pixels (label text): count, centroid and RMS spread in pixels. */
  white: { count: number; x: number; y: number; spread: number };
}

/** Decodes a PNG in the page and classifies its pixels. */
export async function pixelStats(page: Page, png: Buffer): Promise<PixelStats> {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const g = c.getContext('2d')!;
    g.drawImage(bmp, 0, 0);
    const d = g.getImageData(0, 0, bmp.width, bmp.height).data;
    let particles = 0;
    let count = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i]!, gg = d[i + 1]!, b = d[i + 2]!;
      const spread = Math.max(r, gg, b) - Math.min(r, gg, b);
      const nearBg = Math.abs(r - 13) + Math.abs(gg - 17) + Math.abs(b - 23) < 24;
      if (!nearBg && spread > 24) particles++;
      if (r > 215 && gg > 215 && b > 215) {
        const x = (i / 4) % bmp.width, y = Math.floor(i / 4 / bmp.width);
        count++; sx += x; sy += y; sxx += x * x; syy += y * y;
      }
    }
    const mx = sx / count, my = sy / count;
    const white = { count, x: mx, y: my, spread: Math.sqrt(sxx / count - mx * mx + syy / count - my * my) };
    return { total: bmp.width * bmp.height, particles, white };
  }, png.toString('base64'));
}

/** Coloured particle pixels of a PNG (see pixelStats). */
export async function particlePixels(page: Page, png: Buffer): Promise<{ total: number; particles: number }> {
  const { total, particles } = await pixelStats(page, png);
  return { total, particles };
}

const SI: Record<string, number> = { µ: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9 };
const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** A tick label as a person reads it ("−90", "0.01", "4m", "10⁻⁴") back as a number; NaN if it is not one. */
export function readTick(text: string): number {
  const t = text.trim().replace(/−/g, '-');
  const power = /^10([⁻]?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(t);
  if (power) return 10 ** ((power[1] ? -1 : 1) * Number([...power[2]!].map((c) => SUPERSCRIPT_DIGITS.indexOf(c)).join('')));
  const si = /^(-?[\d.]+)([µmkMG])$/.exec(t);
  if (si) return Number(si[1]) * SI[si[2]!]!;
  return /^-?[\d.]+$/.test(t) ? Number(t) : NaN;
}

/** A colour bar as shown: its label and its ticks (text, the number it reads as, the value it marks). */
export async function colorBarReading(page: Page, testId = 'color-bar', within?: Locator): Promise<{ label: string; gradient: string; ticks: { text: string; reads: number; value: number }[] }> {
  const bar = within ?? page.getByTestId(testId).first();
  const label = (await bar.getByTestId('color-bar-label').textContent()) ?? '';
  const gradient = await bar.evaluate((el) => (el.children[1] as HTMLElement).style.background);
  const ticks = await bar.getByTestId('color-bar-tick').evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', value: Number((e as HTMLElement).dataset.value) })));
  return { label, gradient, ticks: ticks.map((t) => ({ ...t, reads: readTick(t.text) })) };
}
