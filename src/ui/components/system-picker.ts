// Picks the system and its preset.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SimDefinition } from '../../sims/types';
import { base } from '../theme';

@customElement('lab-system-picker')
export class SystemPicker extends LitElement {
  @property({ attribute: false }) systems: readonly SimDefinition[] = [];
  @property() system = '';
  @property() preset = '';

  static override styles = [
    base,
    css`
      label { display: grid; grid-template-columns: 64px 1fr; align-items: center; gap: 6px; margin-bottom: 6px; }
      p { margin: 2px 0 0; font-size: 12px; }
    `,
  ];

  private emit(type: string, value: string): void {
    this.dispatchEvent(new CustomEvent(type, { detail: value, bubbles: true, composed: true }));
  }

  override render() {
    const def = this.systems.find((s) => s.id === this.system);
    const preset = def?.presets.find((p) => p.name === this.preset);
    return html`
      <label>System
        <select data-testid="system" .value=${this.system} @change=${(e: Event) => this.emit('system-change', (e.target as HTMLSelectElement).value)}>
          ${this.systems.map((s) => html`<option value=${s.id} ?selected=${s.id === this.system}>${s.title}</option>`)}
        </select>
      </label>
      <label>Preset
        <select data-testid="preset" .value=${this.preset} @change=${(e: Event) => this.emit('preset-change', (e.target as HTMLSelectElement).value)}>
          ${def?.presets.map((p) => html`<option value=${p.name} ?selected=${p.name === this.preset}>${p.name}</option>`)}
        </select>
      </label>
      <p class="muted">${preset?.description ?? def?.description ?? ''}</p>
    `;
  }
}
