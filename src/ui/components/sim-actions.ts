// A system's on-demand actions (e.g. "Measure convergence") as buttons.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SimAction } from '../../sims/types';
import { base } from '../theme';

@customElement('lab-sim-actions')
export class SimActions extends LitElement {
  @property({ attribute: false }) actions: readonly SimAction[] = [];
  @property() running = '';

  static override styles = [base, css`.row { display: flex; flex-wrap: wrap; gap: 6px; }`];

  override render() {
    if (this.actions.length === 0) return nothing;
    return html`<h2>Actions</h2>
      <div class="row">
        ${this.actions.map(
          (a) => html`<button data-action=${a.name} title=${a.description} ?disabled=${this.running !== ''}
            @click=${() => this.dispatchEvent(new CustomEvent('action', { detail: a.name, bubbles: true, composed: true }))}>
            ${this.running === a.name ? `${a.label}…` : a.label}</button>`,
        )}
      </div>`;
  }
}
