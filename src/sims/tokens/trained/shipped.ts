// The shipped tokens networks, trained by `lab train tokens` (the commands and metrics are in the
// system's README): bundled as data URLs in their own chunks, fetched on first use, so the lab and
// the CLI read the same bytes without a server path.
import type { SequenceArch } from '../../../nn/sequence-transformer';
import type { TokenTask } from './token-net';

const FILES: Record<`${TokenTask}-${SequenceArch}`, () => Promise<{ default: string }>> = {
  'sort-standard': () => import('./weights/sort-standard.safetensors?url&inline'),
  'sort-macaron': () => import('./weights/sort-macaron.safetensors?url&inline'),
  'charlm-standard': () => import('./weights/charlm-standard.safetensors?url&inline'),
  'charlm-macaron': () => import('./weights/charlm-macaron.safetensors?url&inline'),
};

/** The shipped weights file of the network trained on `task` with architecture `arch`. */
export async function shippedWeights(task: TokenTask, arch: SequenceArch): Promise<Uint8Array> {
  const url = (await FILES[`${task}-${arch}`]()).default;
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}
