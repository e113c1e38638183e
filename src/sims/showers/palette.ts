// The colour map of hit energies: d3's viridis (perceptually uniform, readable for colour-blind
// readers), sampled into a table the GPU interpolates, in linear rgb as the viewport expects.
import { interpolateViridis, rgb } from 'd3';

export const PALETTE_SIZE = 32;

const toLinear = (c: number) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};

/** PALETTE_SIZE colours, linear rgb in [0, 1]. */
export function viridis(): [number, number, number][] {
  return Array.from({ length: PALETTE_SIZE }, (_, k) => {
    const c = rgb(interpolateViridis(k / (PALETTE_SIZE - 1)));
    return [toLinear(c.r), toLinear(c.g), toLinear(c.b)];
  });
}
