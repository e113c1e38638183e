// Record: the viewport to WebM or MP4 for a chosen number of steps (or until Stop), with progress.
// The step count is checked like a parameter: out of range shows the named range and records nothing.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { parseValue, type NumberParam } from '../../sims/params';
import type { VideoFormat } from '../recording';
import { base } from '../theme';

const RECORD_STEPS: NumberParam = {
  kind: 'number', name: 'record steps', label: 'steps', unit: '', description: 'Steps the recording runs for (one video frame per drawn frame).',
  default: 300, min: 1, max: 1_000_000, integer: true,
};

export interface RecordRequest {
  format: VideoFormat;
  steps: number;
}

@customElement('lab-record-controls')
export class RecordControls extends LitElement {
  @property({ type: Boolean }) disabled = false;
  /** Progress of the running recording; undefined when none runs. */
  @property({ attribute: false }) progress: { frames: number; steps: number; total: number } | undefined;
  @state() private format: VideoFormat = 'webm';
  @state() private steps = RECORD_STEPS.default;
  @state() private error = '';

  static override styles = [
    base,
    css`
      .row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
      input[type='number'] { width: 80px; }
      input.bad { border-color: #f85149; }
      .rec { color: #ff7b72; }
      progress { width: 120px; }
      .error { color: #ff7b72; font-size: 12px; margin-top: 4px; }
      .small { font-size: 12px; }
    `,
  ];

  private emit(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private setSteps(text: string): void {
    try {
      this.steps = parseValue(RECORD_STEPS, text) as number;
      this.error = '';
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  override render() {
    const p = this.progress;
    return html`<h2>Record video</h2>
      <div class="row">
        ${p
          ? html`<button class="rec" data-testid="record-stop" @click=${() => this.emit('record-stop')}>■ Stop and save</button>
              <progress data-testid="record-progress" max=${p.total} .value=${Math.min(p.steps, p.total)}></progress>
              <span class="small muted" data-testid="record-status">${p.frames} frames · step ${p.steps} / ${p.total}</span>`
          : html`<button class="rec" data-testid="record" ?disabled=${this.disabled || this.error !== ''}
                title="Plays the run and records the viewport (with its colour bar and step stamp), one frame per drawn frame at 30 fps"
                @click=${() => this.emit('record-start', { format: this.format, steps: this.steps } satisfies RecordRequest)}>● Record</button>
              <input type="number" data-testid="record-steps" class=${this.error ? 'bad' : ''} .value=${String(this.steps)} min="1" step="1"
                @change=${(e: Event) => this.setSteps((e.target as HTMLInputElement).value)} />
              <span class="small muted">steps as</span>
              <select data-testid="record-format" .value=${this.format} @change=${(e: Event) => (this.format = (e.target as HTMLSelectElement).value as VideoFormat)}>
                <option value="webm">WebM</option><option value="mp4">MP4</option>
              </select>`}
      </div>
      ${this.error ? html`<div class="error" role="alert" data-testid="record-error">${this.error}</div>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-record-controls': RecordControls;
  }
}
