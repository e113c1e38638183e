// Inference over every particle, in chunks. The sorted state is copied once into a snapshot, then
// `chunk` particles at a time run gather -> network (+ exact divergence) -> fields, each chunk in
// its own submit; bins and totals come after the last. A chunk smaller than N keeps any one submit
// short, so a slow adapter (SwiftShader: ~1 ms per particle) never holds the GPU, and the page,
// for a whole pass; the snapshot keeps the chunks of one pass on one state while the sim steps on.
import { storageBuffer } from '../../../gpu/buffers';
import { LocalTransformer, type LocalTransformerConfig } from '../../../nn/local-transformer';
import { fill, type Op } from '../../../nn/ops';
import type { ParamSet } from '../../../nn/params';
import { columns } from '../../../nn/tensor';
import type { MipsParams } from '../params';
import type { MipsInternals } from '../simulation';
import type { ScoreArch, ScoreSettings } from './config';
import { ScoreFields } from './fields';
import { ScoreGather, type ChunkGather, type SortedSource } from './gather';

export class ChunkedInference {
  readonly net: LocalTransformer;
  readonly fields: ScoreFields;
  readonly chunks: number;
  private readonly snapshot: SortedSource;
  private readonly gather: ScoreGather;
  private readonly gatherOp: ChunkGather;
  private readonly scoreOps: Op[];
  private readonly meta: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    private readonly sim: MipsInternals,
    params: MipsParams,
    arch: ScoreArch,
    settings: ScoreSettings,
    evalParams: ParamSet,
    cfg: LocalTransformerConfig,
    readonly chunk: number,
  ) {
    const n = sim.buf.n;
    this.chunks = Math.ceil(n / chunk);
    const { posB, bodyB } = sim.buf;
    const cellStart = sim.cells.accessBindings()[10]!;
    this.snapshot = {
      posB: storageBuffer(device, 'score snapshot: positions', posB.size),
      bodyB: storageBuffer(device, 'score snapshot: body', bodyB.size),
      cellStart: storageBuffer(device, 'score snapshot: cell starts', cellStart.size),
    };
    const net = (this.net = new LocalTransformer(evalParams, cfg, chunk));
    this.meta = device.createBuffer({ label: 'score meta', size: Math.max(32, chunk * 32), usage: GPUBufferUsage.STORAGE });
    this.gather = new ScoreGather(device, sim, params, arch, settings.neighbors, settings.sigma, settings.seed, settings.forceInput);
    this.gatherOp = this.gather.all(net, this.meta, this.snapshot, chunk);
    this.fields = new ScoreFields(device, sim, params, arch, net, this.meta, this.snapshot);
    this.scoreOps =
      arch.model === 'abp'
        ? [...net.forwardOps(), fill(device, 'seed zero', net.dOutput), fill(device, 'seed θ', columns(net.dOutput, 0, 1), 1), ...net.inputGradientOps()]
        : net.divergenceOps({ inputStart: 0, count: 2 });
  }

  /** Records the copy of the sim's sorted state (after the sim's sort) into the snapshot. */
  encodeSnapshot(enc: GPUCommandEncoder): void {
    const { posB, bodyB } = this.sim.buf;
    const cellStart = this.sim.cells.accessBindings()[10]!;
    enc.copyBufferToBuffer(posB, 0, this.snapshot.posB, 0, posB.size);
    enc.copyBufferToBuffer(bodyB, 0, this.snapshot.bodyB, 0, bodyB.size);
    enc.copyBufferToBuffer(cellStart, 0, this.snapshot.cellStart, 0, cellStart.size);
  }

  /**
   * Records chunk `i` into `pass`. Its offset goes through queue.writeBuffer, so the pass must be
   * submitted before the next chunk is recorded.
   */
  encodeChunk(pass: GPUComputePassEncoder, i: number): void {
    this.gatherOp.setOffset(i * this.chunk);
    this.fields.setOffset(i * this.chunk);
    this.gatherOp.encode(pass);
    for (const o of this.scoreOps) o.encode(pass);
    this.fields.chunkOp.encode(pass);
  }

  /** Records the bins and totals over every slot (after the last chunk). */
  encodeReduce(pass: GPUComputePassEncoder): void {
    for (const o of this.fields.reduceOps) o.encode(pass);
  }

  destroy(): void {
    this.gather.destroy();
    this.fields.destroy();
    this.meta.destroy();
    for (const b of Object.values(this.snapshot)) b.destroy();
    for (const v of [this.net.input, this.net.tok, this.net.output, this.net.dOutput, this.net.inputGrad, this.net.divergence]) v.buffer.destroy();
  }
}
