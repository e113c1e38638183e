// The parameter panel, generated from a system's schema.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ParamSchema, Params } from '../../sims/params';
import { base } from '../theme';
import './param-field';

@customElement('lab-param-panel')
export class ParamPanel extends LitElement {
  @property({ attribute: false }) schema: ParamSchema = { specs: [] };
  @property({ attribute: false }) params: Params = {};
  @property({ attribute: false }) errors: Record<string, string> = {};

  static override styles = [base, css`:host { display: block; }`];

  override render() {
    return html`<h2>Parameters</h2>
      ${this.schema.specs.map(
        (s) => html`<lab-param-field .spec=${s} .value=${this.params[s.name] ?? s.default} error=${this.errors[s.name] ?? ''}></lab-param-field>`,
      )}`;
  }
}
