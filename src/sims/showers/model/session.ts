// The flow model's life in the lab, one per showers simulation. Training, checkpoints, save and load
// come from the toolkit's TrainingSession; this adds the training showers (made off the page thread
// before the first step), the model's showers beside the generator's, the flow animation from noise
// (t = 1) to the shower (t = 0) with a t slider, and the sampling controls (solver, steps, counts).
import { deviceLostSoon } from '../../../gpu/context';
import { TrainingSession, type ModelFactory } from '../../../nn/training-session';
import type { ModelHooks, ModelSession, ModelView, ViewRow } from '../../model';
import { rangeOf, type Params } from '../../params';
import { PARTNER } from '../events';
import type { Particle } from '../params';
import { Rng } from '../random';
import { functionEvaluations, SOLVERS, type SolverName } from '../flow/solvers';
import type { ShowerSimulation } from '../simulation';
import { flowAttachment } from './attachment';
import { cellsDiffer, ShowerFlowModel, trainingPool, type FlowTrajectory } from './flow-model';
import { describeSettings, FLOW_SETTINGS_DEFAULTS, SAMPLING_DEFAULTS, sameSettings, settingsFromParams, settingsToParams, type FlowSettings, type SamplingSettings } from './settings';
import { checkFits, modelFromWeights, readFlowMeta, trainedOn, type TrainedOn } from './weights';

/** Seconds the flow animation takes from t = 1 to t = 0. */
const FLOW_SECONDS = 2.5;
/** Solver steps the panel offers. */
const STEP_CHOICES = [1, 2, 4, 8, 16, 32, 64];

function flowFactory(sim: ShowerSimulation): ModelFactory<ShowerFlowModel, FlowSettings> {
  return {
    // Train builds its network in prepare() (it needs the training showers first); this is its fallback.
    create: () => {
      throw new Error('the flow model is built from its training showers (FlowSession.start)');
    },
    fromFile: async (bytes) => modelFromWeights(sim.device, sim.params, bytes),
    loadInPlace(model, bytes) {
      const meta = readFlowMeta(bytes);
      checkFits(meta, sim.params, sim.detector);
      if (!sameSettings(meta.settings, model.settings) || JSON.stringify(meta.stats) !== JSON.stringify(model.stats)) return false;
      model.load(bytes);
      return true;
    },
    fits: (model) => model.detector.layers.length === sim.detector.layers.length && !cellsDiffer(model.trainedOn, sim.params),
    describeFile: (bytes) => describeSettings(readFlowMeta(bytes).settings),
  };
}

export class FlowSession extends TrainingSession<ShowerFlowModel, FlowSettings> implements ModelSession {
  sampling: SamplingSettings = { ...SAMPLING_DEFAULTS };
  /** Model showers made so far (the panel shows the count; e2e tests wait on it). */
  sampled = 0;
  /** Animate each new model shower's flow from noise (off: show it at t = 0 at once). */
  animate = true;
  /** The t the view shows (1: noise, 0: the shower). */
  t = 0;
  private trajectory: FlowTrajectory | undefined;
  private trajectoryOf = '';
  private playing = false;
  private preparing = false;
  private readonly rng = new Rng(0x2545f491);

  constructor(
    readonly sim: ShowerSimulation,
    private readonly lab: ModelHooks,
  ) {
    super(flowFactory(sim), { say: lab.say, nextFrame: lab.nextFrame, deviceLost: () => deviceLostSoon(sim.device) }, { ...FLOW_SETTINGS_DEFAULTS });
  }

  describe(): string | undefined {
    return this.model && `${describeSettings(this.model.settings)}, ${this.model.steps} steps`;
  }

  settingsParams(): Params {
    return settingsToParams(this.settings);
  }

  useSettings(values: Params): void {
    this.settings = settingsFromParams(values);
  }

  /** Makes the training showers (and the network, if none fits) before the toolkit's training loop starts. */
  override start(total: number): void {
    if (this.training || this.preparing || this.disposed) return;
    this.preparing = true;
    void this.prepare()
      .then(() => super.start(total))
      .catch((e: unknown) => this.lab.say('error', `Training not started: ${(e as Error).message}`))
      .finally(() => {
        this.preparing = false;
        this.loading = '';
        this.changed();
      });
  }

  private async prepare(): Promise<void> {
    const fits = this.model && this.factory.fits(this.model);
    if (fits && this.model!.hasPool) return;
    const settings = fits ? this.model!.settings : this.settings;
    this.loading = `generating ${settings.pool} training showers…`;
    this.changed();
    const pool = await trainingPool(this.sim.params, settings, (spec, first, count) => this.sim.makeShowers(spec, first, count));
    if (this.disposed) return;
    if (fits) this.model!.setPool(pool);
    else this.install(ShowerFlowModel.fromPool(this.sim.device, this.sim.detector, settings, pool, trainedOn(this.sim.params)), 'training');
  }

  protected override detach(): void {
    this.trajectory = undefined;
    void this.sim.attachFlow(undefined);
  }

  protected override attach(model: ShowerFlowModel): void {
    const attachment = flowAttachment(model, {
      sampling: () => this.sampling,
      rng: this.rng,
      trajectory: true,
      sampled: (out, count) => {
        this.sampled += count;
        this.trajectory = out.trajectory;
        this.trajectoryOf = `${model.steps} steps, ${this.sampling.solver} × ${this.sampling.steps}`;
        if (!this.animate) this.showAt((this.t = 0));
        else if (!this.playing) void this.play();
        this.changed();
      },
    });
    void this.sim.attachFlow(attachment);
  }

  /** Plays the latest model shower's flow from t = 1 to 0, then shows the shower as cells. */
  private async play(): Promise<void> {
    this.playing = true;
    try {
      const t0 = performance.now();
      // Stops where the user takes over the slider (animate off): the scrubbed t stays.
      while (this.animate && !this.disposed) {
        this.t = Math.max(0, 1 - (performance.now() - t0) / (FLOW_SECONDS * 1000));
        this.showAt(this.t);
        if (this.t === 0) break;
        await this.lab.nextFrame();
      }
    } finally {
      this.playing = false;
      this.changed();
    }
  }

  /** The last model shower at time t (raw points while it flows; the snapped cells at t = 0). */
  private showAt(t: number): void {
    const tr = this.trajectory;
    const m = this.model;
    if (!tr || !m) return;
    const last = tr.tok.length / tr.tokens - 1;
    const points = m.pointsAt(tr, last, t);
    if (t > 0) return this.sim.showFlow(points, `t = ${t.toFixed(2)}: ${points.length} points flowing from noise`);
    const cells = m.snap(points);
    this.sim.showFlow(cells, `t = 0: ${cells.length} cells`);
  }

  private setSampling(change: Partial<SamplingSettings>): void {
    this.sampling = { ...this.sampling, ...change };
    this.changed();
  }

  view(): ModelView {
    const m = this.model;
    if (!m) return { rows: [] };
    const rows: ViewRow[] = [
      {
        id: 'sampling',
        data: { count: String(this.sampled) },
        parts: [{ text: `sampling: ${functionEvaluations(this.sampling.solver, this.sampling.steps)} network evaluations per shower ·` }, { id: 'sampled', text: `${this.sampled} model showers`, tone: 'strong' }],
        controls: [
          {
            id: 'solver', label: 'solver', value: this.sampling.solver,
            options: SOLVERS.map((s) => ({ value: s, label: s })),
            change: (v) => this.setSampling({ solver: v as SolverName }),
          },
          {
            id: 'steps', label: 'steps', value: String(this.sampling.steps),
            options: STEP_CHOICES.map((n) => ({ value: String(n), label: String(n) })),
            change: (v) => this.setSampling({ steps: Number(v) }),
          },
          {
            id: 'counts', label: 'points per layer from', value: this.sampling.counts,
            options: [{ value: 'model', label: 'the count model' }, { value: 'generator', label: 'the generator shower' }],
            change: (v) => this.setSampling({ counts: v === 'generator' ? 'generator' : 'model' }),
          },
        ],
      },
      {
        id: 'flow',
        parts: [{ text: this.trajectory ? `flow of the latest model shower (${this.trajectoryOf}): t = 1 is noise, t = 0 the shower` : 'no model shower yet: step the run', tone: this.trajectory ? undefined : 'muted' }],
        controls: this.trajectory
          ? [{
              id: 't', label: 't', value: this.t.toFixed(2), range: { min: 0, max: 1, step: 0.01 },
              change: (v) => {
                this.animate = false;
                this.t = Math.min(1, Math.max(0, Number(v)));
                this.showAt(this.t);
                this.changed();
              },
            }]
          : [],
        buttons: this.trajectory
          ? [
              {
                id: 'play', label: '▶ Play the flow',
                press: () => {
                  this.animate = true;
                  if (!this.playing) void this.play();
                },
              },
              { id: 'animate', label: this.animate ? 'Animate new showers: on' : 'Animate new showers: off', press: () => ((this.animate = !this.animate), this.changed()) },
            ]
          : [],
      },
    ];
    const differ = cellsDiffer(m.trainedOn, this.sim.params);
    const outside = differ ? `no model showers: the model ${differ}; set them back or train a new network` : conditionsNote(m, trainedOn(this.sim.params));
    if (outside) rows.push({ id: 'conditions', parts: [{ text: outside, tone: differ ? 'error' : 'muted' }] });
    return { rows };
  }
}

/** Whether the energies `inner` (a value or lo:hi, GeV) lie within `outer`. */
function within(inner: string, outer: string): boolean {
  const [a, b] = [rangeOf(inner), rangeOf(outer)];
  return a.lo >= b.lo && a.hi <= b.hi;
}

/** Says when the run's conditions differ from those the model trained on ('' when they match). */
function conditionsNote(model: ShowerFlowModel, run: TrainedOn): string {
  const t = model.trainedOn;
  const particles = model.settings.partner > 0 ? [t.particle, PARTNER[t.particle as Particle]] : [t.particle];
  const differ = [
    ...(particles.includes(run.particle) ? [] : ['particle']),
    ...(within(run.energy, t.energy) ? [] : ['energy']),
    ...(['theta', 'phi'] as const).filter((k) => t[k] !== run[k]),
  ];
  if (differ.length === 0) return '';
  return `trained on ${particles.map((p) => `${p}s`).join(' and ')} at ${t.energy} GeV, θ ${t.theta}°, φ ${t.phi}°; this run differs in ${differ.join(', ')} (the model extrapolates)`;
}
