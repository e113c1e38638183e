// Learned fields per particle from the score network's outputs (needs sims/mips/shaders/common.wgsl and
// sims/mips/shaders/cell-access.wgsl). Set i of the inference network is cell-sorted slot offset + i (one chunk).
//   fields: (current magnitude, local EPR, EPR term, its position part) per particle, by slot and by particle id
//     AOUP: |g + s_g|,  div_g v_g / γ = −2 − div_g s_g,  γ |g + s_g|²
//     ABP:  |s_θ|,      div_θ v_θ / Dr = −∂_θ s_θ,        Dr s_θ²
//     Dt > 0 adds |b_x − Dt s_x|² / Dt to the EPR term.
//   bins:   per spatial bin (a block of cells): sums of (local EPR, current, count, EPR term)
//   reduce: totals over particles (current, local EPR, EPR term, |local EPR|, position part, d²) in one workgroup
//   color:  colours of the render slots (main state order) from the by-id fields (needs gpu/shaders/colormap.wgsl)
struct ScoreFieldParams {
  n: u32,
  model: u32,
  outputs: u32,
  noisyX: u32,
  gamma: f32,
  Dr: f32,
  Dt: f32,
  mode: u32,             // colour: 0 current, 1 local EPR
  rowStride: u32,        // floats per set in the input gradient (tokens * inputs)
  cellsPerSide: u32,
  cellsPerBin: u32,
  binsPerSide: u32,
  offset: u32,           // fields: first slot of the chunk
  count: u32,            // fields: sets in the chunk
  sequentialMap: u32,    // colour: row of the user's sequential map (current)
  colorScale: f32,       // colour: the map's end, in units of the field's mean (current) or mean |field| (local EPR)
}

@group(0) @binding(0) var<uniform> u: ScoreFieldParams;
@group(0) @binding(1) var<storage, read> score: array<f32>;       // [chunk, outputs]
@group(0) @binding(2) var<storage, read> divergence: array<f32>;  // [chunk] (AOUP: div_g s_g)
@group(0) @binding(3) var<storage, read> inputGrad: array<f32>;   // ABP: d s_θ / d(cos, sin) at token 0
@group(0) @binding(4) var<storage, read> info: array<vec4f>;      // 2 per set: (p, id, 0), (b_x, 0, 0)
@group(0) @binding(5) var<storage, read_write> slotField: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> idField: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> binMap: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> totals: array<vec4f>;
@group(0) @binding(9) var<storage, read> renderPos: array<vec4f>;
@group(0) @binding(11) var<storage, read_write> colors: array<vec4f>;
@group(0) @binding(12) var<storage, read> colormaps: array<vec4f>;

@compute @workgroup_size(WG)
fn fields(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = threadIndex(gid, nwg);
  let s = u.offset + i;
  if (i >= u.count || s >= u.n) { return; }
  let m0 = info[2u * i];
  let o = i * u.outputs;
  var current: f32;
  var local: f32;
  var term: f32;
  var px = 1u;
  if (u.model == 1u) {
    let st = score[o];
    let th = m0.x;
    let g = i * u.rowStride;
    let dsdth = -sin(th) * inputGrad[g] + cos(th) * inputGrad[g + 1u];
    current = abs(st);
    local = -dsdth;
    term = u.Dr * st * st;
  } else {
    let c = m0.xy + vec2f(score[o], score[o + 1u]);
    current = length(c);
    local = -2.0 - divergence[i];
    term = u.gamma * dot(c, c);
    px = 2u;
  }
  var termX = 0.0;
  if (u.noisyX == 1u) {
    let v = info[2u * i + 1u].xy - u.Dt * vec2f(score[o + px], score[o + px + 1u]);
    termX = dot(v, v) / u.Dt;
  }
  let f = vec4f(current, local, term + termX, termX);
  slotField[s] = f;
  idField[u32(m0.z)] = f;
}

@compute @workgroup_size(WG)
fn bins(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = threadIndex(gid, nwg);
  if (b >= u.binsPerSide * u.binsPerSide) { return; }
  let c0 = vec2u(b % u.binsPerSide, b / u.binsPerSide) * u.cellsPerBin;
  var acc = vec4f(0.0);
  for (var dy = 0u; dy < u.cellsPerBin; dy++) {
    for (var dx = 0u; dx < u.cellsPerBin; dx++) {
      let c = c0 + vec2u(dx, dy);
      if (c.x >= u.cellsPerSide || c.y >= u.cellsPerSide) { continue; }
      let cell = c.y * u.cellsPerSide + c.x;
      for (var s = cellStart(cell); s < cellStart(cell + 1u); s++) {
        let f = slotField[s];
        acc += vec4f(f.y, f.x, 1.0, f.z);
      }
    }
  }
  binMap[b] = acc;
}

var<workgroup> partial: array<vec4f, 256>;
var<workgroup> partialX: array<vec2f, 256>;

// totals[0] = (Σ current, Σ local EPR, Σ EPR term, Σ |local EPR|),
// totals[1] = (Σ position part, Σ d², 0, 0) with d = propulsion part of the term − rate · local EPR
// (rate γ or Dr): E[d] = 0 for an exact score (E[div s] = −E|s|²), the convergence check's spread.
@compute @workgroup_size(256)
fn reduce(@builtin(local_invocation_index) li: u32) {
  let rate = select(u.gamma, u.Dr, u.model == 1u);
  var acc = vec4f(0.0);
  var accX = vec2f(0.0);
  for (var s = li; s < u.n; s += 256u) {
    let f = slotField[s];
    acc += vec4f(f.x, f.y, f.z, abs(f.y));
    let d = f.z - f.w - rate * f.y;
    accX += vec2f(f.w, d * d);
  }
  partial[li] = acc;
  partialX[li] = accX;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w >>= 1u) {
    if (li < w) {
      partial[li] += partial[li + w];
      partialX[li] += partialX[li + w];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    totals[0] = partial[0];
    totals[1] = vec4f(partialX[0], 0.0, 0.0);
  }
}

@compute @workgroup_size(WG)
fn color(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (s >= u.n) { return; }
  let f = idField[u32(renderPos[s].w)];
  let t = totals[0];
  let n = f32(u.n);
  var rgb: vec3f;
  if (u.mode == 0u) {
    rgb = colormap(u.sequentialMap, f.x / max(u.colorScale * t.x / n, 1e-12));
  } else {
    rgb = colormap(DIVERGING_MAP, 0.5 + 0.5 * f.y / max(u.colorScale * t.w / n, 1e-12));
  }
  colors[s] = vec4f(rgb, 1.0);
}
