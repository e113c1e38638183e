// The uniform and epilogue flags shared by both matmul kernels (nn/shaders/matmul.wgsl, the general
// strided path, and nn/shaders/matmul4.wgsl, the vec4 fast paths): offsets and strides in floats.
struct Params {
  m: u32, n: u32, k: u32, k_chunk: u32,
  a_off: u32, a_rs: u32, a_cs: u32, b_off: u32,
  b_rs: u32, b_cs: u32, c_off: u32, c_rs: u32,
  c_split: u32, bias_off: u32, r_off: u32, r_rs: u32,
}
// Pipeline constants, so the unused epilogue is compiled out (SwiftShader would otherwise run
// both sides of a uniform branch).
override GELU_GRAD: bool = false;  // multiply by gelu'(pre[m, n]) (pre dense [m, n], read)
override HAS_BIAS: bool = false;   // add bias[bias_off + n]
override GELU: bool = false;       // store the pre-activation to `pre` (dense [m, n]), write gelu(z)
override RESIDUAL: bool = false;   // add res[r_off + m * r_rs + n]
override ACCUMULATE: bool = false; // C += result

@group(0) @binding(0) var<uniform> u: Params;
