// LayerNorm over the channels of each row, with affine gamma/beta from the parameter buffer.
// Forward keeps (mean, rstd) per row; backward writes dx and, per element, dy * xhat so that
// reduce.wgsl can sum d(gamma) over rows (d(beta) is the column sum of dy).
// Written over `V` (f32, or vec4f when cols and the gamma / beta offsets are multiples of 4; W
// floats per V, hsum(v) its sum), which ops.ts (elementCode) defines before this code.
// x, y, dy, dyxhat are dense [rows, cols].
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

struct Params { rows: u32, cols: u32, g_off: u32, b_off: u32, eps: f32, p0: u32, p1: u32, p2: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<V>;
@group(0) @binding(2) var<storage, read> theta: array<V>;
@group(0) @binding(3) var<storage, read_write> stats: array<vec2f>; // [rows]: mean, rstd
@group(0) @binding(4) var<storage, read_write> y: array<V>;     // forward: y; backward: dx
@group(0) @binding(5) var<storage, read> dy: array<V>;
@group(0) @binding(6) var<storage, read_write> dyxhat: array<V>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = threadIndex(id, nwg);
  if (r >= u.rows) { return; }
  let n = u.cols / W;
  let base = r * n;
  var s = V(0.0);
  for (var c = 0u; c < n; c++) { s += x[base + c]; }
  let mean = hsum(s) / f32(u.cols);
  var v = V(0.0);
  for (var c = 0u; c < n; c++) { let d = x[base + c] - mean; v += d * d; }
  let rstd = inverseSqrt(hsum(v) / f32(u.cols) + u.eps);
  stats[r] = vec2f(mean, rstd);
  let g = u.g_off / W;
  let b = u.b_off / W;
  for (var c = 0u; c < n; c++) {
    y[base + c] = (x[base + c] - mean) * rstd * theta[g + c] + theta[b + c];
  }
}

// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma.
@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = threadIndex(id, nwg);
  if (r >= u.rows) { return; }
  let n = u.cols / W;
  let base = r * n;
  let st = stats[r];
  let mean = st.x;
  let rstd = st.y;
  let gm = u.g_off / W;
  var mg = V(0.0);
  var mgx = V(0.0);
  for (var c = 0u; c < n; c++) {
    let xh = (x[base + c] - mean) * rstd;
    let d = dy[base + c];
    let g = d * theta[gm + c];
    mg += g;
    mgx += g * xh;
    dyxhat[base + c] = d * xh;
  }
  let mgs = hsum(mg) / f32(u.cols);
  let mgxs = hsum(mgx) / f32(u.cols);
  for (var c = 0u; c < n; c++) {
    let xh = (x[base + c] - mean) * rstd;
    y[base + c] = rstd * (dy[base + c] * theta[gm + c] - mgs - xh * mgxs);
  }
}
