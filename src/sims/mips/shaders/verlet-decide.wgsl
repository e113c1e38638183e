// Verlet list: decides on the GPU whether this step rebuilds the list (one thread, no readback).
// Rebuild when some particle moved more than skin/2 since the last build (then a pair now within
// r_c may be missing from the list), or when the CPU asked (status.force). The rebuild kernels
// run through dispatchWorkgroupsIndirect: args[i] = their real workgroup counts, or 0.
// TICK (Lie): runs at the end of a step, advancing the clock too, and decides for the next step.
struct DecideParams {
  threshold2: f32, // (skin/2 - rounding margin)^2
  dispatches: u32, // rebuild dispatches (entries of args)
  _a: u32,
  _b: u32,
}

override TICK: bool = false;

@group(0) @binding(0) var<uniform> u: DecideParams;
@group(0) @binding(1) var<storage, read_write> status: ListStatus;
@group(0) @binding(2) var<storage, read> fullArgs: array<vec4u>;
@group(0) @binding(3) var<storage, read_write> args: array<vec4u>;
@group(0) @binding(4) var<storage, read_write> clock: array<u32>;

@compute @workgroup_size(1)
fn decideRebuild() {
  if (TICK) { clock[0] = clock[0] + 1u; }
  let moved2 = bitcast<f32>(atomicExchange(&status.moved2, 0u));
  let rebuild = moved2 > u.threshold2 || status.force != 0u;
  status.force = 0u;
  for (var i = 0u; i < u.dispatches; i++) {
    args[i] = select(vec4u(0u), fullArgs[i], rebuild);
  }
}
