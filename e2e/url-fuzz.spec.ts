// Malformed URL parameters in the browser (the exhaustive sweep over every parameter is
// test/ui/url-fuzz.test.ts): seeded picks of a parameter and a bad value per system. The page
// still starts and steps, each refused entry is one banner line naming its field, and nothing
// reaches the page as an uncaught error. URL_FUZZ_RUNS=N opens N pages per system (default 2).
import { rng } from '../test/random';
import { expect, openLab, stepBy, test } from './helpers';

const RUNS = Math.max(1, Number(process.env.URL_FUZZ_RUNS ?? 2));
const BAD = ['', 'abc', '0x10', '1e999', 'NaN', '-1', '99999999999', '1\n2', '1\u202e2', '\u{1F600}', 'x'.repeat(5000),];

for (const [index, system] of ['mips', 'tokens', 'showers'].entries()) {
  test(`${system}: bad URL values are named on one line each, and the lab still runs`, async ({ page }) => {
    test.setTimeout(120_000 * RUNS);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openLab(page, `system=${system}`);
    // Free-text parameters accept most of these values: numbers, enums and switches do not.
    const catalog = await page.evaluate(() => window.__lab!.catalog());
    const names = catalog.find((s) => s.id === system)!.params.filter((p) => p.kind !== 'string').map((p) => p.name);
    const random = rng(101 + index);
    for (let run = 0; run < RUNS; run++) {
      const picks = [0, 1].map(() => [names[Math.floor(random() * names.length)]!, BAD[Math.floor(random() * BAD.length)]!] as const);
      const q = new URLSearchParams({ system, ...(system === 'mips' ? { n: '1024' } : {}) });
      for (const [k, v] of picks) q.set(k, v);
      await page.goto(`/?${q}`);
      await page.waitForFunction(() => window.__lab?.ready === true, null, { timeout: 90_000, polling: 100 });
      const lines = await page.getByTestId('banner-error').locator('span').allInnerTexts();
      const shown = `${JSON.stringify(picks).slice(0, 200)} → ${JSON.stringify(lines).slice(0, 600)}`;
      for (const [k] of picks) expect(lines.some((l) => l.includes(k)), shown).toBe(true);
      for (const l of lines) expect(l.trim(), shown).not.toMatch(/[\r\n\u2028\u2029]/);
      await stepBy(page, 2);
    }
    expect(errors).toEqual([]);
  });
}
