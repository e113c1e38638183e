// Record: the viewport to WebM and MP4 with mediabunny in Chromium. The file is demuxed here (mediabunny
// in Node reads the container) and its packets are decoded by the browser's own WebCodecs decoder:
// one frame per recorded step, 1/30 s apart.
import type { Page } from '@playwright/test';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { download, expect, openLab, test } from './helpers';

/** Decodes the file's video packets in the page with WebCodecs: the decoded frames' timestamps (µs). */
async function decodeInBrowser(page: Page, data: Buffer): Promise<{ container: string; codec: string; packets: number; timestamps: number[] }> {
  const input = new Input({ source: new BufferSource(new Uint8Array(data)), formats: ALL_FORMATS });
  const container = (await input.getFormat()).name;
  const track = (await input.getPrimaryVideoTrack())!;
  const config = (await track.getDecoderConfig())!;
  const packets = [];
  for await (const p of new EncodedPacketSink(track).packets()) {
    packets.push({ type: p.type, timestamp: Math.round(p.timestamp * 1e6), data: Buffer.from(p.data).toString('base64') });
  }
  const description = config.description ? Buffer.from(config.description as ArrayBuffer).toString('base64') : undefined;
  const timestamps = await page.evaluate(async ({ config, description, packets }) => {
    const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const out: number[] = [];
    let failure: unknown;
    const decoder = new VideoDecoder({ output: (f) => { out.push(f.timestamp); f.close(); }, error: (e) => { failure = e; } });
    decoder.configure({ ...config, description: description ? bytes(description) : undefined });
    for (const p of packets) decoder.decode(new EncodedVideoChunk({ type: p.type as EncodedVideoChunkType, timestamp: p.timestamp, data: bytes(p.data) }));
    await decoder.flush();
    if (failure) throw failure;
    return out;
  }, { config: { codec: config.codec, codedWidth: config.codedWidth, codedHeight: config.codedHeight }, description, packets });
  return { container, codec: config.codec, packets: packets.length, timestamps };
}

for (const format of ['webm', 'mp4'] as const) {
  test(`Record 30 steps to ${format.toUpperCase()}: the file decodes in Chromium to 30 frames at 30 fps`, async ({ page }) => {
    await openLab(page);
    await page.evaluate(() => window.__lab!.setStepsPerFrame(1));
    await page.getByTestId('record-steps').fill('30');
    await page.getByTestId('record-steps').dispatchEvent('change');
    await page.getByTestId('record-format').selectOption(format);
    const start = await page.evaluate(() => window.__lab!.step);
    const video = await download(page, () => page.getByTestId('record').click());
    expect(video.name).toMatch(new RegExp(`\\.${format}$`));
    expect(await page.evaluate(() => window.__lab!.step)).toBe(start + 30);
    expect(await page.evaluate(() => window.__lab!.playing)).toBe(false);
    const got = await decodeInBrowser(page, video.data);
    console.log(`${format}: ${got.container}, ${got.codec}, ${got.packets} packets, ${video.data.length} bytes`);
    expect(got.container).toMatch(format === 'webm' ? /WebM/i : /MP4/i);
    expect(got.packets).toBe(30);
    expect(got.timestamps.length).toBe(30);
    got.timestamps.forEach((t, k) => expect(Math.abs(t - (k * 1e6) / 30)).toBeLessThan(1000));
    await expect(page.getByTestId('banner-info')).toContainText('Recorded 30 frames');
  });
}

test('a bad step count for Record names its range and records nothing', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('record-steps').fill('0');
  await page.getByTestId('record-steps').dispatchEvent('change');
  await expect(page.getByTestId('record-error')).toContainText('must be an integer in [1, 1000000]');
  await expect(page.getByTestId('record')).toBeDisabled();
});
