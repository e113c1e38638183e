// One step from the cell-sorted state (sorted*) back to the main state (out*).
//   lie:    force + trap (dt), propulsion (dt), orientation (dt), noise (dt)
//   strang: force + trap (dt), noise (dt/2), orientation (dt/2), propulsion (dt/2)
//           (the first half ran in halfFlow before the cell list was built)
// Written for CPU implementations as much as for GPUs. SwiftShader runs 4 invocations per SIMD
// call, executes both sides of every branch (masked) and runs a loop as long as any lane needs
// it, so the kernel has no data-dependent branches: the 3x3 neighbour cells are six slot ranges
// walked by ONE loop (sims/mips/shaders/stencil.wgsl); the pair force is computed for every candidate and selected; variants (model,
// noise, splitting, all-pairs) are pipeline constants; PER_THREAD particles per invocation.
struct ForceStepParams {
  n: u32,
  seed: u32,
  model: u32,
  strang: u32,
  cellsPerSide: u32,
  stencil: i32,       // 1: 3x3 neighbour cells, 0: one cell (tiny boxes); = !ALL_PAIRS
  boxL: f32,
  invCellW: f32,
  forceParams: vec4f, // (b, 2 r0, sigma^2, 24 epsilon)
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

// One cell holds every particle (box < 3 cutoffs): minimum image per pair over all particles.
override ALL_PAIRS: bool = false;

@group(0) @binding(0) var<uniform> u: ForceStepParams;
@group(0) @binding(1) var<storage, read> sortedPos: array<vec4f>;
@group(0) @binding(2) var<storage, read> sortedBody: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> outPos: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> outBody: array<vec4f>;
@group(0) @binding(5) var<storage, read> clock: array<u32>;

// Force of one candidate j on the particle in slot s at x (j's image shifted by sh).
fn candidateForce(s: u32, x: vec2f, j: u32, sh: vec2f, rc2: f32, fp: vec4f) -> vec2f {
  let d = x - (sortedPos[j].xy + sh);
  let r2 = dot(d, d);
  // Self (r2 = 0) and pairs beyond the cutoff give inf/NaN/garbage here and are dropped.
  return select(vec2f(0.0), pairForceOverR(r2, fp) * d, r2 < rc2 && j != s);
}

// Sum of pair forces on the particle in slot s at x, in slot order (cells in id order).
fn interactionForce(s: u32, x: vec2f) -> vec2f {
  let rc2 = u.rc2;
  let fp = u.forceParams;
  let L = u.boxL;
  var f = vec2f(0.0);
  if (ALL_PAIRS) {
    for (var j = 0u; j < u.n; j++) {
      let d = minImage(x - sortedPos[j].xy, L);
      let r2 = dot(d, d);
      f += select(vec2f(0.0), pairForceOverR(r2, fp) * d, r2 < rc2 && j != s);
    }
    return f;
  }
  let st = cellStencil(x, u.cellsPerSide, u.invCellW, L);
  // The home row holds the particle itself, so st.end >= 1: a do-while loop, no empty last turn.
  var t = 0u;
  loop {
    let c = stencilSlot(st, t);
    f += candidateForce(s, x, c.slot, c.shift, rc2, fp);
    t++;
    continuing {
      break if t >= st.end;
    }
  }
  return f;
}

@compute @workgroup_size(WG)
fn forceStep(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = u.n;
  let fc = FlowCoefficients(u.model, u.propulsionStep, u.ouDecay, u.ouKick, u.rotationKick, u.noiseKick);
  let drift = Interaction(u.dt, u.k, u.trapA, u.boxL);
  let step = clock[0];
  let seed = u.seed;
  var items = spreadItems(gid, nwg);
  loop {
    let s = item(items);
    if (s >= n) { return; }
    let pi = sortedPos[s];
    var f = vec2f(0.0);
    if (FORCE_KIND != 0u) { f = interactionForce(s, pi.xy); }
    let next = advance(fc, drift, pi, sortedBody[s], f, step, seed);
    outPos[s] = next.pos;
    outBody[s] = next.body;
    continuing {
      break if !nextTurn(&items);
    }
  }
}
