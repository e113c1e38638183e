// LayerNorm over the channels of each row, with affine gamma/beta from the parameter buffer.
// Forward keeps (mean, rstd) per row; backward writes dx and, per element, dy * xhat so that
// nn-reduce can sum d(gamma) over rows (d(beta) is the column sum of dy).

struct Params { rows: u32, cols: u32, g_off: u32, b_off: u32, eps: f32, p0: u32, p1: u32, p2: u32 }

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> theta: array<f32>;
@group(0) @binding(3) var<storage, read_write> stats: array<f32>; // [rows, 2]: mean, rstd
@group(0) @binding(4) var<storage, read_write> y: array<f32>;     // forward: y; backward: dx
@group(0) @binding(5) var<storage, read> dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> dyxhat: array<f32>;

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) id: vec3u) {
  let r = id.x + id.y * 65535u * 64u;
  if (r >= u.rows) { return; }
  let base = r * u.cols;
  var mean = 0.0;
  for (var c = 0u; c < u.cols; c++) { mean += x[base + c]; }
  mean /= f32(u.cols);
  var v = 0.0;
  for (var c = 0u; c < u.cols; c++) { let d = x[base + c] - mean; v += d * d; }
  let rstd = inverseSqrt(v / f32(u.cols) + u.eps);
  stats[2u * r] = mean;
  stats[2u * r + 1u] = rstd;
  for (var c = 0u; c < u.cols; c++) {
    y[base + c] = (x[base + c] - mean) * rstd * theta[u.g_off + c] + theta[u.b_off + c];
  }
}

// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma.
@compute @workgroup_size(64)
fn backward(@builtin(global_invocation_id) id: vec3u) {
  let r = id.x + id.y * 65535u * 64u;
  if (r >= u.rows) { return; }
  let base = r * u.cols;
  let mean = stats[2u * r];
  let rstd = stats[2u * r + 1u];
  var mg = 0.0;
  var mgx = 0.0;
  for (var c = 0u; c < u.cols; c++) {
    let xh = (x[base + c] - mean) * rstd;
    let g = dy[base + c] * theta[u.g_off + c];
    mg += g;
    mgx += g * xh;
    dyxhat[base + c] = dy[base + c] * xh;
  }
  mg /= f32(u.cols);
  mgx /= f32(u.cols);
  for (var c = 0u; c < u.cols; c++) {
    let xh = (x[base + c] - mean) * rstd;
    y[base + c] = rstd * (dy[base + c] * theta[u.g_off + c] - mg - xh * mgx);
  }
}
