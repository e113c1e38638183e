// Small strided kernels over 2-D views (rows x cols, row stride, unit column stride):
// copy / scatter-add (token slices, residual inputs), GELU backward in place, fill.

struct Params {
  rows: u32, cols: u32, x_off: u32, x_rs: u32,
  y_off: u32, y_rs: u32, flags: u32, value: f32,
}
const ACCUMULATE = 1u;

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn rc(i: u32) -> vec2u { return vec2u(i / u.cols, i % u.cols); }

// y[r, c] (+)= x[r, c]
@compute @workgroup_size(64)
fn copy2d(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x + id.y * 65535u * 64u;
  if (i >= u.rows * u.cols) { return; }
  let p = rc(i);
  let yi = u.y_off + p.x * u.y_rs + p.y;
  var v = x[u.x_off + p.x * u.x_rs + p.y];
  if ((u.flags & ACCUMULATE) != 0u) { v += y[yi]; }
  y[yi] = v;
}

// y[r, c] *= gelu'(x[r, c]) where x holds the pre-activation (dense [rows, cols]).
@compute @workgroup_size(64)
fn gelu_backward(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x + id.y * 65535u * 64u;
  if (i >= u.rows * u.cols) { return; }
  let p = rc(i);
  let yi = u.y_off + p.x * u.y_rs + p.y;
  y[yi] *= gelu_grad(x[u.x_off + p.x * u.x_rs + p.y]);
}

// y[r, c] = value
@compute @workgroup_size(64)
fn fill(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x + id.y * 65535u * 64u;
  if (i >= u.rows * u.cols) { return; }
  let p = rc(i);
  y[u.y_off + p.x * u.y_rs + p.y] = u.value;
}
