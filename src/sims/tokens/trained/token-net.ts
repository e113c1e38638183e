// A tokens network trained in WGSL (src/nn): a SequenceTransformer, standard or Macaron, on a
// task whose batches the GPU generates, with AdamW on the cross-entropy. Trains in chunks (a
// TrainableModel), evaluates on a fixed held-out batch (mean cross-entropy and per-position
// accuracy, two numbers read back), and saves itself as a weights file.
import { AdamW, NonFiniteStepError, type StepStats } from '../../../nn/adamw';
import { loadParams, readWeightsMeta, saveParams, WeightsFormatError } from '../../../nn/io';
import { CrossEntropyLoss } from '../../../nn/losses';
import { colsum, run, type Op } from '../../../nn/ops';
import { ParamSet } from '../../../nn/params';
import { SequenceTransformer, sequenceLayout, type SequenceArch, type SequenceTransformerConfig } from '../../../nn/sequence-transformer';
import { tensor, type View } from '../../../nn/tensor';
import type { TrainableModel } from '../../../nn/trainable';
import { Readback } from '../../../gpu/buffers';
import { SortBatch } from './sort-task';
import { CharBatch, corpusBuffer, loadCorpus, type Corpus } from './charlm-task';

/** What the weights file's meta calls this model. */
export const TOKEN_NET_KIND = 'tokens-net';

export type TokenTask = 'sort' | 'charlm';

export interface TokenNetSettings {
  /** sort: encoder-only, sort the sequence; charlm: causal, predict the next character. */
  task: TokenTask;
  arch: SequenceArch;
  /** Symbols of the task (the sort task's alphabet; charlm: the corpus's characters). */
  vocab: number;
  /** Tokens per sequence. */
  context: number;
  width: number;
  heads: number;
  layers: number;
  /** Sequences per training step. */
  batch: number;
  lr: number;
  /** Seed of the initial weights and of the training batches. */
  seed: number;
  /** Optimiser steps between two readbacks. */
  stepsPerChunk: number;
  /** Held-out sequences evaluated (a fixed batch from its own RNG stream). */
  validation: number;
}

/** RNG streams of the task: training and validation batches never share a counter. */
const STREAM = { train: 1, validation: 2 } as const;

export function networkConfig(s: TokenNetSettings): SequenceTransformerConfig {
  return { vocab: s.vocab, classes: s.vocab, context: s.context, width: s.width, heads: s.heads, layers: s.layers, arch: s.arch, ffn: 4 * s.width, causal: s.task === 'charlm' };
}

export interface Evaluation {
  /** Mean cross-entropy per position (nats; charlm: / ln 2 is bits per character). */
  loss: number;
  /** Fraction of positions whose most likely symbol is the target. */
  accuracy: number;
}

/** A network, its task batch and loss: one for training, one for the held-out batch. */
class Batch {
  readonly net: SequenceTransformer;
  readonly loss: CrossEntropyLoss;
  readonly task: SortBatch | CharBatch;

  constructor(params: ParamSet, cfg: SequenceTransformerConfig, s: TokenNetSettings, sets: number, split: keyof typeof STREAM, corpus: { data: Corpus; ids: GPUBuffer } | undefined) {
    this.net = new SequenceTransformer(params, cfg, sets);
    this.loss = new CrossEntropyLoss(params.device, this.net.logits, this.net.dLogits, 1 / this.net.rows);
    const out = { symbols: this.net.symbols, positions: this.net.positions, targets: this.loss.target };
    const stream = STREAM[split];
    this.task = corpus
      ? new CharBatch(params.device, corpus.data, corpus.ids, { sets, context: s.context, split, seed: s.seed, stream }, out)
      : new SortBatch(params.device, { sets, context: s.context, vocab: s.vocab, seed: s.seed, stream }, out);
  }
}

const ARCHES: readonly SequenceArch[] = ['standard', 'macaron'];

/** The settings a weights file was trained with; a file of another kind, or a damaged meta, is refused. */
export function settingsOfWeights(bytes: Uint8Array): TokenNetSettings {
  const meta = readWeightsMeta(bytes, TOKEN_NET_KIND);
  const s = meta.settings as Partial<TokenNetSettings> | undefined;
  const ints = ['vocab', 'context', 'width', 'heads', 'layers', 'batch', 'seed', 'stepsPerChunk', 'validation'] as const;
  if (!s || (s.task !== 'sort' && s.task !== 'charlm') || !ARCHES.includes(s.arch as SequenceArch) || !(typeof s.lr === 'number' && s.lr > 0) || ints.some((k) => !Number.isInteger(s[k]) || s[k]! < 0)) {
    throw new WeightsFormatError('the file\'s meta.settings is not a tokens network\'s (task, arch, sizes)');
  }
  return s as TokenNetSettings;
}

export class TokenNet implements TrainableModel {
  /** A new network for these settings (charlm: on the shipped corpus, its characters the vocabulary). */
  static async create(device: GPUDevice, settings: TokenNetSettings): Promise<TokenNet> {
    return TokenNet.build(device, settings, settings.task === 'charlm' ? await loadCorpus() : undefined);
  }

  /** As create, with the corpus already loaded (charlm needs it; its characters are the vocabulary). */
  static build(device: GPUDevice, settings: TokenNetSettings, corpus: Corpus | undefined): TokenNet {
    if (settings.task !== 'charlm') return new TokenNet(device, settings);
    if (!corpus) throw new Error('the character model needs the corpus (loadCorpus) before it is built');
    return new TokenNet(device, { ...settings, vocab: corpus.alphabet.length }, corpus);
  }

  /** A network built as the file says, with its weights loaded. */
  static async fromWeights(device: GPUDevice, bytes: Uint8Array): Promise<TokenNet> {
    const net = await TokenNet.create(device, settingsOfWeights(bytes));
    try {
      net.load(bytes);
    } catch (e) {
      net.destroy();
      throw e;
    }
    return net;
  }

  readonly cfg: SequenceTransformerConfig;
  readonly params: ParamSet;
  readonly samplesPerStep: number;
  private readonly train: Batch;
  private readonly validation: Batch;
  private readonly optimizer: AdamW;
  private readonly trainOps: Op[];
  private readonly evalOps: Op[];
  /** [Σ loss rows, Σ hits] of the held-out batch. */
  private readonly sums: View;
  private readonly readback: Readback;
  private readonly corpusIds: GPUBuffer | undefined;
  private accepted = 0;
  private generated = 0;

  private constructor(
    device: GPUDevice,
    readonly settings: TokenNetSettings,
    corpus?: Corpus,
  ) {
    this.cfg = networkConfig(settings);
    this.params = new ParamSet(device, sequenceLayout(this.cfg), settings.seed);
    this.samplesPerStep = settings.batch;
    this.corpusIds = corpus && corpusBuffer(device, corpus);
    const text = corpus && { data: corpus, ids: this.corpusIds! };
    this.train = new Batch(this.params, this.cfg, settings, settings.batch, 'train', text);
    this.validation = new Batch(this.params, this.cfg, settings, settings.validation, 'validation', text);
    this.optimizer = new AdamW(this.params, { lr: settings.lr, maxGradNorm: 1, emaDecay: 0.999 });
    const t = this.train;
    this.trainOps = [this.optimizer.zeroGradOp(), t.task, ...t.net.forwardOps(), ...t.loss.ops(), ...t.net.backwardOps(), ...this.optimizer.stepOps(t.loss.rows)];
    this.sums = tensor(device, 'tokens net evaluation sums', 2, 1);
    const v = this.validation;
    this.evalOps = [
      v.task, ...v.net.forwardOps(), ...v.loss.ops(),
      colsum(device, 'validation loss', v.loss.rows, { buffer: this.sums.buffer, offset: 0 }),
      colsum(device, 'validation hits', v.loss.hits, { buffer: this.sums.buffer, offset: 1 }),
    ];
    this.readback = new Readback(device, 'tokens net evaluation');
  }

  get steps(): number {
    return this.accepted;
  }

  async trainChunk(): Promise<StepStats> {
    const device = this.params.device;
    for (let i = 0; i < this.settings.stepsPerChunk; i++) {
      this.train.task.setStep(this.generated++);
      run(device, this.trainOps, 'tokens net step');
    }
    const stats = await this.optimizer.readStats();
    this.accepted = stats.steps;
    if (stats.lastSkipped) throw new NonFiniteStepError(stats);
    return stats;
  }

  /** Mean cross-entropy and per-position accuracy on the held-out batch. */
  async evaluate(): Promise<Evaluation> {
    run(this.params.device, this.evalOps, 'tokens net evaluation');
    const [loss, hits] = await this.readback.f32(this.sums.buffer, 0, 8);
    return { loss: loss!, accuracy: hits! / this.validation.net.rows };
  }

  /**
   * Loads a weights file into this network. A file for another architecture or size is refused,
   * naming what differs, and the weights already here are kept.
   */
  load(bytes: Uint8Array): void {
    const file = settingsOfWeights(bytes);
    const own = this.settings;
    for (const k of ['task', 'arch', 'vocab', 'context', 'width', 'heads', 'layers'] as const) {
      if (file[k] !== own[k]) throw new WeightsFormatError(`the file is for a network with ${k} = ${file[k]}; this one has ${k} = ${own[k]}`);
    }
    loadParams(this.params, bytes);
  }

  async save(extra: Record<string, unknown> = {}): Promise<Uint8Array<ArrayBuffer>> {
    return saveParams(this.params, { kind: TOKEN_NET_KIND, settings: this.settings, config: this.cfg, steps: this.accepted, ...extra });
  }

  destroy(): void {
    this.corpusIds?.destroy();
    this.readback.destroy();
    this.params.destroy();
  }
}
