// Exports (PNG, metrics CSV/JSON, histograms/curves CSV, state JSON, the system's own downloads),
// state import and "copy link".
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SimDownload } from '../../sims/types';
import { base } from '../theme';

export type ExportKind = 'png' | 'csv' | 'json' | 'histograms' | 'curves' | 'state' | 'state-safetensors' | 'link' | 'pin' | 'unpin';

@customElement('lab-export-bar')
export class ExportBar extends LitElement {
  @property({ type: Boolean }) disabled = false;
  /** The latest sample has curves (e.g. a convergence table): offer them as CSV. */
  @property({ type: Boolean }) curves = false;
  /** The latest sample has histograms: offer them as CSV. */
  @property({ type: Boolean }) histograms = false;
  /** Files the simulation offers; a click emits `sim-download` with the download's name. */
  @property({ attribute: false }) downloads: readonly SimDownload[] = [];
  /** What is pinned as the plots' reference, if anything. */
  @property() pinned = '';
  /** Resolution of the PNG figure, in device pixels per CSS pixel. */
  @property({ type: Number }) pngScale = 2;

  static override styles = [
    base,
    css`
      .row { display: flex; flex-wrap: wrap; gap: 6px; }
      input[type='file'] { display: none; }
      .png { display: inline-flex; }
      .png button { border-top-right-radius: 0; border-bottom-right-radius: 0; }
      .png select { border-top-left-radius: 0; border-bottom-left-radius: 0; border-left: none; }
    `,
  ];

  private emit(kind: ExportKind): void {
    this.dispatchEvent(new CustomEvent('export', { detail: kind, bubbles: true, composed: true }));
  }

  private picked(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) this.dispatchEvent(new CustomEvent('import-state', { detail: file, bubbles: true, composed: true }));
  }

  override render() {
    const d = this.disabled;
    return html`<h2>Export / share</h2>
      <div class="row">
        <span class="png"><button data-export="png" ?disabled=${d} @click=${() => this.emit('png')}
          title="The viewport as a figure: colour bar, scale bar (2-D) and step stamp drawn in; the link that reproduces it is in the file's text">PNG</button><select
          data-testid="png-scale" title="Figure resolution" .value=${String(this.pngScale)}
          @change=${(e: Event) => this.dispatchEvent(new CustomEvent('png-scale', { detail: Number((e.target as HTMLSelectElement).value), bubbles: true, composed: true }))}>
          ${[1, 2, 3].map((k) => html`<option value=${k} ?selected=${k === this.pngScale}>${k}×</option>`)}</select></span>
        <button data-export="csv" ?disabled=${d} @click=${() => this.emit('csv')} title="Metric time series as CSV">Metrics CSV</button>
        <button data-export="json" ?disabled=${d} @click=${() => this.emit('json')} title="All samples (scalars, histograms, curves) as JSON">Metrics JSON</button>
        ${this.histograms
          ? html`<button data-export="histograms" ?disabled=${d} @click=${() => this.emit('histograms')} title="The latest histograms (with their references) as CSV, one row per bin">Histograms CSV</button>`
          : nothing}
        ${this.curves
          ? html`<button data-export="curves" ?disabled=${d} @click=${() => this.emit('curves')} title="The latest curves (e.g. the convergence table) as CSV">Curves CSV</button>`
          : nothing}
        ${this.downloads.map(
          (dl) => html`<button data-export="download-${dl.name}" ?disabled=${d} @click=${() => this.dispatchEvent(new CustomEvent('sim-download', { detail: dl.name, bubbles: true, composed: true }))}
            title=${dl.description}>${dl.label}</button>`,
        )}
        <button data-export="state" ?disabled=${d} @click=${() => this.emit('state')} title="Full state (params + GPU buffers) to resume later">State JSON</button>
        <button data-export="state-safetensors" ?disabled=${d} @click=${() => this.emit('state-safetensors')}
          title="The same state as safetensors: one shaped array per buffer (e.g. positions [N, 2]), for numpy; the lab imports it too">State .safetensors</button>
        <label><button data-testid="import" ?disabled=${d} @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click()}
          title="Resume from a state file (JSON or safetensors)">Import state…</button>
          <input type="file" data-testid="import-file" accept="application/json,.json,.safetensors" @change=${this.picked} /></label>
        ${this.pinned
          ? html`<button data-export="unpin" @click=${() => this.emit('unpin')} title=${`Stop overlaying ${this.pinned}`}>Unpin curves</button>`
          : html`<button data-export="pin" ?disabled=${d} @click=${() => this.emit('pin')}
              title="Keep the current curves as a reference: the plots overlay them (dotted) on the next runs, and the metrics exports carry them">Pin curves</button>`}
        <button data-export="link" @click=${() => this.emit('link')} title="Copy a link with the system, preset, seed and params">Copy link</button>
      </div>`;
  }
}
