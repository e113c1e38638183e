// Small strided kernels over 2-D views (rows x cols, row stride, unit column stride):
// copy / scatter-add (token slices, scaled residual branches), GELU backward in place, fill.
// Written over `V` (f32, or vec4f when columns, offsets and strides are multiples of 4; W floats
// per V, gelu_grad_v on V), which ops.ts (elementCode) defines before this code; one thread per V.
// Offsets, strides and cols in the uniforms count floats.
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

struct Params {
  rows: u32, cols: u32, x_off: u32, x_rs: u32,
  y_off: u32, y_rs: u32, flags: u32, value: f32,
}
const ACCUMULATE = 1u;

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<V>;
@group(0) @binding(2) var<storage, read_write> y: array<V>;

struct Ix { x: u32, y: u32, ok: bool }

// Element i (in V) of the rows x cols view.
fn at(i: u32) -> Ix {
  let cv = u.cols / W;
  let r = i / cv;
  let c = i % cv;
  return Ix((u.x_off + r * u.x_rs) / W + c, (u.y_off + r * u.y_rs) / W + c, r < u.rows);
}

// y[r, c] (+)= value * x[r, c]
@compute @workgroup_size(WG)
fn copy2d(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = at(threadIndex(id, nwg));
  if (!p.ok) { return; }
  var v = u.value * x[p.x];
  if ((u.flags & ACCUMULATE) != 0u) { v += y[p.y]; }
  y[p.y] = v;
}

// y[r, c] *= gelu'(x[r, c]) where x holds the pre-activation.
@compute @workgroup_size(WG)
fn geluBackward(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = at(threadIndex(id, nwg));
  if (!p.ok) { return; }
  y[p.y] *= gelu_grad_v(x[p.x]);
}

// y[r, c] = value
@compute @workgroup_size(WG)
fn fill(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = at(threadIndex(id, nwg));
  if (!p.ok) { return; }
  y[p.y] = V(u.value);
}
