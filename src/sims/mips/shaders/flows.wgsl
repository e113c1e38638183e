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
override STRANG: bool = false;        // the step kernels finish a Strang step (advance)
override LM: bool = false;            // Leimkuhler–Matthews thermal noise (Lie only; params.ts refuses Strang)

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

// The normals a step's sub-flows use: each pair is bit-identical to normal4(index, step, seed,
// stream), but pairs that would be multiplied by zero are not computed: xi.xy drive the
// orientation (AOUP both, ABP xi.x), xi.zw the translational noise.
fn flowNoise(index: u32, step: u32, seed: u32, stream: u32) -> vec4f {
  let r = pcg4d(vec4u(index, step, seed, stream));
  var xi = vec4f(0.0);
  if (ORIENT_NOISE) { xi = vec4f(boxMuller(r.x, r.y), xi.zw); }
  if (THERMAL) { xi = vec4f(xi.xy, boxMuller(r.z, r.w)); }
  return xi;
}

// Leimkuhler–Matthews: the thermal normals of step + 1 (bit-identical to the ones that step will
// draw: same counter), so the kick (xi_n + xi_{n+1}) / 2 needs no state and resumes exactly.
fn nextThermalNoise(index: u32, step: u32, seed: u32, stream: u32) -> vec2f {
  let r = pcg4d(vec4u(index, step + 1u, seed, stream));
  return boxMuller(r.z, r.w);
}

// Position and propulsion state (g, or (theta, 0)) of one particle.
struct SelfState {
  x: vec2f,
  p: vec2f,
}

// The self sub-flows over one step of the coefficients' h: propulsion, orientation, noise in
// that order, or reversed (the second half of a Strang step).
fn selfFlows(fc: FlowCoefficients, s: SelfState, xi: vec4f, reversed: bool) -> SelfState {
  var x = s.x;
  var p = s.p;
  if (!reversed) { x += fc.propulsionStep * flowPropulsion(p); }
  if (reversed && THERMAL) { x += fc.noiseKick * xi.zw; }
  p = orientationFlow(fc, p, xi.xy);
  if (!reversed && THERMAL) { x += fc.noiseKick * xi.zw; }
  if (reversed) { x += fc.propulsionStep * flowPropulsion(p); }
  return SelfState(x, p);
}

// Interaction sub-flow coefficients: dx = dt (k F - A (x - centre)).
struct Interaction {
  dt: f32,
  k: f32,
  trapA: f32,
  boxL: f32,
}

// A particle's main state: pos (x, y, 0, id), body (p, unwrapped displacement).
struct Particle {
  pos: vec4f,
  body: vec4f,
}

// The rest of a step once the pair force f on the particle is known: the interaction sub-flow
// (force + trap) over dt, then the self sub-flows over fc's h (Lie: propulsion, orientation,
// noise; Strang: their second half, reversed). Positions come back wrapped into the box.
// LM replaces the thermal normals by (xi_n + xi_{n+1}) / 2.
fn advance(fc: FlowCoefficients, it: Interaction, pos: vec4f, body: vec4f, f: vec2f, step: u32, seed: u32) -> Particle {
  let x0 = pos.xy;
  let x = x0 + it.dt * (it.k * f - it.trapA * (x0 - vec2f(0.5 * it.boxL)));
  let stream = select(0u, 2u, STRANG);
  var xi = flowNoise(u32(pos.w), step, seed, stream);
  if (LM && THERMAL) { xi = vec4f(xi.xy, 0.5 * (xi.zw + nextThermalNoise(u32(pos.w), step, seed, stream))); }
  let next = selfFlows(fc, SelfState(x, body.xy), xi, STRANG);
  return Particle(vec4f(wrapBox(next.x, it.boxL), 0.0, pos.w), vec4f(next.p, body.zw + (next.x - x0)));
}
