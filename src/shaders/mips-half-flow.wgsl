// Strang splitting, first half: propulsion (h = dt/2), orientation (h = dt/2), noise (h = dt/2).
// Updates the state in place (no neighbours needed); PER_THREAD particles per invocation.
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
  let t = threadIndex(gid, nwg);
  let stride = threadCount(nwg);
  let n = u.n;
  let fc = FlowCoefficients(u.model, u.propulsionStep, u.ouDecay, u.ouKick, u.rotationKick, u.noiseKick);
  let step = clock[0];
  var k = 0u;
  loop {
    let s = t + k * stride;
    if (s >= n) { return; }
    let pi = pos[s];
    let bi = body[s];
    let xi = flowNoise(u32(pi.w), step, u.seed, 1u);
    let next = selfFlows(fc, SelfState(pi.xy, bi.xy), xi, false);
    pos[s] = vec4f(wrapBox(next.x, u.boxL), 0.0, pi.w);
    body[s] = vec4f(next.p, bi.zw + (next.x - pi.xy));
    k++;
    continuing {
      break if k >= PER_THREAD;
    }
  }
}
