// Dispatch geometry of 1-D work (one invocation per item, or per PER_THREAD items) over a 2-D grid
// of workgroups; the kernels number their invocations with gpu/shaders/threads.wgsl.
import { isSoftwareDevice } from './context';
import { dispatch, type Kernel } from './pipelines';

/** WebGPU's limit on workgroups per dimension of a dispatch. */
const MAX_GROUPS_PER_DIM = 65535;

/** Invocations per workgroup of the 1-D kernels (WG in gpu/shaders/threads.wgsl). */
export const WORKGROUP_SIZE = 64;

/**
 * Workgroups (x, y) for `threads` invocations of a `workgroupSize`-wide kernel. Past the limit the
 * groups split into y rows of x each (as even as it gets, so at most y - 1 groups idle); the
 * kernel's threadIndex() numbers its invocations gid.x + gid.y * num_workgroups.x * workgroupSize.
 */
export function gridFor(threads: number, workgroupSize = WORKGROUP_SIZE): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / workgroupSize));
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / y), y];
}

/** Workgroups in gridFor(threads): how many per-workgroup partial results a dispatch writes. */
export function workgroupCount(threads: number, workgroupSize = WORKGROUP_SIZE): number {
  const [x, y] = gridFor(threads, workgroupSize);
  return x * y;
}

/** Dispatches `threads` invocations of a kernel whose WGSL numbers them with threadIndex(). */
export function dispatchThreads(pass: GPUComputePassEncoder, k: Kernel, threads: number, workgroupSize = WORKGROUP_SIZE): void {
  const [x, y] = gridFor(threads, workgroupSize);
  dispatch(pass, k, x, y);
}

/**
 * Items per invocation of the kernels that loop over items (PER_THREAD in gpu/shaders/threads.wgsl)
 * on CPU implementations. SwiftShader runs a workgroup as calls of 4 invocations (one SIMD call
 * each) with a fixed cost per call; a loop of a few items per invocation amortises it (measured:
 * an empty kernel costs ~3x less per item with 16 items per invocation). GPUs keep 1: they need
 * the threads.
 */
export const SOFTWARE_PER_THREAD = 8;

/** PER_THREAD for this device: SOFTWARE_PER_THREAD on CPU implementations, 1 on GPUs. */
export function itemsPerThread(device: GPUDevice): number {
  return isSoftwareDevice(device) ? SOFTWARE_PER_THREAD : 1;
}

/** Dispatches a kernel that loops over `perThread` (its PER_THREAD) items per invocation, for `items` items. */
export function dispatchItems(pass: GPUComputePassEncoder, k: Kernel, items: number, perThread: number): void {
  dispatchThreads(pass, k, Math.ceil(items / perThread));
}
