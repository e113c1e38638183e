// Flow weights files: the toolkit's weights format (src/nn/io.ts) holding both networks
// (points/, counts/), with a meta block naming the settings, the standardisation the networks
// learned, and the conditions they were trained on, so a file rebuilds its own model and is
// refused, with a one-line message, by a calorimeter it does not fit.
import { decodeWeights, readWeightsMeta, WeightsFormatError } from '../../../nn/io';
import type { Params } from '../../params';
import type { Detector } from '../detector';
import { detectorOf, eventSpec } from '../events';
import { schema, type ShowerParams } from '../params';

export { trainedOn, type TrainedOn } from './flow-model';
import { cellsDiffer, FLOW_KIND, modelLayout, ShowerFlowModel, type FlowStats, type TrainedOn } from './flow-model';
import { checkSettings, FLOW_SETTINGS_DEFAULTS, type FlowSettings } from './settings';

export interface FlowMeta {
  kind: typeof FLOW_KIND;
  settings: FlowSettings;
  stats: FlowStats;
  steps: number;
  layers: number;
  trainedOn: TrainedOn;
}

const numbers = (v: unknown, n?: number) => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && (n === undefined || v.length === n);

function checkFeatureStats(v: unknown, name: string, dim?: number): void {
  const s = v as { mean?: unknown; std?: unknown } | null;
  if (typeof s !== 'object' || s === null || !numbers(s.mean, dim) || !numbers(s.std, (s.mean as number[] | undefined)?.length)) {
    throw new WeightsFormatError(`meta.stats.${name} must be { mean: [numbers], std: [numbers] } of equal length${dim ? ` ${dim}` : ''}`);
  }
  if ((s.std as number[]).some((x) => !(x > 0))) throw new WeightsFormatError(`meta.stats.${name}.std must be positive`);
}

/** Reads and checks the meta block of a flow weights file (the tensors are checked when loaded). */
export function readFlowMeta(bytes: Uint8Array): FlowMeta {
  const meta = readWeightsMeta(bytes, FLOW_KIND) as Partial<FlowMeta>;
  if (typeof meta.settings !== 'object' || meta.settings === null || Object.values(meta.settings).some((v) => typeof v !== 'number')) {
    throw new WeightsFormatError('meta.settings must be an object of numbers');
  }
  const settings = { ...FLOW_SETTINGS_DEFAULTS, ...meta.settings };
  try {
    checkSettings(settings);
  } catch (e) {
    throw new WeightsFormatError(`bad settings in the file: ${(e as Error).message}`);
  }
  if (!Number.isInteger(meta.layers) || meta.layers! < 1) throw new WeightsFormatError('meta.layers must be a positive integer');
  const stats = meta.stats as Partial<FlowStats> | undefined;
  if (typeof stats !== 'object' || stats === null || typeof stats.data !== 'object' || stats.data === null) throw new WeightsFormatError('meta.stats must hold data and counts');
  checkFeatureStats(stats.data.points, 'data.points', 3);
  checkFeatureStats(stats.data.energy, 'data.energy', 1);
  checkFeatureStats(stats.counts, 'counts', meta.layers);
  const t = meta.trainedOn as Partial<TrainedOn> | undefined;
  if (typeof t !== 'object' || t === null || typeof t.ecalCell !== 'number' || typeof t.hcalCell !== 'number') {
    throw new WeightsFormatError('meta.trainedOn must name the ecalCell and hcalCell (mm) of the training showers');
  }
  return { kind: FLOW_KIND, settings, stats: stats as FlowStats, steps: Number.isInteger(meta.steps) ? meta.steps! : 0, layers: meta.layers!, trainedOn: t as TrainedOn };
}

/** Refuses weights learned on other cells or another number of layers: their points would not fit this calorimeter. */
export function checkFits(meta: FlowMeta, p: ShowerParams, detector: Detector): void {
  const differ = cellsDiffer(meta.trainedOn, p);
  if (differ) throw new WeightsFormatError(`these weights ${differ} (set them to match)`);
  if (meta.layers !== detector.layers.length) throw new WeightsFormatError(`these weights are for ${meta.layers} layers; the calorimeter has ${detector.layers.length}`);
}

/**
 * The whole file checked on the CPU, as loading it would (meta, fit to the system, tensor table, byte
 * count, finite values), so the CLI refuses it before creating a GPU device.
 */
export function checkWeights(bytes: Uint8Array, params: Params): FlowMeta {
  const p = schema.typed(params);
  const detector = detectorOf(eventSpec(p));
  const meta = readFlowMeta(bytes);
  checkFits(meta, p, detector);
  decodeWeights(bytes, modelLayout(meta.settings, meta.layers));
  return meta;
}

/** A model rebuilt from a file's own settings and stats, its weights and EMA loaded. */
export function modelFromWeights(device: GPUDevice, p: ShowerParams, bytes: Uint8Array): ShowerFlowModel {
  const detector = detectorOf(eventSpec(p));
  const meta = readFlowMeta(bytes);
  checkFits(meta, p, detector);
  decodeWeights(bytes, modelLayout(meta.settings, meta.layers)); // before any GPU allocation
  const model = new ShowerFlowModel(device, detector, meta.settings, meta.stats, meta.trainedOn, meta.steps);
  model.load(bytes);
  return model;
}
