// Play / pause, step N, reset and steps per frame.
import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { base } from '../theme';

@customElement('lab-run-controls')
export class RunControls extends LitElement {
  @property({ type: Boolean }) playing = false;
  @property({ type: Boolean }) disabled = false;
  @property({ type: Number }) stepsPerFrame = 1;
  @state() private stepN = 100;

  static override styles = [
    base,
    css`
      .row { display: flex; gap: 6px; align-items: center; margin-bottom: 6px; flex-wrap: wrap; }
      input[type='number'] { width: 72px; }
      .play { min-width: 84px; }
      kbd { font: 10px ui-monospace, monospace; border: 1px solid #30363d; border-radius: 3px; padding: 0 3px; color: #8b949e; }
    `,
  ];

  private emit(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  override render() {
    return html`
      <div class="row">
        <button class="primary play" data-testid="play" ?disabled=${this.disabled} @click=${() => this.emit('play-toggle')}
          title="Play / pause (space)">${this.playing ? '❚❚ Pause' : '▶ Play'}</button>
        <button data-testid="reset" ?disabled=${this.disabled} @click=${() => this.emit('reset')}>↺ Reset</button>
        <kbd>space</kbd>
      </div>
      <div class="row">
        <button data-testid="step" ?disabled=${this.disabled} @click=${() => this.emit('step', this.stepN)}>Step</button>
        <input type="number" data-testid="step-n" min="1" max="100000" .value=${String(this.stepN)}
          @change=${(e: Event) => (this.stepN = Math.max(1, Math.floor(Number((e.target as HTMLInputElement).value)) || 1))} />
        <span class="muted">steps</span>
      </div>
      <div class="row">
        <label class="muted">Steps / frame
          <input type="number" data-testid="steps-per-frame" min="1" max="1000" .value=${String(this.stepsPerFrame)}
            @change=${(e: Event) => this.emit('speed', Math.min(1000, Math.max(1, Math.floor(Number((e.target as HTMLInputElement).value)) || 1)))} />
        </label>
      </div>
    `;
  }
}
