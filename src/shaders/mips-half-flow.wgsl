// Strang splitting, first half: propulsion (h = dt/2), orientation (h = dt/2), noise (h = dt/2).
// Updates the state in place (no neighbours needed).
struct HalfFlowParams {
  n: u32,
  seed: u32,
  model: u32,
  _pad: u32,
  boxL: f32,
  propulsionStep: f32,
  ouDecay: f32,
  ouKick: f32,
  rotationKick: f32,
  noiseKick: f32,
}

@group(0) @binding(0) var<uniform> u: HalfFlowParams;
@group(0) @binding(1) var<storage, read_write> pos: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> body: array<vec4f>;
@group(0) @binding(3) var<storage, read> clock: array<u32>;

@compute @workgroup_size(WG)
fn halfFlow(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (s >= u.n) { return; }
  let fc = FlowCoefficients(u.model, u.propulsionStep, u.ouDecay, u.ouKick, u.rotationKick, u.noiseKick);
  let pi = pos[s];
  let bi = body[s];
  let xi = normal4(u32(pi.w), clock[0], u.seed, 1u);
  var x = pi.xy + fc.propulsionStep * propulsion(u.model, bi.xy);
  let p = orientationFlow(fc, bi.xy, xi.xy);
  x += fc.noiseKick * xi.zw;
  let moved = x - pi.xy;
  pos[s] = vec4f(wrapBox(x, u.boxL), 0.0, pi.w);
  body[s] = vec4f(p, bi.zw + moved);
}
