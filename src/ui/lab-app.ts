// The lab shell: sidebar controls, the viewport, the live plots. Wires the Lit components to the
// LabRunner (simulation + viewport + loop) and keeps the URL in step with the run.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { NoWebGPUError } from '../gpu/context';
import { presetParams } from '../sims/config';
import { histogramsCSV, type PinnedRun } from '../sims/metrics';
import { withText, type Params } from '../sims/params';
import { getSystem, listSystems } from '../sims/registry';
import type { MetricSample } from '../sims/types';
import { saveBlob, saveText } from './download';
import { parseStateFile, stateToSafetensors } from '../sims/state';
import { withPngText } from './png-text';
import { Recording } from './recording';
import type { RecordRequest } from './components/record-controls';
import type { RunTarget } from './components/run-controls';
import './components/record-controls';
import { LabRunner, type MessageKind } from './runner';
import { installTestHook } from './test-hook';
import { readUrl, writeQuery } from './url-state';
import { base } from './theme';
import type { ExportKind } from './components/export-bar';
import type { Message } from './components/banner';
import type { ParamInput } from './components/param-field';
import './components/banner';
import './components/export-bar';
import './components/no-webgpu';
import './components/param-panel';
import './components/readout';
import './components/run-controls';
import './components/sim-actions';
import './components/system-picker';
import './components/model-panel';
import './components/about-panel';
import type { AboutPanel } from './components/about-panel';
import './sweep/sweep-view';
import type { SweepPointRequest, SweepView } from './sweep/sweep-view';
import type { Checkpoint } from '../nn/training-session';
import type { ModelSession } from '../sims/model';
import './plots/lab-plot';
import type { PlotExport } from './plots/lab-plot';

/** The latest curves (e.g. a convergence table) as CSV: plot,curve,x,y,slope. */
function curvesCSV(s: MetricSample | undefined): string {
  const rows = ['plot,curve,x,y,slope'];
  for (const [plot, curves] of Object.entries(s?.curves ?? {})) {
    for (const c of curves) c.x.forEach((x, i) => rows.push([plot, c.label, x, c.y[i] ?? '', c.slope ?? ''].join(',')));
  }
  return rows.join('\n') + '\n';
}

/** Resolves at the next animation frame. */
function nextFrame(): Promise<void> {
  return new Promise((r) => requestAnimationFrame(() => r()));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The lab. On its own page it keeps the run in the page's URL (`url-sync`); embedded in another
 * page it starts from its attributes (`system`, `preset`, `params` as a query string), leaves
 * the host page's URL and keys alone (keys act only while it has focus) and sizes to its box.
 */
/** One frame above this (ms, estimated) asks before it applies. */
const HEAVY_FRAME_MS = 1000;

interface HeavyWarning {
  text: string;
  apply: { label: string; run: () => void };
  smaller?: { label: string; run: () => void };
}

/** The largest integer in [lo, hi] with ok(v) (ok monotone: true then false), or undefined. */
function largest(lo: number, hi: number, ok: (v: number) => boolean): number | undefined {
  if (!ok(lo)) return undefined;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const fmtMs = (ms: number) => (ms < 1000 ? `${ms < 10 ? ms.toPrecision(2) : ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);

@customElement('particle-lab')
export class ParticleLab extends LitElement {
  @property() system = '';
  @property() preset = '';
  /** Param overrides as a query string, e.g. "n=1024&colorBy=density". */
  @property() params = '';
  /** Read and write the run in the page's URL (the lab's own page), and take keys page-wide. */
  @property({ type: Boolean, attribute: 'url-sync' }) urlSync = false;
  /** Start playing once loaded. */
  @property({ type: Boolean }) autoplay = false;
  @state() private phase: 'starting' | 'ready' | 'no-webgpu' | 'failed' = 'starting';
  @state() private failure = '';
  @state() private values: Params = {};
  @state() private errors: Record<string, string> = {};
  @state() private messages: Message[] = [];
  @state() private plotVersion = 0;
  @state() private runningAction = '';
  @state() private actionProgress: { done: number; total: number; startedAt: number } | undefined;
  @state() private tick = 0;
  /** Curves kept as a reference for the next runs of this system ("Pin curves"). */
  @state() private pinned: (PinnedRun & { system: string }) | undefined;
  /** The PNG figure's resolution (× the viewport's CSS size). */
  @state() private pngScale = 2;
  /** A change that would make one frame take over ~1 s: held until the user applies it or the suggestion. */
  @state() private heavy: HeavyWarning | undefined;
  /** The video being recorded: from which step, for how many. */
  @state() private recording: { rec: Recording; startStep: number; steps: number; lastStep: number } | undefined;
  @query('#viewport') private viewportHost!: HTMLElement;
  @query('lab-about') private about!: AboutPanel;
  @query('lab-sweep-view') private sweepView!: SweepView;
  runner: LabRunner | undefined;
  /** The session of the system's learned model (one per simulation object). */
  @state() modelSession: ModelSession | undefined;
  private nextMessageId = 1;
  latest: MetricSample | undefined;

  static override styles = [
    base,
    css`
      :host { display: grid; grid-template-columns: 340px 1fr; grid-template-rows: auto 1fr; height: 100%; min-height: 480px; background: #0d1117; overflow: hidden; }
      :host(:focus) { outline: none; }
      :host(:focus-visible) { outline: 1px solid #58a6ff; }
      header { grid-column: 1 / -1; display: flex; align-items: baseline; gap: 12px; padding: 8px 14px; border-bottom: 1px solid #21262d; }
      header h1 { font-size: 16px; margin: 0; }
      header .adapter { margin-left: auto; font-size: 12px; }
      header .link { background: none; border: none; color: #58a6ff; padding: 0 4px; }
      header .link:hover { text-decoration: underline; background: none; }
      aside { overflow-y: auto; padding: 10px 14px 24px; border-right: 1px solid #21262d; }
      aside section { margin-bottom: 14px; }
      main { overflow-y: auto; padding: 10px 14px 24px; min-width: 0; }
      .stage { position: relative; height: min(62vh, 640px); min-height: 320px; border: 1px solid #30363d; border-radius: 8px; overflow: hidden; background: #0d1117; }
      .stage canvas { display: block; position: absolute; inset: 0; touch-action: none; }
      .hint { position: absolute; right: 8px; bottom: 6px; font-size: 11px; color: #6e7681; pointer-events: none; }
      .under { display: flex; justify-content: space-between; gap: 10px; margin: 6px 2px 10px; flex-wrap: wrap; }
      .caption { color: #8b949e; font-size: 12px; }
      .headline { margin: 0 2px 8px; color: #c9d1d9; font-size: 13px; }
      .heavy { border: 1px solid #9e6a03; background: #2d2204; border-radius: 6px; padding: 8px 10px; font-size: 12px; }
      .heavy p { margin: 0 0 6px; }
      .heavy .row { display: flex; flex-wrap: wrap; gap: 6px; }
      /* An empty model panel (no network) goes after the system's plots; a loaded one before them. */
      .results { display: flex; flex-direction: column; gap: 10px; }
      .results > lab-model-panel:not([loaded]) { order: 1; }
      .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 10px; }
      .starting { position: absolute; inset: 0; display: grid; place-items: center; color: #8b949e; }
      .failed { padding: 40px; color: #ff7b72; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    // Focusable, so an embedded lab takes keys only while the user works in it.
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    (this.urlSync ? window : this).addEventListener('keydown', this.onKey as EventListener);
    if (import.meta.env.MODE === 'test') installTestHook(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey as EventListener);
    this.removeEventListener('keydown', this.onKey as EventListener);
    void this.recording?.rec.cancel();
    this.runner?.dispose();
  }

  override async firstUpdated(): Promise<void> {
    try {
      this.runner = await LabRunner.create(this.viewportHost, {
        changed: () => this.tick++,
        recovered: () => {
          this.runner?.keepAlive(this.modelSession); // the lost device's network (see LabRunner.keepAlive)
          this.syncModel(this.modelSession?.checkpoint);
        },
        releasing: (sim) => this.releaseModel(sim),
        sampled: (s) => {
          this.latest = s;
          this.schedulePlots();
        },
        message: (kind, text) => this.say(kind, text),
      });
    } catch (e) {
      if (e instanceof NoWebGPUError) {
        this.failure = e.message;
        this.phase = 'no-webgpu';
      } else {
        this.failure = `Could not start WebGPU: ${errorText(e)}`;
        this.phase = 'failed';
      }
      return;
    }
    // A bare landing (no query) shows the default preset alive; a shared link opens paused at its state.
    const landing = this.urlSync ? location.search === '' : this.autoplay;
    let choice;
    try {
      choice = this.urlSync ? readUrl(location.search) : readUrl(this.embedQuery(), undefined, '<particle-lab> attributes');
    } catch (e) {
      this.failure = errorText(e);
      this.phase = 'failed';
      return;
    }
    for (const err of choice.errors) this.say('error', err);
    try {
      await this.runner.load(choice.def, choice.preset, choice.params);
    } catch (e) {
      this.say('error', `Could not start ${choice.def.id} with these params: ${errorText(e)}. Using the preset's values.`);
      await this.runner.load(choice.def, choice.preset, presetParams(choice.def, choice.preset));
    }
    this.afterLoad();
    this.phase = 'ready';
    if (landing) this.runner.setPlaying(true);
  }

  /** The newest sample that carries curves (curves come from on-demand actions). */
  private lastCurves(): MetricSample | undefined {
    const samples = this.runner?.log.samples ?? [];
    for (let i = samples.length - 1; i >= 0; i--) {
      const c = samples[i]!.curves;
      if (c && Object.keys(c).length > 0) return samples[i];
    }
    return undefined;
  }

  private plotTimer = 0;

  /** Redraws plots at most ~5 times a second (samples can come faster). */
  private schedulePlots(): void {
    if (this.plotTimer) return;
    this.plotTimer = window.setTimeout(() => {
      this.plotTimer = 0;
      this.plotVersion++;
    }, 200);
  }

  /**
   * The model session of a simulation whose system has a learned model: the shipped default weights
   * for its preset, or after a device loss the weights the old session last kept (`carry`).
   */
  private syncModel(carry?: Checkpoint): void {
    const r = this.runner;
    const sim = r?.sim;
    if (this.modelSession?.sim === sim) return;
    void this.modelSession?.dispose();
    this.modelSession = undefined;
    const model = r?.def.model;
    if (!sim || !model) return;
    const session = model.createSession(sim, {
      say: (kind, text) => this.say(kind, text),
      // A finished evaluation is sampled at once (paused runs take no other samples).
      sampled: () => void this.runner?.sampleNow(),
      setParam: (name, text) => void this.changeParam({ name, text }),
      nextFrame,
    });
    this.modelSession = session;
    if (carry) {
      session.load(carry.bytes, carry.source).then(
        () => this.say('info', `Restored the ${model.title.toLowerCase()} (${carry.source}) on the new device.`),
        (e: unknown) => this.say('error', `Could not restore the ${model.title.toLowerCase()} after the device loss: ${errorText(e)}`),
      );
      return;
    }
    const preset = r.preset;
    const path = model.defaultWeights[preset];
    if (!path) return;
    session.loadUrl(`${import.meta.env.BASE_URL}${path}`, path).then(
      () => {
        this.say('info', `Loaded the pretrained ${model.title.toLowerCase()} for ${preset}: its results are in the ${model.title} panel.`);
        void this.runner?.sampleNow();
      },
      (e: unknown) => this.say('info', `No pretrained ${model.title.toLowerCase()} loaded (${errorText(e)}); train one in the ${model.title} panel.`),
    );
  }

  /** The model session of a simulation about to be destroyed stops (training, inference) first. */
  private async releaseModel(sim: unknown): Promise<void> {
    const session = this.modelSession;
    if (!session || session.sim !== sim) return;
    this.modelSession = undefined;
    await session.dispose();
  }

  private async modelLoad(file: File): Promise<void> {
    const s = this.modelSession;
    const id = this.runner?.def.model?.id;
    if (!s || !id) return;
    try {
      await s.load(new Uint8Array(await file.arrayBuffer()), file.name);
      this.say('info', `Loaded ${id} weights "${file.name}".`);
      void this.runner?.sampleNow();
    } catch (e) {
      this.say('error', `Could not load ${id} weights "${file.name}": ${errorText(e)}. Training is stopped; the network's weights are unchanged.`);
    }
  }

  private async modelSave(): Promise<void> {
    await this.guarded('Could not save the weights', async () => {
      const bytes = await this.modelSession!.save();
      saveBlob(new Blob([bytes], { type: 'application/octet-stream' }), this.fileName(`${this.runner!.def.model!.id}.safetensors`));
    });
  }

  private afterLoad(): void {
    const r = this.runner!;
    this.syncModel();
    this.values = { ...r.sim!.params };
    this.errors = {};
    this.latest = undefined;
    this.plotVersion++;
    this.syncUrl();
    void r.sampleNow();
  }

  /** The run an embedded lab starts from: its attributes as one query string. */
  private embedQuery(): string {
    const q = new URLSearchParams(this.params);
    if (this.system) q.set('system', this.system);
    if (this.preset) q.set('preset', this.preset);
    return `?${q.toString()}`;
  }

  /** What reproduces this run: the page's URL, or for an embedded lab its element with attributes. */
  private shareText(): string {
    const r = this.runner!;
    if (this.urlSync) {
      this.syncUrl();
      return location.href;
    }
    const q = new URLSearchParams(writeQuery(r.def, r.preset, r.sim!.params));
    q.delete('system');
    q.delete('preset');
    const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    return `<particle-lab system="${r.def.id}" preset="${esc(r.preset)}" params="${esc(q.toString())}"></particle-lab>`;
  }

  private syncUrl(): void {
    const r = this.runner;
    if (!r?.sim || !this.urlSync) return;
    history.replaceState(null, '', writeQuery(r.def, r.preset, r.sim.params) + location.hash);
  }

  say(kind: MessageKind, text: string): void {
    const msg = { id: this.nextMessageId++, kind, text };
    this.messages = [...this.messages.filter((m) => m.text !== text), msg].slice(-6);
    if (kind === 'info') setTimeout(() => this.dismiss(msg.id), 8000);
  }

  private dismiss(id: number): void {
    this.messages = this.messages.filter((m) => m.id !== id);
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.code !== 'Space' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.composedPath()[0] as HTMLElement | undefined;
    const tag = t?.tagName?.toLowerCase();
    if (tag === 'input' || tag === 'select' || tag === 'textarea' || t?.isContentEditable) return;
    e.preventDefault();
    if (e.repeat) return;
    // A focused button would also "click" on key-up: take the focus away so space only plays/pauses.
    if (tag === 'button') t!.blur();
    this.togglePlay();
  };

  togglePlay(): void {
    const r = this.runner;
    if (!r?.sim) return;
    r.setPlaying(!r.playing);
  }

  private async guarded(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.say('error', `${what}: ${errorText(e)}`);
    }
  }

  private async changeSystem(id: string): Promise<void> {
    await this.stopRecording(); // a video holds one run
    await this.guarded('Could not switch system', async () => {
      const def = getSystem(id);
      this.runner!.playing = false;
      await this.runner!.load(def, def.defaultPreset, presetParams(def));
      this.afterLoad();
    });
  }

  /** A sweep point (the Sweep view's click): its system, preset and exact params, paused at step 0. */
  private async openPoint(point: SweepPointRequest): Promise<void> {
    await this.stopRecording();
    await this.guarded('Could not open the sweep point', async () => {
      const def = getSystem(point.system);
      this.runner!.playing = false;
      await this.runner!.load(def, point.preset, point.params);
      this.afterLoad();
      this.sweepView.close();
      this.say('info', `Opened the sweep point ${point.label} (${def.id}, preset ${point.preset}).`);
    });
  }

  private async changePreset(name: string): Promise<void> {
    await this.stopRecording();
    await this.guarded('Could not load the preset', async () => {
      const def = this.runner!.def;
      await this.runner!.load(def, name, presetParams(def, name));
      this.afterLoad();
    });
  }

  /** A value typed in the panel: validated by the schema; rejected values show inline and change nothing. */
  async changeParam({ name, text }: ParamInput, confirmed = false): Promise<void> {
    const r = this.runner;
    if (!r?.sim) return;
    const schema = r.def.schema;
    try {
      withText(schema, r.sim.params, { [name]: text }); // immediate inline feedback
    } catch (e) {
      this.errors = { ...this.errors, [name]: errorText(e) };
      return;
    }
    const { [name]: _, ...rest } = this.errors;
    this.errors = rest;
    if (!confirmed && this.warnHeavy(name, text)) return;
    this.heavy = undefined;
    await this.guarded(`Could not apply ${name}`, async () => {
      // Re-validated against the params current when the queued change runs (edits may be queued).
      await r.setParams((current) => withText(schema, current, { [name]: text }));
      this.values = { ...r.sim!.params };
      this.syncUrl();
      void r.sampleNow();
    });
  }

  /**
   * A param change that would make one frame (steps per frame × the measured step time, scaled by
   * the system's cost) take over HEAVY_FRAME_MS: says so and offers the largest value that fits.
   */
  private warnHeavy(name: string, text: string): boolean {
    const r = this.runner!;
    const cost = r.def.cost;
    const spec = r.def.schema.specs.find((s) => s.name === name);
    if (!cost || spec?.kind !== 'number') return false;
    const next = withText(r.def.schema, r.sim!.params, { [name]: text });
    const frameMs = (v: number) => r.estimateMs(r.stepsPerFrame, cost({ ...next, [name]: v }));
    const ms = frameMs(next[name] as number);
    if (ms === undefined || ms <= HEAVY_FRAME_MS || cost(next) <= r.cost) return false;
    const from = r.sim!.params[name] as number;
    const fits = largest(Math.ceil(Math.min(from, next[name] as number)), Math.floor(next[name] as number), (v) => frameMs(v)! <= HEAVY_FRAME_MS * 0.9);
    const measured = `measured ${fmtMs(r.stats.msPerStep!.ms)} per step at ${spec.label} = ${from}, ${r.stepsPerFrame} step${r.stepsPerFrame > 1 ? 's' : ''} per frame`;
    // The field says it is not applied yet; Cancel clears that and shows the value in use again.
    this.errors = { ...this.errors, [name]: 'not applied yet: see the warning above' };
    this.heavy = {
      text: `${spec.label} = ${next[name]} would take about ${fmtMs(ms)} per frame on this adapter (${measured}).`,
      apply: { label: `Apply ${spec.label} = ${next[name]} anyway`, run: () => void this.changeParam({ name, text }, true) },
      smaller: fits !== undefined && fits !== from
        ? { label: `Use ${spec.label} = ${fits} (≈ ${fmtMs(frameMs(fits)!)} per frame)`, run: () => void this.changeParam({ name, text: String(fits) }, true) }
        : undefined,
    };
    return true;
  }

  private cancelHeavy(): void {
    this.heavy = undefined;
    this.errors = Object.fromEntries(Object.entries(this.errors).filter(([, m]) => !m.startsWith('not applied yet')));
  }

  /** Steps per frame: a value whose frame would take over HEAVY_FRAME_MS asks first, offering the largest that fits. */
  private setSpeed(n: number, confirmed = false): void {
    const r = this.runner!;
    const ms = r.estimateMs(n);
    if (!confirmed && ms !== undefined && ms > HEAVY_FRAME_MS && n > r.stepsPerFrame) {
      const fits = largest(1, n, (v) => r.estimateMs(v)! <= HEAVY_FRAME_MS * 0.9);
      this.heavy = {
        text: `${n} steps per frame would take about ${fmtMs(ms)} per frame on this adapter (measured ${fmtMs(r.stats.msPerStep!.ms)} per step).`,
        apply: { label: `Use ${n} anyway`, run: () => this.setSpeed(n, true) },
        smaller: fits !== undefined ? { label: `Use ${fits} (≈ ${fmtMs(r.estimateMs(fits)!)} per frame)`, run: () => this.setSpeed(fits, true) } : undefined,
      };
      return;
    }
    this.heavy = undefined;
    r.stepsPerFrame = n;
    this.tick++;
  }

  private async runAction(name: string): Promise<void> {
    this.runningAction = name;
    const progress = { done: 0, total: 0, startedAt: performance.now() };
    this.actionProgress = progress;
    // Redraws the bar every second even when the action reports rarely (elapsed time moves on).
    const clock = window.setInterval(() => (this.actionProgress &&= { ...this.actionProgress }), 1000);
    await this.guarded('The action failed', () =>
      this.runner!.runAction(name, (done, total) => {
        this.actionProgress = { ...progress, done, total };
      }),
    );
    window.clearInterval(clock);
    this.actionProgress = undefined;
    this.runningAction = '';
    this.syncUrl(); // an action may change params (a new seed)
  }

  private fileName(ext: string): string {
    const r = this.runner!;
    return `${r.def.id}-${r.preset}-step${r.stepCount}.${ext}`;
  }

  private async doExport(kind: ExportKind): Promise<void> {
    const r = this.runner;
    if (!r?.sim) return;
    await this.guarded('Export failed', async () => {
      switch (kind) {
        case 'png': {
          const stamp = this.stamp();
          const png = new Uint8Array(await (await r.viewport.capture(this.pngScale, stamp)).arrayBuffer());
          const text = { Title: stamp, Description: r.def.headline(r.sim!.params), Software: 'Particle Lab', [this.urlSync ? 'URL' : 'Embed']: this.shareText() };
          saveBlob(new Blob([withPngText(png, text)], { type: 'image/png' }), this.fileName('png'));
          break;
        }
        case 'csv':
          saveText(r.log.toCSV(this.pinnedHere()), this.fileName('metrics.csv'), 'text/csv');
          break;
        case 'json':
          saveText(
            r.log.toJSON({ preset: r.preset, params: r.sim!.params, adapter: r.ctx.adapterName, url: this.shareText(), pinned: this.pinnedHere() }, r.def.metrics),
            this.fileName('metrics.json'),
            'application/json',
          );
          break;
        case 'pin': {
          const label = `${r.preset} to step ${r.stepCount}${this.modifiedParams().length ? ` (${this.modifiedParams().map((m) => `${m.label} ${m.now}`).join(', ')})` : ''}`;
          this.pinned = { system: r.def.id, label, samples: r.log.samples.filter((s) => (s.run ?? 0) === (r.log.latest?.run ?? 0)).map((s) => ({ ...s })) };
          this.say('info', `Pinned ${label}: the plots overlay it (dotted) on the next runs.`);
          break;
        }
        case 'unpin':
          this.pinned = undefined;
          break;
        case 'histograms':
          saveText(histogramsCSV(r.log.latest), this.fileName('histograms.csv'), 'text/csv');
          break;
        case 'curves':
          saveText(curvesCSV(this.lastCurves()), this.fileName('curves.csv'), 'text/csv');
          break;
        case 'state':
          saveText(JSON.stringify(await r.exportState()), this.fileName('state.json'), 'application/json');
          break;
        case 'state-safetensors':
          saveBlob(new Blob([stateToSafetensors(await r.exportState())], { type: 'application/octet-stream' }), this.fileName('state.safetensors'));
          break;
        case 'link': {
          const link = this.shareText();
          const what = this.urlSync ? 'Link' : 'Embed snippet';
          try {
            await navigator.clipboard.writeText(link);
            this.say('info', `${what} copied: ${link}`);
          } catch {
            this.say('info', `${what}: ${link}`);
          }
          break;
        }
      }
    });
  }

  /** A file the simulation makes on demand (e.g. its last showers as HDF5). */
  private async simDownload(name: string): Promise<void> {
    const dl = this.runner?.sim?.downloads?.find((d) => d.name === name);
    if (!dl) return;
    const file = this.fileName(`${dl.name}.${dl.ext}`); // the step the click saw
    try {
      const data = await dl.make();
      // A Blob takes only ArrayBuffer-backed bytes: a view of shared memory is copied.
      const part = typeof data === 'string' || data.buffer instanceof ArrayBuffer ? (data as string | Uint8Array<ArrayBuffer>) : new Uint8Array(data);
      saveBlob(new Blob([part], { type: dl.mime }), file);
    } catch (e) {
      // One line: a library's message may go on with a trace.
      this.say('error', `Could not make ${dl.label}: ${errorText(e).trim().split('\n')[0]}`);
    }
  }

  async importFile(file: File): Promise<void> {
    try {
      const raw = parseStateFile(new Uint8Array(await file.arrayBuffer()));
      await this.runner!.importState(raw);
      this.afterLoad();
      this.say('info', `Imported "${file.name}": resumed at step ${this.runner!.stepCount}.`);
    } catch (e) {
      this.say('error', `Could not import "${file.name}": ${errorText(e)}. The current run continues.`);
    }
  }

  /** A "Run to" arrived: sampled at once, and said. */
  private reached(step: number): void {
    void this.runner?.sampleNow();
    this.say('info', `Reached step ${step}; paused.`);
  }

  /** The pinned curves, when they belong to the system shown. */
  private pinnedHere(): PinnedRun | undefined {
    return this.pinned?.system === this.runner?.def.id ? this.pinned : undefined;
  }

  /** The text a figure or a video frame carries: system, preset, step and time. */
  private stamp(): string {
    const r = this.runner!;
    return `${r.def.title} · ${r.preset} · step ${r.stepCount} · t = ${Number((r.sim?.time ?? 0).toPrecision(6))}`;
  }

  private async startRecording(request: RecordRequest): Promise<void> {
    const r = this.runner;
    if (!r?.sim || this.recording) return;
    let rec: Recording;
    try {
      rec = await Recording.start(request.format, r.viewport.image.width, r.viewport.image.height);
    } catch (e) {
      this.say('error', `Could not start recording: ${errorText(e)}`);
      return;
    }
    this.recording = { rec, startStep: r.stepCount, steps: request.steps, lastStep: r.stepCount };
    r.frameWatcher = (sim) => this.recordFrame(sim.stepCount);
    r.setPlaying(true);
  }

  /** After each drawn frame: a frame in which the run advanced is recorded; false holds the steps (encoder behind). */
  private recordFrame(step: number): boolean {
    const now = this.recording;
    if (!now) return true;
    if (step !== now.lastStep) {
      now.lastStep = step;
      try {
        now.rec.capture(this.runner!.viewport, this.stamp());
      } catch (e) {
        void this.stopRecording(`The recording failed: ${errorText(e)}`);
        return true;
      }
      this.tick++;
      if (step - now.startStep >= now.steps) void this.stopRecording();
    }
    return now.rec.ready;
  }

  /** Stops recording and saves the file (what was recorded so far when stopped early). */
  private async stopRecording(failure?: string): Promise<void> {
    const now = this.recording;
    const r = this.runner;
    if (!now || !r) return;
    this.recording = undefined;
    r.frameWatcher = undefined;
    r.setPlaying(false);
    if (failure) {
      await now.rec.cancel().catch(() => undefined);
      this.say('error', failure);
      return;
    }
    try {
      const blob = await now.rec.finish();
      saveBlob(blob, this.fileName(now.rec.format));
      this.say('info', `Recorded ${now.rec.frames} frames (${now.rec.codec}, ${now.rec.format.toUpperCase()}, 30 fps) of steps ${now.startStep}–${now.lastStep}.`);
    } catch (e) {
      this.say('error', `Could not finish the video: ${errorText(e)}`);
    }
  }

  /** The params that differ from the preset's values, as the picker shows them. */
  private modifiedParams(): { name: string; label: string; preset: string; now: string }[] {
    const r = this.runner;
    if (!r?.sim) return [];
    const preset = presetParams(r.def, r.preset);
    return r.def.schema.specs
      .filter((s) => preset[s.name] !== this.values[s.name])
      .map((s) => ({ name: s.name, label: s.label, preset: String(preset[s.name]), now: String(this.values[s.name]) }));
  }

  override render() {
    if (this.phase === 'no-webgpu') return html`<lab-no-webgpu reason=${this.failure} style="grid-column:1/-1;grid-row:1/-1"></lab-no-webgpu>`;
    const r = this.runner;
    const sim = r?.sim;
    const def = sim ? r!.def : undefined;
    const ready = this.phase === 'ready' && !!sim && !r!.busy;
    return html`
      <header>
        <h1>Particle Lab</h1>
        <span class="muted">${def?.title ?? ''}</span>
        ${def ? html`<button class="link" data-testid="about-open" @click=${() => this.about.show()}>About this system</button>` : nothing}
        ${def ? html`<button class="link" data-testid="sweep-open" @click=${() => this.sweepView.show()} title="Open a collected sweep (runs.parquet) as a phase diagram">Sweep…</button>` : nothing}
        <span class="adapter muted" data-testid="adapter">${r ? `WebGPU · ${r.ctx.adapterName}${r.ctx.software ? ' (software)' : ''}` : ''}</span>
      </header>
      <aside>
        ${def
          ? html`
              <section>
                <lab-system-picker .systems=${listSystems()} system=${def.id} preset=${r!.preset} .modified=${this.modifiedParams()}
                  @system-change=${(e: CustomEvent<string>) => this.changeSystem(e.detail)}
                  @preset-change=${(e: CustomEvent<string>) => this.changePreset(e.detail)}></lab-system-picker>
              </section>
              <section>
                <lab-run-controls ?playing=${r!.playing} ?disabled=${!ready} stepsPerFrame=${r!.stepsPerFrame}
                  step=${r!.stepCount} time=${sim!.time} .dt=${typeof sim!.params.dt === 'number' ? sim!.params.dt : undefined} .progress=${r!.runProgress}
                  @run-to=${(e: CustomEvent<RunTarget>) => r!.runTo(e.detail.step, () => this.reached(e.detail.step))}
                  @play-toggle=${() => this.togglePlay()}
                  @reset=${() => this.guarded('Reset failed', async () => { await r!.reset(); void r!.sampleNow(); })}
                  @step=${(e: CustomEvent<number>) => r!.stepN(e.detail, () => void r!.sampleNow())}
                  @speed=${(e: CustomEvent<number>) => this.setSpeed(e.detail)}></lab-run-controls>
              </section>
              ${this.heavy
                ? html`<section class="heavy" role="alert" data-testid="heavy-warning">
                    <p>${this.heavy.text}</p>
                    <div class="row">
                      ${this.heavy.smaller ? html`<button class="primary" data-testid="heavy-smaller" @click=${this.heavy.smaller.run}>${this.heavy.smaller.label}</button>` : nothing}
                      <button data-testid="heavy-apply" @click=${this.heavy.apply.run}>${this.heavy.apply.label}</button>
                      <button data-testid="heavy-cancel" @click=${() => this.cancelHeavy()}>Cancel</button>
                    </div>
                  </section>`
                : nothing}
              <section>
                <lab-sim-actions .actions=${sim!.actions ?? []} running=${this.runningAction} .progress=${this.actionProgress}
                  @action=${(e: CustomEvent<string>) => this.runAction(e.detail)}></lab-sim-actions>
              </section>
              <section>
                <lab-param-panel .schema=${def.schema} .params=${this.values} .errors=${this.errors}
                  @param-input=${(e: CustomEvent<ParamInput>) => this.changeParam(e.detail)}></lab-param-panel>
              </section>
              <section>
                <lab-record-controls ?disabled=${!ready}
                  .progress=${this.recording && { frames: this.recording.rec.frames, steps: this.recording.lastStep - this.recording.startStep, total: this.recording.steps }}
                  @record-start=${(e: CustomEvent<RecordRequest>) => this.startRecording(e.detail)}
                  @record-stop=${() => this.stopRecording()}></lab-record-controls>
              </section>
              <section>
                <lab-export-bar ?disabled=${!ready} pngScale=${this.pngScale} pinned=${this.pinnedHere()?.label ?? ''} @png-scale=${(e: CustomEvent<number>) => (this.pngScale = e.detail)} ?curves=${!!this.lastCurves()} ?histograms=${Object.keys(r!.log.latest?.histograms ?? {}).length > 0}
                  .downloads=${sim!.downloads ?? []}
                  @export=${(e: CustomEvent<ExportKind>) => this.doExport(e.detail)}
                  @sim-download=${(e: CustomEvent<string>) => this.simDownload(e.detail)}
                  @import-state=${(e: CustomEvent<File>) => this.importFile(e.detail)}></lab-export-bar>
              </section>
            `
          : nothing}
      </aside>
      <main @about-plot=${(e: CustomEvent<string>) => this.about.show(e.detail)}>
        <lab-about .def=${def}></lab-about>
        <lab-sweep-view @open-point=${(e: CustomEvent<SweepPointRequest>) => this.openPoint(e.detail)}></lab-sweep-view>
        <lab-banner .messages=${this.messages} @dismiss=${(e: CustomEvent<number>) => this.dismiss(e.detail)}></lab-banner>
        ${def ? html`<p class="headline" data-testid="headline">${def.headline(this.values)}</p>` : nothing}
        <div class="stage" id="viewport" data-testid="viewport">
          ${this.phase === 'starting' ? html`<div class="starting">Starting WebGPU…</div>` : nothing}
          ${this.phase === 'failed' ? html`<div class="failed" role="alert">${this.failure}</div>` : nothing}
          ${sim ? html`<div class="hint">${sim.render.dims === 2 ? 'drag: pan · wheel: zoom' : 'drag: orbit · right-drag: pan · wheel: zoom'}</div>` : nothing}
        </div>
        <div class="under">
          <span class="caption" data-testid="caption">${sim?.render.caption ?? ''}</span>
          ${sim ? html`<lab-readout .stats=${{ ...r!.stats }} step=${sim.stepCount} time=${sim.time} count=${sim.render.count}></lab-readout>` : nothing}
        </div>
        <div class="results" @plot-export=${(e: CustomEvent<PlotExport>) => saveBlob(e.detail.blob, this.fileName(`${e.detail.id}.${e.detail.ext}`))}>
          ${this.modelSession && def?.model
            ? html`<lab-model-panel .model=${def.model} .session=${this.modelSession} .samples=${r!.log.samples} .metrics=${def.metrics} version=${this.plotVersion}
                @model-save=${() => this.modelSave()}
                @model-load=${(e: CustomEvent<File>) => this.modelLoad(e.detail)}></lab-model-panel>`
            : nothing}
          <section class="plots">
            ${def?.plots.filter((p) => p.shown?.(this.values) ?? true).map(
              (p) => html`<lab-plot .spec=${p} .samples=${r!.log.samples} .metrics=${def.metrics} .runs=${r!.log.runs} .pinned=${this.pinnedHere()} version=${this.plotVersion}></lab-plot>`,
            )}
          </section>
        </div>
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'particle-lab': ParticleLab;
  }
}
