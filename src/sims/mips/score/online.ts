// Online training: alternate sim steps and training steps on the same device, with a loss
// history and progress / ETA for the UI and the CLI. Stops on a non-finite step (weights unchanged).
import type { StepStats } from '../../../nn/adamw';
import type { MipsSimulation } from '../simulation';
import type { ScoreModel } from './model';

export interface TrainProgress {
  steps: number;
  total: number;
  loss: number;
  /** Mean loss over the last chunks (the raw DSM loss is noisy). */
  smoothLoss: number;
  elapsedS: number;
  etaS: number;
  /** Particle-samples per second (2 antithetic sets per particle count as one sample). */
  samplesPerS: number;
}

export class OnlineTrainer {
  readonly history: Array<{ step: number; loss: number }> = [];
  private stopRequested = false;

  constructor(
    readonly sim: MipsSimulation,
    readonly model: ScoreModel,
  ) {}

  /** One chunk: simStepsPerChunk sim steps, then trainStepsPerChunk training steps. */
  async chunk(): Promise<StepStats> {
    const s = this.model.settings;
    if (s.simStepsPerChunk > 0) this.sim.step(s.simStepsPerChunk);
    const stats = await this.model.train(s.trainStepsPerChunk);
    this.history.push({ step: stats.steps, loss: stats.loss });
    return stats;
  }

  stop(): void {
    this.stopRequested = true;
  }

  /** Trains until `total` accepted steps (or stop()); `onProgress` after every chunk. */
  async run(total: number, onProgress?: (p: TrainProgress) => void | Promise<void>): Promise<TrainProgress> {
    this.stopRequested = false;
    const t0 = performance.now();
    const start = this.model.steps;
    let p: TrainProgress = { steps: start, total, loss: NaN, smoothLoss: NaN, elapsedS: 0, etaS: NaN, samplesPerS: 0 };
    while (this.model.steps < total && !this.stopRequested) {
      const stats = await this.chunk();
      const elapsedS = (performance.now() - t0) / 1000;
      const done = stats.steps - start;
      const recent = this.history.slice(-20);
      p = {
        steps: stats.steps, total, loss: stats.loss,
        smoothLoss: recent.reduce((a, h) => a + h.loss, 0) / recent.length,
        elapsedS, etaS: done > 0 ? ((total - stats.steps) * elapsedS) / done : NaN,
        samplesPerS: (done * this.model.settings.batch) / Math.max(elapsedS, 1e-9),
      };
      await onProgress?.(p);
    }
    return p;
  }
}
