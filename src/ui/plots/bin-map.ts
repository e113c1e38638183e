// A model's binned map (ViewMap): one canvas pixel per bin through the diverging colour map, scaled
// to ±3 × the mean |value|, and the colour bar that states that scale in the map's units.
import { colormapAt, colormapStops } from '../../gpu/colormap';
import type { ViewMap } from '../../sims/model';
import type { ColorBarSpec } from '../../sims/types';
import { cssColor } from '../viewport/color-bar';

/** The map spans ±scale: 3 × the mean |value| over non-empty bins (1 if all are empty or zero). */
export function binMapScale(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      sum += Math.abs(v);
      count++;
    }
  }
  return (3 * sum) / Math.max(count, 1) || 1;
}

export function binMapBar(map: ViewMap): ColorBarSpec {
  const scale = binMapScale(map.values);
  return { label: map.label, min: -scale, max: scale, log: false, colors: colormapStops('diverging') };
}

/** Draws the map (empty bins: the page background), y up as in the viewport; clears without one. */
export function drawBinMap(c: HTMLCanvasElement, map: ViewMap | undefined): void {
  const ctx = c.getContext('2d');
  if (!ctx) return;
  if (!map) {
    ctx.clearRect(0, 0, c.width, c.height);
    return;
  }
  const B = map.binsPerSide;
  c.width = B;
  c.height = B;
  const scale = binMapScale(map.values);
  for (let y = 0; y < B; y++) {
    for (let x = 0; x < B; x++) {
      const v = map.values[y * B + x]!;
      ctx.fillStyle = Number.isFinite(v) ? cssColor(colormapAt('diverging', 0.5 + (0.5 * v) / scale)) : '#0d1117';
      ctx.fillRect(x, B - 1 - y, 1, 1);
    }
  }
}
