// The score network's life in the lab: one per mips simulation. Starts / stops online training
// (in chunks, yielding to the page between them), saves and loads weights, loads the shipped
// default for a preset. A bad file or a non-finite step stops training with the weights unchanged.
import { deviceLostSoon } from '../../../gpu/context';
import { NonFiniteStepError } from '../../../nn/adamw';
import type { MipsSimulation } from '../simulation';
import { SCORE_DEFAULTS, sameArch, scoreArch, type ScoreSettings } from './config';
import { ScoreModel } from './model';
import { OnlineTrainer, type TrainProgress } from './online';
import { modelFromWeights, readScoreMeta } from './weights';

/** Share of wall time the lab's samples may spend on score inference (see ScoreModel). */
export const LAB_INFERENCE_SHARE = 0.25;
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
  private loop: Promise<void> | undefined;

  constructor(
    readonly sim: MipsSimulation,
    private readonly changed: () => void,
    private readonly say: (kind: 'info' | 'error', text: string) => void,
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
    model.inferenceShare = LAB_INFERENCE_SHARE;
    this.sim.attach(model);
  }

  private async keepCheckpoint(): Promise<void> {
    if (this.model) this.checkpoint = { bytes: await this.model.save(), source: this.source };
  }

  /** Starts online training up to `total` steps (a new network if none fits the system). */
  start(total: number, settings: ScoreSettings = SCORE_DEFAULTS): void {
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
    if (this.model && JSON.stringify(meta.settings) === JSON.stringify(this.model.settings) && sameArch(meta.arch, this.model.arch)) {
      this.model.load(bytes); // same architecture: in place (validated first)
      this.source = source;
    } else {
      this.install(await modelFromWeights(this.sim, bytes), source);
    }
    this.checkpoint = { bytes: bytes.slice(), source };
    this.progress = undefined;
    this.changed();
  }

  /** Loads the shipped default for a preset, when there is one and it fits the system. */
  async loadDefault(preset: string, base: string): Promise<boolean> {
    const path = DEFAULT_WEIGHTS[preset];
    if (!path) return false;
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`could not fetch ${path} (HTTP ${res.status})`);
    await this.load(new Uint8Array(await res.arrayBuffer()), `default (${path})`);
    return true;
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.sim.attach(undefined);
    this.model?.destroy();
    this.model = undefined;
  }
}
