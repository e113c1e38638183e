// A system's on-demand actions (e.g. "Measure convergence") as buttons.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SimAction } from '../../sims/types';
import { base } from '../theme';
import { formatSeconds } from '../../duration';

@customElement('lab-sim-actions')
export class SimActions extends LitElement {
  @property({ attribute: false }) actions: readonly SimAction[] = [];
  @property() running = '';
  /** The running action's progress (done of total, since when); shown once it has run a second. */
  @property({ attribute: false }) progress: { done: number; total: number; startedAt: number } | undefined;

  static override styles = [
    base,
    css`
      .row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
      progress { width: 140px; }
      .small { font-size: 12px; }
    `,
  ];

  private renderProgress() {
    const p = this.progress;
    if (!this.running || !p) return nothing;
    const elapsed = (performance.now() - p.startedAt) / 1000;
    if (elapsed < 1) return nothing;
    const eta = p.done > 0 ? (elapsed * (p.total - p.done)) / p.done : undefined;
    return html`<div class="row" data-testid="action-progress">
      <progress max=${p.total || 1} .value=${p.done}></progress>
      <span class="muted small">${p.total ? `${Math.round((100 * p.done) / p.total)} %` : ''} · ${formatSeconds(elapsed)} so far · ≈ ${formatSeconds(eta)} left</span>
    </div>`;
  }

  override render() {
    if (this.actions.length === 0) return nothing;
    return html`<h2>Actions</h2>
      <div class="row">
        ${this.actions.map(
          (a) => html`<button data-action=${a.name} title=${a.description} ?disabled=${this.running !== ''}
            @click=${() => this.dispatchEvent(new CustomEvent('action', { detail: a.name, bubbles: true, composed: true }))}>
            ${this.running === a.name ? `${a.label}…` : a.label}</button>`,
        )}
      </div>
      ${this.renderProgress()}`;
  }
}
