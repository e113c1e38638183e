// A shipped trained network on one input, as the tokens view's source: one forward pass of the
// SequenceTransformer on the GPU gives its residual stream after the embedding and after every
// sub-layer (the frames), kept in one buffer; each layer step of the view copies the next frame
// into the tokens' buffer. The weights also stay on the CPU (float64) for the measures.
import { Readback, storageBuffer } from '../../../gpu/buffers';
import { decodeWeights, loadParams, readWeightsMeta } from '../../../nn/io';
import { run } from '../../../nn/ops';
import { ParamSet } from '../../../nn/params';
import { SequenceTransformer, sequenceLayout, subLayers, type SequenceArch, type SequenceTransformerConfig, type SubLayerSpec } from '../../../nn/sequence-transformer';
import type { ParamLayout } from '../../../nn/layout';
import type { TrainedInput } from './input';
import { shippedWeights } from './shipped';
import { networkConfig, settingsOfWeights, TOKEN_NET_KIND, type TokenNetSettings, type TokenTask } from './token-net';

/** A network read from its weights file: its settings, shape, layout and float64 weights. */
export interface NetworkOnCpu {
  settings: TokenNetSettings;
  cfg: SequenceTransformerConfig;
  layout: ParamLayout;
  theta: Float64Array;
  /** What the file says its held-out evaluation gave. */
  validation?: { loss: number; accuracy: number };
  bytes: Uint8Array;
  /** Where it came from when it is not shipped (a file name). */
  source?: string;
}

/** The shipped networks, decoded once per process (the view rebuilds on every edit of the input). */
const shipped = new Map<string, Promise<NetworkOnCpu>>();

/** A shipped network, read once. */
export function shippedNetwork(task: TokenTask, arch: SequenceArch): Promise<NetworkOnCpu> {
  const key = `${task}-${arch}`;
  let net = shipped.get(key);
  if (!net) {
    net = readShipped(task, arch);
    net.catch(() => shipped.delete(key));
    shipped.set(key, net);
  }
  return net;
}

/** Both shipped networks of a task. */
export async function shippedPair(task: TokenTask): Promise<Record<SequenceArch, NetworkOnCpu>> {
  const [standard, macaron] = await Promise.all([shippedNetwork(task, 'standard'), shippedNetwork(task, 'macaron')]);
  return { standard, macaron };
}

async function readShipped(task: TokenTask, arch: SequenceArch): Promise<NetworkOnCpu> {
  return networkOnCpu(await shippedWeights(task, arch));
}

/** A tokens network's weights file, decoded on the CPU; a file of another kind or shape is refused (WeightsFormatError). */
export function networkOnCpu(bytes: Uint8Array): NetworkOnCpu {
  const settings = settingsOfWeights(bytes);
  const cfg = networkConfig(settings);
  const layout = sequenceLayout(cfg);
  const { theta } = decodeWeights(bytes, layout);
  const meta = readWeightsMeta(bytes, TOKEN_NET_KIND) as { validation?: { loss: number; accuracy: number } };
  return { settings, cfg, layout, theta: Float64Array.from(theta), validation: meta.validation, bytes };
}

export class TrainedFrames {
  /** The frame shown: count × width floats. */
  readonly x: GPUBuffer;
  /** Every frame, one after another: frames × count × width floats. */
  readonly all: GPUBuffer;
  readonly count: number;
  readonly d: number;
  /** Frames: the embedding's output, then one per sub-layer. */
  readonly frames: number;
  readonly subLayers: SubLayerSpec[];

  private constructor(
    private readonly device: GPUDevice,
    readonly net: NetworkOnCpu,
    readonly input: TrainedInput,
    /** The network's most likely symbol at every position. */
    readonly predictions: number[],
    all: GPUBuffer,
  ) {
    this.count = input.symbols.length;
    this.d = net.cfg.width;
    this.subLayers = subLayers(net.cfg);
    this.frames = this.subLayers.length + 1;
    this.all = all;
    this.x = storageBuffer(device, 'trained tokens', this.count * this.d * 4);
  }

  /** Runs the network on `input` (one sequence, padded to the context with symbols that embed nothing). */
  static async create(device: GPUDevice, net: NetworkOnCpu, input: TrainedInput): Promise<TrainedFrames> {
    const { cfg } = net;
    const params = new ParamSet(device, net.layout, net.settings.seed);
    const readback = new Readback(device, 'trained logits');
    try {
      loadParams(params, net.bytes);
      const model = new SequenceTransformer(params, cfg, 1);
      const symbols = Float32Array.from({ length: cfg.context }, (_, i) => input.symbols[i] ?? -1);
      device.queue.writeBuffer(model.symbols.buffer, 0, symbols);
      device.queue.writeBuffer(model.positions.buffer, 0, Float32Array.from({ length: cfg.context }, (_, i) => i));
      run(device, model.forwardOps(), 'trained tokens forward');
      const count = input.symbols.length;
      const bytes = count * cfg.width * 4;
      const all = storageBuffer(device, 'trained frames', model.frames.length * bytes);
      const encoder = device.createCommandEncoder({ label: 'trained frames' });
      model.frames.forEach((f, k) => encoder.copyBufferToBuffer(f.buffer, 0, all, k * bytes, bytes));
      device.queue.submit([encoder.finish()]);
      const logits = await readback.f32(model.logits.buffer, 0, count * cfg.classes * 4);
      return new TrainedFrames(device, net, input, argmaxRows(logits, count, cfg.classes), all);
    } finally {
      readback.destroy();
      params.destroy();
    }
  }

  get arch(): SequenceArch {
    return this.net.cfg.arch;
  }

  /** Sub-layers per layer: 2 (standard) or 3 (Macaron). */
  get perLayer(): number {
    return this.arch === 'macaron' ? 3 : 2;
  }

  /** Copies frame k (clamped to the last) into x (outside a pass). */
  show(encoder: GPUCommandEncoder, frame: number): void {
    const k = Math.min(Math.max(0, frame), this.frames - 1);
    const bytes = this.count * this.d * 4;
    encoder.copyBufferToBuffer(this.all, k * bytes, this.x, 0, bytes);
  }

  destroy(): void {
    this.x.destroy();
    this.all.destroy();
  }
}

function argmaxRows(logits: Float32Array, rows: number, classes: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[r * classes + c]! > logits[r * classes + best]!) best = c;
    return best;
  });
}
