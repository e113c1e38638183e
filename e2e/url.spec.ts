// URL state: system, preset, seed and every param round-trip through the query string; "copy link".
import { expect, openLab, test } from './helpers';

test('params round-trip through the URL and the copy-link action', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openLab(page, 'system=mips&preset=abp-mips&n=1024&seed=5&v0=2');
  const p = await page.evaluate(() => window.__lab!.params!);
  expect(p.seed).toBe(5);
  expect(p.v0).toBe(2);
  expect(p.n).toBe(1024);

  // A live change goes into the URL; a reload restores it.
  const dt = page.locator('input[data-param=dt]');
  await dt.fill('0.005');
  await dt.press('Enter');
  await expect(page).toHaveURL(/dt=0\.005/);
  await expect(page).toHaveURL(/seed=5/);
  await page.locator('button[data-export=link]').click();
  await expect(page.getByTestId('banner-info')).toContainText('dt=0.005');

  await page.reload();
  await page.waitForFunction(() => window.__lab?.ready === true, null, { polling: 100 });
  const q = await page.evaluate(() => window.__lab!.params!);
  expect(q).toEqual({ ...p, dt: 0.005 });
  expect(await page.evaluate(() => window.__lab!.preset)).toBe('abp-mips');
});
