// One live plot, generic over PlotSpec: Lit draws the card and legend, d3 draws the chart.
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PinnedRun, RunStart } from '../../sims/metrics';
import type { MetricInfo, MetricSample, PlotSpec } from '../../sims/types';
import { drawPlot, type LegendItem } from './draw';
import { pointCount } from './plot-data';
import { plotSvg, svgToPng } from './export-plot';

/** A plot's file, saved by the lab (which names it): `plot-export` event detail. */
export interface PlotExport {
  id: string;
  ext: 'svg' | 'png';
  blob: Blob;
}

/** The title's note on log axes. */
function scaleNote(spec: PlotSpec): string {
  const logX = 'logX' in spec && !!spec.logX;
  const logY = 'logY' in spec && !!spec.logY;
  return logX && logY ? 'log–log' : logX ? 'log x' : logY ? 'log y' : '';
}

@customElement('lab-plot')
export class LabPlot extends LitElement {
  @property({ attribute: false }) spec!: PlotSpec;
  @property({ attribute: false }) samples: readonly MetricSample[] = [];
  @property({ attribute: false }) metrics: readonly MetricInfo[] = [];
  @property({ attribute: false }) runs: readonly RunStart[] = [];
  /** A reference run to overlay (Pin curves). */
  @property({ attribute: false }) pinned: PinnedRun | undefined;
  /** Bumped by the owner when new samples arrived (the array is mutated in place). */
  @property({ type: Number }) version = 0;
  @state() private legend: LegendItem[] = [];
  @query('svg') private svg!: SVGSVGElement;
  private width = 360;
  private observer?: ResizeObserver;

  static override styles = css`
    :host { display: block; background: #161b22; border: 1px solid #30363d; border-radius: 8px; padding: 8px 10px 6px; min-width: 0; }
    h3 { margin: 0 0 4px; font: 600 13px system-ui, sans-serif; color: #e6edf3; display: flex; align-items: baseline; gap: 4px; }
    .title { flex: 1; }
    .title a { color: inherit; text-decoration: none; }
    .title a:hover { text-decoration: underline dotted; }
    .save { font: 11px system-ui, sans-serif; color: #8b949e; background: none; border: 1px solid #30363d; border-radius: 4px; padding: 0 5px; cursor: pointer; }
    .save:hover { color: #e6edf3; border-color: #8b949e; }
    .kind { color: #8b949e; font-weight: 400; font-size: 11px; margin-left: 6px; }
    svg { display: block; width: 100%; height: 200px; }
    .legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font: 11px system-ui, sans-serif; color: #c9d1d9; min-height: 14px; }
    .swatch { display: inline-block; width: 10px; height: 3px; margin-right: 4px; vertical-align: middle; }
    svg .axis text { fill: #8b949e; font-size: 10px; }
    svg .axis path, svg .axis line { stroke: #484f58; }
    svg .axis-label { fill: #8b949e; font: 11px system-ui, sans-serif; }
    svg .empty { fill: #6e7681; font: 12px system-ui, sans-serif; }
  `;

  override firstUpdated(): void {
    this.observer = new ResizeObserver(() => {
      const w = Math.floor(this.svg.getBoundingClientRect().width);
      if (w > 0 && w !== this.width) {
        this.width = w;
        this.redraw();
      }
    });
    this.observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('version') || changed.has('spec') || changed.has('samples') || changed.has('pinned')) this.redraw();
  }

  private redraw(): void {
    if (!this.svg || !this.spec) return;
    this.legend = drawPlot({ svg: this.svg, width: this.width, height: 200, metrics: this.metrics, runs: this.runs, pinned: this.pinned }, this.spec, this.samples);
    // Read by the e2e tests: every plot of every preset must draw.
    this.svg.dataset.points = String(pointCount(this.spec, this.samples));
  }

  /** The plot as a standalone SVG (light background, title and legend), or that SVG as a 2× PNG. */
  private async save(ext: 'svg' | 'png'): Promise<void> {
    const text = plotSvg(this.svg, this.spec.title, this.legend);
    const blob = ext === 'svg' ? new Blob([text], { type: 'image/svg+xml' }) : await svgToPng(text, 2);
    const detail: PlotExport = { id: this.spec.id, ext, blob };
    this.dispatchEvent(new CustomEvent('plot-export', { detail, bubbles: true, composed: true }));
  }

  override render() {
    // The title links to the plot's definition in "About this system".
    const about = (e: Event) => {
      e.preventDefault();
      this.dispatchEvent(new CustomEvent('about-plot', { detail: this.spec.id, bubbles: true, composed: true }));
    };
    return html`<h3><span class="title"><a href="#" data-testid="plot-about" title="What this plot shows" @click=${about}>${this.spec.title}</a><span class="kind">${scaleNote(this.spec)}</span></span>
        <button class="save" data-plot-export="svg" title="Save this plot as SVG (light background, with its legend)" @click=${() => this.save('svg')}>SVG</button>
        <button class="save" data-plot-export="png" title="Save this plot as PNG at 2× resolution" @click=${() => this.save('png')}>PNG</button></h3>
      <svg data-plot=${this.spec.id}></svg>
      <div class="legend" data-testid="legend-${this.spec.id}">
        ${this.legend.map((l) => html`<span><span class="swatch" style="background:${l.color}"></span>${l.label}</span>`)}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-plot': LabPlot;
  }
}
