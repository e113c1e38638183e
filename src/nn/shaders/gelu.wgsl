// GELU, tanh form (GPT-2): gelu(x) = 0.5 x (1 + tanh(y)), y = sqrt(2/pi) (x + 0.044715 x^3).
// Evaluated as x sigmoid(2y) = x / (1 + exp(-2y)) (the same function: 0.5 (1 + tanh(y)) =
// sigmoid(2y)), one exp and one division; tanh costs several times more on SwiftShader.
// Shared by matmul.wgsl / matmul4.wgsl (fused epilogues) and elementwise.wgsl (backward).
// Mirrored in src/nn/reference.ts.

const GELU_C = 0.7978845608028654; // sqrt(2/pi)
const GELU_A = 0.044715;

fn gelu(x: f32) -> f32 {
  let y = clamp(GELU_C * (x + GELU_A * x * x * x), -15.0, 15.0);
  return x / (1.0 + exp(-2.0 * y));
}

// d/dx x s(2y) = s + 2 x s (1 - s) dy/dx, s = sigmoid(2y)
fn gelu_grad(x: f32) -> f32 {
  let y = clamp(GELU_C * (x + GELU_A * x * x * x), -15.0, 15.0);
  let s = 1.0 / (1.0 + exp(-2.0 * y));
  return s + 2.0 * x * s * (1.0 - s) * GELU_C * (1.0 + 3.0 * GELU_A * x * x);
}

fn gelu4(x: vec4f) -> vec4f {
  let y = clamp(GELU_C * (x + GELU_A * x * x * x), vec4f(-15.0), vec4f(15.0));
  return x / (1.0 + exp(-2.0 * y));
}

fn gelu_grad4(x: vec4f) -> vec4f {
  let y = clamp(GELU_C * (x + GELU_A * x * x * x), vec4f(-15.0), vec4f(15.0));
  let s = 1.0 / (1.0 + exp(-2.0 * y));
  return s + 2.0 * x * s * (1.0 - s) * GELU_C * (1.0 + 3.0 * GELU_A * x * x);
}
