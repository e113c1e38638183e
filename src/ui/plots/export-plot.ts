// One plot as a file for a paper or slides: a standalone SVG on a light background with its title
// and legend, styles written onto the elements (no stylesheet travels with an SVG file), or that
// SVG rasterised to PNG at 2×.
import type { LegendItem } from './draw';

const NS = 'http://www.w3.org/2000/svg';
const TITLE = 22;
const LEGEND_ROW = 16;
const FONT = 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif';

/** Light-background colours for the chart's classes (draw.ts and lab-plot.ts style them for the dark page). */
const LIGHT: ReadonlyArray<[selector: string, attributes: Record<string, string>]> = [
  ['.axis text', { fill: '#57606a', 'font-size': '10', 'font-family': FONT }],
  ['.axis path, .axis line', { stroke: '#8c959f' }],
  ['.axis-label', { fill: '#24292f', 'font-size': '11', 'font-family': FONT }],
  ['.empty', { fill: '#6e7781', 'font-size': '12', 'font-family': FONT }],
];

function element(name: string, attributes: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  return e;
}

/** The chart in `svg` as a standalone SVG document: white background, title above, legend below. */
export function plotSvg(svg: SVGSVGElement, title: string, legend: readonly LegendItem[]): string {
  const [, , width, height] = (svg.getAttribute('viewBox') ?? '0 0 360 200').split(/\s+/).map(Number) as [number, number, number, number];
  const chart = svg.cloneNode(true) as SVGSVGElement;
  for (const [selector, attributes] of LIGHT) {
    for (const e of chart.querySelectorAll(selector)) for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  }
  const total = TITLE + height + legend.length * LEGEND_ROW + 6;
  const root = element('svg', { xmlns: NS, width, height: total, viewBox: `0 0 ${width} ${total}` });
  root.append(element('rect', { width, height: total, fill: '#ffffff' }));
  const heading = element('text', { x: 8, y: 15, fill: '#24292f', 'font-size': 13, 'font-weight': 600, 'font-family': FONT });
  heading.textContent = title;
  root.append(heading);
  const body = element('g', { transform: `translate(0,${TITLE})` });
  body.append(...Array.from(chart.childNodes));
  root.append(body);
  legend.forEach((item, i) => {
    const y = TITLE + height + i * LEGEND_ROW + 10;
    root.append(element('rect', { x: 10, y: y - 2, width: 12, height: 3, fill: item.color }));
    const text = element('text', { x: 28, y: y + 2, fill: '#24292f', 'font-size': 11, 'font-family': FONT });
    text.textContent = item.label;
    root.append(text);
  });
  return new XMLSerializer().serializeToString(root);
}

/** The SVG document rasterised at `scale` × its size (an <img> decodes it; no foreign content, so the canvas stays clean). */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(img.width * scale);
    canvas.height = Math.round(img.height * scale);
    const g = canvas.getContext('2d')!;
    g.scale(scale, scale);
    g.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
