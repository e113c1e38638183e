// The tokens networks as the system's learned model: the Networks panel (standard against Macaron
// trained live, learning curves with seed bands), weights files shown in the trained view, and the
// `net.*` settings the CLI reads.
import { WeightsFormatError } from '../../../nn/io';
import type { SimModel } from '../../model';
import type { Params } from '../../params';
import type { PlotSpec } from '../../types';
import { schema } from '../params';
import type { TokenSimulation } from '../simulation';
import { networkOnCpu } from './frames';
import { networkFitsInput } from './input';
import { NetworksSession } from './session';
import { COMPARISON_SCHEMA, NET_PREFIX } from './settings';

const LEARNING_PLOT: PlotSpec = {
  kind: 'curves', id: 'net-learning', title: 'Held-out loss while training: standard vs Macaron (mean ± std over seeds)', curves: 'learning',
  logY: true, xLabel: 'training step', yLabel: 'held-out loss (nats; bits/char for charlm)',
};

/** A weights file the trained view can show for these params; throws WeightsFormatError saying why not. */
function checkFile(bytes: Uint8Array, params: Params) {
  const p = schema.typed(params);
  const net = networkOnCpu(bytes);
  if (p.weights !== 'trained') throw new WeightsFormatError(`the tokens view shows a network from a file only with weights=trained (it has weights=${p.weights})`);
  const misfit = networkFitsInput(net.settings, p.trainedTask);
  if (misfit) throw new WeightsFormatError(misfit);
  return net;
}

export const networksModel: SimModel = {
  id: 'net',
  title: 'Networks',
  description:
    'Trains the standard and the Macaron Transformer side by side (same seeds, same batches, in WGSL) and plots their held-out learning curves live; ' +
    'a weights file (lab train tokens, or Save weights) is shown in the trained view in place of the shipped network of its architecture.',
  prefix: NET_PREFIX,
  settings: COMPARISON_SCHEMA,
  plots: [LEARNING_PLOT],
  defaultWeights: {},
  checkWeights: (bytes, params) => void checkFile(bytes, params),
  async attach(sim, bytes) {
    const tokens = sim as TokenSimulation;
    await tokens.useNetwork({ ...checkFile(bytes, sim.params), source: 'from --weights' });
    return { dispose: () => undefined };
  },
  createSession: (sim, hooks) => new NetworksSession(sim as TokenSimulation, hooks),
};
