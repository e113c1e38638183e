// What the training lifecycle needs from a learned model, and the online trainer that drives it:
// chunks of training (the model decides what a chunk holds, e.g. sim steps then optimiser steps),
// a loss history, and progress with ETA and throughput for the UI and the CLI.
import type { StepStats } from './adamw';

/** A model that trains in chunks and saves itself; the lifecycle (TrainingSession) knows no more. */
export interface TrainableModel {
  /** Accepted optimiser steps so far. */
  readonly steps: number;
  /** Samples per optimiser step (for samples/s). */
  readonly samplesPerStep: number;
  /** One chunk of online training; throws NonFiniteStepError (weights unchanged) on a non-finite step. */
  trainChunk(): Promise<StepStats>;
  /** The weights as a file (meta included). */
  save(extra?: Record<string, unknown>): Promise<Uint8Array<ArrayBuffer>>;
  destroy(): void;
}

export interface TrainProgress {
  steps: number;
  total: number;
  loss: number;
  /** Mean loss over the last chunks (a raw stochastic loss is noisy). */
  smoothLoss: number;
  elapsedS: number;
  etaS: number;
  samplesPerS: number;
}

/** Chunks whose mean loss is the smooth loss. */
const SMOOTHING_CHUNKS = 20;

export class OnlineTrainer {
  readonly history: Array<{ step: number; loss: number }> = [];
  private stopRequested = false;

  constructor(readonly model: TrainableModel) {}

  async chunk(): Promise<StepStats> {
    const stats = await this.model.trainChunk();
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
      const recent = this.history.slice(-SMOOTHING_CHUNKS);
      p = {
        steps: stats.steps, total, loss: stats.loss,
        smoothLoss: recent.reduce((a, h) => a + h.loss, 0) / recent.length,
        elapsedS, etaS: done > 0 ? ((total - stats.steps) * elapsedS) / done : NaN,
        samplesPerS: (done * this.model.samplesPerStep) / Math.max(elapsedS, 1e-9),
      };
      await onProgress?.(p);
    }
    return p;
  }
}
