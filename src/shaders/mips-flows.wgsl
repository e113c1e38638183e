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

// The variant of the sub-flows, fixed per pipeline (kernels.ts builds one per combination in use).
// CPU implementations such as SwiftShader run both sides of every branch (masked), even when the
// condition is uniform; constants remove the code of the other model and of absent noise.
override MODEL: u32 = 0u;             // 0 AOUP, 1 ABP
override ORIENT_NOISE: bool = true;   // AOUP: ouKick > 0; ABP: rotationKick > 0
override THERMAL: bool = true;        // translational noise (Dt > 0)

// Self-propulsion / orientation sub-flow over h: exact OU for g, Brownian rotation for theta.
fn orientationFlow(fc: FlowCoefficients, p: vec2f, xi: vec2f) -> vec2f {
  if (MODEL == 1u) {
    let theta = p.x + fc.rotationKick * xi.x;
    return vec2f(theta - 2.0 * PI * floor((theta + PI) / (2.0 * PI)), 0.0);
  }
  return fc.ouDecay * p + fc.ouKick * xi;
}


// Self-propulsion velocity / v0 of this pipeline's model: g (AOUP) or n(theta) (ABP).
fn flowPropulsion(p: vec2f) -> vec2f {
  if (MODEL == 1u) { return vec2f(cos(p.x), sin(p.x)); }
  return p;
}

// The normals a step's sub-flows use: each component is bit-identical to normal4(index, step,
// seed, stream), but the components that would be multiplied by zero are not computed: xi.xy
// drive the orientation (AOUP both, ABP xi.x), xi.zw the translational noise.
fn flowNoise(index: u32, step: u32, seed: u32, stream: u32) -> vec4f {
  let r = pcg4d(vec4u(index, step, seed, stream));
  var xi = vec4f(0.0);
  if (ORIENT_NOISE) {
    let rad1 = sqrt(-2.0 * log(u01(r.x)));
    let a1 = 6.283185307179586 * u01(r.y);
    xi.x = rad1 * cos(a1);
    if (MODEL == 0u) { xi.y = rad1 * sin(a1); }
  }
  if (THERMAL) {
    let rad2 = sqrt(-2.0 * log(u01(r.z)));
    let a2 = 6.283185307179586 * u01(r.w);
    xi.z = rad2 * cos(a2);
    xi.w = rad2 * sin(a2);
  }
  return xi;
}
