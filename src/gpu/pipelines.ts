// Compute pipelines and bind groups, built once and reused every step.

const modules = new WeakMap<GPUDevice, Map<string, GPUShaderModule>>();

/** Joins WGSL sources (shared helpers first) into one module's code. WGSL has no #include. */
export function wgsl(...parts: string[]): string {
  return parts.join('\n');
}

export function shaderModule(device: GPUDevice, code: string, label: string): GPUShaderModule {
  let cache = modules.get(device);
  if (!cache) modules.set(device, (cache = new Map()));
  let module = cache.get(code);
  if (!module) {
    module = device.createShaderModule({ label, code });
    cache.set(code, module);
  }
  return module;
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** A compute pipeline by (code, entry point, constants), created once per device and then shared. */
export function computePipeline(
  device: GPUDevice,
  code: string,
  entryPoint: string,
  constants?: Record<string, number>,
): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  const key = `${entryPoint}\u0000${JSON.stringify(constants ?? {})}\u0000${code}`;
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = device.createComputePipeline({
      label: entryPoint,
      layout: 'auto',
      compute: { module: shaderModule(device, code, entryPoint), entryPoint, constants },
    });
    cache.set(key, pipeline);
  }
  return pipeline;
}

/** A bind group for group 0 of `pipeline`, binding buffers at the given indices. */
export function bindBuffers(
  device: GPUDevice,
  pipeline: GPUComputePipeline | GPURenderPipeline,
  label: string,
  buffers: Record<number, GPUBuffer>,
  group = 0,
): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(group),
    entries: Object.entries(buffers).map(([binding, buffer]) => ({ binding: Number(binding), resource: { buffer } })),
  });
}

/** A ready-to-dispatch kernel: pipeline + its bind group. */
export interface Kernel {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
}

export function kernel(
  device: GPUDevice,
  code: string,
  entryPoint: string,
  buffers: Record<number, GPUBuffer>,
  constants?: Record<string, number>,
): Kernel {
  const pipeline = computePipeline(device, code, entryPoint, constants);
  return { label: entryPoint, pipeline, bindGroup: bindBuffers(device, pipeline, entryPoint, buffers) };
}

export function dispatch(pass: GPUComputePassEncoder, k: Kernel, x: number, y = 1, z = 1): void {
  pass.setPipeline(k.pipeline);
  pass.setBindGroup(0, k.bindGroup);
  pass.dispatchWorkgroups(x, y, z);
}

/** Workgroup count for `n` threads, split into 2-D when it exceeds the per-dimension limit. */
export function groups(n: number, workgroupSize: number): number {
  return Math.max(1, Math.ceil(n / workgroupSize));
}
