// A learned model's life beside a running system, whatever the model: start / stop online
// training in chunks (yielding between them), progress with ETA, weights kept on the CPU every
// CHECKPOINT_SECONDS (a lost device restores from them), the stop on a non-finite step with the
// weights unchanged, save, and load from a file or a URL, refused with the network unchanged
// when the file does not fit. Subclasses add what their model does between (e.g. evaluation).
import { NonFiniteStepError } from './adamw';
import { OnlineTrainer, type TrainableModel, type TrainProgress } from './trainable';

/** Seconds between weight checkpoints while training (kept on the CPU for device-loss recovery). */
export const CHECKPOINT_SECONDS = 30;

/** The current weights as a file, and where they came from. */
export interface Checkpoint {
  bytes: Uint8Array;
  source: string;
}

/** How a session builds and loads its kind of model for the system it serves. */
export interface ModelFactory<M extends TrainableModel, S> {
  /** A new network with these settings. */
  create(settings: S): M;
  /** A network rebuilt from a file's own settings, its weights loaded; throws naming what does not fit. */
  fromFile(bytes: Uint8Array): Promise<M>;
  /** Loads the file into `model` when it has the same settings and architecture; false when it needs a new network. */
  loadInPlace(model: M, bytes: Uint8Array): boolean;
  /** Whether `model` still fits the system (its configuration may have changed under it). */
  fits(model: M): boolean;
  /** The file's network in a few words, for the load stage ("32×2, 16 neighbours"). */
  describeFile(bytes: Uint8Array): string;
}

export interface SessionHooks {
  say(kind: 'info' | 'error', text: string): void;
  /** Whether the device is being lost (its loss is reported and recovered by the owner). */
  deviceLost(): Promise<boolean>;
  /** Resolves at the next frame, so the page draws between stages. */
  nextFrame(): Promise<void>;
}

export class TrainingSession<M extends TrainableModel, S> {
  model: M | undefined;
  trainer: OnlineTrainer | undefined;
  training = false;
  progress: TrainProgress | undefined;
  /** Where the current weights came from (a file name, "default (…)", "training"). */
  source = '';
  /** The latest weights on the CPU: set on load and every CHECKPOINT_SECONDS of training. */
  checkpoint: Checkpoint | undefined;
  /** What a load is doing now ("fetching …", "building …"); '' when idle. */
  loading = '';
  protected disposed = false;
  private loop: Promise<void> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    protected readonly factory: ModelFactory<M, S>,
    protected readonly hooks: SessionHooks,
    /** Settings of the network Train builds when none fits. */
    public settings: S,
  ) {}

  /** Calls `listener` on every change worth drawing; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected changed(): void {
    for (const l of this.listeners) l();
  }

  get lossHistory(): ReadonlyArray<{ step: number; loss: number }> {
    return this.trainer?.history ?? [];
  }

  /** Makes `model` the session's network (the old one is freed). */
  protected install(model: M, source: string): void {
    this.detach();
    this.model?.destroy();
    this.model = model;
    this.trainer = new OnlineTrainer(model);
    this.source = source;
    this.attach(model);
  }

  /** Hooks for subclasses: the model is about to go / has just arrived. */
  protected detach(): void {}
  protected attach(_model: M): void {}

  private async keepCheckpoint(): Promise<void> {
    if (this.model) this.checkpoint = { bytes: await this.model.save(), source: this.source };
  }

  /** Starts online training up to `total` steps (a new network when none fits the system). */
  start(total: number, settings: S = this.settings): void {
    if (this.training || this.disposed) return;
    if (!this.model || !this.factory.fits(this.model)) this.install(this.factory.create(settings), 'training');
    this.training = true;
    this.source = this.source === 'training' ? 'training' : `${this.source} + training`;
    this.loop = this.runLoop(total);
  }

  private async runLoop(total: number): Promise<void> {
    let saved = performance.now();
    try {
      await this.trainer!.run(total, async (p) => {
        this.progress = p;
        this.changed();
        if (performance.now() - saved > CHECKPOINT_SECONDS * 1000) {
          saved = performance.now();
          await this.keepCheckpoint();
        }
        await new Promise((r) => setTimeout(r, 0)); // let frames and samples through
      });
      await this.keepCheckpoint();
    } catch (e) {
      // A lost device is reported (and recovered, with the checkpoint) by the owner.
      if (await this.hooks.deviceLost()) return;
      const msg = e instanceof NonFiniteStepError ? `${e.message}. Training stopped.` : `Training stopped: ${(e as Error).message}`;
      this.hooks.say('error', msg);
    } finally {
      this.training = false;
      this.changed();
    }
  }

  async stop(): Promise<void> {
    this.trainer?.stop();
    await this.loop;
  }

  async save(): Promise<Uint8Array<ArrayBuffer>> {
    if (!this.model) throw new Error('no network yet: train one or load weights');
    return this.model.save();
  }

  /**
   * Loads a weights file. Stops training first; a bad file leaves the current network and its
   * weights as they were and throws a message naming what is wrong.
   */
  async load(bytes: Uint8Array, source: string): Promise<void> {
    await this.stop();
    await this.stage(`building the network (${this.factory.describeFile(bytes)}) and uploading ${(bytes.length / 1024).toFixed(0)} KB of weights…`);
    try {
      if (this.model && this.factory.loadInPlace(this.model, bytes)) {
        this.source = source;
        this.reloaded();
      } else {
        this.install(await this.factory.fromFile(bytes), source);
      }
    } finally {
      await this.stage('');
    }
    this.checkpoint = { bytes: bytes.slice(), source };
    this.progress = undefined;
    this.changed();
  }

  /** After new weights were loaded into the same network (subclasses refresh what depends on them). */
  protected reloaded(): void {}

  /** Fetches and loads shipped weights (`url` relative to the page). */
  async loadUrl(url: string, label: string): Promise<void> {
    await this.stage(`fetching ${label}…`);
    let bytes: Uint8Array;
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`could not fetch ${label} (HTTP ${res.status})`);
      bytes = new Uint8Array(await res.arrayBuffer());
    } finally {
      await this.stage('');
    }
    await this.load(bytes, `default (${label})`);
  }

  /** Names the load's current stage, and lets the page draw it before going on. */
  private async stage(text: string): Promise<void> {
    this.loading = text;
    this.changed();
    if (text) await this.hooks.nextFrame();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
    this.detach();
    this.model?.destroy();
    this.model = undefined;
    this.listeners.clear();
  }
}
