// Device acquisition, shared by the browser and Node (Dawn). One GPUDevice serves compute and rendering.

export interface GpuContext {
  device: GPUDevice;
  /** Human-readable adapter name, e.g. "SwiftShader Device (Subzero)" or the GPU's description. */
  adapterName: string;
  /** True when the adapter is a CPU (software) implementation. */
  software: boolean;
  features: string[];
  hasTimestamps: boolean;
  /** Resolves when the device is lost (never resolves on a healthy device). */
  lost: Promise<GPUDeviceLostInfo>;
}

/** Whether the device is (or within a moment turns out to be) lost: tells a failed read from a lost device. */
export function deviceLostSoon(device: GPUDevice, ms = 250): Promise<boolean> {
  return Promise.race([device.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

/** Calls `handle` with each uncaptured GPU error: commands were dropped, results after it are unreliable. */
export function onGpuError(device: GPUDevice, handle: (error: GPUError, text: string) => void): void {
  device.addEventListener('uncapturederror', (e) => {
    const error = (e as GPUUncapturedErrorEvent).error;
    handle(error, error.message.replace(/\s+/g, ' ').trim());
  });
}

/** Collects the device's uncaptured errors as one-line messages. */
export function collectGpuErrors(device: GPUDevice): { readonly messages: string[] } {
  const messages: string[] = [];
  onGpuError(device, (_, text) => messages.push(text));
  return { messages };
}

export class NoWebGPUError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoWebGPUError';
  }
}

/** Names of CPU (software) implementations: SwiftShader, llvmpipe, lavapipe, WARP. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|microsoft basic/i;

/** CPU implementations (SwiftShader, llvmpipe): they want few, fat invocations. */
export function isSoftwareDevice(device: GPUDevice): boolean {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return info !== undefined && SOFTWARE_ADAPTER.test(describeAdapter(info));
}

export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.description, info.vendor, info.architecture, info.device].filter((s) => s && s.length > 0);
  return parts.length > 0 ? parts.join(' / ') : 'unnamed adapter';
}

/** Limits we ask for when the adapter offers them (larger storage buffers, more bindings). */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
] as const;

export async function createContext(gpu: GPU | undefined, label = 'particle-lab'): Promise<GpuContext> {
  if (!gpu) throw new NoWebGPUError('WebGPU is not available (navigator.gpu is missing).');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoWebGPUError('WebGPU is present but no GPU adapter was found.');
  const features: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) features.push('timestamp-query');
  if (adapter.features.has('subgroups')) features.push('subgroups' as GPUFeatureName);
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  const device = await adapter.requestDevice({ label, requiredFeatures: features, requiredLimits });
  const adapterName = describeAdapter(adapter.info);
  const software = SOFTWARE_ADAPTER.test(adapterName);
  return {
    device,
    adapterName,
    software,
    features: [...adapter.features].map(String).sort(),
    hasTimestamps: device.features.has('timestamp-query'),
    lost: device.lost,
  };
}
