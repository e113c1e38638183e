// Score weights files: the toolkit's weights format (src/nn/io.ts) with a meta block
// naming the settings and architecture, so a file rebuilds its own network and is refused,
// with a clear message, by a system it does not fit.
import { decodeWeights, readWeightsMeta, WeightsFormatError } from '../../../nn/io';
import { localTransformerLayout } from '../../../nn/local-transformer';
import type { Params } from '../../params';
import { schema, type MipsParams } from '../params';
import type { MipsSimulation } from '../simulation';
import { checkSettings, describeArch, networkConfig, sameArch, SCORE_DEFAULTS, scoreArch, type ScoreArch, type ScoreSettings } from './config';
import type { ScoreModel } from './model';

export const SCORE_KIND = 'mips-score';

export interface ScoreMeta {
  kind: typeof SCORE_KIND;
  settings: ScoreSettings;
  arch: ScoreArch;
  steps: number;
  /** The system it was trained on (informative: weights transfer across n and phi). */
  trainedOn: Record<string, unknown>;
}

export function scoreMeta(model: ScoreModel, p: MipsParams): ScoreMeta {
  const trainedOn: Record<string, unknown> = {};
  for (const k of ['model', 'force', 'n', 'phi', 'v0', 'gamma', 'Dr', 'Dt', 'k', 'A', 'b', 'dt', 'seed'] as const) trainedOn[k] = p[k];
  return { kind: SCORE_KIND, settings: model.settings, arch: model.arch, steps: model.steps, trainedOn };
}

/** Reads the meta block of a weights file (the tensors are checked when loaded into a network). */
export function readScoreMeta(bytes: Uint8Array): ScoreMeta {
  const meta = readWeightsMeta(bytes, SCORE_KIND) as Partial<ScoreMeta>;
  if (!meta.settings || !meta.arch) throw new WeightsFormatError('meta.settings and meta.arch are required');
  if (typeof meta.settings !== 'object' || Object.values(meta.settings).some((v) => typeof v !== 'number')) {
    throw new WeightsFormatError('meta.settings must be an object of numbers');
  }
  const settings = { ...SCORE_DEFAULTS, ...meta.settings };
  const arch = { ...meta.arch };
  // Messages print the architecture (describeArch): check its fields' types first.
  const flag = (v: unknown) => v === undefined || typeof v === 'boolean';
  if ((arch.model !== 'aoup' && arch.model !== 'abp') || typeof arch.noisyX !== 'boolean' || typeof arch.trap !== 'boolean' || !flag(arch.pairForce)) {
    throw new WeightsFormatError('meta.arch must be { model: "aoup"|"abp", noisyX, trap, pairForce: true|false }');
  }
  if (arch.pairForce === undefined) {
    // Files from before the force input: no force channel; interacting if trained with a force.
    arch.pairForce = (meta.trainedOn?.force ?? 'none') !== 'none';
    settings.forceInput = 0;
  }
  try {
    checkSettings(settings);
  } catch (e) {
    throw new WeightsFormatError(`bad settings in the file: ${(e as Error).message}`);
  }
  return { kind: SCORE_KIND, settings, arch, steps: meta.steps ?? 0, trainedOn: meta.trainedOn ?? {} };
}

/** Refuses weights whose architecture does not fit the system's configuration. */
export function checkFits(meta: ScoreMeta, p: MipsParams): void {
  const a = scoreArch(p);
  if (!sameArch(meta.arch, a)) {
    throw new WeightsFormatError(`these weights are for ${describeArch(meta.arch)}; the system is ${describeArch(a)}`);
  }
}

/**
 * The whole file checked on the CPU, as loading it would (meta, fit to the system, tensor table,
 * byte count, finite values), so the CLI can refuse it before creating a GPU device.
 */
export function checkWeights(bytes: Uint8Array, params: Params): ScoreMeta {
  const p = schema.typed(params);
  const meta = readScoreMeta(bytes);
  checkFits(meta, p);
  decodeWeights(bytes, localTransformerLayout(networkConfig(meta.settings, scoreArch(p))));
  return meta;
}

