// 1-D work over a 2-D dispatch grid: WebGPU allows at most 65535 workgroups per dimension.
import { dispatch, type Kernel } from '../../gpu/pipelines';

const MAX_GROUPS_PER_DIM = 65535;

/**
 * Items (particles, cells) per invocation of the per-step kernels on CPU implementations
 * (PER_THREAD in sims/mips/shaders/common.wgsl). SwiftShader runs a workgroup as calls of 4 invocations
 * (one SIMD call each) with a fixed cost per call; a loop of a few items per invocation
 * amortises it (measured: an empty kernel costs ~3x less per item with 16 items per invocation).
 * GPUs keep 1: they need the threads.
 */
export const SOFTWARE_PER_THREAD = 8;

/** PER_THREAD for this device: SOFTWARE_PER_THREAD on CPU implementations, 1 on GPUs. */
export function itemsPerThread(device: GPUDevice): number {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const name = info ? `${info.vendor} ${info.architecture} ${info.device} ${info.description}` : '';
  return /swiftshader|llvmpipe|lavapipe|software/i.test(name) ? SOFTWARE_PER_THREAD : 1;
}

export function gridFor(threads: number, workgroupSize: number): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / workgroupSize));
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / y), y];
}

/** Dispatches `threads` invocations of a kernel whose WGSL uses threadIndex() (sims/mips/shaders/common.wgsl). */
export function dispatchThreads(pass: GPUComputePassEncoder, k: Kernel, threads: number, workgroupSize = 64): void {
  const [x, y] = gridFor(threads, workgroupSize);
  dispatch(pass, k, x, y);
}

/**
 * Dispatches a kernel that loops over PER_THREAD = `perThread` items per invocation (item
 * threadIndex + k * threadCount, sims/mips/shaders/common.wgsl) for `items` items.
 */
export function dispatchItems(pass: GPUComputePassEncoder, k: Kernel, items: number, perThread: number): void {
  dispatchThreads(pass, k, Math.ceil(items / perThread));
}

/** One dispatch of a multi-kernel build: its kernel, timing label and workgroup grid. */
export interface Stage {
  label: string;
  kernel: Kernel;
  grid: [number, number];
}

/** Indirect dispatch arguments: entry i (x, y, z, pad as u32) at `offset + 16 i` of `buffer`. */
export interface IndirectArgs {
  buffer: GPUBuffer;
  offset: number;
}

/** Bytes per entry of an indirect-args buffer (x, y, z, pad). */
export const INDIRECT_ENTRY = 16;

/**
 * Records stages in order; consecutive stages with the same label share a pass from `passFor`.
 * With `indirect`, stage i takes its workgroup counts from entry i (e.g. 0 to skip it on the GPU).
 */
export function encodeStages(
  stages: readonly Stage[],
  passFor: (label: string) => GPUComputePassEncoder,
  done: (pass: GPUComputePassEncoder) => void,
  indirect?: IndirectArgs,
): void {
  let pass: GPUComputePassEncoder | undefined;
  stages.forEach((st, i) => {
    if (!pass || st.label !== stages[i - 1]!.label) {
      if (pass) done(pass);
      pass = passFor(st.label);
    }
    if (indirect) {
      pass.setPipeline(st.kernel.pipeline);
      pass.setBindGroup(0, st.kernel.bindGroup);
      pass.dispatchWorkgroupsIndirect(indirect.buffer, indirect.offset + INDIRECT_ENTRY * i);
    } else {
      dispatch(pass, st.kernel, st.grid[0], st.grid[1]);
    }
  });
  if (pass) done(pass);
}
