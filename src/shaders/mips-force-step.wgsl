// One step from the cell-sorted state (sorted*) back to the main state (out*).
//   lie:    force + trap (dt), propulsion (dt), orientation (dt), noise (dt)
//   strang: force + trap (dt), noise (dt/2), orientation (dt/2), propulsion (dt/2)
//           (the first half ran in halfFlow before the cell list was built)
// Written for CPU implementations as much as for GPUs. SwiftShader runs 4 invocations per SIMD
// call, executes both sides of every branch (masked) and runs a loop as long as any lane needs
// it, so the kernel has no data-dependent branches: the 3x3 neighbour cells are six slot ranges
// (per row, the cells inside the box, and the cell wrapped around the x edge, often empty) walked
// by ONE loop; the pair force is computed for every candidate and selected; variants (model,
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

override STRANG: bool = false;
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
  let m = i32(u.cellsPerSide);
  let h = cellCoord(x, u.cellsPerSide, u.invCellW);
  // Columns inside the box [lo, hi], and the column wrapped around the x edge (its image is
  // shifted by sx); without a wrap the wrapped range is empty.
  let lo = u32(max(h.x - 1, 0));
  let hi = u32(min(h.x + 1, m - 1));
  let wraps = h.x == 0 || h.x == m - 1;
  let wc = select(0u, u32(select(0, m - 1, h.x == 0)), wraps);
  let sx = select(L, -L, h.x == 0);
  // Rows below / at / above, with their periodic y shift.
  let r0 = u32(select(h.y - 1, m - 1, h.y == 0) * m);
  let r1 = u32(h.y * m);
  let r2 = u32(select(h.y + 1, 0, h.y == m - 1) * m);
  let sy0 = select(0.0, -L, h.y == 0);
  let sy2 = select(0.0, L, h.y == m - 1);
  // Six slot ranges [b_k, e_k) walked as one sequence t = 0 .. o6.
  let b0 = cellStart(r0 + lo);
  let e0 = cellStart(r0 + hi + 1u);
  let b1 = cellStart(r0 + wc);
  let e1 = select(b1, cellStart(r0 + wc + 1u), wraps);
  let b2 = cellStart(r1 + lo);
  let e2 = cellStart(r1 + hi + 1u);
  let b3 = cellStart(r1 + wc);
  let e3 = select(b3, cellStart(r1 + wc + 1u), wraps);
  let b4 = cellStart(r2 + lo);
  let e4 = cellStart(r2 + hi + 1u);
  let b5 = cellStart(r2 + wc);
  let e5 = select(b5, cellStart(r2 + wc + 1u), wraps);
  let o1 = e0 - b0;
  let o2 = o1 + e1 - b1;
  let o3 = o2 + e2 - b2;
  let o4 = o3 + e3 - b3;
  let o5 = o4 + e4 - b4;
  let o6 = o5 + e5 - b5;
  // The home row holds the particle itself, so o6 >= 1: a do-while loop, no empty last turn.
  var t = 0u;
  loop {
    var j = b0 + t;
    var sh = vec2f(0.0, sy0);
    if (t >= o1) { j = b1 + (t - o1); sh = vec2f(sx, sy0); }
    if (t >= o2) { j = b2 + (t - o2); sh = vec2f(0.0, 0.0); }
    if (t >= o3) { j = b3 + (t - o3); sh = vec2f(sx, 0.0); }
    if (t >= o4) { j = b4 + (t - o4); sh = vec2f(0.0, sy2); }
    if (t >= o5) { j = b5 + (t - o5); sh = vec2f(sx, sy2); }
    f += candidateForce(s, x, j, sh, rc2, fp);
    t++;
    continuing {
      break if t >= o6;
    }
  }
  return f;
}

@compute @workgroup_size(WG)
fn forceStep(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = threadIndex(gid, nwg);
  let stride = threadCount(nwg);
  let n = u.n;
  let fc = FlowCoefficients(u.model, u.propulsionStep, u.ouDecay, u.ouKick, u.rotationKick, u.noiseKick);
  let step = clock[0];
  let seed = u.seed;
  let dt = u.dt;
  let kf = u.k;
  let trapA = u.trapA;
  let boxL = u.boxL;
  let centre = vec2f(0.5 * boxL);
  var k = 0u;
  loop {
    let s = t + k * stride;
    if (s >= n) { return; }
    let pi = sortedPos[s];
    let bi = sortedBody[s];
    let x0 = pi.xy;
    var f = vec2f(0.0);
    if (FORCE_KIND != 0u) { f = interactionForce(s, x0); }
    let x = x0 + dt * (kf * f - trapA * (x0 - centre));
    // Lie: propulsion, orientation, noise; Strang: the second half, in reverse order.
    let xi = flowNoise(u32(pi.w), step, seed, select(0u, 2u, STRANG));
    let next = selfFlows(fc, SelfState(x, bi.xy), xi, STRANG);
    outPos[s] = vec4f(wrapBox(next.x, boxL), 0.0, pi.w);
    outBody[s] = vec4f(next.p, bi.zw + (next.x - x0));
    k++;
    continuing {
      break if k >= PER_THREAD;
    }
  }
}
