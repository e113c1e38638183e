// The sub-flows of one step, shared by the half-step and the force-step kernels.
// Counter-based noise: normal4(id, step, seed, stream) -> (xi_p.x, xi_p.y, xi_x.x, xi_x.y).

struct FlowCoefficients {
  model: u32,          // 0 AOUP, 1 ABP
  propulsionStep: f32, // v0 h
  ouDecay: f32,        // exp(-gamma h)
  ouKick: f32,         // sqrt(1 - exp(-2 gamma h))
  rotationKick: f32,   // sqrt(2 Dr h)
  noiseKick: f32,      // sqrt(2 Dt h)
}

const PI: f32 = 3.141592653589793;

// Self-propulsion / orientation sub-flow over h: exact OU for g, Brownian rotation for theta.
fn orientationFlow(fc: FlowCoefficients, p: vec2f, xi: vec2f) -> vec2f {
  if (fc.model == 1u) {
    let theta = p.x + fc.rotationKick * xi.x;
    return vec2f(theta - 2.0 * PI * floor((theta + PI) / (2.0 * PI)), 0.0);
  }
  return fc.ouDecay * p + fc.ouKick * xi;
}
