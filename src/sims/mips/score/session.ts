// The score network's life in the lab: one per mips simulation. Starts / stops online training
// (in chunks, yielding to the page between them), saves and loads weights, loads the shipped
// default for a preset (with its progress), and keeps the learned EPR fresh: evaluations run in the
// background, a chunk of particles per frame, and start over on the newest state as soon as one
// ends. A bad file or a non-finite step stops training with the weights unchanged.
import { deviceLostSoon } from '../../../gpu/context';
import { NonFiniteStepError } from '../../../nn/adamw';
import type { MipsSimulation } from '../simulation';
import { SCORE_DEFAULTS, sameArch, scoreArch, type ScoreSettings } from './config';
import { modelFromWeights, ScoreArchError, ScoreModel } from './model';
import { OnlineTrainer, type TrainProgress } from './online';
import { readScoreMeta } from './weights';

/**
 * Particles per inference chunk in the lab, first guess and bounds. After each evaluation the chunk
 * doubles while a chunk takes under CHUNK_FAST_MS and halves above CHUNK_SLOW_MS (wall time from
 * submit to done), so one chunk stays well under the ~100 ms a page may block.
 */
export const LAB_CHUNK = { first: 64, min: 16, max: 65536 };
const CHUNK_FAST_MS = 20;
const CHUNK_SLOW_MS = 80;
/** Seconds between weight checkpoints while training (kept on the CPU for device-loss recovery). */
const CHECKPOINT_SECONDS = 30;

/** The current weights as a file, and where they came from. */
export interface ScoreCheckpoint {
  bytes: Uint8Array;
  source: string;
}

/** Pretrained weights shipped in public/weights/, by preset. */
export const DEFAULT_WEIGHTS: Record<string, string> = { 'boffi-mips': 'weights/boffi-mips.bin' };

export class ScoreSession {
  model: ScoreModel | undefined;
  trainer: OnlineTrainer | undefined;
  training = false;
  progress: TrainProgress | undefined;
  /** Where the current weights came from (a file name, "default", "training"). */
  source = '';
  /** The latest weights on the CPU: set on load and every CHECKPOINT_SECONDS of training. */
  checkpoint: ScoreCheckpoint | undefined;
  /** Settings of the network Train builds when none fits (the panel edits them through SCORE_SCHEMA). */
  settings: ScoreSettings = SCORE_DEFAULTS;
  /** What a load is doing now ("fetching …", "building …"), for the panel; '' when idle. */
  loading = '';
  /** Evaluations finished by this session (the panel shows the count; e2e tests wait on it). */
  evaluations = 0;
  /** Particles per inference chunk (adapted to the adapter's speed, see LAB_CHUNK). */
  chunk = LAB_CHUNK.first;
  private loop: Promise<void> | undefined;
  private inferring = false;
  private restartEval = false;
  private disposed = false;
  /** Training steps of the weights the last finished evaluation used. */
  private evaluatedSteps = -1;

  constructor(
    readonly sim: MipsSimulation,
    private readonly changed: () => void,
    private readonly say: (kind: 'info' | 'error', text: string) => void,
    /** After each finished evaluation (the lab takes a sample, so it reaches the plots and the log). */
    private readonly evaluated: () => void = () => undefined,
  ) {}

  get lossHistory(): ReadonlyArray<{ step: number; loss: number }> {
    return this.trainer?.history ?? [];
  }

  private install(model: ScoreModel, source: string): void {
    this.sim.attach(undefined);
    this.model?.destroy();
    this.model = model;
    this.trainer = new OnlineTrainer(this.sim, model);
    this.source = source;
    model.chunk = this.chunk;
    this.evaluatedSteps = -1;
    this.sim.attach(model);
    if (!this.inferring) void this.inferLoop();
  }

  /** Abandons the evaluation in progress and starts one on the current state ("Evaluate now"). */
  evaluateNow(): void {
    this.restartEval = true;
  }

  /** Whether the last evaluation is older than the state or the weights (a new one is due). */
  private stale(m: ScoreModel): boolean {
    return this.restartEval || !m.last || m.last.step !== this.sim.stepCount || this.evaluatedSteps !== m.steps;
  }

  // Background inference: one chunk, then a frame, then the next; a finished evaluation starts
  // over on the newest state. Awaiting each chunk keeps at most one on the GPU queue.
  private async inferLoop(): Promise<void> {
    this.inferring = true;
    try {
      while (!this.disposed && this.model) {
        const m = this.model;
        if (!m.progress && !this.stale(m)) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        try {
          if (!m.progress || this.restartEval) {
            this.restartEval = false;
            m.chunk = this.chunk;
            await m.prepareEvaluation(this.chunk, nextFrame); // a frame between pipeline compiles
            if (this.model !== m || this.disposed) continue;
            m.beginEvaluation(this.chunk);
            this.evaluatingSteps = m.steps;
            this.chunkMs = [];
            this.changed(); // show the progress from its first chunk on
          }
          const t0 = performance.now();
          const e = await m.evaluateChunk();
          this.adaptChunk(performance.now() - t0, e !== undefined);
          if (e) {
            this.evaluatedSteps = this.evaluatingSteps;
            this.evaluations++;
            this.evaluated();
          }
          else if (!m.progress) this.restartEval = true; // abandoned: the sim changed under it
          this.changed();
        } catch (e) {
          if (e instanceof ScoreArchError) {
            // The system changed under the network: no evaluation until it fits again.
            await new Promise((r) => setTimeout(r, 500));
            continue;
          }
          if (this.disposed || (await deviceLostSoon(this.sim.internals.device))) return;
          this.say('error', `Learned EPR evaluation stopped: ${(e as Error).message}`);
          return;
        }
        await nextFrame();
      }
    } finally {
      this.inferring = false;
    }
  }

  private evaluatingSteps = -1;
  private chunkMs: number[] = [];

  /** After an evaluation: doubles or halves the chunk from the median chunk time (compiles skew the first). */
  private adaptChunk(ms: number, done: boolean): void {
    this.chunkMs.push(ms);
    if (!done) return;
    const t = this.chunkMs.sort((a, b) => a - b)[this.chunkMs.length >> 1]!;
    this.chunkMs = [];
    const n = this.sim.internals.buf.n;
    if (t < CHUNK_FAST_MS && this.chunk < Math.min(n, LAB_CHUNK.max)) this.chunk *= 2;
    else if (t > CHUNK_SLOW_MS && this.chunk > LAB_CHUNK.min) this.chunk /= 2;
  }

  private async keepCheckpoint(): Promise<void> {
    if (this.model) this.checkpoint = { bytes: await this.model.save(), source: this.source };
  }

  /** Starts online training up to `total` steps (a new network if none fits the system). */
  start(total: number, settings: ScoreSettings = this.settings): void {
    if (this.training) return;
    if (!this.model || !sameArch(this.model.arch, scoreArch(this.sim.params))) this.install(new ScoreModel(this.sim, settings), 'training');
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
      // A lost device is reported (and recovered, with the checkpoint) by the lab.
      if (await deviceLostSoon(this.sim.internals.device)) return;
      const msg = e instanceof NonFiniteStepError ? `${e.message}. Training stopped.` : `Training stopped: ${(e as Error).message}`;
      this.say('error', msg);
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
    if (!this.model) throw new Error('no score network yet: train one or load weights');
    return this.model.save();
  }

  /**
   * Loads a weights file. Stops training first; a bad file leaves the current network and its
   * weights as they were and throws a message naming what is wrong.
   */
  async load(bytes: Uint8Array, source: string): Promise<void> {
    await this.stop();
    const meta = readScoreMeta(bytes);
    await this.stage(`building the network (${meta.settings.width}×${meta.settings.depth}) and uploading ${(bytes.length / 1024).toFixed(0)} KB of weights…`);
    try {
      if (this.model && JSON.stringify(meta.settings) === JSON.stringify(this.model.settings) && sameArch(meta.arch, this.model.arch)) {
        this.model.load(bytes); // same architecture: in place (validated first)
        this.source = source;
        this.evaluateNow();
      } else {
        this.install(await modelFromWeights(this.sim, bytes), source);
      }
    } finally {
      await this.stage('');
    }
    this.checkpoint = { bytes: bytes.slice(), source };
    this.progress = undefined;
    this.changed();
  }

  /** Names the load's current stage in the panel, and lets the page draw it before going on. */
  private async stage(text: string): Promise<void> {
    this.loading = text;
    this.changed();
    if (text) await nextFrame();
  }

  /** Loads the shipped default for a preset, when there is one and it fits the system. */
  async loadDefault(preset: string, base: string): Promise<boolean> {
    const path = DEFAULT_WEIGHTS[preset];
    if (!path) return false;
    await this.stage(`fetching ${path}…`);
    let bytes: Uint8Array;
    try {
      const res = await fetch(`${base}${path}`);
      if (!res.ok) throw new Error(`could not fetch ${path} (HTTP ${res.status})`);
      bytes = new Uint8Array(await res.arrayBuffer());
    } finally {
      await this.stage('');
    }
    await this.load(bytes, `default (${path})`);
    return true;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
    this.sim.attach(undefined);
    this.model?.destroy();
    this.model = undefined;
  }
}

/** Resolves at the next animation frame (a timer where there are no frames). */
function nextFrame(): Promise<void> {
  return new Promise((r) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => r()) : setTimeout(r, 16)));
}
