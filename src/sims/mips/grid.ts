// 1-D work over a 2-D dispatch grid: WebGPU allows at most 65535 workgroups per dimension.
import { dispatch, type Kernel } from '../../gpu/pipelines';

const MAX_GROUPS_PER_DIM = 65535;

export function gridFor(threads: number, workgroupSize: number): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / workgroupSize));
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / y), y];
}

/** Dispatches `threads` invocations of a kernel whose WGSL uses threadIndex() (mips-common.wgsl). */
export function dispatchThreads(pass: GPUComputePassEncoder, k: Kernel, threads: number, workgroupSize = 64): void {
  const [x, y] = gridFor(threads, workgroupSize);
  dispatch(pass, k, x, y);
}
