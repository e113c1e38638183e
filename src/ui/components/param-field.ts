// One parameter from the schema: the right input for its kind, its unit, range, description,
// a "rebuild" mark, and an inline message when a typed value is rejected (nothing is clamped).
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { describeRange, type ParamSpec, type ParamValue } from '../../sims/params';
import { base } from '../theme';

export interface ParamInput {
  name: string;
  text: string;
}

@customElement('lab-param-field')
export class ParamField extends LitElement {
  @property({ attribute: false }) spec!: ParamSpec;
  @property({ attribute: false }) value!: ParamValue;
  @property() error = '';

  static override styles = [
    base,
    css`
      :host { display: block; padding: 5px 0; border-bottom: 1px solid #21262d; }
      .row { display: grid; grid-template-columns: minmax(0, 1fr) 132px; gap: 8px; align-items: center; }
      .name { font-weight: 500; }
      .code { color: #8b949e; font: 11px ui-monospace, monospace; margin-left: 4px; }
      .rebuild { font-size: 10px; color: #e3b341; border: 1px solid #9e6a03; border-radius: 4px; padding: 0 3px; margin-left: 4px; }
      .input { display: flex; align-items: center; gap: 4px; }
      .input input[type='text'], .input select { width: 100%; }
      .unit { color: #8b949e; font-size: 11px; margin-left: 4px; }
      .desc { font-size: 11px; color: #8b949e; margin-top: 2px; }
      .error { color: #ff7b72; font-size: 12px; margin-top: 3px; }
      input.bad { border-color: #f85149; }
    `,
  ];

  private commit(text: string): void {
    this.dispatchEvent(
      new CustomEvent<ParamInput>('param-input', { detail: { name: this.spec.name, text }, bubbles: true, composed: true }),
    );
  }

  private input() {
    const s = this.spec;
    const id = `p-${s.name}`;
    switch (s.kind) {
      case 'boolean':
        return html`<input id=${id} data-param=${s.name} type="checkbox" .checked=${this.value === true}
          @change=${(e: Event) => this.commit(String((e.target as HTMLInputElement).checked))} />`;
      case 'enum':
        return html`<select id=${id} data-param=${s.name} .value=${live(String(this.value))}
          @change=${(e: Event) => this.commit((e.target as HTMLSelectElement).value)}>
          ${s.options.map((o) => html`<option value=${o} ?selected=${o === this.value}>${s.optionLabels?.[o] ?? o}</option>`)}
        </select>`;
      default:
        return html`<input id=${id} data-param=${s.name} type="text" class=${this.error ? 'bad' : ''} .value=${live(String(this.value))}
          title=${describeRange(s)} maxlength=${s.kind === 'string' ? s.maxLength : 64} spellcheck="false"
          @change=${(e: Event) => this.commit((e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.commit((e.target as HTMLInputElement).value)} />`;
    }
  }

  override render() {
    const s = this.spec;
    const unit = (s.kind === 'number' || s.kind === 'range') && s.unit ? s.unit : '';
    const range = s.kind === 'number' ? describeRange({ ...s, unit: '' }).replace(/^an? (integer|number) in /, '') : '';
    return html`
      <div class="row">
        <label for="p-${s.name}"><span class="name">${s.label}</span><span class="code">${s.name}</span>${unit
          ? html`<span class="unit" title="unit">[${unit}]</span>`
          : nothing}${s.rebuild
          ? html`<span class="rebuild" title="Changing it rebuilds the system (buffers are resized)">rebuild</span>`
          : nothing}</label>
        <span class="input">${this.input()}</span>
      </div>
      <div class="desc">${s.description}${range ? html` <span>· ${range}</span>` : nothing}</div>
      ${this.error ? html`<div class="error" role="alert" data-testid="param-error-${s.name}">${this.error}</div>` : nothing}
    `;
  }
}
