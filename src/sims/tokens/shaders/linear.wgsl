// A row-wise affine map over all tokens: out_i = scale · act(W x_i + b) (+ out_i when accumulating).
// Used for the Q/K/V/O projections and both FFN layers. Each thread computes four consecutive
// outputs of one token, so every input value it loads feeds four FMAs.
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

const ROWS_PER_THREAD: u32 = 4u;

struct LinearParams {
  n: u32,            // tokens
  rows: u32,         // output width
  cols: u32,         // input width
  weightOffset: u32, // W (rows×cols, row-major) starts here in `weights`
  biasOffset: u32,   // b (rows) starts here when hasBias = 1
  hasBias: u32,
  act: u32,          // 0 none, 1 relu, 2 gelu
  accumulate: u32,   // 1: out += ..., 0: out = ...
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: LinearParams;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> input: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

// GELU, tanh form; the argument is clamped so tanh never sees huge values (the CPU reference does the same).
fn gelu(z: f32) -> f32 {
  let u = clamp(0.7978845608028654 * (z + 0.044715 * z * z * z), -10.0, 10.0);
  return 0.5 * z * (1.0 + tanh(u));
}

fn activate(z: f32) -> f32 {
  if (params.act == 1u) { return max(z, 0.0); }
  if (params.act == 2u) { return gelu(z); }
  return z;
}

@compute @workgroup_size(WG)
fn linear(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let blocks = (params.rows + ROWS_PER_THREAD - 1u) / ROWS_PER_THREAD;
  let e = threadIndex(id, nwg);
  if (e >= params.n * blocks) { return; }
  let i = e / blocks;
  let r0 = (e % blocks) * ROWS_PER_THREAD;
  // Rows past the end repeat the last row (computed, never stored).
  let last = min(r0 + ROWS_PER_THREAD, params.rows) - 1u;
  let w0 = params.weightOffset + r0 * params.cols;
  let w1 = params.weightOffset + min(r0 + 1u, last) * params.cols;
  let w2 = params.weightOffset + min(r0 + 2u, last) * params.cols;
  let w3 = params.weightOffset + min(r0 + 3u, last) * params.cols;
  let xin = i * params.cols;
  var z = vec4f(0.0);
  for (var c = 0u; c < params.cols; c++) {
    z = fma(vec4f(weights[w0 + c], weights[w1 + c], weights[w2 + c], weights[w3 + c]), vec4f(input[xin + c]), z);
  }
  for (var k = 0u; k < ROWS_PER_THREAD; k++) {
    let r = r0 + k;
    if (r >= params.rows) { break; }
    var y = z[k];
    if (params.hasBias == 1u) { y += weights[params.biasOffset + r]; }
    y = params.scale * activate(y);
    let o = i * params.rows + r;
    if (params.accumulate == 1u) { y += output[o]; }
    output[o] = y;
  }
}
