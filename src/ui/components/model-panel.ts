// The panel of a system's learned model (mips: the score network), drawn from the model contract
// alone: online training (start / stop, "train to" steps, progress with ETA, the loss curve),
// settings for a new network from the model's schema, the load stages, save / load of weights,
// then what the session's view() shows (rows of readouts and buttons, a binned map) and the
// model's plots. All state lives in the session; a reactive controller redraws on its changes.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ModelSession, SimModel, ViewControl, ViewRow } from '../../sims/model';
import { describeRange, withText } from '../../sims/params';
import type { MetricInfo, MetricSample, PlotSpec } from '../../sims/types';
import { ModelSessionController } from '../model-controller';
import { binMapBar, drawBinMap } from '../plots/bin-map';
import { colorBar, type ColorBar } from '../viewport/color-bar';
import { base } from '../theme';
import { formatSeconds } from '../../duration';
import '../plots/lab-plot';

export const MAX_TRAIN_STEPS = 1_000_000;

/** The "train to N steps" field: an integer in [1, MAX_TRAIN_STEPS], or a message naming the range. */
export function parseTrainSteps(text: string): number | string {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v) || v < 1 || v > MAX_TRAIN_STEPS) {
    return `training steps must be an integer in [1, ${MAX_TRAIN_STEPS}]; got "${text}"`;
  }
  return v;
}

export const LOSS_METRICS: MetricInfo[] = [
  { name: 'loss', label: 'loss', unit: '', description: 'Training loss (mean over the last steps).' },
  { name: 'trainStep', label: 'training step', unit: '', description: 'Accepted optimiser steps.' },
];

/** The panel's own plot: the model's training loss (a running mean over 10 chunks) against accepted steps. */
export function lossPlot(model: SimModel): PlotSpec {
  return { kind: 'series', id: `${model.id}-loss`, title: 'Training loss', x: 'trainStep', y: ['loss'], yLabel: 'loss' };
}

@customElement('lab-model-panel')
export class ModelPanel extends LitElement {
  @property({ attribute: false }) model!: SimModel;
  @property({ attribute: false }) session: ModelSession | undefined;
  /** The run's samples and the system's metrics, for the model's plots. */
  @property({ attribute: false }) samples: readonly MetricSample[] = [];
  @property({ attribute: false }) metrics: readonly MetricInfo[] = [];
  @property({ type: Number }) version = 0;
  @property({ type: Number }) total = 3000;
  /** Message for a bad "train to" value (never clamped: Train stays disabled until it is fixed). */
  @state() private totalError = '';
  /** Message for a bad network setting (Train stays disabled until it is fixed). */
  @state() private settingsError = '';
  @query('canvas') private canvas!: HTMLCanvasElement | null;
  private readonly watcher = new ModelSessionController(this);
  /** Bumped on every session change, so the plots redraw with it. */
  private changes = 0;

  static override styles = [
    base,
    css`
      :host { display: block; background: #161b22; border: 1px solid #30363d; border-radius: 8px; padding: 8px 10px; }
      .row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
      .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; margin-top: 6px; }
      progress { width: 160px; }
      input[type='number'] { width: 80px; }
      canvas { width: 100%; max-width: 280px; aspect-ratio: 1; image-rendering: pixelated; border: 1px solid #30363d; display: block; }
      .map { background: #161b22; border: 1px solid #30363d; border-radius: 8px; padding: 8px 10px; }
      h3 { margin: 0 0 4px; font: 600 13px system-ui, sans-serif; }
      .small { font-size: 11px; }
      .error { color: #f85149; font-size: 12px; }
      .ok { color: #3fb950; }
      details { margin: 4px 0 6px; }
      .settings { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 4px 10px; margin-top: 4px; }
      .settings label { display: flex; gap: 4px; align-items: center; justify-content: space-between; font-size: 12px; }
      details.panel { margin: 0; }
      details.panel > summary { cursor: pointer; list-style-position: inside; }
      details.panel > summary h2 { display: inline; }
      details.panel[open] > summary { margin-bottom: 6px; }
    `,
  ];

  private testId(id: string): string {
    return `${this.model.id}-${id}`;
  }

  private emit(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Whether a network is loaded; reflected so the lab can place an empty panel after its plots. */
  @property({ type: Boolean, reflect: true }) loaded = false;
  /** The panel's body is shown (the user may fold it away). */
  @state() private open = true;

  override willUpdate(): void {
    this.watcher.watch(this.session);
    this.changes++;
    this.loaded = !!this.session?.describe();
  }

  private mapBar: { key: string; bar: ColorBar } | undefined;

  override updated(): void {
    const map = this.session?.view().map;
    if (this.canvas) drawBinMap(this.canvas, map);
    const host = this.renderRoot.querySelector<HTMLElement>('.map-bar');
    const spec = map && host ? binMapBar(map) : undefined;
    const key = spec ? JSON.stringify([spec.label, spec.min]) : '';
    if (this.mapBar?.key === key && this.mapBar.bar.element.isConnected) return;
    this.mapBar?.bar.dispose();
    this.mapBar = spec ? { key, bar: colorBar(host!, spec, 'inline') } : undefined;
  }

  /** The loss history as samples (a running mean over 10 chunks; at most ~400 points). */
  private lossSamples(s: ModelSession): MetricSample[] {
    const h = s.lossHistory;
    const stride = Math.max(1, Math.ceil(h.length / 400));
    const out: MetricSample[] = [];
    for (let i = 0; i < h.length; i += stride) {
      const w = h.slice(Math.max(0, i - 10), i + 1);
      out.push({ step: h[i]!.step, time: h[i]!.step, scalars: { trainStep: h[i]!.step, loss: w.reduce((a, b) => a + b.loss, 0) / w.length } });
    }
    return out;
  }

  /** Settings for a new network, each field parsed through the model's schema (with its cross-checks). */
  private renderSettings(s: ModelSession) {
    const schema = this.model.settings;
    const values = s.settingsParams();
    return html`<details data-testid=${this.testId('settings')}><summary class="small">Settings for a new network (used when Train builds one: none loaded, or it does not fit the system)</summary>
      <div class="settings">
        ${schema.specs.map((spec) => html`<label title=${`${spec.description} ${describeRange(spec)}.`}>${spec.label}
            <input type="text" inputmode="decimal" data-testid=${this.testId(`setting-${spec.name.slice(this.model.prefix.length)}`)} .value=${String(values[spec.name])} ?disabled=${s.training}
              @change=${(e: Event) => {
                const text = (e.target as HTMLInputElement).value;
                try {
                  // The session's current settings: a field changed since this render is kept.
                  s.useSettings(withText(schema, s.settingsParams(), { [spec.name]: text }));
                  this.settingsError = '';
                } catch (err) {
                  this.settingsError = (err as Error).message;
                }
              }} /></label>`)}
      </div>
      ${this.settingsError ? html`<div class="error" role="alert" data-testid=${this.testId('settings-error')}>${this.settingsError}</div>` : nothing}
    </details>`;
  }

  private renderStatus(s: ModelSession) {
    const p = s.progress;
    const network = s.describe();
    if (s.loading) return html`<span data-testid=${this.testId('loading')}>loading: ${s.loading}</span>`;
    if (p) {
      return html`<progress max=${p.total} .value=${p.steps}></progress>
        <span>${p.steps} / ${p.total} · loss ${p.smoothLoss.toFixed(3)} · ${p.samplesPerS.toFixed(0)} samples/s · ETA ${s.training ? formatSeconds(p.etaS) : '–'}</span>`;
    }
    return html`<span class="muted">${network ? `weights: ${s.source} · ${network}` : 'no network yet: train one (online, on this run) or load weights'}</span>`;
  }

  private renderRow(row: ViewRow) {
    const data = row.data ?? {};
    return html`<div class="row small" data-testid=${row.id ? this.testId(row.id) : nothing} data-count=${data.count ?? nothing}>
      ${row.parts.map((p) => {
        const cls = p.tone === 'strong' ? '' : p.tone ?? '';
        const text = p.tone === 'strong' ? html`<b>${p.text}</b>` : p.text;
        return html`<span class=${cls} data-testid=${p.id ? this.testId(p.id) : nothing}>${text}</span>`;
      })}
      ${row.progress ? html`<progress max=${row.progress.total} .value=${row.progress.done}></progress>` : nothing}
      ${(row.controls ?? []).map((c) => this.renderControl(c))}
      ${(row.buttons ?? []).map((b) => html`<button data-testid=${b.id ? this.testId(b.id) : nothing} @click=${() => b.press()}>${b.label}</button>`)}
    </div>`;
  }

  private renderControl(c: ViewControl) {
    const id = this.testId(c.id);
    const changed = (e: Event) => c.change((e.target as HTMLInputElement | HTMLSelectElement).value);
    if (c.options) {
      return html`<label>${c.label}
        <select data-testid=${id} @change=${changed}>
          ${c.options.map((o) => html`<option value=${o.value} ?selected=${o.value === c.value}>${o.label}</option>`)}
        </select></label>`;
    }
    const r = c.range!;
    return html`<label>${c.label}
      <input type="range" data-testid=${id} min=${r.min} max=${r.max} step=${r.step} .value=${c.value} @input=${changed} />
      <output>${c.value}</output></label>`;
  }

  override render() {
    const s = this.session;
    if (!s) return nothing;
    const view = s.view();
    const version = this.version + this.changes;
    return html`<details class="panel" ?open=${this.open} @toggle=${(e: Event) => (this.open = (e.target as HTMLDetailsElement).open)}>
      <summary data-testid=${this.testId('fold')}><h2>${this.model.title}</h2>
        <span class="muted small">${s.describe() ? '' : ' · no network loaded: train one or load weights'}</span></summary>
      <div class="row">
        <button class="primary" data-testid=${this.testId('train')} ?disabled=${!s.training && (this.totalError !== '' || this.settingsError !== '')}
          @click=${() => (s.training ? void s.stop() : s.start(this.total))}>
          ${s.training ? '■ Stop training' : '▶ Train'}</button>
        <span class="muted">to</span>
        <input type="number" min="1" max=${MAX_TRAIN_STEPS} step="1" data-testid=${this.testId('total')} .value=${String(this.total)} ?disabled=${s.training}
          aria-invalid=${this.totalError ? 'true' : 'false'}
          @input=${(e: Event) => {
            const v = parseTrainSteps((e.target as HTMLInputElement).value);
            this.totalError = typeof v === 'string' ? v : '';
            if (typeof v === 'number') this.total = v;
          }} />
        <span class="muted">steps (accepted optimiser steps)</span>
        ${this.totalError ? html`<span class="error" role="alert" data-testid=${this.testId('total-error')}>${this.totalError}</span>` : nothing}
        <button data-testid=${this.testId('save')} ?disabled=${!s.describe()} @click=${() => this.emit('model-save')}>Save weights</button>
        <label><button data-testid=${this.testId('load')} @click=${(e: Event) => ((e.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement).click()}>Load weights…</button><input
          type="file" accept=".safetensors,.bin" hidden data-testid=${this.testId('file')}
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            const f = input.files?.[0];
            input.value = '';
            if (f) this.emit('model-load', f);
          }} /></label>
      </div>
      ${this.renderSettings(s)}
      <div class="row small" data-testid=${this.testId('status')}>${this.renderStatus(s)}</div>
      ${view.rows.map((r) => this.renderRow(r))}
      <div class="grid">
        <lab-plot .spec=${lossPlot(this.model)} .samples=${this.lossSamples(s)} .metrics=${LOSS_METRICS} version=${version}></lab-plot>
        ${this.model.plots.map((p) => html`<lab-plot .spec=${p} .samples=${this.samples} .metrics=${this.metrics} version=${version}></lab-plot>`)}
        ${view.map
          ? html`<div class="map">
              <h3>${view.map.title}</h3>
              <canvas data-testid=${this.testId(view.map.id)}></canvas>
              <div class="map-bar"></div>
            </div>`
          : nothing}
      </div>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-model-panel': ModelPanel;
  }
}
