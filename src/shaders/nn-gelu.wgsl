// GELU, tanh form (GPT-2). Shared by nn-matmul (fused epilogue) and nn-elementwise (backward).
// Mirrored in src/nn/reference.ts.

const GELU_C = 0.7978845608028654; // sqrt(2/pi)
const GELU_A = 0.044715;

fn gelu(x: f32) -> f32 {
  let t = tanh(clamp(GELU_C * (x + GELU_A * x * x * x), -15.0, 15.0));
  return 0.5 * x * (1.0 + t);
}

fn gelu_grad(x: f32) -> f32 {
  let t = tanh(clamp(GELU_C * (x + GELU_A * x * x * x), -15.0, 15.0));
  let dt = (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_A * x * x);
  return 0.5 * (1.0 + t) + 0.5 * x * dt;
}
