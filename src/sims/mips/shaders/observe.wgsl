// Per-particle observables on the cell-sorted copy of the state, written back in main-state
// order (for colouring), plus per-workgroup partial sums for sample():
//   partial[2w]   = (sum epr_i, sum |disp_i|^2, sum heading.x, sum heading.y)
//   partial[2w+1] = (non-finite particles, sum local density, sum |F_i|^2, sum -div_i F_i)
// (the last two give the configurational temperature T_conf = sum |grad U|^2 / sum lap U)
// epr_i, the score-free EPR per particle (science.md §2, from E[div v] = 0 in steady state):
//   Dt = 0: -div_x b_x;   Dt > 0: |b_x|^2 / Dt + div_x b_x,
// with b_x = v0 e(p) + k F - A (x - c) and div_x b_x = k sum_j [f(r)/r + f'(r)] - 2 A (2-D).
struct ObserveParams {
  n: u32,
  model: u32,
  cellsPerSide: u32,
  stencil: i32,
  boxL: f32,
  invCellW: f32,
  rc2: f32,
  k: f32,
  forceParams: vec4f,
  trapA: f32,
  cellsPerBin: u32,
  binsPerSide: u32,
  v0: f32,
  invDt: f32,         // 1 / Dt, 0 without translational noise
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> u: ObserveParams;
@group(0) @binding(1) var<storage, read> sortedPos: array<vec4f>;
@group(0) @binding(2) var<storage, read> sortedBody: array<vec4f>;
@group(0) @binding(3) var<storage, read> perm: array<u32>;
@group(0) @binding(4) var<storage, read> binDensity: array<f32>;
@group(0) @binding(5) var<storage, read_write> fields: array<vec2f>;   // (density, epr) by main slot
@group(0) @binding(6) var<storage, read_write> partial: array<vec4f>;

// (pair force F_i, sum_j [f(r)/r + f'(r)]) over the neighbours within r_c.
fn interaction(s: u32, x: vec2f) -> vec3f {
  var force = vec2f(0.0);
  var div = 0.0;
  let home = cellCoord(x, u.cellsPerSide, u.invCellW);
  for (var dy = -u.stencil; dy <= u.stencil; dy++) {
    for (var dx = -u.stencil; dx <= u.stencil; dx++) {
      let c = cellIndex(home + vec2i(dx, dy), u.cellsPerSide);
      let end = cellStart(c + 1u);
      for (var j = cellStart(c); j < end; j++) {
        let d = minImage(x - sortedPos[j].xy, u.boxL);
        let r2 = dot(d, d);
        if (r2 < u.rc2 && j != s) {
          force += pairForceOverR(r2, u.forceParams) * d;
          div += pairDivergence(r2, u.forceParams);
        }
      }
    }
  }
  return vec3f(force, div);
}

fn scoreFreeEpr(x: vec2f, p: vec2f, pair: vec3f) -> f32 {
  let divB = u.k * pair.z - 2.0 * u.trapA;
  let b = positionDrift(u.model, u.v0, p, u.k, pair.xy, u.trapA, x, u.boxL);
  return select(-divB, dot(b, b) * u.invDt + divB, u.invDt > 0.0);
}

fn isFinite4(v: vec4f) -> bool {
  // NaN fails every comparison; Inf exceeds the largest f32.
  return all(abs(v) <= vec4f(3.4e38));
}

@compute @workgroup_size(WG)
fn observe(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u,
           @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  var a = vec4f(0.0);
  var b = vec4f(0.0);
  if (s < u.n) {
    let pi = sortedPos[s];
    let bi = sortedBody[s];
    if (isFinite4(pi) && isFinite4(bi)) {
      var pair = vec3f(0.0);
      if (FORCE_KIND != 0u) { pair = interaction(s, pi.xy); }
      let epr = scoreFreeEpr(pi.xy, bi.xy, pair);
      let cell = cellCoord(pi.xy, u.cellsPerSide, u.invCellW);
      let bin = vec2u(cell) / u.cellsPerBin;
      let density = binDensity[bin.y * u.binsPerSide + bin.x];
      fields[perm[s]] = vec2f(density, epr);
      a = vec4f(epr, dot(bi.zw, bi.zw), heading(u.model, bi.xy));
      b = vec4f(0.0, density, dot(pair.xy, pair.xy), -pair.z);
    } else {
      fields[perm[s]] = vec2f(0.0);
      b = vec4f(1.0, 0.0, 0.0, 0.0);
    }
  }
  workgroupSum2(lid.x, a, b);
  if (lid.x == 0u) {
    let w = workgroupIndex(wid, nwg);
    partial[2u * w] = sumA[0];
    partial[2u * w + 1u] = sumB[0];
  }
}
