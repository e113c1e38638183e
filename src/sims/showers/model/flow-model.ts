// The shower flow model: AllShowers' point network (flow.PointFlow) and the point-count model
// (flow.CountFlow) as one trainable, saveable model. A training chunk is one step of each on a pool of
// generator showers; sampling draws the per-layer counts (from the count model, or from a matching
// generator shower), then flows every point from noise at t = 1 to t = 0 with the EMA weights, and
// snaps the points to the detector's cells. One weights file holds both networks, their settings and
// the standardisation of the data they learned.
import { NonFiniteStepError, type StepStats } from '../../../nn/adamw';
import { decodeWeights, encodeWeights } from '../../../nn/io';
import { JoinedLayout } from '../../../nn/layout';
import type { TrainableModel } from '../../../nn/trainable';
import type { Detector } from '../detector';
import type { Hit } from '../digitise';
import { trainingSpecs, type AnyShower, type EventSpec } from '../events';
import type { ShowerParams } from '../params';
import { Rng } from '../random';
import { snapToCells } from '../flow/cells';
import { CountFlow, countConfig, countStats } from '../flow/count-flow';
import { countNetworkLayout } from '../flow/count-network';
import { batchHits, buildBatch, computeStats, maxHits, POINT_DIM, type DatasetStats, type FeatureStats, type ShowerBatch, type ShowerCondition } from '../flow/dataset';
import { flowNetworkLayout } from '../flow/network';
import { PointFlow } from '../flow/point-flow';
import { countOptions, pairingOf, pointAdamW, pointConfig, type FlowSettings, type SamplingSettings } from './settings';

/** The conditions of the training showers (informative, except the cells: they must match). */
export interface TrainedOn {
  particle: string;
  energy: string;
  theta: number;
  phi: number;
  ecalCell: number;
  hcalCell: number;
}

export function trainedOn(p: ShowerParams): TrainedOn {
  return { particle: p.particle, energy: p.energy, theta: p.theta, phi: p.phi, ecalCell: p.ecalCell, hcalCell: p.hcalCell };
}

/** Why weights trained on `t` do not fit a run with these cells ("learned 15 mm ECAL cells …"); undefined when they do. */
export function cellsDiffer(t: TrainedOn, p: Pick<ShowerParams, 'ecalCell' | 'hcalCell'>): string | undefined {
  if (t.ecalCell === p.ecalCell && t.hcalCell === p.hcalCell) return undefined;
  return `learned ${t.ecalCell} mm ECAL cells and ${t.hcalCell} mm HCAL tiles; the system has ecalCell = ${p.ecalCell}, hcalCell = ${p.hcalCell}`;
}

/** What the model learned its standardisation from: the points' and energies' stats, and the counts'. */
export interface FlowStats {
  data: DatasetStats;
  counts: FeatureStats;
}

/** The trajectory of a sample: standardised points [S · K · 3] at each time of the solver's grid, 1 → 0. */
export interface FlowTrajectory {
  times: number[];
  frames: Float32Array[];
  tokens: number;
  tok: Float32Array;
}

export interface FlowSample {
  /** Per shower: the points snapped to cells (the model's shower as the detector reads it). */
  hits: Hit[][];
  /** Per shower: the points at t = 0 before snapping (mm, GeV). */
  points: Hit[][];
  trajectory?: FlowTrajectory;
}

/** Tokens of a sampling batch: multiples of 32, so few network shapes are built. */
const roundTokens = (n: number) => Math.max(32, Math.ceil(n / 32) * 32);

/** The standardisation a new model learns from its training showers: points, energies, and counts per layer. */
export function poolStats(pool: readonly AnyShower[], detector: Detector): FlowStats {
  const data = computeStats(pool);
  return { data, counts: countStats(buildBatch(pool, data, detector, roundTokens(maxHits(pool)))) };
}

/** The layout of a weights file: both networks' tensors under `points/` and `counts/`. */
export function modelLayout(settings: FlowSettings, layers: number): JoinedLayout {
  return new JoinedLayout({
    points: flowNetworkLayout(pointConfig(settings, layers)),
    counts: countNetworkLayout(countConfig(layers, countOptions(settings))),
  });
}

/** A shower's conditions with these per-layer counts as placeholder hits (sampling ignores their values). */
function withCounts(shower: ShowerCondition, counts: ArrayLike<number>): ShowerCondition {
  const hits: Hit[] = [];
  for (let l = 0; l < counts.length; l++) for (let n = 0; n < counts[l]!; n++) hits.push({ x: 0, y: 0, layer: l, e: 1 });
  return { ...shower, hits };
}

export class ShowerFlowModel implements TrainableModel {
  readonly point: PointFlow;
  readonly count: CountFlow;
  readonly layout: JoinedLayout;
  /** The count model's loss of the last chunk. */
  countLoss = NaN;
  private pool: readonly AnyShower[] = [];
  private poolBatch: ShowerBatch | undefined;
  private stepsDone: number;
  private readonly rng: Rng;

  constructor(
    device: GPUDevice,
    readonly detector: Detector,
    readonly settings: FlowSettings,
    readonly stats: FlowStats,
    readonly trainedOn: TrainedOn,
    /** Steps the weights had before this network (from a file). */
    readonly stepsBefore = 0,
  ) {
    const layers = detector.layers.length;
    this.layout = modelLayout(settings, layers);
    this.point = new PointFlow(device, pointConfig(settings, layers), stats.data, detector, {
      batch: settings.batch, pairing: pairingOf(settings), seed: settings.seed, adamw: pointAdamW(settings),
    });
    this.count = new CountFlow(device, layers, stats.counts, countOptions(settings));
    this.stepsDone = stepsBefore;
    this.rng = new Rng((settings.seed ^ 0x5bd1e995) >>> 0);
  }

  /** A new network whose standardisation is that of `pool`, which it trains on. */
  static fromPool(device: GPUDevice, detector: Detector, settings: FlowSettings, pool: readonly AnyShower[], conditions: TrainedOn): ShowerFlowModel {
    checkPool(settings, pool);
    const model = new ShowerFlowModel(device, detector, settings, poolStats(pool, detector), conditions);
    model.setPool(pool);
    return model;
  }

  get steps(): number {
    return this.stepsDone;
  }

  get samplesPerStep(): number {
    return this.settings.batch;
  }

  get hasPool(): boolean {
    return this.pool.length > 0;
  }

  /** The showers training draws from (checked against flow.tokens; the standardisation stays the model's). */
  setPool(pool: readonly AnyShower[]): void {
    checkPool(this.settings, pool);
    this.pool = pool;
    this.poolBatch = buildBatch(pool, this.stats.data, this.detector, roundTokens(maxHits(pool)));
  }

  /** One step of the point model and one of the count model. */
  async trainChunk(): Promise<StepStats> {
    if (!this.poolBatch) throw new Error('the flow model has no training showers (setPool)');
    const stats = await this.point.trainStep(this.pool, this.rng);
    try {
      this.countLoss = (await this.count.trainStep(this.poolBatch, this.rng)).loss;
    } catch (e) {
      // The count model's bad step leaves its weights unchanged; report it as the model's.
      if (e instanceof NonFiniteStepError) throw new NonFiniteStepError({ ...e.stats, steps: this.stepsDone });
      throw e;
    }
    this.stepsDone = this.stepsBefore + stats.steps;
    return { ...stats, steps: this.stepsDone };
  }

  /**
   * Samples a model shower for the conditions of each shower of `showers` (particle, energy, direction;
   * with `counts: 'generator'` also its per-layer counts). `trajectory` keeps the points at every solver time.
   */
  async sample(showers: readonly ShowerCondition[], sampling: SamplingSettings, rng: Rng, trajectory = false): Promise<FlowSample> {
    const { solver, steps } = sampling;
    let batch: ShowerBatch;
    if (sampling.counts === 'generator') {
      batch = buildBatch(showers, this.stats.data, this.detector, roundTokens(maxHits(showers)));
    } else {
      const conditions = buildBatch(showers.map((s) => ({ ...s, hits: [] })), this.stats.data, this.detector, 4);
      const counts = await this.count.sample(conditions, rng, solver, steps, true);
      const L = this.detector.layers.length;
      const placeholders = showers.map((s, i) => withCounts(s, counts.subarray(i * L, (i + 1) * L)));
      batch = buildBatch(placeholders, this.stats.data, this.detector, roundTokens(maxHits(placeholders)));
    }
    const times: number[] = [];
    const frames: Float32Array[] = [];
    const observe = trajectory ? (t: number, y: Float64Array) => (times.push(t), frames.push(Float32Array.from(y))) : undefined;
    const out = await this.point.samplePoints(batch, rng, solver, steps, { ema: true, observe });
    const sampled = { tokens: batch.tokens, points: out, tok: batch.tok };
    const points = showers.map((_, s) => batchHits(sampled, this.stats.data, s));
    return {
      points,
      hits: points.map((p) => this.snap(p)),
      trajectory: trajectory ? { times, frames, tokens: batch.tokens, tok: batch.tok } : undefined,
    };
  }

  /** Points to read-out cells of this detector (flow/cells.ts). */
  snap(points: readonly Hit[]): Hit[] {
    return snapToCells(this.detector, points);
  }

  /** Shower s of a trajectory at time t (linear between the solver's grid times), in mm and GeV. */
  pointsAt(tr: FlowTrajectory, s: number, t: number): Hit[] {
    const last = tr.times.length - 1;
    let k = 0;
    while (k < last - 1 && tr.times[k + 1]! > t) k++;
    const [t0, t1] = [tr.times[k]!, tr.times[Math.min(k + 1, last)]!];
    const w = t0 === t1 ? 0 : Math.min(1, Math.max(0, (t0 - t) / (t0 - t1)));
    const a = tr.frames[k]!;
    const b = tr.frames[Math.min(k + 1, last)]!;
    const from = s * tr.tokens * POINT_DIM;
    const points = new Float32Array(tr.tokens * POINT_DIM);
    for (let i = 0; i < points.length; i++) points[i] = (1 - w) * a[from + i]! + w * b[from + i]!;
    return batchHits({ tokens: tr.tokens, points, tok: tr.tok.subarray(s * tr.tokens, (s + 1) * tr.tokens) }, this.stats.data, 0);
  }

  async save(extra: Record<string, unknown> = {}): Promise<Uint8Array<ArrayBuffer>> {
    const [pt, pe, ct, ce] = await Promise.all([
      this.point.params.weights(), this.point.params.emaWeights(), this.count.params.weights(), this.count.params.emaWeights(),
    ]);
    const meta = { ...extra, kind: FLOW_KIND, settings: this.settings, stats: this.stats, steps: this.steps, layers: this.detector.layers.length, trainedOn: this.trainedOn };
    return encodeWeights(this.layout, { theta: this.layout.join({ points: pt, counts: ct }), ema: this.layout.join({ points: pe, counts: ce }), meta });
  }

  /** Loads a file's weights and EMA into this network (the caller checked that its settings match). */
  load(bytes: Uint8Array): void {
    const w = decodeWeights(bytes, this.layout);
    for (const [part, params] of [['points', this.point.params], ['counts', this.count.params]] as const) {
      params.setWeights(this.layout.slice(w.theta, part));
      if (w.ema) params.device.queue.writeBuffer(params.ema.buffer, 0, this.layout.slice(w.ema, part));
    }
  }

  destroy(): void {
    this.point.destroy();
    this.count.destroy();
  }
}

/** The training showers of `settings` for the run `p` (flow.pool of them, flow.partner of the partner particle), made by `make`. */
export async function trainingPool(
  p: ShowerParams,
  settings: FlowSettings,
  make: (spec: EventSpec, first: number, count: number) => Promise<AnyShower[]> | AnyShower[],
): Promise<AnyShower[]> {
  const parts = await Promise.all(trainingSpecs(p, settings.seed, settings.pool, settings.partner).map(({ spec, count }) => make(spec, 0, count)));
  return parts.flat();
}

/** The `kind` of a flow weights file's meta. */
export const FLOW_KIND = 'showers-flow';

/** Refuses a pool whose largest shower does not fit flow.tokens (showers are never cut). */
export function checkPool(settings: FlowSettings, pool: readonly AnyShower[]): void {
  if (pool.length === 0) throw new RangeError('the flow model needs at least one training shower');
  const largest = maxHits(pool);
  if (largest > settings.tokens) {
    throw new RangeError(
      `flow.tokens = ${settings.tokens} is below the largest training shower (${largest} hits): set flow.tokens ≥ ${Math.ceil(largest / 4) * 4}, ` +
        'or use coarser ECAL cells or lower energies (the flow-electrons preset: 15 mm, 2–10 GeV)',
    );
  }
}
