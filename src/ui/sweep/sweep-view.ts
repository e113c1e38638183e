// The Sweep view: opens a collected sweep (runs.parquet from `lab sweep collect`, with
// samples.parquet beside it, read with hyparquet; or the sweep folder itself), and draws a metric
// over two swept axes as a heatmap, averaged over the seeds, with the spread on hover. Time is an
// axis too when there are samples: the (t, β) phase diagram. A click on a cell opens that point in
// the lab with its exact params.
import { interpolateViridis, scaleLinear } from 'd3';
import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { Params } from '../../sims/params';
import { base, panel } from '../theme';
import { tickLabeller } from '../plots/ticks';
import { axisGroups, axisValues, heatmap, metricsFor, readSweepTable, TIME_AXIS, type Cell, type HeatCell, type SweepTable } from './sweep-table';
import { readSweepFiles } from './sweep-files';

/** What a click on a cell asks the lab to open. */
export interface SweepPointRequest {
  system: string;
  preset: string;
  params: Params;
  label: string;
}

const CELL = { width: 640, height: 360, left: 70, bottom: 44, top: 8, right: 96 };
const show = (v: Cell) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));

@customElement('lab-sweep-view')
export class SweepView extends LitElement {
  @state() private table: SweepTable | undefined;
  @state() private metric = '';
  @state() private x = '';
  @state() private y = '';
  @state() private error = '';
  @state() private file = '';
  /** The value each swept axis not drawn is held at (by the last axis of its group: Pe rather than Dr). */
  @state() private held: Record<string, Cell> = {};
  @query('dialog') private dialog!: HTMLDialogElement;

  static override styles = [
    base,
    panel,
    css`
      .body { padding: 10px 18px 18px; display: grid; gap: 10px; }
      .controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
      .error { color: #f85149; }
      rect.cell { cursor: pointer; stroke: #0d1117; stroke-width: 1; }
      rect.cell:hover { stroke: #e6edf3; stroke-width: 2; }
      text { fill: #8b949e; font-size: 11px; }
      text.label { fill: #e6edf3; font-size: 12px; }
    `,
  ];

  async show(): Promise<void> {
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
  }

  close(): void {
    this.dialog?.close();
  }

  /**
   * Reads runs.parquet (with samples.parquet when chosen too) or a sweep folder's files; what is
   * not one leaves the view as it was and says why in one line.
   */
  async open(files: readonly File[]): Promise<void> {
    try {
      const source = await readSweepFiles(files);
      const table = readSweepTable(source.runs, source.name, source.samples);
      if (table.axes.length === 0 || table.metrics.length === 0) throw new Error(`${source.name}: no swept axis or no metric to draw`);
      // One axis per group (Pe rather than Dr); one swept axis and samples: its diagram over time (tokens' (t, β)).
      const swept = axisGroups(table).map((g) => g.at(-1)!);
      const axes = swept.length === 1 && table.axes.includes(TIME_AXIS) ? [TIME_AXIS, swept[0]!] : swept.length > 0 ? swept : table.axes;
      this.table = table;
      this.file = source.name;
      [this.x, this.y] = [axes[0]!, axes[1] ?? axes[0]!];
      this.metric = metricsFor(table, this.x, this.y)[0]!;
      this.held = Object.fromEntries(axisGroups(table).map((g) => [g.at(-1)!, axisValues(table, g.at(-1)!)[0]!]));
      this.error = '';
    } catch (e) {
      this.error = `Could not open the sweep: ${(e as Error).message}`;
    }
  }

  /** Sets an axis, keeping the metric when the new pair of axes has it. */
  private setAxis(which: 'x' | 'y', axis: string): void {
    this[which] = axis;
    const metrics = metricsFor(this.table!, this.x, this.y);
    if (!metrics.includes(this.metric)) this.metric = metrics[0] ?? '';
  }

  private openCell(c: HeatCell): void {
    const t = this.table!;
    const where = [...new Set([this.x, this.y])].filter((a) => a !== TIME_AXIS).map((a) => `${a} = ${show(a === this.x ? c.x : c.y)}`).join(', ');
    try {
      const detail: SweepPointRequest = { system: t.def.id, preset: t.preset, params: t.params(c.row), label: `${where}, seed ${show(c.row.seed ?? null)}` };
      this.dispatchEvent(new CustomEvent('open-point', { detail, bubbles: true, composed: true }));
    } catch (e) {
      this.error = `Could not open that point: ${(e as Error).message}`;
    }
  }

  /** The groups of axes not drawn, each held at one value. */
  private heldGroups(t: SweepTable): string[][] {
    return axisGroups(t).filter((g) => !g.includes(this.x) && !g.includes(this.y));
  }

  private heldNow(t: SweepTable): Record<string, Cell> {
    return Object.fromEntries(this.heldGroups(t).map((g) => [g.at(-1)!, this.held[g.at(-1)!] ?? null]));
  }

  private holdSelects(t: SweepTable) {
    return this.heldGroups(t).map((g) => {
      const axis = g.at(-1)!;
      const values = axisValues(t, axis);
      return html`<label>at ${g.join(' / ')}
        <select data-testid=${`sweep-hold-${axis}`} @change=${(e: Event) => (this.held = { ...this.held, [axis]: values[(e.target as HTMLSelectElement).selectedIndex]! })}>
          ${values.map((v) => html`<option ?selected=${v === this.held[axis]}>${show(v)}</option>`)}
        </select></label>`;
    });
  }

  private readonly chosen = (e: Event) => {
    const files = [...((e.target as HTMLInputElement).files ?? [])];
    if (files.length > 0) void this.open(files);
  };

  private select(testId: string, label: string, options: readonly string[], value: string, set: (v: string) => void) {
    return html`<label>${label}
      <select data-testid=${testId} .value=${value} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
        ${options.map((o) => html`<option value=${o} ?selected=${o === value} title=${this.meaning(o)}>${this.named(o)}</option>`)}
      </select></label>`;
  }

  /** What the system says about a column: a metric, a param or a derived axis. */
  private known(column: string): { label: string; unit?: string; description: string } | undefined {
    const def = this.table!.def;
    return def.metrics.find((m) => m.name === column) ?? def.schema.specs.find((s) => s.name === column) ?? def.schema.derived?.find((d) => d.name === column);
  }

  /** A column as the lab names it elsewhere: its label, with its unit, and the column name. */
  private named(column: string): string {
    if (column === TIME_AXIS) return 'time (simulated)';
    const known = this.known(column);
    if (!known) return column;
    const unit = known.unit ? ` [${known.unit}]` : '';
    return known.label === column ? `${column}${unit}` : `${known.label}${unit} · ${column}`;
  }

  private meaning(column: string): string {
    return this.known(column)?.description ?? '';
  }

  private chart(t: SweepTable) {
    const { xs, ys, cells } = heatmap(t, this.metric, this.x, this.y, this.heldNow(t));
    const w = CELL.width - CELL.left - CELL.right;
    const h = CELL.height - CELL.top - CELL.bottom;
    const means = cells.map((c) => c.mean);
    const [lo, hi] = [Math.min(...means), Math.max(...means)];
    const colour = (v: number) => interpolateViridis(hi > lo ? (v - lo) / (hi - lo) : 0.5);
    const cw = w / xs.length;
    const ch = h / ys.length;
    // Every k-th tick label, so labels keep ~40 px (x) and ~16 px (y) apart on long axes such as time.
    const xEvery = Math.ceil(40 / cw);
    const yEvery = Math.ceil(16 / ch);
    const bar = scaleLinear([lo, hi === lo ? lo + 1 : hi], [CELL.top + h, CELL.top]);
    const label = tickLabeller(bar.ticks(5));
    return svg`<svg data-testid="sweep-heatmap" width=${CELL.width} height=${CELL.height} data-cells=${cells.length}>
      <defs><linearGradient id="sweep-bar" x1="0" x2="0" y1="1" y2="0">
        ${[0, 0.25, 0.5, 0.75, 1].map((s) => svg`<stop offset=${s} stop-color=${interpolateViridis(s)}></stop>`)}
      </linearGradient></defs>
      ${cells.map((c) => {
        const i = xs.indexOf(c.x);
        const j = ys.indexOf(c.y);
        return svg`<rect class="cell" x=${CELL.left + i * cw} y=${CELL.top + (ys.length - 1 - j) * ch} width=${cw} height=${ch} fill=${colour(c.mean)}
          data-x=${show(c.x)} data-y=${show(c.y)} data-mean=${c.mean} @click=${() => this.openCell(c)}>
          <title>${this.x} = ${show(c.x)}, ${this.y} = ${show(c.y)}: ${this.metric} = ${show(c.mean)} ± ${show(c.std)} (std over ${c.n} seed${c.n === 1 ? '' : 's'})</title></rect>`;
      })}
      ${xs.map((v, i) => (i % xEvery === 0 ? svg`<text x=${CELL.left + (i + 0.5) * cw} y=${CELL.top + h + 16} text-anchor="middle">${show(v)}</text>` : nothing))}
      ${ys.map((v, j) => (j % yEvery === 0 ? svg`<text x=${CELL.left - 6} y=${CELL.top + (ys.length - 1 - j + 0.5) * ch + 4} text-anchor="end">${show(v)}</text>` : nothing))}
      <text class="label" x=${CELL.left + w / 2} y=${CELL.height - 6} text-anchor="middle">${this.named(this.x)}</text>
      <text class="label" transform=${`translate(14 ${CELL.top + h / 2}) rotate(-90)`} text-anchor="middle">${this.named(this.y)}</text>
      <rect x=${CELL.width - CELL.right + 16} y=${CELL.top} width="12" height=${h} fill="url(#sweep-bar)"></rect>
      ${bar.ticks(5).map((v) => svg`<text x=${CELL.width - CELL.right + 32} y=${bar(v) + 4}>${label(v)}</text>`)}
    </svg>`;
  }

  override render() {
    const t = this.table;
    return html`<dialog>
      <div class="head"><h1>Sweep${this.file ? html` · ${this.file}` : nothing}</h1><button @click=${() => this.close()}>Close</button></div>
      <div class="body">
        <p class="muted">Open <code>runs.parquet</code> from <code>lab sweep collect DIR</code> (choose <code>samples.parquet</code> with it to
          draw over time), or the sweep folder itself. Each cell is a metric averaged over the seeds (hover: mean ± std), with every other swept axis held at the value chosen; a click opens
          that point in the lab with its exact params.</p>
        <div class="controls">
          <label>Parquet <input type="file" accept=".parquet" multiple data-testid="sweep-file" @change=${this.chosen} /></label>
          <label>or folder <input type="file" webkitdirectory data-testid="sweep-folder" @change=${this.chosen} /></label>
          ${t
            ? html`${this.select('sweep-metric', 'metric', metricsFor(t, this.x, this.y), this.metric, (v) => (this.metric = v))}
                ${this.select('sweep-x', 'x', t.axes, this.x, (v) => this.setAxis('x', v))}
                ${this.select('sweep-y', 'y', t.axes, this.y, (v) => this.setAxis('y', v))}
                ${this.holdSelects(t)}
                <span class="muted">${t.def.title} · ${t.rows.length} points</span>`
            : nothing}
        </div>
        ${this.error ? html`<p class="error" data-testid="sweep-error">${this.error}</p>` : nothing}
        ${t ? this.chart(t) : nothing}
      </div>
    </dialog>`;
  }
}
