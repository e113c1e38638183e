// Score network input: for particle i, tokens [p_j, x_j − x_i (, x_j − c) (, force)] for itself
// (token 0) and its `neighbors` nearest particles under the minimum image, found from the cell list by
// searching rings of cells outwards until the K-th distance is closer than the next ring.
// Needs gpu/shaders/rng.wgsl, sims/mips/shaders/common.wgsl, sims/mips/shaders/cell-access.wgsl. Positions are the cell-sorted copy.
//   gatherAll:   one set per sorted slot in [offset, offset + count) (inference, in chunks), plus
//                info (p, id, drift b_x) per set; set i is slot offset + i.
//   gatherBatch: `count` random particles; sets b and count + b are the antithetic pair with
//                the noisy coordinates moved by ±σζ; ζ is written for the loss.
//   tick:        advances the training step counter that keys the batch and noise.
struct ScoreGatherParams {
  n: u32,
  count: u32,            // sets written (all: the chunk; batch: pairs)
  model: u32,            // 0 AOUP, 1 ABP
  neighbors: u32,
  cellsPerSide: u32,
  inputs: u32,           // channels per token: 4 (+ 2 absolute position) (+ 2 pair force)
  outputs: u32,          // noisy coordinates (zeta columns)
  noisyX: u32,           // 1: positions are noisy (Dt > 0)
  absChannel: u32,       // first channel of x_j − c (0: none)
  forceChannel: u32,     // first channel of token 0's scaled pair force k F_i / v0 (0: none)
  forceScale: f32,       // k / v0 (k when v0 = 0)
  offset: u32,           // all: first slot of the chunk
  boxL: f32,
  cellW: f32,
  sigma: f32,
  seed: u32,
  forceParams: vec4f,
  rc2: f32,
  k: f32,
  trapA: f32,
  v0: f32,
}

const MAX_NB: u32 = 32u;
const STREAM_PICK: u32 = 101u;
const STREAM_NOISE: u32 = 102u;

@group(0) @binding(0) var<uniform> u: ScoreGatherParams;
@group(0) @binding(1) var<storage, read> pos: array<vec4f>;       // sorted: (x, y, 0, id)
@group(0) @binding(2) var<storage, read> body: array<vec4f>;      // sorted: (p, disp)
@group(0) @binding(3) var<storage, read_write> inputs: array<f32>; // [sets * K, inputs]
@group(0) @binding(4) var<storage, read_write> tok: array<f32>;    // [sets * K]
@group(0) @binding(5) var<storage, read_write> info: array<vec4f>; // all: 2 per set; batch: unused
@group(0) @binding(6) var<storage, read_write> zeta: array<f32>;   // batch: [count, outputs]
@group(0) @binding(7) var<storage, read_write> counter: array<u32>;

var<private> bestD: array<f32, MAX_NB>;
var<private> bestS: array<u32, MAX_NB>;

// Inserts (d2, s) into the sorted list of the `kk` nearest; returns the new count.
fn insert(d2: f32, s: u32, found: u32, kk: u32) -> u32 {
  if (found == kk && d2 >= bestD[kk - 1u]) { return found; }
  var t = min(found, kk - 1u);
  while (t > 0u && bestD[t - 1u] > d2) {
    bestD[t] = bestD[t - 1u];
    bestS[t] = bestS[t - 1u];
    t--;
  }
  bestD[t] = d2;
  bestS[t] = s;
  return min(found + 1u, kk);
}

// Fills bestD/bestS with the nearest neighbours of slot `me`; returns how many were found.
// Also sums the pair force on it (every particle within r_c lies in the visited cells).
fn search(me: u32, xi: vec2f, force: ptr<function, vec2f>) -> u32 {
  let kk = u.neighbors;
  let m = i32(u.cellsPerSide);
  let ci = cellCoord(xi, u.cellsPerSide, 1.0 / u.cellW);
  // Offsets in [lo, hi] visit each of the m cells of a row once, even when rings wrap.
  let lo = -(m / 2);
  let hi = (m - 1) / 2;
  var found = 0u;
  for (var r = 0; r <= m / 2; r++) {
    for (var dy = -r; dy <= r; dy++) {
      for (var dx = -r; dx <= r; dx++) {
        if (max(abs(dx), abs(dy)) != r || dx < lo || dx > hi || dy < lo || dy > hi) { continue; }
        let c = cellIndex(ci + vec2i(dx, dy), u.cellsPerSide);
        let end = cellStart(c + 1u);
        for (var s = cellStart(c); s < end; s++) {
          if (s == me) { continue; }
          let d = minImage(pos[s].xy - xi, u.boxL);
          let d2 = dot(d, d);
          if (d2 < u.rc2) { *force -= pairForceOverR(d2, u.forceParams) * d; }
          if (kk > 0u) { found = insert(d2, s, found, kk); }
        }
      }
    }
    let reach = f32(r) * u.cellW;
    if (r >= 1 && (kk == 0u || (found == kk && bestD[kk - 1u] <= reach * reach))) { break; }
  }
  return found;
}

// p as network input: g (AOUP) or (cos θ, sin θ) (ABP).
fn propInput(p: vec2f) -> vec2f {
  if (u.model == 1u) { return vec2f(cos(p.x), sin(p.x)); }
  return p;
}

// Neighbour tokens carry a zero force channel: only particle i's own balance v0 g_i ≈ −k F_i is an input.
fn writeToken(row: u32, p: vec2f, offset: vec2f, absPos: vec2f, force: vec2f, valid: bool) {
  let b = row * u.inputs;
  inputs[b] = p.x;
  inputs[b + 1u] = p.y;
  inputs[b + 2u] = offset.x;
  inputs[b + 3u] = offset.y;
  if (u.absChannel > 0u) {
    inputs[b + u.absChannel] = absPos.x;
    inputs[b + u.absChannel + 1u] = absPos.y;
  }
  if (u.forceChannel > 0u) {
    inputs[b + u.forceChannel] = force.x;
    inputs[b + u.forceChannel + 1u] = force.y;
  }
  tok[row] = select(-1.0, 0.0, valid);
}

fn fromCentre(x: vec2f) -> vec2f {
  return minImage(x - vec2f(0.5 * u.boxL), u.boxL);
}

// Token 0 (particle i with its possibly perturbed p_i, x_i, and the pair force F_i there) and
// the neighbour tokens.
fn writeSet(si: u32, pi: vec2f, xi: vec2f, fi: vec2f, found: u32) {
  let K = u.neighbors + 1u;
  writeToken(si * K, propInput(pi), vec2f(0.0), fromCentre(xi), u.forceScale * fi, true);
  for (var t = 0u; t < u.neighbors; t++) {
    let row = si * K + 1u + t;
    if (t < found) {
      let s = bestS[t];
      let xj = pos[s].xy;
      writeToken(row, propInput(body[s].xy), minImage(xj - xi, u.boxL), fromCentre(xj), vec2f(0.0), true);
    } else {
      writeToken(row, vec2f(0.0), vec2f(0.0), vec2f(0.0), vec2f(0.0), false);
    }
  }
}

@compute @workgroup_size(WG)
fn gatherAll(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(gid, nwg);
  let s = u.offset + i;
  if (i >= u.count || s >= u.n) { return; }
  let xi = pos[s].xy;
  let pi = body[s].xy;
  var f = vec2f(0.0);
  let found = search(s, xi, &f);
  writeSet(i, pi, xi, f, found);
  let drift = positionDrift(u.model, u.v0, pi, u.k, f, u.trapA, xi, u.boxL);
  info[2u * i] = vec4f(pi, pos[s].w, 0.0);
  info[2u * i + 1u] = vec4f(drift, 0.0, 0.0);
}

@compute @workgroup_size(WG)
fn gatherBatch(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = threadIndex(gid, nwg);
  if (b >= u.count) { return; }
  let step = counter[0];
  let pick = uniform4(b, step, u.seed, STREAM_PICK);
  let s = min(u32(pick.x * f32(u.n)), u.n - 1u);
  let xi = pos[s].xy;
  let pi = body[s].xy;
  let z = normal4(b, step, u.seed, STREAM_NOISE);
  // ζ columns: [p coordinates (2 AOUP, 1 ABP), x (2, when noisy)].
  let pd = select(2u, 1u, u.model == 1u);
  var zp = z.xy;
  if (pd == 1u) { zp = vec2f(z.x, 0.0); }
  let zx = select(vec2f(0.0), select(z.zw, z.yz, pd == 1u), u.noisyX == 1u);
  var f = vec2f(0.0);
  var found = search(s, wrapBox(xi + u.sigma * zx, u.boxL), &f);
  let fPlus = f;
  for (var c = 0u; c < u.outputs; c++) {
    var zc: f32;
    if (c < pd) { zc = zp[c]; } else { zc = zx[c - pd]; }
    zeta[b * u.outputs + c] = zc;
  }
  // Neighbours are chosen around the perturbed position: a selection made at the clean x_i
  // would leak ζ_x into the offsets (and bias s_x).
  writeSet(b, pi + u.sigma * zp, xi + u.sigma * zx, fPlus, found);
  if (u.noisyX == 1u) {
    f = vec2f(0.0);
    found = search(s, wrapBox(xi - u.sigma * zx, u.boxL), &f);
  }
  writeSet(u.count + b, pi - u.sigma * zp, xi - u.sigma * zx, f, found);
}

@compute @workgroup_size(1)
fn tick() {
  counter[0] = counter[0] + 1u;
}
