// The one place that touches three.js internals. Everything here is pinned to three r187:
// the WebGPU backend keeps each attribute's GPUBuffer in `backend.get(attribute).buffer`
// (see three/src/renderers/webgpu/utils/WebGPUAttributeUtils.js), and storage attributes are
// created with STORAGE | VERTEX | COPY_SRC | COPY_DST usage, so we can copy into them GPU→GPU.
import { REVISION, WebGPURenderer, type StorageInstancedBufferAttribute } from 'three/webgpu';

export const PINNED_THREE_REVISION = '187';

if (REVISION !== PINNED_THREE_REVISION) {
  throw new Error(
    `Particle Lab's viewport adapter is pinned to three r${PINNED_THREE_REVISION} (it reads the WebGPU backend's ` +
      `attribute buffers); found r${REVISION}. Re-check src/ui/viewport/three-adapter.ts before upgrading.`,
  );
}

interface BackendLike {
  device: GPUDevice | null;
  get(object: object): { buffer?: GPUBuffer };
}

function backendOf(renderer: WebGPURenderer): BackendLike {
  return (renderer as unknown as { backend: BackendLike }).backend;
}

/** Creates a renderer that uses *our* GPUDevice (the one the simulation computes on). */
export async function createRenderer(canvas: HTMLCanvasElement, device: GPUDevice): Promise<WebGPURenderer> {
  const renderer = new WebGPURenderer({ canvas, device, antialias: false, alpha: false } as ConstructorParameters<
    typeof WebGPURenderer
  >[0] & { device: GPUDevice });
  await renderer.init();
  const used = backendOf(renderer).device;
  if (used !== device) throw new Error('three.js WebGPURenderer did not adopt the lab GPUDevice');
  return renderer;
}

/** The GPUBuffer behind a storage attribute, once three has created it (after the first render). */
export function gpuBufferOf(renderer: WebGPURenderer, attribute: StorageInstancedBufferAttribute): GPUBuffer | undefined {
  return backendOf(renderer).get(attribute).buffer;
}
