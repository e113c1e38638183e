// Messages (errors, warnings, info) above the viewport, dismissable.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { MessageKind } from '../runner';

export interface Message {
  id: number;
  kind: MessageKind;
  text: string;
}

@customElement('lab-banner')
export class Banner extends LitElement {
  @property({ attribute: false }) messages: readonly Message[] = [];

  static override styles = css`
    :host { display: block; }
    div { display: flex; gap: 8px; align-items: flex-start; padding: 6px 10px; border-radius: 6px; margin-bottom: 6px; font: 13px system-ui, sans-serif; }
    .error { background: #3d1418; border: 1px solid #f85149; color: #ffdcd7; }
    .warning { background: #3a2a08; border: 1px solid #9e6a03; color: #f8e3a1; }
    .info { background: #0c2d4f; border: 1px solid #1f6feb; color: #cae8ff; }
    span { flex: 1; white-space: pre-wrap; }
    button { background: none; border: none; color: inherit; cursor: pointer; font-size: 14px; }
  `;

  override render() {
    return this.messages.map(
      (m) => html`<div class=${m.kind} role=${m.kind === 'error' ? 'alert' : 'status'} data-testid="banner-${m.kind}">
        <span>${m.text}</span>
        <button aria-label="dismiss" @click=${() => this.dispatchEvent(new CustomEvent('dismiss', { detail: m.id }))}>×</button>
      </div>`,
    );
  }
}
