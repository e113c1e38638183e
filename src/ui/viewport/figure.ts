// A figure of the viewport for a paper or a talk: the WebGPU image at 2× or 3× with its colour bar,
// a scale bar (2-D views) and a step / time stamp drawn onto the pixels, so the file stands alone.
import type { ColorBarSpec } from '../../sims/types';
import { colorBarTicks, cssColor, tickLabel } from './color-bar';

export interface FigureOverlays {
  colorBar?: ColorBarSpec;
  /** World units per CSS pixel and their name (2-D views); no scale bar without it. */
  scale?: { worldPerPixel: number; unit: string };
  /** Bottom-left text, e.g. "step 3000 · t = 12". */
  stamp: string;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';
const INK = '#e6edf3';

/** The longest 1, 2 or 5 × 10^k not above `most`. */
export function niceLength(most: number): number {
  const p = 10 ** Math.floor(Math.log10(most));
  return [5, 2, 1].map((m) => m * p).find((v) => v <= most) ?? p;
}

function panel(g: CanvasRenderingContext2D, x: number, y: number, w: number, h: number): void {
  g.fillStyle = 'rgba(13, 17, 23, 0.75)';
  g.beginPath();
  g.roundRect(x, y, w, h, 4);
  g.fill();
}

function drawColorBar(g: CanvasRenderingContext2D, spec: ColorBarSpec): void {
  const [x, y, w, barH] = [22, 26, 200, 12];
  panel(g, 8, 8, w + 28, 66);
  g.fillStyle = INK;
  g.font = `12px ${FONT}`;
  g.textBaseline = 'alphabetic';
  g.textAlign = 'left';
  g.fillText(spec.label, x - 6, y - 5);
  const gradient = g.createLinearGradient(x, 0, x + w, 0);
  spec.colors.forEach((c, i) => gradient.addColorStop(i / Math.max(1, spec.colors.length - 1), cssColor(c)));
  g.fillStyle = gradient;
  g.fillRect(x, y, w, barH);
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const t of colorBarTicks(spec)) {
    const tx = x + t.at * w;
    g.fillStyle = INK;
    g.fillRect(tx - 0.5, y + barH, 1, 4);
    g.fillText(tickLabel(t.value, spec), tx, y + barH + 6);
  }
}

function drawScaleBar(g: CanvasRenderingContext2D, width: number, height: number, scale: NonNullable<FigureOverlays['scale']>): void {
  const length = niceLength((0.2 * width) * scale.worldPerPixel);
  const px = length / scale.worldPerPixel;
  const x1 = width - 16;
  const y = height - 16;
  panel(g, x1 - px - 10, y - 26, px + 20, 34);
  g.fillStyle = INK;
  g.fillRect(x1 - px, y - 3, px, 3);
  g.font = `12px ${FONT}`;
  g.textAlign = 'center';
  g.textBaseline = 'bottom';
  g.fillText(`${tickLabel(length, { label: '', min: 0, max: length, log: false, colors: [] })} ${scale.unit}`, x1 - px / 2, y - 6);
}

/**
 * A canvas `pixelScale` × the view's CSS size `width` × `height`: `image` (the viewport) and the
 * overlays, laid out in CSS pixels and scaled with it.
 */
export function composeFigure(image: CanvasImageSource, width: number, height: number, pixelScale: number, overlays: FigureOverlays): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * pixelScale);
  canvas.height = Math.round(height * pixelScale);
  drawFigure(canvas.getContext('2d')!, image, width, height, overlays);
  return canvas;
}

/** Draws `image` over the whole of `g`'s canvas, then the overlays laid out for a `width` × `height` CSS-pixel view. */
export function drawFigure(g: CanvasRenderingContext2D, image: CanvasImageSource, width: number, height: number, overlays: FigureOverlays): void {
  g.resetTransform();
  g.drawImage(image, 0, 0, g.canvas.width, g.canvas.height);
  g.scale(g.canvas.width / width, g.canvas.height / height);
  if (overlays.colorBar) drawColorBar(g, overlays.colorBar);
  if (overlays.scale) drawScaleBar(g, width, height, overlays.scale);
  g.font = `12px ${FONT}`;
  g.textAlign = 'left';
  g.textBaseline = 'bottom';
  const stampWidth = g.measureText(overlays.stamp).width;
  panel(g, 8, height - 30, stampWidth + 16, 22);
  g.fillStyle = INK;
  g.fillText(overlays.stamp, 16, height - 13);
}
