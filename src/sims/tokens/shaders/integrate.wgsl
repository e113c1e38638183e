// Time-stepping pieces shared by every scheme: axpy stages, the RK4 combination, the sphere's
// tangent projection P_x v = v - <x, v> x, and renormalisation onto the unit sphere.
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

struct AxpyParams { count: u32, a: f32 }
struct Rk4Params { count: u32, h: f32 }
struct TokenParams { n: u32, d: u32 }

// out = x + a v
@group(0) @binding(0) var<uniform> axpyParams: AxpyParams;
@group(0) @binding(1) var<storage, read> axpyX: array<f32>;
@group(0) @binding(2) var<storage, read> axpyV: array<f32>;
@group(0) @binding(3) var<storage, read_write> axpyOut: array<f32>;

@compute @workgroup_size(WG)
fn axpy(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = threadIndex(id, nwg);
  if (e >= axpyParams.count) { return; }
  axpyOut[e] = fma(axpyParams.a, axpyV[e], axpyX[e]);
}

// x += a v
@group(0) @binding(0) var<uniform> stepParams: AxpyParams;
@group(0) @binding(1) var<storage, read_write> stepX: array<f32>;
@group(0) @binding(2) var<storage, read> stepV: array<f32>;

@compute @workgroup_size(WG)
fn axpyInPlace(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = threadIndex(id, nwg);
  if (e >= stepParams.count) { return; }
  stepX[e] = fma(stepParams.a, stepV[e], stepX[e]);
}

// x += h/6 (k1 + 2 k2 + 2 k3 + k4)
@group(0) @binding(0) var<uniform> rk4Params: Rk4Params;
@group(0) @binding(1) var<storage, read_write> rk4X: array<f32>;
@group(0) @binding(2) var<storage, read> k1: array<f32>;
@group(0) @binding(3) var<storage, read> k2: array<f32>;
@group(0) @binding(4) var<storage, read> k3: array<f32>;
@group(0) @binding(5) var<storage, read> k4: array<f32>;

@compute @workgroup_size(WG)
fn rk4Combine(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = threadIndex(id, nwg);
  if (e >= rk4Params.count) { return; }
  rk4X[e] += (rk4Params.h / 6.0) * (k1[e] + 2.0 * (k2[e] + k3[e]) + k4[e]);
}

// v_i -= <x_i, v_i> x_i, one thread per token
@group(0) @binding(0) var<uniform> tangentParams: TokenParams;
@group(0) @binding(1) var<storage, read> tangentX: array<f32>;
@group(0) @binding(2) var<storage, read_write> tangentV: array<f32>;

@compute @workgroup_size(WG)
fn tangentProject(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(id, nwg);
  if (i >= tangentParams.n) { return; }
  let base = i * tangentParams.d;
  var dot = 0.0;
  for (var c = 0u; c < tangentParams.d; c++) { dot = fma(tangentX[base + c], tangentV[base + c], dot); }
  for (var c = 0u; c < tangentParams.d; c++) { tangentV[base + c] -= dot * tangentX[base + c]; }
}

// x_i /= |x_i|, one thread per token
@group(0) @binding(0) var<uniform> sphereParams: TokenParams;
@group(0) @binding(1) var<storage, read_write> sphereX: array<f32>;

@compute @workgroup_size(WG)
fn renormalize(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(id, nwg);
  if (i >= sphereParams.n) { return; }
  let base = i * sphereParams.d;
  var sq = 0.0;
  for (var c = 0u; c < sphereParams.d; c++) { sq = fma(sphereX[base + c], sphereX[base + c], sq); }
  let inv = inverseSqrt(sq);
  for (var c = 0u; c < sphereParams.d; c++) { sphereX[base + c] *= inv; }
}
