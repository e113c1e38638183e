// The colour legend of a RenderView: a small DOM overlay in the viewport host's top-left corner
// (the hint sits bottom-right) with the quantity, its unit and numeric ticks. Plain DOM with inline
// styles: the host lives in the lab's shadow root, whose stylesheet this module does not own.
import { scaleLinear, scaleLog } from 'd3';
import type { ColorBarSpec } from '../../sims/types';
import { tickLabeller } from '../plots/ticks';

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
const BAR_WIDTH = 160;

/** Linear rgb in [0, 1] to a CSS sRGB colour (the gradient is drawn by CSS, which is sRGB). */
export function cssColor(rgb: readonly [number, number, number]): string {
  const encode = (c: number) => {
    const x = Math.min(1, Math.max(0, c));
    return Math.round(255 * (x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055));
  };
  return `rgb(${encode(rgb[0])}, ${encode(rgb[1])}, ${encode(rgb[2])})`;
}

/** A tick's label: on a log scale decades far from 1 read as 10ᵏ, else the plots' labels. */
export function tickLabel(value: number, spec: ColorBarSpec): string {
  const k = Math.log10(value);
  if (spec.log && value > 0 && Math.abs(k - Math.round(k)) < 1e-9) {
    const e = Math.round(k);
    if (e < -2 || e > 3) return `10${String(e).replace(/./g, (ch) => SUPERSCRIPT[ch] ?? ch)}`;
  }
  return tickLabeller([spec.min, spec.max])(Number(value.toPrecision(3)));
}

/** Tick values and where they sit along the bar (0 … 1): the spec's, d3's nice ones, or the two ends. */
export function colorBarTicks(spec: ColorBarSpec): { value: number; at: number }[] {
  const scale = spec.log ? scaleLog([spec.min, spec.max], [0, 1]) : scaleLinear([spec.min, spec.max], [0, 1]);
  let values = spec.ticks ? [...spec.ticks] : scale.ticks(4);
  // A log scale over a few decades: only the decades, which d3 lists among its 1–9 multiples.
  if (spec.log && !spec.ticks) values = values.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  values = values.filter((v) => v >= Math.min(spec.min, spec.max) && v <= Math.max(spec.min, spec.max));
  if (values.length < 2) values = [spec.min, spec.max];
  return values.map((value) => ({ value, at: scale(value) }));
}

export interface ColorBar {
  element: HTMLElement;
  dispose(): void;
}

/** A colour bar appended to `host`: over a viewport's top-left corner, or inline (under a map). */
export function colorBar(host: HTMLElement, spec: ColorBarSpec, placement: 'overlay' | 'inline' = 'overlay'): ColorBar {
  const root = document.createElement('div');
  root.setAttribute('data-testid', 'color-bar');
  Object.assign(root.style, { color: '#c9d1d9', font: '11px system-ui, sans-serif', lineHeight: '14px', padding: '4px 14px' });
  // pointer-events: none keeps orbit/pan working over the legend.
  if (placement === 'overlay') {
    Object.assign(root.style, {
      position: 'absolute', left: '8px', top: '8px', borderRadius: '4px', pointerEvents: 'none', background: 'rgba(13, 17, 23, 0.75)',
    });
  }
  const label = document.createElement('div');
  label.setAttribute('data-testid', 'color-bar-label');
  label.textContent = spec.label;
  const bar = document.createElement('div');
  const stops = spec.colors.length === 1 ? [spec.colors[0]!, spec.colors[0]!] : spec.colors;
  const gradient = stops.map((c, i) => `${cssColor(c)} ${((100 * i) / Math.max(1, stops.length - 1)).toFixed(2)}%`);
  Object.assign(bar.style, { width: `${BAR_WIDTH}px`, height: '10px', margin: '3px 0 0', border: '1px solid #30363d' });
  bar.style.background = stops.length > 0 ? `linear-gradient(to right, ${gradient.join(', ')})` : 'transparent';
  const ticks = document.createElement('div');
  Object.assign(ticks.style, { position: 'relative', width: `${BAR_WIDTH}px`, height: '18px' });
  for (const { value, at } of colorBarTicks(spec)) {
    const x = `${(at * BAR_WIDTH).toFixed(1)}px`;
    const mark = document.createElement('div');
    Object.assign(mark.style, { position: 'absolute', left: x, top: '0', width: '1px', height: '4px', background: '#c9d1d9' });
    const text = document.createElement('span');
    text.setAttribute('data-testid', 'color-bar-tick');
    text.dataset.value = String(value);
    text.textContent = tickLabel(value, spec);
    // Centred on its mark (the root's side padding leaves room for the end labels).
    Object.assign(text.style, { position: 'absolute', left: x, top: '4px', transform: 'translateX(-50%)', whiteSpace: 'nowrap' });
    ticks.append(mark, text);
  }
  root.append(label, bar, ticks);
  host.append(root);
  return { element: root, dispose: () => root.remove() };
}
