/// <reference types="@webgpu/types" preserve="true" />
// `import … from 'particle-lab/gpu'`: the runtime the systems run on (knows no physics).
export { createContext, describeAdapter, NoWebGPUError } from '../gpu/context';
export type { GpuContext } from '../gpu/context';
export { Readback, storageBuffer, UniformStruct } from '../gpu/buffers';
export { computePipeline, dispatch, kernel, shaderModule, wgsl } from '../gpu/pipelines';
export type { Kernel } from '../gpu/pipelines';
export { dispatchThreads, WORKGROUP_SIZE } from '../gpu/dispatch';
export { GpuTimer } from '../gpu/timing';
export { colormapAt, colormapTable, colormapWgsl, SEQUENTIAL_MAPS } from '../gpu/colormap';
export { uniformLayout } from '../gpu/uniform-layout';
