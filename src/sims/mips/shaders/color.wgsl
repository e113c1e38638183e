// Colours every particle (main-state order, matching the render positions) by orientation,
// local packing fraction or local entropy production, through the colour maps (needs
// gpu/shaders/colormap.wgsl). The colour bars in simulation.ts state the same scales.
struct ColorParams {
  n: u32,
  model: u32,
  mode: u32,          // 0 orientation, 1 density, 2 epr
  sequentialMap: u32, // row of the user's sequential map
  densityMax: f32,    // local packing fraction at the top of the map
  eprScale: f32,      // the map spans epr_i / |mean epr| in [-eprScale, eprScale]
  _pad2: vec2f,
}

@group(0) @binding(0) var<uniform> u: ColorParams;
@group(0) @binding(1) var<storage, read> body: array<vec4f>;
@group(0) @binding(2) var<storage, read> fields: array<vec2f>;
@group(0) @binding(3) var<storage, read> total: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> colors: array<vec4f>;
@group(0) @binding(5) var<storage, read> colormaps: array<vec4f>;

@compute @workgroup_size(WG)
fn colorParticles(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (s >= u.n) { return; }
  var rgb: vec3f;
  if (u.mode == 0u) {
    let h = heading(u.model, body[s].xy);
    rgb = colormap(CYCLIC_MAP, atan2(h.y, h.x) / 6.283185307179586 + 0.5);
  } else if (u.mode == 1u) {
    rgb = colormap(u.sequentialMap, fields[s].x / u.densityMax);
  } else {
    // In units of the current mean EPR per particle (total[0].x / n), so the map adapts; signed,
    // because −div_x b_x is negative for some particles.
    let mean = max(abs(total[0].x) / f32(u.n), 1e-12);
    rgb = colormap(DIVERGING_MAP, 0.5 + 0.5 * fields[s].y / (u.eprScale * mean));
  }
  colors[s] = vec4f(rgb, 1.0);
}
