// One step from the cell-sorted state (sorted*) back to the main state (out*).
//   lie:    force + trap (dt), propulsion (dt), orientation (dt), noise (dt)
//   strang: force + trap (dt), noise (dt/2), orientation (dt/2), propulsion (dt/2)
//           (the first half ran in halfFlow before the cell list was built)
struct ForceStepParams {
  n: u32,
  seed: u32,
  model: u32,
  strang: u32,
  cellsPerSide: u32,
  stencil: i32,       // 1: 3x3 neighbour cells, 0: one cell (tiny boxes)
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

@group(0) @binding(0) var<uniform> u: ForceStepParams;
@group(0) @binding(1) var<storage, read> sortedPos: array<vec4f>;
@group(0) @binding(2) var<storage, read> sortedBody: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> outPos: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> outBody: array<vec4f>;
@group(0) @binding(5) var<storage, read> clock: array<u32>;

// Pair forces from the particles in sorted slots [begin, end), imaged by `shift`.
fn rangeForce(s: u32, x: vec2f, begin: u32, end: u32, shift: vec2f) -> vec2f {
  var f = vec2f(0.0);
  for (var j = begin; j < end; j++) {
    let d = x - (sortedPos[j].xy + shift);
    let r2 = dot(d, d);
    if (r2 < u.rc2 && j != s) { f += pairForceOverR(r2, u.forceParams) * d; }
  }
  return f;
}

// Sum of pair forces on the particle in slot s at x. Per row of the 3x3 neighbour cells, the
// three cells are one contiguous slot range unless the row wraps around the box; periodic
// images are handled per cell (a shift), not per pair.
fn interactionForce(s: u32, x: vec2f) -> vec2f {
  let m = i32(u.cellsPerSide);
  if (u.stencil == 0) {
    // One cell holds every particle (tiny box): minimum image per pair.
    var f = vec2f(0.0);
    for (var j = 0u; j < u.n; j++) {
      let d = minImage(x - sortedPos[j].xy, u.boxL);
      let r2 = dot(d, d);
      if (r2 < u.rc2 && j != s) { f += pairForceOverR(r2, u.forceParams) * d; }
    }
    return f;
  }
  var f = vec2f(0.0);
  let home = cellCoord(x, u.cellsPerSide, u.invCellW);
  for (var dy = -1; dy <= 1; dy++) {
    var cy = home.y + dy;
    var sy = 0.0;
    if (cy < 0) { cy += m; sy = -u.boxL; } else if (cy >= m) { cy -= m; sy = u.boxL; }
    let row = u32(cy * m);
    if (home.x > 0 && home.x < m - 1) {
      let c = row + u32(home.x);
      f += rangeForce(s, x, cellStart(c - 1u), cellStart(c + 2u), vec2f(0.0, sy));
    } else {
      for (var dx = -1; dx <= 1; dx++) {
        var cx = home.x + dx;
        var sx = 0.0;
        if (cx < 0) { cx += m; sx = -u.boxL; } else if (cx >= m) { cx -= m; sx = u.boxL; }
        let c = row + u32(cx);
        f += rangeForce(s, x, cellStart(c), cellStart(c + 1u), vec2f(sx, sy));
      }
    }
  }
  return f;
}

@compute @workgroup_size(WG)
fn forceStep(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (s >= u.n) { return; }
  let fc = FlowCoefficients(u.model, u.propulsionStep, u.ouDecay, u.ouKick, u.rotationKick, u.noiseKick);
  let pi = sortedPos[s];
  let bi = sortedBody[s];
  let x0 = pi.xy;
  var f = vec2f(0.0);
  if (FORCE_KIND != 0u) { f = interactionForce(s, x0); }
  let centre = vec2f(0.5 * u.boxL);
  var x = x0 + u.dt * (u.k * f - u.trapA * (x0 - centre));
  var p = bi.xy;
  if (u.strang == 0u) {
    let xi = normal4(u32(pi.w), clock[0], u.seed, 0u);
    x += fc.propulsionStep * propulsion(u.model, p);
    p = orientationFlow(fc, p, xi.xy);
    x += fc.noiseKick * xi.zw;
  } else {
    let xi = normal4(u32(pi.w), clock[0], u.seed, 2u);
    x += fc.noiseKick * xi.zw;
    p = orientationFlow(fc, p, xi.xy);
    x += fc.propulsionStep * propulsion(u.model, p);
  }
  outPos[s] = vec4f(wrapBox(x, u.boxL), 0.0, pi.w);
  outBody[s] = vec4f(p, bi.zw + (x - x0));
}
