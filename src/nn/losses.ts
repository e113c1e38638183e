// Loss heads: each reads a network output, writes d(loss)/d(output) into the network's
// dOutput and a per-row loss vector `rows` that the optimiser sums into its stats.
import { crossEntropyLoss, dsmLoss, mseLoss, type Op } from './ops';
import { tensor, type View } from './tensor';

export interface Loss {
  /** Per-row loss terms (already normalised): the loss is their sum. */
  readonly rows: View;
  ops(): Op[];
}

/**
 * Denoising score matching with antithetic noise. The network batch holds 2n sets: rows
 * 0..n-1 evaluated at y + sigma zeta, rows n..2n-1 at y - sigma zeta. Per pair
 *   |s+|^2 + 2 s+ . zeta / sigma + |s-|^2 - 2 s- . zeta / sigma,
 * averaged over the n pairs (norm = 1 / n).
 */
export class DsmLoss implements Loss {
  readonly zeta: View;
  readonly rows: View;
  private readonly op: Op;

  constructor(device: GPUDevice, output: View, dOutput: View, sigma: number) {
    if (output.rows % 2 !== 0) throw new Error(`DSM needs an even number of sets, got ${output.rows}`);
    const n = output.rows / 2;
    this.zeta = tensor(device, 'dsm zeta', n, output.cols);
    this.rows = tensor(device, 'dsm loss rows', n, 1);
    this.op = dsmLoss(device, 'dsm loss', { pred: output, zeta: this.zeta, dpred: dOutput, lrow: this.rows, sigma, norm: 1 / n });
  }

  ops(): Op[] {
    return [this.op];
  }
}

/**
 * Masked mean squared error: sum_r mask_r |pred_r - target_r|^2 * norm. Pass
 * norm = 1 / (cols * number of unmasked rows) for a mean (the caller knows the count). The mask is
 * a weight per row (0 drops it): weights of 1 / (cols * count) with norm 1 give the mean when the
 * count changes from batch to batch.
 */
export class MaskedMseLoss implements Loss {
  readonly target: View;
  readonly mask: View;
  readonly rows: View;
  private readonly op: Op;

  constructor(device: GPUDevice, output: View, dOutput: View, norm: number) {
    this.target = tensor(device, 'mse target', output.rows, output.cols);
    this.mask = tensor(device, 'mse mask', output.rows, 1);
    this.rows = tensor(device, 'mse loss rows', output.rows, 1);
    this.op = mseLoss(device, 'mse loss', { pred: output, target: this.target, mask: this.mask, dpred: dOutput, lrow: this.rows, norm });
  }

  ops(): Op[] {
    return [this.op];
  }
}

/**
 * Softmax cross-entropy, the classifier's loss: `target` holds one class per row (a negative
 * class: the row is not counted), `hits` whether the row's largest logit is its class (accuracy
 * without a readback of the logits). Pass norm = 1 / (number of counted rows) for the mean.
 */
export class CrossEntropyLoss implements Loss {
  readonly target: View;
  readonly rows: View;
  readonly hits: View;
  private readonly op: Op;

  constructor(device: GPUDevice, logits: View, dLogits: View, norm: number) {
    this.target = tensor(device, 'ce target', logits.rows, 1);
    this.rows = tensor(device, 'ce loss rows', logits.rows, 1);
    this.hits = tensor(device, 'ce hits', logits.rows, 1);
    this.op = crossEntropyLoss(device, 'cross-entropy', { logits, target: this.target, dlogits: dLogits, lrow: this.rows, hits: this.hits, norm });
  }

  ops(): Op[] {
    return [this.op];
  }
}
