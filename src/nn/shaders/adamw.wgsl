// AdamW with global gradient-norm clipping and an EMA of the weights, over one flat parameter
// buffer. stats (written by the loss / norm reductions): [0] loss, [1] |grad|^2,
// [2] accepted steps, [3] skipped steps, [4] 1 if the last step was skipped.
// A non-finite loss or gradient norm skips the step: weights, moments and EMA stay untouched.
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

struct Params {
  n: u32, lr: f32, beta1: f32, beta2: f32,
  eps: f32, weight_decay: f32, max_norm: f32, ema_decay: f32,
}

@group(0) @binding(0) var<uniform> u: Params;
// One thread per 4 parameters (n is a multiple of 256): vec4 loads cost half as much per float
// as scalar ones on SwiftShader, and there are a quarter of the invocations.
@group(0) @binding(1) var<storage, read_write> theta: array<vec4f>;
@group(0) @binding(2) var<storage, read> grad: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> moments: array<vec4f>; // m at i, v at n / 4 + i
@group(0) @binding(4) var<storage, read_write> ema: array<vec4f>;
@group(0) @binding(5) var<storage, read> decay_mask: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> stats: array<f32>;

fn finite(x: f32) -> bool { return x == x && abs(x) <= 3.4e38; }
fn step_ok() -> bool { return finite(stats[0]) && finite(stats[1]); }

@compute @workgroup_size(WG)
fn step(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(id, nwg);
  let n4 = u.n / 4u;
  if (i >= n4 || !step_ok()) { return; }
  let norm = sqrt(stats[1]);
  let clip = select(1.0, u.max_norm / (norm + 1e-6), u.max_norm > 0.0 && norm > u.max_norm);
  let t = stats[2] + 1.0;
  let g = grad[i] * clip;
  let m = u.beta1 * moments[i] + (1.0 - u.beta1) * g;
  let v = u.beta2 * moments[n4 + i] + (1.0 - u.beta2) * g * g;
  moments[i] = m;
  moments[n4 + i] = v;
  let mh = m / (1.0 - pow(u.beta1, t));
  let vh = v / (1.0 - pow(u.beta2, t));
  let w = theta[i];
  let w1 = w - u.lr * (mh / (sqrt(vh) + u.eps) + u.weight_decay * decay_mask[i] * w);
  theta[i] = w1;
  ema[i] = u.ema_decay * ema[i] + (1.0 - u.ema_decay) * w1;
}

// One thread, after `step`: counts the step as accepted or skipped.
@compute @workgroup_size(1)
fn finish() {
  if (step_ok()) {
    stats[2] += 1.0;
    stats[4] = 0.0;
  } else {
    stats[3] += 1.0;
    stats[4] = 1.0;
  }
}
