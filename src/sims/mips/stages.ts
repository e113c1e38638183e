// Multi-kernel builds (cell list, Verlet rebuild): their stages, encoded in order or through
// indirect dispatch. Grids come from gpu/dispatch.ts.
import { dispatch, type Kernel } from '../../gpu/pipelines';

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
