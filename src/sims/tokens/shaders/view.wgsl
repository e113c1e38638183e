// What the viewport draws: tokens mapped to 3-D by a 3×d basis (identity rows for d ≤ 3,
// PCA or a fixed random projection for d > 3), and the covariance used to find the PCA basis.
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

struct ViewParams { n: u32, d: u32, offset: u32 }

@group(0) @binding(0) var<uniform> viewParams: ViewParams;
@group(0) @binding(1) var<storage, read> tokens: array<f32>;
@group(0) @binding(2) var<storage, read> basis: array<f32>; // 3 rows of d
@group(0) @binding(3) var<storage, read_write> positions: array<vec4f>;

@compute @workgroup_size(WG)
fn positions3d(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(id, nwg);
  let d = viewParams.d;
  if (i >= viewParams.n) { return; }
  var p = vec3f(0.0);
  for (var c = 0u; c < d; c++) {
    let t = tokens[i * d + c];
    p += t * vec3f(basis[c], basis[d + c], basis[2u * d + c]);
  }
  positions[viewParams.offset + i] = vec4f(p, 1.0);
}

struct CovParams { n: u32, d: u32 }
@group(0) @binding(0) var<uniform> covParams: CovParams;
@group(0) @binding(1) var<storage, read> covTokens: array<f32>;
@group(0) @binding(2) var<storage, read_write> covariance: array<f32>; // d×d

fn mean(c: u32) -> f32 {
  var s = 0.0;
  for (var i = 0u; i < covParams.n; i++) { s += covTokens[i * covParams.d + c]; }
  return s / f32(covParams.n);
}

// One thread per entry (a, b): (1/n) Σ_i (x_ia - mean_a)(x_ib - mean_b).
@compute @workgroup_size(WG)
fn covarianceMatrix(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let d = covParams.d;
  let e = threadIndex(id, nwg);
  if (e >= d * d) { return; }
  let a = e / d;
  let b = e % d;
  let ma = mean(a);
  let mb = mean(b);
  var s = 0.0;
  for (var i = 0u; i < covParams.n; i++) {
    s = fma(covTokens[i * d + a] - ma, covTokens[i * d + b] - mb, s);
  }
  covariance[e] = s / f32(covParams.n);
}
