// The training lifecycle every learned model shares (src/nn/training-session.ts), driven with a
// CPU stand-in model whose every step is known: progress and ETA, stop, the stop on a non-finite
// step with the weights unchanged, checkpoints, loads that fit in place, need a new network, or
// are refused with the current one kept.
import { describe, expect, it } from 'vitest';
import { NonFiniteStepError, type StepStats } from '../../src/nn/adamw';
import { OnlineTrainer, type TrainableModel } from '../../src/nn/trainable';
import { TrainingSession, type ModelFactory } from '../../src/nn/training-session';

/** Weights = one number; a "file" = [width, weight]; each chunk adds `stepsPerChunk` steps and 1 to the weight. */
class Counter implements TrainableModel {
  steps = 0;
  weight = 0;
  destroyed = false;
  readonly samplesPerStep = 10;
  /** The chunk after which training goes non-finite (never by default). */
  failAt = Infinity;
  chunks = 0;

  constructor(
    readonly width: number,
    readonly stepsPerChunk = 2,
  ) {}

  async trainChunk(): Promise<StepStats> {
    if (++this.chunks >= this.failAt) throw new NonFiniteStepError({ loss: NaN, gradNorm: NaN, steps: this.steps, skipped: 1, lastSkipped: true });
    await new Promise((r) => setTimeout(r, 1));
    this.steps += this.stepsPerChunk;
    this.weight += 1;
    return { loss: 1 / this.steps, gradNorm: 1, steps: this.steps, skipped: 0, lastSkipped: false };
  }

  async save(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array([this.width, this.weight]);
  }

  destroy(): void {
    this.destroyed = true;
  }
}

function session(fits = (m: Counter) => m.width > 0) {
  const said: string[] = [];
  const factory: ModelFactory<Counter, number> = {
    create: (width) => new Counter(width),
    async fromFile(bytes) {
      if (bytes.length !== 2) throw new Error(`a file holds 2 bytes, not ${bytes.length}`);
      const m = new Counter(bytes[0]!);
      m.weight = bytes[1]!;
      return m;
    },
    loadInPlace(model, bytes) {
      if (bytes[0] !== model.width) return false;
      model.weight = bytes[1]!;
      return true;
    },
    fits,
    describeFile: (bytes) => {
      if (bytes.length !== 2) throw new Error(`a file holds 2 bytes, not ${bytes.length}`);
      return `width ${bytes[0]}`;
    },
  };
  const s = new TrainingSession(factory, { say: (kind, text) => void said.push(`${kind}: ${text}`), deviceLost: async () => false, nextFrame: async () => {} }, 4);
  return { s, said };
}

/** Resolves once `s` is no longer training. */
async function finished(s: TrainingSession<Counter, number>): Promise<void> {
  while (s.training) await new Promise((r) => setTimeout(r, 2));
}

describe('OnlineTrainer', () => {
  it('trains to the total in whole chunks and reports progress, throughput and a falling ETA', async () => {
    const m = new Counter(4, 3);
    const seen: number[] = [];
    const etas: number[] = [];
    const p = await new OnlineTrainer(m).run(10, (q) => {
      seen.push(q.steps);
      etas.push(q.etaS);
    });
    expect(seen).toEqual([3, 6, 9, 12]); // chunks of 3 until ≥ 10
    expect(p.total).toBe(10);
    expect(etas.at(-1)).toBeLessThanOrEqual(0);
    // samples/s = accepted steps × samplesPerStep / elapsed
    expect(p.samplesPerS).toBeCloseTo((12 * 10) / p.elapsedS, 6);
    // smooth loss = mean of the recent chunks' losses (1/3, 1/6, 1/9, 1/12)
    expect(p.smoothLoss).toBeCloseTo((1 / 3 + 1 / 6 + 1 / 9 + 1 / 12) / 4, 12);
  });
});

describe('TrainingSession', () => {
  it('start builds a network from the settings, trains to the total and keeps a checkpoint of the last weights', async () => {
    const { s } = session();
    const changes: number[] = [];
    s.subscribe(() => changes.push(s.progress?.steps ?? -1));
    s.start(6);
    expect(s.training).toBe(true);
    expect(s.source).toBe('training');
    await finished(s);
    expect(s.model!.width).toBe(4);
    expect(s.model!.steps).toBe(6);
    expect([...s.checkpoint!.bytes]).toEqual([4, 3]);
    expect(changes).toContain(6);
  });

  it('a non-finite step stops training with a message and the weights of the last good chunk', async () => {
    const { s, said } = session();
    s.start(100);
    s.model!.failAt = 3;
    await finished(s);
    expect(s.model!.weight).toBe(2);
    expect(said.join('\n')).toMatch(/^error: training step skipped.*Training stopped\.$/m);
  });

  it('a file of the same width loads in place; another width builds a new network; a bad file changes nothing', async () => {
    const { s, said } = session();
    s.start(2);
    await finished(s);
    const first = s.model!;
    await s.load(new Uint8Array([4, 9]), 'same.bin');
    expect(s.model).toBe(first);
    expect(first.weight).toBe(9);
    await s.load(new Uint8Array([7, 5]), 'wide.bin');
    expect(first.destroyed).toBe(true);
    expect(s.model!.width).toBe(7);
    expect(s.source).toBe('wide.bin');
    const kept = s.model!;
    await expect(s.load(new Uint8Array([1, 2, 3]), 'bad.bin')).rejects.toThrow('a file holds 2 bytes, not 3');
    expect(s.model).toBe(kept);
    expect(kept.weight).toBe(5);
    expect(s.source).toBe('wide.bin');
    expect(s.loading).toBe('');
    expect(said).toEqual([]);
  });

  it('Train replaces a network that no longer fits the system, and keeps one that does', async () => {
    let ok = true;
    const { s } = session(() => ok);
    await s.load(new Uint8Array([4, 1]), 'a.bin');
    const loaded = s.model!;
    s.start(2);
    await finished(s);
    expect(s.model).toBe(loaded);
    expect(s.source).toBe('a.bin + training');
    ok = false;
    s.start(2);
    await finished(s);
    expect(s.model).not.toBe(loaded);
    expect(loaded.destroyed).toBe(true);
  });

  it('stop ends training after the running chunk; dispose frees the network', async () => {
    const { s } = session();
    s.start(1_000_000);
    await new Promise((r) => setTimeout(r, 20));
    await s.stop();
    expect(s.training).toBe(false);
    const m = s.model!;
    expect(m.steps).toBeLessThan(1_000_000);
    await s.dispose();
    expect(m.destroyed).toBe(true);
    expect(s.model).toBeUndefined();
  });
});
