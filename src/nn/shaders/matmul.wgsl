// Register-blocked matmul over strided views: C[m, n] (+)= epilogue(sum_k A[m, k] B[k, n]), where the
// epilogue (each step optional, chosen by pipeline constants) is: times gelu'(pre) (the input
// gradient of a GELU layer), + bias[n], GELU (keeping the pre-activation), + a residual input view.
// Serves linear forward (A = X, B = W), input grad (B = W^T by strides) and weight grad
// (A = X^T by strides, split-K over z into partial slabs that reduce.wgsl sums).
// Element (m, k) of A is a[a_off + m * a_rs + k * a_cs]; likewise B; C has unit column stride.
// This is the general path (any strides and sizes); nn/shaders/matmul4.wgsl has the vec4 fast paths.

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;
@group(0) @binding(5) var<storage, read_write> pre: array<f32>;
@group(0) @binding(6) var<storage, read> res: array<f32>;

// Each thread owns a 4 x 4 block of C (a workgroup a 32 x 32 tile) and streams A and B
// through registers: no workgroup memory or barriers, which keeps CPU (SwiftShader) runs fast
// and leaves caching to L1 on GPUs.

fn a_at(m: u32, k: u32) -> f32 {
  if (m >= u.m) { return 0.0; }
  return a[u.a_off + m * u.a_rs + k * u.a_cs];
}

fn b_row(k: u32, n0: u32) -> vec4f {
  var v = vec4f(0.0);
  let base = u.b_off + k * u.b_rs + n0 * u.b_cs;
  if (n0 < u.n) { v.x = b[base]; }
  if (n0 + 1u < u.n) { v.y = b[base + u.b_cs]; }
  if (n0 + 2u < u.n) { v.z = b[base + 2u * u.b_cs]; }
  if (n0 + 3u < u.n) { v.w = b[base + 3u * u.b_cs]; }
  return v;
}

fn store(m: u32, n: u32, z: u32, acc: f32) {
  if (m >= u.m || n >= u.n) { return; }
  var v = acc;
  if (GELU_GRAD) { v *= gelu_grad(pre[m * u.n + n]); }
  if (HAS_BIAS) { v += bias[u.bias_off + n]; }
  if (GELU) { pre[m * u.n + n] = v; v = gelu(v); }
  if (RESIDUAL) { v += res[u.r_off + m * u.r_rs + n]; }
  let ci = u.c_off + z * u.c_split + m * u.c_rs + n;
  if (ACCUMULATE) { v += c[ci]; }
  c[ci] = v;
}

@compute @workgroup_size(8, 8)
fn matmul(@builtin(global_invocation_id) gid: vec3u) {
  let m0 = gid.y * 4u;
  let n0 = gid.x * 4u;
  if (m0 >= u.m || n0 >= u.n) { return; }
  let k0 = gid.z * u.k_chunk;
  let k1 = min(u.k, k0 + u.k_chunk);
  var c0 = vec4f(0.0);
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  for (var k = k0; k < k1; k++) {
    let bv = b_row(k, n0);
    c0 += a_at(m0, k) * bv;
    c1 += a_at(m0 + 1u, k) * bv;
    c2 += a_at(m0 + 2u, k) * bv;
    c3 += a_at(m0 + 3u, k) * bv;
  }
  let z = gid.z;
  for (var j = 0u; j < 4u; j++) {
    store(m0, n0 + j, z, c0[j]);
    store(m0 + 1u, n0 + j, z, c1[j]);
    store(m0 + 2u, n0 + j, z, c2[j]);
    store(m0 + 3u, n0 + j, z, c3[j]);
  }
}
