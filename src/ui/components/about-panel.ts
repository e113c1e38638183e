// "About this system": the equations (native MathML), what every plot shows (from the plot specs
// and the metrics' own descriptions, so it cannot drift from what is drawn) and the references.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { MetricInfo, PlotSpec, SimDefinition } from '../../sims/types';
import { base, panel } from '../theme';
import { LOSS_METRICS, lossPlot } from './model-panel';

/** The anchor of a plot's definition in the panel. */
export const aboutPlotId = (plot: string) => `about-plot-${plot}`;

function metricLine(metrics: readonly MetricInfo[], name: string) {
  const m = metrics.find((x) => x.name === name);
  if (!m) return html`<li><code>${name}</code></li>`;
  return html`<li><strong>${m.label}</strong>${m.unit ? html` <span class="muted">(${m.unit})</span>` : nothing}: ${m.description}</li>`;
}

/** What a plot draws: its axes and, for time series, each metric's definition. */
function plotDefinition(spec: PlotSpec, metrics: readonly MetricInfo[]) {
  switch (spec.kind) {
    case 'series':
      return html`<p class="muted">${spec.y.length > 1 ? 'Lines' : 'A line'} against ${spec.x && spec.x !== 'time' ? metrics.find((m) => m.name === spec.x)?.label ?? spec.x : 'time'}${spec.logY ? ', log y' : ''}:</p>
        <ul>${spec.y.map((y) => metricLine(metrics, y))}</ul>`;
    case 'histogram':
      return html`<p class="muted">Histogram of the latest sample${spec.xLabel ? html` over <em>${spec.xLabel}</em>` : nothing}${spec.heights === 'as-is' ? ` (${spec.yLabel ?? 'counts'})` : ', each bin as a fraction of the total'}; a reference, where there is one, is the step line.</p>`;
    case 'histogram-time':
      return html`<p class="muted">The histogram's history as a heatmap: time across, ${spec.yLabel ?? 'the bins'} up; each column normalised to its largest bin (colour bar 0–1).</p>`;
    case 'curves':
      return html`<p class="muted">${spec.yLabel ?? 'y'} against ${spec.xLabel ?? 'x'}${spec.logX && spec.logY ? ' on log–log axes' : ''}; the legend gives each curve's fitted slope.</p>`;
  }
}

@customElement('lab-about')
export class AboutPanel extends LitElement {
  @property({ attribute: false }) def: SimDefinition | undefined;
  @query('dialog') private dialog!: HTMLDialogElement;

  static override styles = [
    base,
    panel,
    css`
      .body { padding: 4px 18px 18px; }
      h3 { margin: 18px 0 6px; font-size: 14px; }
      math { font-size: 16px; margin: 8px 0; overflow-x: auto; }
      dt { font-weight: 600; margin-top: 10px; scroll-margin-top: 60px; }
      dt.target { color: #58a6ff; }
      dd { margin: 2px 0 0 14px; }
      ul { margin: 2px 0; padding-left: 18px; }
      li { margin: 2px 0; }
      code { font-size: 12px; color: #d2a8ff; }
    `,
  ];

  /** Opens the panel, at a plot's definition when `plot` is given. */
  async show(plot?: string): Promise<void> {
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    for (const t of this.renderRoot.querySelectorAll('dt.target')) t.classList.remove('target');
    const target = plot ? this.renderRoot.querySelector<HTMLElement>(`#${aboutPlotId(plot)}`) : undefined;
    if (target) {
      target.classList.add('target');
      target.scrollIntoView({ block: 'start' });
    } else {
      this.renderRoot.querySelector('.body')?.scrollTo?.({ top: 0 });
    }
  }

  close(): void {
    this.dialog?.close();
  }

  override render() {
    const def = this.def;
    if (!def) return html`<dialog></dialog>`;
    const plots = [...def.plots, ...(def.model ? [lossPlot(def.model), ...def.model.plots] : [])];
    const metrics = [...def.metrics, ...LOSS_METRICS];
    return html`<dialog data-testid="about" @click=${(e: Event) => e.target === this.dialog && this.close()}>
      <div class="head"><h1>About: ${def.title}</h1><button data-testid="about-close" @click=${() => this.close()}>Close</button></div>
      <div class="body">
        <p>${def.description}</p>
        ${def.about.sections.map((s) => html`<section id="about-${s.id}"><h3>${s.title}</h3>${unsafeHTML(s.html)}</section>`)}
        <h3>What the plots show</h3>
        <dl>
          ${plots.map((p) => html`<dt id=${aboutPlotId(p.id)}>${p.title}</dt><dd>${plotDefinition(p, metrics)}</dd>`)}
        </dl>
        <h3>References</h3>
        <ul data-testid="about-references">${def.about.references.map((r) => html`<li><strong>[${r.key}]</strong> ${r.text}</li>`)}</ul>
        <p class="muted">The long form, with every estimator's derivation and the tests that check it: docs/science.md in the repository.</p>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-about': AboutPanel;
  }
}
