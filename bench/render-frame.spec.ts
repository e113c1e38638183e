// Viewport frame cost in Chromium, as one JSON line per N: ms per frame for the GPU→GPU mirror copy
// plus the draw, the draw alone, an empty scene (the canvas/present floor), and the page's
// requestAnimationFrame rate with the run paused. Not a test: it prints numbers.
import { openLab, test } from '../e2e/helpers';

const SIZES = (process.env.RENDER_N ?? '1024,16384,65536').split(',').map(Number);

for (const n of SIZES) {
  test(`viewport frame cost at n=${n}`, async ({ page }) => {
    test.setTimeout(170_000);
    await openLab(page, `system=mips&preset=abp-mips&n=${n}`);
    const result = await page.evaluate(async () => {
      // The app's private runner, reached from the page (benchmark only).
      const runner = (document.querySelector('particle-lab') as unknown as { runner: any }).runner;
      const { viewport } = runner;
      const device = runner.ctx.device as GPUDevice;
      runner.sampleEvery = 0;
      const msPer = async (draw: () => void, frames = 6) => {
        await device.queue.onSubmittedWorkDone();
        const t = performance.now();
        for (let i = 0; i < frames; i++) draw();
        await device.queue.onSubmittedWorkDone();
        return (performance.now() - t) / frames;
      };
      const frameMs = await msPer(() => viewport.frame());
      const drawMs = await msPer(() => viewport.renderer.render(viewport.scene, viewport.camera));
      viewport.layer.group.visible = false;
      const emptySceneMs = await msPer(() => viewport.renderer.render(viewport.scene, viewport.camera));
      viewport.layer.group.visible = true;
      const rafPerSecond = await new Promise<number>((done) => {
        let frames = 0;
        const t0 = performance.now();
        const tick = () => (++frames, performance.now() - t0 < 3000 ? requestAnimationFrame(tick) : done((frames * 1000) / (performance.now() - t0)));
        requestAnimationFrame(tick);
      });
      const canvas = viewport.canvas as HTMLCanvasElement;
      return { canvas: `${canvas.width}x${canvas.height}`, frameMs, drawMs, emptySceneMs, rafPerSecond };
    });
    console.log(JSON.stringify({ bench: 'viewport', n, ...result, adapter: await page.getByTestId('adapter').textContent() }));
  });
}
