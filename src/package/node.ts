/// <reference types="@webgpu/types" preserve="true" />
// `import { createNodeContext } from 'particle-lab/node'`: a GpuContext in Node through Dawn
// (the optional `webgpu` dependency, loaded only when this is called).
export { createNodeContext } from '../gpu/node';
