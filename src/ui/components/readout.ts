// FPS, steps/s, GPU time per step, step and time.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Stats } from '../runner';

@customElement('lab-readout')
export class Readout extends LitElement {
  @property({ attribute: false }) stats: Stats = { fps: 0, stepsPerSecond: 0 };
  @property({ type: Number }) step = 0;
  @property({ type: Number }) time = 0;
  @property({ type: Number }) count = 0;

  static override styles = css`
    :host { display: flex; gap: 14px; font: 12px ui-monospace, SFMono-Regular, monospace; color: #c9d1d9; flex-wrap: wrap; }
    b { color: #8b949e; font-weight: 400; margin-right: 4px; }
  `;

  override render() {
    const s = this.stats;
    const gpu = s.gpuMsPerStep === undefined ? '—' : `${s.gpuMsPerStep < 0.1 ? s.gpuMsPerStep.toFixed(3) : s.gpuMsPerStep.toFixed(2)} ms/step`;
    return html`
      <span data-testid="step-count"><b>step</b>${this.step}</span>
      <span><b>t</b>${this.time.toPrecision(4)}</span>
      <span><b>N</b>${this.count.toLocaleString('en-US')}</span>
      <span data-testid="fps"><b>fps</b>${s.fps.toFixed(0)}</span>
      <span><b>steps/s</b>${s.stepsPerSecond.toFixed(0)}</span>
      <span title=${s.timingMethod === 'timestamp' ? 'GPU timestamp queries' : 'queue completion (no timestamp queries)'}><b>GPU</b>${gpu}</span>
    `;
  }
}
