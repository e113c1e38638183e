// The score network's life in the lab: one per mips simulation. Training, checkpoints, save and
// load come from the toolkit's TrainingSession; this adds what the score network does between:
// it keeps the learned EPR fresh (evaluations run in the background, a chunk of particles per
// frame, and start over on the newest state as soon as one ends) and says what the panel shows.
import { deviceLostSoon } from '../../../gpu/context';
import { TrainingSession, type ModelFactory } from '../../../nn/training-session';
import type { ModelHooks, ModelSession, ModelView, ViewRow } from '../../model';
import type { Params } from '../../params';
import type { MipsSimulation } from '../simulation';
import { describeSettings, SCORE_DEFAULTS, sameArch, scoreArch, settingsFromParams, settingsToParams, type ScoreSettings } from './config';
import { GAP_THRESHOLD } from './convergence';
import { modelFromWeights, ScoreArchError, ScoreModel, type ScoreEval } from './model';
import { readScoreMeta } from './weights';

/**
 * Particles per inference chunk in the lab, first guess and bounds. After each evaluation the chunk
 * doubles while a chunk takes under CHUNK_FAST_MS and halves above CHUNK_SLOW_MS (wall time from
 * submit to done), so one chunk stays well under the ~100 ms a page may block.
 */
export const LAB_CHUNK = { first: 64, min: 16, max: 65536 };
const CHUNK_FAST_MS = 20;
const CHUNK_SLOW_MS = 80;

/** Builds and loads score networks for one simulation. */
function scoreFactory(sim: MipsSimulation): ModelFactory<ScoreModel, ScoreSettings> {
  return {
    create: (settings) => new ScoreModel(sim, settings),
    fromFile: (bytes) => modelFromWeights(sim, bytes),
    loadInPlace(model, bytes) {
      const meta = readScoreMeta(bytes);
      if (JSON.stringify(meta.settings) !== JSON.stringify(model.settings) || !sameArch(meta.arch, model.arch)) return false;
      model.load(bytes); // validated first: nothing written on error
      return true;
    },
    fits: (model) => sameArch(model.arch, scoreArch(sim.params)),
    describeFile: (bytes) => describeSettings(readScoreMeta(bytes).settings),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;

export class ScoreSession extends TrainingSession<ScoreModel, ScoreSettings> implements ModelSession {
  /** Evaluations finished by this session (the panel shows the count; e2e tests wait on it). */
  evaluations = 0;
  /** Particles per inference chunk (adapted to the adapter's speed, see LAB_CHUNK). */
  chunk = LAB_CHUNK.first;
  private inferring = false;
  private restartEval = false;
  /** Training steps of the weights the last finished evaluation used. */
  private evaluatedSteps = -1;
  private evaluatingSteps = -1;
  private chunkMs: number[] = [];

  constructor(
    readonly sim: MipsSimulation,
    private readonly lab: ModelHooks,
  ) {
    super(scoreFactory(sim), { say: lab.say, nextFrame: lab.nextFrame, deviceLost: () => deviceLostSoon(sim.internals.device) }, SCORE_DEFAULTS);
  }

  describe(): string | undefined {
    return this.model && describeSettings(this.model.settings);
  }

  settingsParams(): Params {
    return settingsToParams(this.settings);
  }

  useSettings(values: Params): void {
    this.settings = settingsFromParams(values);
  }

  protected override detach(): void {
    this.sim.attach(undefined);
  }

  protected override attach(model: ScoreModel): void {
    model.chunk = this.chunk;
    this.evaluatedSteps = -1;
    this.sim.attach(model);
    if (!this.inferring) void this.inferLoop();
  }

  protected override reloaded(): void {
    this.evaluateNow();
  }

  /** Abandons the evaluation in progress and starts one on the current state ("Evaluate now"). */
  evaluateNow(): void {
    this.restartEval = true;
  }

  /** Whether the last evaluation is older than the state or the weights (a new one is due). */
  private stale(m: ScoreModel): boolean {
    return this.restartEval || !m.last || m.last.step !== this.sim.stepCount || this.evaluatedSteps !== m.steps;
  }

  // Background inference: one chunk, then a frame, then the next; a finished evaluation starts
  // over on the newest state. Awaiting each chunk keeps at most one on the GPU queue.
  private async inferLoop(): Promise<void> {
    this.inferring = true;
    try {
      while (!this.disposed && this.model) {
        const m = this.model;
        if (!m.progress && !this.stale(m)) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        try {
          if (!m.progress || this.restartEval) {
            this.restartEval = false;
            m.chunk = this.chunk;
            await m.prepareEvaluation(this.chunk, this.lab.nextFrame); // a frame between pipeline compiles
            if (this.model !== m || this.disposed) continue;
            m.beginEvaluation(this.chunk);
            this.evaluatingSteps = m.steps;
            this.chunkMs = [];
            this.changed(); // show the progress from its first chunk on
          }
          const t0 = performance.now();
          const e = await m.evaluateChunk();
          this.adaptChunk(performance.now() - t0, e !== undefined);
          if (e) {
            this.evaluatedSteps = this.evaluatingSteps;
            this.evaluations++;
            this.lab.sampled();
          } else if (!m.progress) this.restartEval = true; // abandoned: the sim changed under it
          this.changed();
        } catch (e) {
          if (e instanceof ScoreArchError) {
            // The system changed under the network: no evaluation until it fits again.
            await new Promise((r) => setTimeout(r, 500));
            continue;
          }
          if (this.disposed || (await deviceLostSoon(this.sim.internals.device))) return;
          this.lab.say('error', `Learned EPR evaluation stopped: ${(e as Error).message}`);
          return;
        }
        await this.lab.nextFrame();
      }
    } finally {
      this.inferring = false;
    }
  }

  /** After an evaluation: doubles or halves the chunk from the median chunk time (compiles skew the first). */
  private adaptChunk(ms: number, done: boolean): void {
    this.chunkMs.push(ms);
    if (!done) return;
    const t = this.chunkMs.sort((a, b) => a - b)[this.chunkMs.length >> 1]!;
    this.chunkMs = [];
    const n = this.sim.internals.buf.n;
    if (t < CHUNK_FAST_MS && this.chunk < Math.min(n, LAB_CHUNK.max)) this.chunk *= 2;
    else if (t > CHUNK_SLOW_MS && this.chunk > LAB_CHUNK.min) this.chunk /= 2;
  }

  /** The learned EPR with its convergence verdict, the running evaluation, overlays and the map. */
  view(): ModelView {
    const m = this.model;
    if (!m) return { rows: [] };
    const last = m.last;
    const ev = m.progress;
    const evaluation: ViewRow = {
      id: 'eval',
      data: { count: String(this.evaluations) },
      parts: last ? learnedParts(last) : [{ text: 'no learned EPR yet', tone: 'muted' }],
      progress: ev && { done: ev.done, total: ev.total },
      buttons: [{ id: 'evaluate', label: 'Evaluate now', press: () => this.evaluateNow() }],
    };
    if (ev) evaluation.parts.push({ id: 'eval-progress', tone: 'muted', text: `evaluating step ${ev.step}: ${ev.done} / ${ev.total} chunks of ${this.chunk} particles` });
    if (!last) return { rows: [evaluation] };
    const overlays: ViewRow = {
      parts: [{ text: `mean |g + s_g| ${last.meanCurrent.toPrecision(3)} · mean local EPR ${last.meanLocalEpr.toPrecision(3)}` }],
      buttons: [
        { label: 'Colour by local EPR', press: () => this.lab.setParam('colorBy', 'scoreEpr') },
        { label: 'Colour by current', press: () => this.lab.setParam('colorBy', 'scoreCurrent') },
      ],
    };
    const map = {
      id: 'map', title: 'Learned local EPR, binned (−d − div_g s_g)',
      label: `local EPR / ${m.arch.model === 'abp' ? 'Dr' : 'γ'}, mean per bin (scale: 3 × mean |value|)`,
      binsPerSide: last.map.binsPerSide, values: last.map.localEpr,
    };
    return { rows: [evaluation, overlays], map };
  }
}

/** "learned EPR of step S: E · divergence form D · gap G ± e: converged (gap ≤ 10 %)". */
function learnedParts(e: ScoreEval): ViewRow['parts'] {
  const c = e.convergence;
  return [
    { text: 'learned EPR of step' }, { id: 'epr-step', text: String(e.step), tone: 'strong' }, { text: ':' },
    { id: 'epr', text: e.eprLearned.toPrecision(4), tone: 'strong' },
    { text: '· divergence form' }, { id: 'epr-div', text: c.eprDiv.toPrecision(4), tone: 'strong' },
    { text: `· gap ${pct(c.gap)} ± ${pct(c.gapErr)}:` },
    c.converged
      ? { id: 'converged', tone: 'ok', text: `converged (gap ≤ ${pct(GAP_THRESHOLD)})` }
      : { id: 'converged', tone: 'error', text: `not converged (gap > ${pct(GAP_THRESHOLD)}): train longer` },
  ];
}
