// The colour legend of a RenderView: a small DOM overlay in the viewport host's top-left corner
// (the hint sits bottom-right). Plain DOM with inline styles: the host lives in the lab's shadow
// root, whose stylesheet this module does not own.
import type { RenderView } from '../../sims/types';
import { tickLabeller } from '../plots/ticks';

export type ColorBarSpec = NonNullable<RenderView['colorBar']>;

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** Linear rgb in [0, 1] to a CSS sRGB colour (the gradient is drawn by CSS, which is sRGB). */
export function cssColor(rgb: readonly [number, number, number]): string {
  const encode = (c: number) => {
    const x = Math.min(1, Math.max(0, c));
    return Math.round(255 * (x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055));
  };
  return `rgb(${encode(rgb[0])}, ${encode(rgb[1])}, ${encode(rgb[2])})`;
}

/** An end label: on a log scale exact decades read as 10ᵏ (plain from 0.01 to 1000), else the plots' labels. */
export function endLabel(value: number, spec: ColorBarSpec): string {
  const k = Math.log10(value);
  if (spec.log && value > 0 && Math.abs(k - Math.round(k)) < 1e-9) {
    const e = Math.round(k);
    if (e < -2 || e > 3) return `10${String(e).replace(/./g, (ch) => SUPERSCRIPT[ch] ?? ch)}`;
  }
  // The ends are data, not round ticks: three significant digits are enough to read a range.
  return tickLabeller([spec.min, spec.max])(Number(value.toPrecision(3)));
}

export interface ColorBar {
  element: HTMLElement;
  dispose(): void;
}

export function colorBar(host: HTMLElement, spec: ColorBarSpec): ColorBar {
  const root = document.createElement('div');
  root.setAttribute('data-testid', 'color-bar');
  // pointer-events: none keeps orbit/pan working over the legend.
  Object.assign(root.style, {
    position: 'absolute', left: '8px', top: '8px', padding: '4px 6px', borderRadius: '4px', pointerEvents: 'none',
    background: 'rgba(13, 17, 23, 0.75)', color: '#c9d1d9', font: '11px system-ui, sans-serif', lineHeight: '14px',
  });
  const label = document.createElement('div');
  label.textContent = spec.label;
  const bar = document.createElement('div');
  const stops = spec.colors.length === 1 ? [spec.colors[0]!, spec.colors[0]!] : spec.colors;
  const gradient = stops.map((c, i) => `${cssColor(c)} ${((100 * i) / Math.max(1, stops.length - 1)).toFixed(2)}%`);
  Object.assign(bar.style, { width: '140px', height: '10px', margin: '3px 0 2px', border: '1px solid #30363d' });
  bar.style.background = stops.length > 0 ? `linear-gradient(to right, ${gradient.join(', ')})` : 'transparent';
  const ticks = document.createElement('div');
  Object.assign(ticks.style, { display: 'flex', justifyContent: 'space-between', gap: '8px' });
  const low = document.createElement('span');
  low.setAttribute('data-testid', 'color-bar-min');
  low.textContent = endLabel(spec.min, spec);
  const high = document.createElement('span');
  high.setAttribute('data-testid', 'color-bar-max');
  high.textContent = endLabel(spec.max, spec);
  ticks.append(low, high);
  root.append(label, bar, ticks);
  host.append(root);
  return { element: root, dispose: () => root.remove() };
}
