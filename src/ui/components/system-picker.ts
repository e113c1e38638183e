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
  /** Params that differ from the preset: `name`, the preset's value, the current one. */
  @property({ attribute: false }) modified: readonly { name: string; label: string; preset: string; now: string }[] = [];

  static override styles = [
    base,
    css`
      label { display: grid; grid-template-columns: 64px 1fr; align-items: center; gap: 6px; margin-bottom: 6px; }
      p { margin: 2px 0 0; font-size: 12px; line-height: 1.35; }
      /* A fixed height (it scrolls), so changing a param never moves the controls under it. */
      .note { height: 6.9em; overflow-y: auto; font-size: 12px; }
      .modified { margin: 4px 0 0; color: #e3b341; }
      details { margin-top: 2px; }
      summary { cursor: pointer; color: #8b949e; }
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
      <div class="note">
        ${this.modified.length === 0 || !preset
          ? html`<p class="muted" data-testid="preset-description">${preset?.description ?? def?.description ?? ''}</p>`
          : html`<p class="modified" data-testid="preset-modified">modified from ${preset.name}:
                ${this.modified.map((m, i) => html`${i ? ', ' : ''}${m.label} ${m.preset} → ${m.now}`)}</p>
              <details><summary>the preset's description (true for its own values)</summary>
                <p class="muted" data-testid="preset-description">${preset.description}</p></details>`}
      </div>
    `;
  }
}
