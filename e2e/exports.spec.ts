// Every export downloads and holds what it says; a state import resumes at the same step.
import { writeFile } from 'node:fs/promises';
import { download, expect, openLab, particlePixels, pngSize, runUntil, stepCount, test } from './helpers';

test('PNG, metrics CSV/JSON and state JSON export; state import resumes', async ({ page }, info) => {
  await openLab(page);
  await runUntil(page, 20);
  await page.evaluate(() => window.__lab!.sampleNow());
  const step = await stepCount(page);

  // PNG of the viewport (rendered and captured in the same task).
  const png = await download(page, () => page.locator('button[data-export=png]').click());
  expect(png.name).toMatch(/\.png$/);
  const size = pngSize(png.data);
  expect(size.width).toBeGreaterThan(200);
  expect(size.height).toBeGreaterThan(200);
  const px = await particlePixels(page, png.data);
  expect(px.particles / px.total).toBeGreaterThan(0.01);

  // Metrics CSV: header step,time,<scalars>; numeric rows, one per sample.
  const csv = (await download(page, () => page.locator('button[data-export=csv]').click())).data.toString('utf8');
  const lines = csv.trim().split('\n');
  const header = lines[0]!.split(',');
  expect(header.slice(0, 2)).toEqual(['step', 'time']);
  expect(header.length).toBeGreaterThan(2);
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const row of lines.slice(1)) {
    const cells = row.split(',');
    expect(cells.length).toBe(header.length);
    expect(Number.isInteger(Number(cells[0]))).toBe(true);
  }
  expect(Number(lines[lines.length - 1]!.split(',')[0])).toBe(step);

  // Metrics JSON: system, params and the samples.
  const metrics = JSON.parse((await download(page, () => page.locator('button[data-export=json]').click())).data.toString('utf8'));
  expect(metrics.system).toBe('mips');
  expect(metrics.params).toBeTruthy();
  expect(Array.isArray(metrics.samples)).toBe(true);
  expect(metrics.samples.length).toBe(lines.length - 1);
  expect(typeof metrics.samples[0].scalars).toBe('object');

  // State JSON.
  const stateFile = await download(page, () => page.locator('button[data-export=state]').click());
  const state = JSON.parse(stateFile.data.toString('utf8'));
  expect(state.format).toBe('particle-lab-state');
  expect(state.version).toBe(1);
  expect(state.system).toBe('mips');
  expect(state.step).toBe(step);
  expect(state.params.n).toBe(1024);
  expect(Object.keys(state.buffers).length).toBeGreaterThan(0);

  // The same state as safetensors, read from its spec: u64 header length, JSON table, packed data.
  const tensorsFile = await download(page, () => page.locator('button[data-export=state-safetensors]').click());
  expect(tensorsFile.name).toMatch(/\.state\.safetensors$/);
  const headerLength = Number(tensorsFile.data.readBigUInt64LE(0));
  const table = JSON.parse(tensorsFile.data.subarray(8, 8 + headerLength).toString('utf8'));
  expect(table.__metadata__).toMatchObject({ format: 'particle-lab-state', system: 'mips', step: String(step) });
  expect(table.positions).toMatchObject({ dtype: 'F32', shape: [1024, 2] });
  const [begin, end] = table.positions.data_offsets;
  const positions = new Float32Array(new Uint8Array(tensorsFile.data.subarray(8 + headerLength + begin, 8 + headerLength + end)).buffer);
  const fromJson = new Float32Array(new Uint8Array(Buffer.from(state.buffers.positions.base64, 'base64')).buffer);
  expect(Array.from(positions)).toEqual(Array.from(fromJson));

  // Move on, then import: back at the exported step, and it keeps running from there.
  await page.getByTestId('step-n').fill('7');
  await page.getByTestId('step').click();
  await expect.poll(() => stepCount(page)).toBe(step + 7);
  const statePath = info.outputPath('state.json');
  await writeFile(statePath, stateFile.data);
  await page.getByTestId('import-file').setInputFiles(statePath);
  await expect(page.getByTestId('banner-info')).toContainText(`resumed at step ${step}`);
  expect(await stepCount(page)).toBe(step);
  await runUntil(page, step + 3);
  // The safetensors file imports to the same step.
  const tensorsPath = info.outputPath('state.safetensors');
  await writeFile(tensorsPath, tensorsFile.data);
  await page.getByTestId('import-file').setInputFiles(tensorsPath);
  await expect(page.getByTestId('banner-info').last()).toContainText(`Imported "state.safetensors": resumed at step ${step}`);
  expect(await stepCount(page)).toBe(step);

  // A bad file: a clear message, and the run is kept.
  const before = await stepCount(page);
  const badPath = info.outputPath('bad.json');
  await writeFile(badPath, JSON.stringify({ ...state, format: 'something-else' }));
  await page.getByTestId('import-file').setInputFiles(badPath);
  await expect(page.getByTestId('banner-error')).toContainText('format');
  expect(await stepCount(page)).toBe(before);
  await writeFile(badPath, '{ not json');
  await page.getByTestId('import-file').setInputFiles(badPath);
  await expect(page.getByTestId('banner-error').last()).toContainText('neither JSON nor safetensors');
  expect(await page.evaluate(() => window.__lab!.ready)).toBe(true);
});

test('each plot saves as a standalone SVG (parses, light background, title, legend, data) and as a 2× PNG', async ({ page }) => {
  await openLab(page);
  await runUntil(page, 30);
  await page.evaluate(() => window.__lab!.sampleNow());
  const plot = page.locator('lab-plot').first();
  await expect.poll(async () => Number(await plot.locator('svg').getAttribute('data-points'))).toBeGreaterThan(0);
  const { id, title } = await plot.evaluate((el) => {
    const spec = (el as unknown as { spec: { id: string; title: string } }).spec;
    return { id: spec.id, title: spec.title };
  });
  const svg = await download(page, () => plot.locator('button[data-plot-export=svg]').click());
  expect(svg.name).toMatch(new RegExp(`\\.${id}\\.svg$`));
  const doc = await page.evaluate((text) => {
    const d = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = d.documentElement;
    return {
      error: d.querySelector('parsererror')?.textContent ?? null,
      root: root.localName, ns: root.namespaceURI, width: Number(root.getAttribute('width')), height: Number(root.getAttribute('height')),
      background: d.querySelector('rect')?.getAttribute('fill'),
      texts: [...d.querySelectorAll('text')].map((t) => t.textContent ?? ''),
      tickFills: [...d.querySelectorAll('.axis text')].map((t) => t.getAttribute('fill')),
      lines: [...d.querySelectorAll('path')].filter((p) => (p.getAttribute('d') ?? '').length > 20 && !p.closest('.axis')).length,
    };
  }, svg.data.toString('utf8'));
  expect(doc.error).toBeNull();
  expect([doc.root, doc.ns]).toEqual(['svg', 'http://www.w3.org/2000/svg']);
  expect(doc.background).toBe('#ffffff');
  expect(doc.texts).toContain(title);
  // Tick labels carry their own (dark) colour: an SVG file takes no stylesheet with it.
  expect(doc.tickFills.length).toBeGreaterThan(3);
  expect(new Set(doc.tickFills)).toEqual(new Set(['#57606a']));
  expect(doc.lines).toBeGreaterThan(0);
  const png = await download(page, () => plot.locator('button[data-plot-export=png]').click());
  expect(png.name).toMatch(new RegExp(`\\.${id}\\.png$`));
  expect(pngSize(png.data)).toEqual({ width: 2 * doc.width, height: 2 * doc.height });
});

/** The text chunks of a PNG (tEXt: Latin-1; iTXt: UTF-8 after its two flags and two empty fields). */
function pngText(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const nul = data.indexOf(0);
    if (type === 'tEXt') out[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1);
    if (type === 'iTXt') out[data.toString('latin1', 0, nul)] = data.toString('utf8', nul + 5);
    at += 12 + length;
  }
  return out;
}

test('the PNG figure: 3× the viewport, its colour bar, scale bar and step stamp drawn in, the share link in its text', async ({ page }) => {
  await openLab(page);
  await runUntil(page, 20);
  const step = await stepCount(page);
  const box = (await page.getByTestId('viewport-canvas').boundingBox())!;
  await page.getByTestId('png-scale').selectOption('3');
  const png = await download(page, () => page.locator('button[data-export=png]').click());
  const [w, h] = [Math.round(box.width), Math.round(box.height)];
  expect(pngSize(png.data)).toEqual({ width: 3 * w, height: 3 * h });
  const text = pngText(png.data);
  expect(text.URL).toBe(page.url());
  expect(text.Title).toContain(`step ${step}`);
  expect(text.Description).toMatch(/^1024 active Brownian disks at packing fraction φ = 0\.7/);
  // The colour bar (abp-mips colours by local packing fraction: viridis) is drawn across CSS x 22…222
  // at y 26…38: sample it at 11 points and compare with d3's map, evaluated here (the canvas
  // interpolates 32 stops in sRGB: 12/255 is ample).
  const samples = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const g = c.getContext('2d')!;
    g.drawImage(bmp, 0, 0);
    const at = (x: number, y: number) => [...g.getImageData(x, y, 1, 1).data.slice(0, 3)];
    const bar = Array.from({ length: 11 }, (_, k) => at(3 * (22 + 2 + k * 19.6), 3 * 32));
    // Near-white pixels (text) in the stamp's corner and under the scale bar's corner.
    const white = (x0: number, y0: number, x1: number, y1: number) => {
      const d = g.getImageData(x0, y0, x1 - x0, y1 - y0).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! > 200 && d[i + 1]! > 200 && d[i + 2]! > 200) n++;
      return n;
    };
    return { bar, stamp: white(0, bmp.height - 3 * 32, 3 * 200, bmp.height), scale: white(bmp.width - 3 * 160, bmp.height - 3 * 44, bmp.width, bmp.height) };
  }, png.data.toString('base64'));
  expect(await page.evaluate(() => window.__lab!.params!.colorBy)).toBe('density');
  const { interpolateViridis, rgb } = await import('d3');
  samples.bar.forEach((got, k) => {
    const want = rgb(interpolateViridis((2 + k * 19.6) / 200));
    [want.r, want.g, want.b].forEach((v, ch) => expect(Math.abs(got[ch]! - v), `bar sample ${k}`).toBeLessThan(12));
  });
  expect(samples.stamp).toBeGreaterThan(100);
  expect(samples.scale).toBeGreaterThan(100);
});
