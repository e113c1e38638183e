// Play / pause, step N, reset and steps per frame. Typed counts are checked like parameters:
// a value out of range shows the named range and is not applied (never clamped).
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { parseValue, type NumberParam } from '../../sims/params';
import { base } from '../theme';
import { formatSeconds } from '../../duration';

const STEP_N: NumberParam = {
  kind: 'number', name: 'steps', label: 'steps', unit: '', description: 'Steps taken by one click of Step.',
  default: 100, min: 1, max: 100_000, integer: true,
};
const STEPS_PER_FRAME: NumberParam = {
  kind: 'number', name: 'steps per frame', label: 'steps / frame', unit: '', description: 'Steps encoded per drawn frame while playing.',
  default: 1, min: 1, max: 1000, integer: true,
};

/** The largest step a run can reach (the GPU step clock is u32). */
const MAX_STEP = 4_294_967_295;


/** "Run to": a step, or a time where the system has a time step dt (then the step is (T − t)/dt ahead, rounded). */
export interface RunTarget {
  step: number;
}

@customElement('lab-run-controls')
export class RunControls extends LitElement {
  @property({ type: Boolean }) playing = false;
  @property({ type: Boolean }) disabled = false;
  @property({ type: Number }) stepsPerFrame = 1;
  /** The run's clock, for "Run to". */
  @property({ type: Number }) step = 0;
  @property({ type: Number }) time = 0;
  /** The system's time step, if it has one ("Run to t" needs it). */
  @property({ attribute: false }) dt: number | undefined;
  /** A running "Run to" (or long Step N). */
  @property({ attribute: false }) progress: { done: number; total: number; etaSeconds: number | undefined } | undefined;
  @state() private stepN = STEP_N.default;
  @state() private runKind: 'step' | 'time' = 'step';
  @state() private errors: Partial<Record<'step' | 'speed' | 'run', string>> = {};

  static override styles = [
    base,
    css`
      .row { display: flex; gap: 6px; align-items: center; margin-bottom: 6px; flex-wrap: wrap; }
      input[type='number'] { width: 72px; }
      input.bad { border-color: #f85149; }
      .play { min-width: 84px; }
      .error { color: #ff7b72; font-size: 12px; margin: -2px 0 6px; }
      .small { font-size: 12px; }
      progress { width: 110px; }
      kbd { font: 10px ui-monospace, monospace; border: 1px solid #30363d; border-radius: 3px; padding: 0 3px; color: #8b949e; }
    `,
  ];

  private emit(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** The typed count, or undefined with the field's message shown. */
  private read(field: 'step' | 'speed', spec: NumberParam, e: Event): number | undefined {
    const { [field]: _, ...rest } = this.errors;
    try {
      const v = parseValue(spec, (e.target as HTMLInputElement).value);
      this.errors = rest;
      return v;
    } catch (err) {
      this.errors = { ...rest, [field]: (err as Error).message };
      return undefined;
    }
  }

  /** "Run to" the typed step or time: the target step, or a message naming the allowed range. */
  private runTarget(text: string): number | undefined {
    const { run: _, ...rest } = this.errors;
    try {
      let target: number;
      if (this.runKind === 'step') {
        target = parseValue({ kind: 'number', name: 'run to step', label: '', unit: '', description: '', default: 0, min: this.step + 1, max: MAX_STEP, integer: true }, text) as number;
      } else {
        const dt = this.dt!;
        const t = parseValue({ kind: 'number', name: 'run to time', label: '', unit: '', description: '', default: 0, min: this.time, minExclusive: true, max: this.time + dt * (MAX_STEP - this.step) }, text) as number;
        target = this.step + Math.max(1, Math.round((t - this.time) / dt));
      }
      this.errors = rest;
      return target;
    } catch (err) {
      this.errors = { ...rest, run: (err as Error).message };
      return undefined;
    }
  }

  private error(field: 'step' | 'speed' | 'run') {
    const text = this.errors[field];
    return text ? html`<div class="error" role="alert" data-testid="${field}-error">${text}</div>` : nothing;
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
        <button data-testid="step" ?disabled=${this.disabled || !!this.errors.step} @click=${() => this.emit('step', this.stepN)}>Step</button>
        <input type="number" data-testid="step-n" min=${STEP_N.min} max=${STEP_N.max} class=${this.errors.step ? 'bad' : ''} .value=${String(this.stepN)}
          title=${STEP_N.description}
          @change=${(e: Event) => {
            const v = this.read('step', STEP_N, e);
            if (v !== undefined) this.stepN = v;
          }} />
        <span class="muted">steps</span>
      </div>
      ${this.error('step')}
      <div class="row">
        <label class="muted">Steps / frame
          <input type="number" data-testid="steps-per-frame" min=${STEPS_PER_FRAME.min} max=${STEPS_PER_FRAME.max}
            class=${this.errors.speed ? 'bad' : ''} .value=${String(this.stepsPerFrame)} title=${STEPS_PER_FRAME.description}
            @change=${(e: Event) => {
              const v = this.read('speed', STEPS_PER_FRAME, e);
              if (v !== undefined) this.emit('speed', v);
            }} />
        </label>
      </div>
      ${this.error('speed')}
      ${this.progress
        ? html`<div class="row" data-testid="run-progress">
            <progress max=${this.progress.total} .value=${this.progress.done}></progress>
            <span class="muted small" data-testid="run-progress-text">step ${this.step} · ${this.progress.done} / ${this.progress.total} · ≈ ${formatSeconds(this.progress.etaSeconds)} left</span>
            <button data-testid="run-stop" @click=${() => this.emit('play-toggle')}>Stop</button>
          </div>`
        : html`<div class="row">
            <button data-testid="run-to" ?disabled=${this.disabled} title="Play until this step (or time), then pause; progress and time left are shown"
              @click=${() => {
                const input = this.renderRoot.querySelector<HTMLInputElement>('[data-testid=run-to-value]')!;
                const target = this.runTarget(input.value);
                if (target !== undefined) this.emit('run-to', { step: target } satisfies RunTarget);
              }}>Run to</button>
            <select data-testid="run-to-kind" .value=${this.runKind} @change=${(e: Event) => (this.runKind = (e.target as HTMLSelectElement).value as 'step' | 'time')}>
              <option value="step">step</option>
              <option value="time" ?disabled=${this.dt === undefined}>time t</option>
            </select>
            <input type="number" data-testid="run-to-value" class=${this.errors.run ? 'bad' : ''} placeholder=${this.runKind === 'step' ? String(this.step + 1000) : String(this.time + 10)} />
          </div>`}
      ${this.error('run')}
    `;
  }
}
