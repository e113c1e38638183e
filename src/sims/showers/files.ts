// A run's showers as the HDF5 file `lab generate showers` writes and the lab downloads: one
// writer, so both carry the same attributes.
import type { Params } from '../params';
import type { Detector } from './detector';
import { encodeShowers, type ShowerRecord } from './hdf5';
import { schema } from './params';

/** Bump when a change to the generators changes the showers a seed gives. */
export const GENERATOR_VERSION = 1;
export const GENERATOR = `particle-lab showers v${GENERATOR_VERSION} (GFlash EM showers, hadronic toy)`;

/** The HDF5 file of a run's showers; its `detector` attribute also carries the params that made them. */
export function showerFile(params: Params, detector: Detector, showers: readonly ShowerRecord[], generator = GENERATOR): Promise<Uint8Array> {
  return encodeShowers(showers, { detector: { ...detector, params }, generator, seed: schema.typed(params).seed });
}
