// The Networks panel's session on a tokens run: Train builds the standard and the Macaron network
// for every seed (the panel's settings) and trains them in lockstep, so their held-out learning
// curves grow live side by side with seed bands; a loaded weights file is a network of its own,
// shown in the view in place of the shipped network of its architecture when it fits the input.
import { deviceLostSoon } from '../../../gpu/context';
import { TrainingSession, type ModelFactory } from '../../../nn/training-session';
import type { ModelHooks, ModelSession, ModelView } from '../../model';
import { defaults, type Params } from '../../params';
import type { TokenSimulation } from '../simulation';
import { loadCorpus, type Corpus } from './charlm-task';
import { ArchitectureComparison } from './compare';
import { networkOnCpu } from './frames';
import { networkFitsInput } from './input';
import { COMPARISON_SCHEMA, netSettings, seedsOf } from './settings';
import { settingsOfWeights, TokenNet } from './token-net';

/** Optimiser steps between two held-out evaluations of every network (a point of the curves). */
export const PANEL_CHUNK = 10;

const fmt = (x: number) => x.toFixed(3);

export class NetworksSession extends TrainingSession<ArchitectureComparison, Params> implements ModelSession {
  /** Training rounds that updated the curves (the panel shows the count; e2e tests wait on it). */
  rounds = 0;
  private readonly wanted: { settings: Params };

  constructor(
    readonly sim: TokenSimulation,
    private readonly lab: ModelHooks,
    corpus: { current: Corpus | undefined } = { current: undefined },
  ) {
    const device = sim.device;
    // The settings Train builds with, readable by the factory (it is made before the session).
    const wanted: { settings: Params } = { settings: defaults(COMPARISON_SCHEMA) };
    const factory: ModelFactory<ArchitectureComparison, Params> = {
      create: (settings) => {
        if (netSettings(settings, PANEL_CHUNK).task === 'charlm' && !corpus.current) throw new Error('the corpus is still loading; try again in a moment');
        return ArchitectureComparison.build(device, netSettings(settings, PANEL_CHUNK), seedsOf(settings), corpus.current);
      },
      fromFile: async (bytes) => ArchitectureComparison.of(await TokenNet.fromWeights(device, bytes)),
      loadInPlace: () => false,
      // A network built with other settings is not the one Train was asked for: a new comparison.
      fits: (model) => model.runs.length > 1 && JSON.stringify([model.base, model.seeds]) === JSON.stringify([netSettings(wanted.settings, PANEL_CHUNK), seedsOf(wanted.settings)]),
      describeFile: (bytes) => {
        const s = settingsOfWeights(bytes);
        return `${s.arch} ${s.task}, d = ${s.width}, ${s.layers} layers`;
      },
    };
    super(factory, { say: lab.say, nextFrame: lab.nextFrame, deviceLost: () => deviceLostSoon(device) }, wanted.settings);
    this.wanted = wanted;
    void loadCorpus().then((c) => (corpus.current = c));
  }

  describe(): string | undefined {
    const m = this.model;
    if (!m) return undefined;
    const b = m.base;
    const who = m.runs.length > 1 ? `standard and Macaron × ${m.seeds.length} seeds` : `one ${b.arch} network`;
    return `${who}: ${b.task}, d = ${b.width}, ${b.heads} heads, ${b.layers} layers, context ${b.context}`;
  }

  settingsParams(): Params {
    return this.settings;
  }

  useSettings(values: Params): void {
    this.settings = values;
    this.wanted.settings = values;
  }

  protected override attach(model: ArchitectureComparison): void {
    this.sim.showComparison(model);
  }

  protected override detach(): void {
    this.sim.showComparison(undefined);
  }

  /** A new point on the curves: sample now, so the panel's plot grows while training. */
  protected override changed(): void {
    const m = this.model;
    if (m && m.evalSteps.length - 1 !== this.rounds) {
      this.rounds = m.evalSteps.length - 1;
      this.lab.sampled();
    }
    super.changed();
  }

  /** A weights file: trains on from it here, and the view shows it when it fits the input. */
  override async load(bytes: Uint8Array, source: string): Promise<void> {
    await super.load(bytes, source);
    const net = { ...networkOnCpu(bytes), source };
    const misfit = this.sim.params.weights === 'trained' ? networkFitsInput(net.settings, this.sim.params.trainedTask) : 'the view shows a network only with weights=trained';
    if (misfit === null) await this.sim.useNetwork(net);
    else this.lab.say('info', `${source} trains on in the Networks panel; the view keeps its network: ${misfit}.`);
  }

  override async save(): Promise<Uint8Array<ArrayBuffer>> {
    if (!this.model) throw new Error('no network yet: train one or load weights');
    // The network of the architecture the view shows (its first seed).
    return this.model.save({}, this.sim.params.splitting === 'strang' ? 'macaron' : 'standard');
  }

  view(): ModelView {
    const m = this.model;
    if (!m) return { rows: [{ id: 'comparison', data: { count: '0' }, parts: [{ text: 'Train builds a standard and a Macaron network for every seed (settings below) and trains them side by side.', tone: 'muted' }] }] };
    const c = m.summary();
    const bits = m.base.task === 'charlm';
    const unit = bits ? 'bits/char' : 'nats';
    const scale = bits ? 1 / Math.LN2 : 1;
    const final = (a: 'standard' | 'macaron') => c.final[a].perSeed.length > 0 ? `${a} ${fmt(c.final[a].loss * scale)} ± ${fmt(c.final[a].lossStd * scale)} ${unit}, accuracy ${fmt(c.final[a].accuracy)}` : '';
    const parts: ModelView['rows'][number]['parts'] = [
      { text: `held-out at step ${c.steps}:` },
      { id: 'standard', text: final('standard'), tone: 'strong' },
      { text: '·' },
      { id: 'macaron', text: final('macaron'), tone: 'strong' },
    ];
    if (m.runs.length > 1) {
      const d = c.difference.loss;
      parts.push({ text: '· Macaron − standard (paired by seed):' }, { id: 'difference', text: `${d.mean >= 0 ? '+' : ''}${fmt(d.mean * scale)} ± ${fmt(d.stdErr * scale)} ${unit}`, tone: 'strong' });
    }
    return { rows: [{ id: 'comparison', data: { count: String(this.rounds) }, parts }] };
  }
}
