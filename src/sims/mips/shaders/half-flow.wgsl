// Strang splitting, first half: propulsion (h = dt/2), orientation (h = dt/2), noise (h = dt/2).
// Updates the state in place (no neighbours needed); PER_THREAD particles per invocation.
// halfFlowTracked (Verlet list, skin > 0) also writes the positions the force step reads (xyOut)
// and records the largest squared move since the list was built (sims/mips/shaders/verlet-status.wgsl).
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
@group(0) @binding(4) var<storage, read_write> xyOut: array<vec2f>;
@group(0) @binding(5) var<storage, read> xBuild: array<vec2f>;
@group(0) @binding(6) var<storage, read_write> status: ListStatus;

// Half flow of the particle in slot s, in place; returns its new (wrapped) position.
fn halfFlowAt(s: u32, step: u32) -> vec2f {
  let fc = FlowCoefficients(u.model, u.propulsionStep, u.ouDecay, u.ouKick, u.rotationKick, u.noiseKick);
  let pi = pos[s];
  let bi = body[s];
  let xi = flowNoise(u32(pi.w), step, u.seed, 1u);
  let next = selfFlows(fc, SelfState(pi.xy, bi.xy), xi, false);
  let x = wrapBox(next.x, u.boxL);
  pos[s] = vec4f(x, 0.0, pi.w);
  body[s] = vec4f(next.p, bi.zw + (next.x - pi.xy));
  return x;
}

@compute @workgroup_size(WG)
fn halfFlow(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let step = clock[0];
  var items = spreadItems(gid, nwg);
  loop {
    let s = item(items);
    if (s >= u.n) { return; }
    halfFlowAt(s, step);
    continuing {
      break if !nextTurn(&items);
    }
  }
}

@compute @workgroup_size(WG)
fn halfFlowTracked(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let step = clock[0];
  var moved2 = 0.0;
  var items = blockItems(gid, nwg);
  loop {
    let s = item(items);
    if (s >= u.n) { break; }
    let x = halfFlowAt(s, step);
    xyOut[s] = x;
    moved2 = max(moved2, movedSquared(x, xBuild[s], u.boxL));
    continuing {
      break if !nextTurn(&items);
    }
  }
  recordMove(moved2);
}
