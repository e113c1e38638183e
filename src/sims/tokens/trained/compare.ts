// The standard against the Macaron network (Lu et al.'s claim, tested at lab scale): both trained
// from the same seeds on the same batches (a batch is named by seed and step), evaluated on the
// same held-out set at the same steps. The networks train in lockstep, one chunk each in turn, so
// the learning curves (mean ± std over seeds) grow live side by side; the end reports the final
// loss and accuracy and the paired difference macaron − standard with its standard error.
import type { StepStats } from '../../../nn/adamw';
import type { SequenceArch } from '../../../nn/sequence-transformer';
import type { TrainableModel } from '../../../nn/trainable';
import type { Curve } from '../../types';
import { loadCorpus, type Corpus } from './charlm-task';
import { TokenNet, type Evaluation, type TokenNetSettings } from './token-net';

export const ARCHES: readonly SequenceArch[] = ['standard', 'macaron'];

export interface CurvePoint {
  step: number;
  /** Held-out loss (nats per position), mean and sample std over seeds. */
  loss: number;
  lossStd: number;
  accuracy: number;
  accuracyStd: number;
}

export interface Paired {
  /** Mean over seeds of (macaron − standard). */
  mean: number;
  /** Its standard error: the sample std of the differences / √seeds. */
  stdErr: number;
}

export interface Comparison {
  task: TokenNetSettings['task'];
  seeds: number[];
  steps: number;
  parameters: Record<SequenceArch, number>;
  curves: Record<SequenceArch, CurvePoint[]>;
  final: Record<SequenceArch, { loss: number; lossStd: number; accuracy: number; accuracyStd: number; perSeed: Evaluation[] }>;
  /** macaron − standard at the end, paired by seed (loss: negative favours Macaron). */
  difference: { loss: Paired; accuracy: Paired };
  seconds: Record<SequenceArch, number>;
}

const mean = (a: readonly number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const std = (a: readonly number[]) => (a.length > 1 ? Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1)) : 0);

/** One network of the comparison and its held-out evaluations (step 0 first, then after every chunk). */
interface Run {
  arch: SequenceArch;
  seed: number;
  net: TokenNet;
  evals: Evaluation[];
  seconds: number;
}

/** Both architectures over seeds, trained in lockstep: a TrainableModel, so the lab's panel can drive it. */
export class ArchitectureComparison implements TrainableModel {
  static async create(device: GPUDevice, base: TokenNetSettings, seeds: readonly number[]): Promise<ArchitectureComparison> {
    return ArchitectureComparison.build(device, base, seeds, base.task === 'charlm' ? await loadCorpus() : undefined);
  }

  /** Both architectures for every seed (charlm: with the corpus loaded). */
  static build(device: GPUDevice, base: TokenNetSettings, seeds: readonly number[], corpus: Corpus | undefined): ArchitectureComparison {
    const runs: Run[] = [];
    try {
      for (const seed of seeds) for (const arch of ARCHES) runs.push({ arch, seed, net: TokenNet.build(device, { ...base, arch, seed }, corpus), evals: [], seconds: 0 });
    } catch (e) {
      for (const r of runs) r.net.destroy();
      throw e;
    }
    return new ArchitectureComparison(base, seeds, runs);
  }

  /** One network (e.g. read from a file), to train on alone. */
  static of(net: TokenNet): ArchitectureComparison {
    return new ArchitectureComparison(net.settings, [net.settings.seed], [{ arch: net.settings.arch, seed: net.settings.seed, net, evals: [], seconds: 0 }]);
  }

  readonly evalSteps: number[];
  private evaluated = false;

  private constructor(
    readonly base: TokenNetSettings,
    readonly seeds: readonly number[],
    readonly runs: Run[],
  ) {
    this.evalSteps = [this.steps];
  }

  get steps(): number {
    return Math.min(...this.runs.map((r) => r.net.steps));
  }

  get samplesPerStep(): number {
    return this.base.batch * this.runs.length;
  }

  /** Held-out evaluations of every network at step 0 (once). */
  async evaluateStart(): Promise<void> {
    if (this.evaluated) return;
    this.evaluated = true;
    for (const r of this.runs) r.evals.push(await r.net.evaluate());
  }

  /** One chunk of every network in turn, each then evaluated on the held-out set. */
  async trainChunk(): Promise<StepStats> {
    await this.evaluateStart();
    const stats: StepStats[] = [];
    for (const r of this.runs) {
      const t0 = performance.now();
      stats.push(await r.net.trainChunk());
      r.evals.push(await r.net.evaluate());
      r.seconds += (performance.now() - t0) / 1000;
    }
    this.evalSteps.push(this.steps);
    return {
      loss: mean(stats.map((s) => s.loss)),
      gradNorm: Math.max(...stats.map((s) => s.gradNorm)),
      steps: this.steps,
      skipped: stats.reduce((n, s) => n + s.skipped, 0),
      lastSkipped: stats.some((s) => s.lastSkipped),
    };
  }

  private of(arch: SequenceArch): Run[] {
    return this.runs.filter((r) => r.arch === arch);
  }

  curve(arch: SequenceArch): CurvePoint[] {
    return this.evalSteps.map((step, i) => {
      const at = this.of(arch).map((r) => r.evals[i]!).filter((e) => e !== undefined);
      return { step, loss: mean(at.map((e) => e.loss)), lossStd: std(at.map((e) => e.loss)), accuracy: mean(at.map((e) => e.accuracy)), accuracyStd: std(at.map((e) => e.accuracy)) };
    });
  }

  /** The held-out loss of both architectures against training steps, mean ± std over seeds (bits/char for the character model). */
  learningCurves(): Curve[] {
    const unit = this.base.task === 'charlm' ? 1 / Math.LN2 : 1;
    return ARCHES.filter((a) => this.of(a).length > 0).map((arch) => {
      const c = this.curve(arch);
      return {
        label: `${arch} (${this.of(arch).length} seed${this.of(arch).length > 1 ? 's' : ''})`,
        x: c.map((p) => p.step),
        y: c.map((p) => p.loss * unit),
        band: { lo: c.map((p) => (p.loss - p.lossStd) * unit), hi: c.map((p) => (p.loss + p.lossStd) * unit) },
      };
    });
  }

  summary(): Comparison {
    // Networks not evaluated yet (a chunk in progress) have no last point.
    const last = (arch: SequenceArch) => this.of(arch).flatMap((r) => r.evals.slice(-1));
    const paired = (key: keyof Evaluation): Paired => {
      const d = last('macaron').map((m, i) => m[key] - (last('standard')[i]?.[key] ?? NaN));
      return { mean: mean(d), stdErr: std(d) / Math.sqrt(d.length) };
    };
    const final = (arch: SequenceArch) => {
      const e = last(arch);
      return { loss: mean(e.map((x) => x.loss)), lossStd: std(e.map((x) => x.loss)), accuracy: mean(e.map((x) => x.accuracy)), accuracyStd: std(e.map((x) => x.accuracy)), perSeed: e };
    };
    const per = <T>(f: (arch: SequenceArch) => T) => ({ standard: f('standard'), macaron: f('macaron') });
    return {
      task: this.base.task, seeds: [...this.seeds], steps: this.steps,
      parameters: per((a) => this.of(a)[0]?.net.params.layout.count ?? 0),
      curves: per((a) => this.curve(a)),
      final: per(final),
      difference: { loss: paired('loss'), accuracy: paired('accuracy') },
      seconds: per((a) => this.of(a).reduce((t, r) => t + r.seconds, 0)),
    };
  }

  /** The first seed's network of `arch`, as a weights file. */
  async save(extra: Record<string, unknown> = {}, arch: SequenceArch = 'standard'): Promise<Uint8Array<ArrayBuffer>> {
    const r = this.of(arch)[0] ?? this.runs[0]!;
    return r.net.save({ validation: r.evals.at(-1), ...extra });
  }

  destroy(): void {
    for (const r of this.runs) r.net.destroy();
  }
}

export async function compareArchitectures(
  device: GPUDevice,
  base: TokenNetSettings,
  seeds: readonly number[],
  steps: number,
  progress?: (done: number, total: number) => void,
): Promise<Comparison> {
  const c = await ArchitectureComparison.create(device, base, seeds);
  try {
    const chunks = Math.ceil(steps / base.stepsPerChunk);
    await c.evaluateStart();
    for (let k = 1; c.steps < steps; k++) {
      await c.trainChunk();
      progress?.(k, chunks);
    }
    return c.summary();
  } finally {
    c.destroy();
  }
}
