// The "Score" panel of the active-matter system: online training of the score network (start /
// stop, loss curve, progress with ETA, settings for a new network from SCORE_SCHEMA), learned vs
// score-free EPR with its convergence check, the progress of a load and of the running evaluation
// ("evaluate now"), the binned map of the learned local EPR, and save / load of weights. All state
// lives in a ScoreSession; this only draws it.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { MetricInfo, MetricSample, PlotSpec } from '../../sims/types';
import type { ScoreSession } from '../../sims/mips/score/session';
import type { ScoreMap, ScoreEval } from '../../sims/mips/score/model';
import { GAP_THRESHOLD } from '../../sims/mips/score/convergence';
import { SCORE_SCHEMA, settingsFromParams, settingsToParams } from '../../sims/mips/score/config';
import { describeRange, withText, type NumberParam } from '../../sims/params';
import { base } from '../theme';
import '../plots/lab-plot';

const LOSS_PLOT: PlotSpec = { kind: 'series', id: 'score-loss', title: 'DSM loss (training)', x: 'trainStep', y: ['loss'], yLabel: 'loss' };
const EPR_PLOT: PlotSpec = { kind: 'series', id: 'score-epr', title: 'EPR: learned (both forms) vs score-free', y: ['eprLearned', 'eprLearnedDiv', 'eprScoreFree'], yLabel: 'EPR per particle' };
const METRICS: MetricInfo[] = [
  { name: 'loss', label: 'DSM loss', unit: '', description: 'Antithetic denoising score-matching loss per pair (mean over recent chunks).' },
  { name: 'trainStep', label: 'training step', unit: '', description: 'Accepted AdamW steps.' },
  { name: 'eprLearned', label: 'EPR (learned)', unit: '1/time per particle', description: 'From the learned score: γ E|g + s_g|² (+ position part when Dt > 0).' },
  { name: 'eprLearnedDiv', label: 'EPR (learned, divergence form)', unit: '1/time per particle', description: 'γ E[−d − div_g s_g] + position part: equals the learned EPR for an exact score.' },
  { name: 'eprScoreFree', label: 'EPR (score-free)', unit: '1/time per particle', description: '−E[div_x b_x] (Dt = 0) or E[|b_x|²/Dt + div_x b_x] (Dt > 0): exact in steady state, no score needed.' },
];

export const MAX_TRAIN_STEPS = 1_000_000;

/** The "train to N steps" field: an integer in [1, MAX_TRAIN_STEPS], or a message naming the range. */
export function parseTrainSteps(text: string): number | string {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v) || v < 1 || v > MAX_TRAIN_STEPS) {
    return `training steps must be an integer in [1, ${MAX_TRAIN_STEPS}]; got "${text}"`;
  }
  return v;
}

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;

/** The convergence verdict beside a learned EPR. */
function verdict(e: ScoreEval) {
  const c = e.convergence;
  return html`divergence form <b data-testid="score-epr-div">${c.eprDiv.toPrecision(4)}</b> · gap ${pct(c.gap)} ± ${pct(c.gapErr)}:
    ${c.converged
      ? html`<span data-testid="score-converged" class="ok">converged (gap ≤ ${pct(GAP_THRESHOLD)})</span>`
      : html`<span data-testid="score-converged" class="error">not converged (gap > ${pct(GAP_THRESHOLD)}): train longer</span>`}`;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '–';
  return s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`;
}

/** Blue (negative) – grey – red (positive), as the particle overlay. */
function diverging(t: number): string {
  const x = Math.max(-1, Math.min(1, t));
  const mid = [219, 219, 219];
  const end = x >= 0 ? [204, 31, 26] : [33, 89, 204];
  const a = Math.abs(x);
  return `rgb(${mid.map((m, i) => Math.round(m + (end[i]! - m) * a)).join(',')})`;
}

@customElement('lab-score-panel')
export class ScorePanel extends LitElement {
  @property({ attribute: false }) session: ScoreSession | undefined;
  @property({ attribute: false }) samples: readonly MetricSample[] = [];
  @property({ type: Number }) version = 0;
  @property({ type: Number }) total = 3000;
  /** Message for a bad "train to" value (never clamped: Train stays disabled until it is fixed). */
  @state() private totalError = '';
  /** Message for a bad network setting (Train stays disabled until it is fixed). */
  @state() private settingsError = '';
  @query('canvas') private canvas!: HTMLCanvasElement;

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
    `,
  ];

  private emit(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private lossSamples(): MetricSample[] {
    const h = this.session?.lossHistory ?? [];
    const stride = Math.max(1, Math.ceil(h.length / 400));
    const out: MetricSample[] = [];
    for (let i = 0; i < h.length; i += stride) {
      const w = h.slice(Math.max(0, i - 10), i + 1);
      out.push({ step: h[i]!.step, time: h[i]!.step, scalars: { trainStep: h[i]!.step, loss: w.reduce((a, b) => a + b.loss, 0) / w.length } });
    }
    return out;
  }

  override updated(): void {
    this.drawMap(this.session?.model?.last?.map);
  }

  private drawMap(map: ScoreMap | undefined): void {
    const c = this.canvas;
    if (!c) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    if (!map) {
      ctx.clearRect(0, 0, c.width, c.height);
      return;
    }
    const B = map.binsPerSide;
    c.width = B;
    c.height = B;
    let scale = 0;
    let cnt = 0;
    map.localEpr.forEach((v) => {
      if (Number.isFinite(v)) {
        scale += Math.abs(v);
        cnt++;
      }
    });
    scale = (3 * scale) / Math.max(cnt, 1) || 1;
    for (let y = 0; y < B; y++) {
      for (let x = 0; x < B; x++) {
        const v = map.localEpr[y * B + x]!;
        ctx.fillStyle = Number.isFinite(v) ? diverging(v / scale) : '#0d1117';
        ctx.fillRect(x, B - 1 - y, 1, 1); // y up, as the viewport
      }
    }
  }

  /** Settings for a new network, each field parsed through SCORE_SCHEMA (with its cross-checks). */
  private renderSettings(s: ScoreSession) {
    const values = settingsToParams(s.settings);
    return html`<details data-testid="score-settings"><summary class="small">Settings for a new network (used when Train builds one: none loaded, or it does not fit the system)</summary>
      <div class="settings">
        ${SCORE_SCHEMA.specs.map((spec) => {
          const p = spec as NumberParam;
          return html`<label title=${`${p.description} ${describeRange(p)}.`}>${p.label}
            <input type="text" inputmode="decimal" data-testid=${`score-setting-${p.name.slice(6)}`} .value=${String(values[p.name])} ?disabled=${s.training}
              @change=${(e: Event) => {
                const text = (e.target as HTMLInputElement).value;
                try {
                  s.settings = settingsFromParams(withText(SCORE_SCHEMA, values, { [p.name]: text }));
                  this.settingsError = '';
                } catch (err) {
                  this.settingsError = (err as Error).message;
                }
              }} /></label>`;
        })}
      </div>
      ${this.settingsError ? html`<div class="error" role="alert" data-testid="score-settings-error">${this.settingsError}</div>` : nothing}
    </details>`;
  }

  private renderEvaluation(s: ScoreSession) {
    const m = s.model;
    if (!m) return nothing;
    const ev = m.progress;
    const last = m.last;
    return html`<div class="row small" data-testid="score-eval" data-count=${s.evaluations}>
        ${last
          ? html`<span>learned EPR of step <b data-testid="score-epr-step">${last.step}</b>: <b data-testid="score-epr">${last.eprLearned.toPrecision(4)}</b> · ${verdict(last)}</span>`
          : html`<span class="muted">no learned EPR yet</span>`}
        ${ev ? html`<progress max=${ev.total} .value=${ev.done}></progress>
              <span class="muted" data-testid="score-eval-progress">evaluating step ${ev.step}: ${ev.done} / ${ev.total} chunks of ${s.chunk} particles</span>` : nothing}
        <button data-testid="score-evaluate" @click=${() => s.evaluateNow()}>Evaluate now</button>
      </div>
      ${last ? html`<div class="row small">mean |g + s_g| ${last.meanCurrent.toPrecision(3)} · mean local EPR ${last.meanLocalEpr.toPrecision(3)}
            <button @click=${() => this.emit('score-color', 'scoreEpr')}>Colour by local EPR</button>
            <button @click=${() => this.emit('score-color', 'scoreCurrent')}>Colour by current</button></div>` : nothing}`;
  }

  override render() {
    const s = this.session;
    if (!s) return nothing;
    const m = s.model;
    const p = s.progress;
    return html`
      <h2>Score network</h2>
      <div class="row">
        <button class="primary" data-testid="score-train" ?disabled=${!s.training && (this.totalError !== '' || this.settingsError !== '')}
          @click=${() => this.emit(s.training ? 'score-stop' : 'score-train', this.total)}>
          ${s.training ? '■ Stop training' : '▶ Train'}</button>
        <span class="muted">to</span>
        <input type="number" min="1" max=${MAX_TRAIN_STEPS} step="1" data-testid="score-total" .value=${String(this.total)} ?disabled=${s.training}
          aria-invalid=${this.totalError ? 'true' : 'false'}
          @input=${(e: Event) => {
            const v = parseTrainSteps((e.target as HTMLInputElement).value);
            this.totalError = typeof v === 'string' ? v : '';
            if (typeof v === 'number') this.total = v;
          }} />
        <span class="muted">steps (accepted AdamW steps)</span>
        ${this.totalError ? html`<span class="error" role="alert" data-testid="score-total-error">${this.totalError}</span>` : nothing}
        <button data-testid="score-save" ?disabled=${!m} @click=${() => this.emit('score-save')}>Save weights</button>
        <label><button data-testid="score-load" @click=${(e: Event) => ((e.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement).click()}>Load weights…</button><input
          type="file" accept=".bin" hidden data-testid="score-file"
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            const f = input.files?.[0];
            input.value = '';
            if (f) this.emit('score-load', f);
          }} /></label>
      </div>
      ${this.renderSettings(s)}
      <div class="row small" data-testid="score-status">
        ${s.loading ? html`<span data-testid="score-loading">loading: ${s.loading}</span>`
          : p ? html`<progress max=${p.total} .value=${p.steps}></progress>
              <span>${p.steps} / ${p.total} · loss ${p.smoothLoss.toFixed(3)} · ${p.samplesPerS.toFixed(0)} samples/s · ETA ${s.training ? fmtTime(p.etaS) : '–'}</span>`
          : html`<span class="muted">${m ? `weights: ${s.source} · ${m.settings.width}×${m.settings.depth}, ${m.settings.neighbors} neighbours` : 'no network yet: train one (online, on this run) or load weights'}</span>`}
      </div>
      ${this.renderEvaluation(s)}
      <div class="grid">
        <lab-plot .spec=${LOSS_PLOT} .samples=${this.lossSamples()} .metrics=${METRICS} version=${this.version}></lab-plot>
        <lab-plot .spec=${EPR_PLOT} .samples=${this.samples} .metrics=${METRICS} version=${this.version}></lab-plot>
        <div class="map">
          <h3>Learned local EPR, binned (−d − div_g s_g)</h3>
          <canvas data-testid="score-map"></canvas>
          <div class="small muted">blue &lt; 0 · grey 0 · red &gt; 0 (scale: 3 × mean |local EPR|)</div>
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-score-panel': ScorePanel;
  }
}
