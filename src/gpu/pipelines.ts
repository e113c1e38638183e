// Compute pipelines and bind groups, built once and reused every step.
import { checkUniformBindings } from './uniform-layout';

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

/** What identifies a compute pipeline in the per-device cache. */
export interface PipelineKey {
  code: string;
  entryPoint: string;
  constants?: Record<string, number>;
}

/** What each compute pipeline was made from, for the uniform checks of its bind groups. */
const keysOf = new WeakMap<GPUComputePipeline, PipelineKey>();

function cacheOf(device: GPUDevice): Map<string, GPUComputePipeline> {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  return cache;
}

const keyOf = (k: PipelineKey) => `${k.entryPoint}\u0000${JSON.stringify(k.constants ?? {})}\u0000${k.code}`;

function descriptor(device: GPUDevice, k: PipelineKey): GPUComputePipelineDescriptor {
  return { label: k.entryPoint, layout: 'auto', compute: { module: shaderModule(device, k.code, k.entryPoint), entryPoint: k.entryPoint, constants: k.constants } };
}

/** Set while pipelinesOf() records. */
let recording: PipelineKey[] | undefined;

/** A compute pipeline by (code, entry point, constants), created once per device and then shared. */
export function computePipeline(
  device: GPUDevice,
  code: string,
  entryPoint: string,
  constants?: Record<string, number>,
): GPUComputePipeline {
  const k = { code, entryPoint, constants };
  recording?.push(k);
  const cache = cacheOf(device);
  let pipeline = cache.get(keyOf(k));
  if (!pipeline) {
    pipeline = device.createComputePipeline(descriptor(device, k));
    cache.set(keyOf(k), pipeline);
    keysOf.set(pipeline, k);
  }
  return pipeline;
}

/**
 * A stand-in for `like` on which every call succeeds and creates nothing. Buffers keep their size
 * and usage, and the device its adapter info, limits and features: ops pick kernel variants by them.
 */
export function standInDevice(like: GPUDevice): GPUDevice {
  const inert = (own: Record<PropertyKey, unknown> = {}): unknown =>
    new Proxy(function () {}, {
      get: (_t, p) => (p in own ? own[p] : p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 0 : inert()),
      apply: () => inert(),
    });
  return inert({
    adapterInfo: (like as { adapterInfo?: GPUAdapterInfo }).adapterInfo, limits: like.limits, features: like.features,
    createBuffer: (d: GPUBufferDescriptor) => inert({ size: d.size, usage: d.usage, label: d.label ?? '' }),
  }) as GPUDevice;
}

/** The compute pipelines `build` asks for, recorded while it runs on a stand-in for `like` (nothing is created). */
export function pipelinesOf(like: GPUDevice, build: (device: GPUDevice) => void): PipelineKey[] {
  const keys: PipelineKey[] = [];
  recording = keys;
  try {
    build(standInDevice(like));
  } finally {
    recording = undefined;
  }
  return keys;
}

/**
 * Creates these pipelines with createComputePipelineAsync into the device's cache, so a later
 * computePipeline() finds them. Synchronous creation compiles in the GPU process's main work: on
 * a software adapter (SwiftShader) a network's few dozen pipelines held the page's frames for 20 s.
 * One at a time, with `pause()` between them (the lab passes the next animation frame): asked for
 * all at once, the GPU process compiled them back to back and presented no frame until the last.
 */
export async function precompile(device: GPUDevice, keys: readonly PipelineKey[], pause?: () => Promise<void>): Promise<void> {
  const cache = cacheOf(device);
  const missing = new Map(keys.filter((k) => !cache.has(keyOf(k))).map((k) => [keyOf(k), k]));
  for (const [key, k] of missing) {
    const p = await device.createComputePipelineAsync(descriptor(device, k));
    keysOf.set(p, k);
    if (!cache.has(key)) cache.set(key, p);
    await pause?.();
  }
}

/**
 * A bind group for group 0 of `pipeline`, binding buffers at the given indices. For a compute
 * pipeline of computePipeline(), throws where a uniform's UniformStruct and WGSL struct differ.
 */
export function bindBuffers(
  device: GPUDevice,
  pipeline: GPUComputePipeline | GPURenderPipeline,
  label: string,
  buffers: Record<number, GPUBuffer>,
  group = 0,
): GPUBindGroup {
  const k = keysOf.get(pipeline as GPUComputePipeline);
  if (k) checkUniformBindings(k.code, k.entryPoint, group, buffers);
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
