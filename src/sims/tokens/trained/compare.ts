// The standard against the Macaron network (Lu et al.'s claim, tested at lab scale): both trained
// from the same seeds on the same batches (a batch is named by seed and step), evaluated on the
// same held-out set at the same steps. Reports the learning curves (mean ± std over seeds), the
// final loss and accuracy, and the paired difference macaron − standard with its standard error.
import type { SequenceArch } from '../../../nn/sequence-transformer';
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

export async function compareArchitectures(
  device: GPUDevice,
  base: TokenNetSettings,
  seeds: readonly number[],
  steps: number,
  progress?: (done: number, total: number) => void,
): Promise<Comparison> {
  // runs[arch][seed] = evaluations at every chunk's end (step 0 first)
  const runs = { standard: [] as Evaluation[][], macaron: [] as Evaluation[][] };
  const seconds = { standard: 0, macaron: 0 };
  const parameters = { standard: 0, macaron: 0 };
  const evalSteps = [0];
  for (let s = base.stepsPerChunk; s <= steps; s += base.stepsPerChunk) evalSteps.push(s);
  let done = 0;
  for (const seed of seeds) {
    for (const arch of ARCHES) {
      const t0 = performance.now();
      const net = await TokenNet.create(device, { ...base, arch, seed });
      parameters[arch] = net.params.layout.count;
      try {
        const evals = [await net.evaluate()];
        while (net.steps < steps) {
          await net.trainChunk();
          evals.push(await net.evaluate());
          progress?.(++done, (seeds.length * ARCHES.length * steps) / base.stepsPerChunk);
        }
        runs[arch].push(evals);
      } finally {
        net.destroy();
      }
      seconds[arch] += (performance.now() - t0) / 1000;
    }
  }
  const curve = (arch: SequenceArch): CurvePoint[] =>
    evalSteps.map((step, i) => {
      const at = runs[arch].map((r) => r[i]!);
      return { step, loss: mean(at.map((e) => e.loss)), lossStd: std(at.map((e) => e.loss)), accuracy: mean(at.map((e) => e.accuracy)), accuracyStd: std(at.map((e) => e.accuracy)) };
    });
  const last = (arch: SequenceArch) => runs[arch].map((r) => r[r.length - 1]!);
  const paired = (key: keyof Evaluation): Paired => {
    const d = last('macaron').map((m, i) => m[key] - last('standard')[i]![key]);
    return { mean: mean(d), stdErr: std(d) / Math.sqrt(d.length) };
  };
  const final = (arch: SequenceArch) => {
    const e = last(arch);
    return { loss: mean(e.map((x) => x.loss)), lossStd: std(e.map((x) => x.loss)), accuracy: mean(e.map((x) => x.accuracy)), accuracyStd: std(e.map((x) => x.accuracy)), perSeed: e };
  };
  return {
    task: base.task, seeds: [...seeds], steps, parameters,
    curves: { standard: curve('standard'), macaron: curve('macaron') },
    final: { standard: final('standard'), macaron: final('macaron') },
    difference: { loss: paired('loss'), accuracy: paired('accuracy') },
    seconds,
  };
}
