// One step on the Verlet neighbour list (skin > 0), in place on the main state.
// The pair force sums the listed neighbours in ascending id, and a pair beyond r_c adds exactly
// 0, so the sum depends on the positions only: not on when (or how often) the list was built,
// which keeps trajectories bit-identical for any skin > 0 and across export/import. Then the
// sub-flows, as in forceStep (advance, sims/mips/shaders/flows.wgsl).
// Positions: xyIn holds this step's (the neighbours' reads, 8 bytes each), xyOut gets the next
// step's; the two swap every step (two bind groups). Lie: records the largest move since the
// build for the next rebuild decision (Strang: halfFlowTracked does, after the first half).
// No branches on data besides the neighbour loop, which runs to the longest list of the SIMD lanes.
struct VerletStepParams {
  n: u32,
  seed: u32,
  model: u32,
  capacity: u32,      // list slots per particle; the counts follow the lists
  forceParams: vec4f, // (b, 2 r0, sigma^2, 24 epsilon)
  boxL: f32,
  rc2: f32,
  dt: f32,
  k: f32,
  trapA: f32,
  propulsionStep: f32,
  ouDecay: f32,
  ouKick: f32,
  rotationKick: f32,
  noiseKick: f32,
}

@group(0) @binding(0) var<uniform> u: VerletStepParams;
@group(0) @binding(1) var<storage, read> xyIn: array<vec2f>;
// Slot of neighbour t of s at t * n + s; the count of s at capacity * n + s. (8 storage
// buffers: WebGPU's default per-stage limit.)
@group(0) @binding(2) var<storage, read> neighbours: array<u32>;
@group(0) @binding(4) var<storage, read_write> pos: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> body: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> xyOut: array<vec2f>;
@group(0) @binding(7) var<storage, read> xBuild: array<vec2f>;
@group(0) @binding(8) var<storage, read_write> status: ListStatus;
@group(0) @binding(9) var<storage, read> clock: array<u32>;

// Sum of pair forces on the particle in slot s at x over its list (ascending id).
fn listForce(s: u32, x: vec2f) -> vec2f {
  let n = u.n;
  let rc2 = u.rc2;
  let fp = u.forceParams;
  let L = u.boxL;
  let count = neighbours[u.capacity * n + s];
  var f = vec2f(0.0);
  for (var t = 0u; t < count; t++) {
    let d = minImage(x - xyIn[neighbours[t * n + s]], L);
    let r2 = dot(d, d);
    f += select(vec2f(0.0), pairForceOverR(r2, fp) * d, r2 < rc2);
  }
  return f;
}

@compute @workgroup_size(WG)
fn verletStep(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let fc = FlowCoefficients(u.model, u.propulsionStep, u.ouDecay, u.ouKick, u.rotationKick, u.noiseKick);
  let drift = Interaction(u.dt, u.k, u.trapA, u.boxL);
  let step = clock[0];
  var moved2 = 0.0;
  var items = blockItems(gid, nwg);
  loop {
    let s = item(items);
    if (s >= u.n) { break; }
    let pi = pos[s];
    var f = vec2f(0.0);
    if (FORCE_KIND != 0u) { f = listForce(s, pi.xy); }
    let next = advance(fc, drift, pi, body[s], f, step, u.seed);
    pos[s] = next.pos;
    body[s] = next.body;
    xyOut[s] = next.pos.xy;
    if (!STRANG) { moved2 = max(moved2, movedSquared(next.pos.xy, xBuild[s], u.boxL)); }
    continuing {
      break if !nextTurn(&items);
    }
  }
  if (!STRANG) { recordMove(moved2); }
}
