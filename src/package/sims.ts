/// <reference types="@webgpu/types" preserve="true" />
// `import … from 'particle-lab/sims'`: the systems without the UI. Build one on a GpuContext
// (`particle-lab/gpu` in a browser, `particle-lab/node` in Node), step it, sample its metrics.
import '../sims/index';

export { getSystem, listSystems, register } from '../sims/registry';
export { findPreset, presetParams, resolveParams } from '../sims/config';
export { ParamError, checkAll, withValues } from '../sims/params';
export type { ParamSchema, ParamSpec, Params } from '../sims/params';
export { MetricLog } from '../sims/metrics';
export { checkState, parseStateFile, stateToSafetensors } from '../sims/state';
export type { SimState } from '../sims/state';
export type { Curve, Histogram, MetricInfo, MetricSample, Preset, SimDefinition, Simulation } from '../sims/types';
export { decodeSafetensors, encodeSafetensors } from '../safetensors';
export { LAB_VERSION } from '../version';
