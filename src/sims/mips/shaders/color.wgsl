// Colours every particle (main-state order, matching the render positions) by orientation,
// local density or local entropy production.
struct ColorParams {
  n: u32,
  model: u32,
  mode: u32,          // 0 orientation, 1 density, 2 epr
  _pad: u32,
  densityMax: f32,
  eprScale: f32,      // epr_i / eprScale in [0, 1] before the ramp
  _pad2: vec2f,
}

@group(0) @binding(0) var<uniform> u: ColorParams;
@group(0) @binding(1) var<storage, read> body: array<vec4f>;
@group(0) @binding(2) var<storage, read> fields: array<vec2f>;
@group(0) @binding(3) var<storage, read> total: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> colors: array<vec4f>;

fn hue(h: f32) -> vec3f {
  let k = fract(vec3f(h) + vec3f(0.0, 2.0 / 3.0, 1.0 / 3.0)) * 6.0 - 3.0;
  return clamp(abs(k) - 1.0, vec3f(0.0), vec3f(1.0)) * 0.85 + 0.1;
}

// A perceptual-ish dark-blue -> teal -> yellow ramp (viridis endpoints).
fn ramp(t: f32) -> vec3f {
  let x = clamp(t, 0.0, 1.0);
  let c0 = vec3f(0.267, 0.005, 0.329);
  let c1 = vec3f(0.128, 0.567, 0.551);
  let c2 = vec3f(0.993, 0.906, 0.144);
  return select(mix(c1, c2, 2.0 * x - 1.0), mix(c0, c1, 2.0 * x), x < 0.5);
}

@compute @workgroup_size(WG)
fn colorParticles(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = threadIndex(gid, nwg);
  if (s >= u.n) { return; }
  var rgb: vec3f;
  if (u.mode == 0u) {
    let h = heading(u.model, body[s].xy);
    rgb = hue(atan2(h.y, h.x) / 6.283185307179586 + 0.5);
  } else if (u.mode == 1u) {
    rgb = ramp(fields[s].x / u.densityMax);
  } else {
    // Scale by 3x the current mean EPR per particle (total[0].x / n), so the map adapts.
    let mean = max(abs(total[0].x) / f32(u.n), 1e-12);
    rgb = ramp(fields[s].y / (u.eprScale * mean));
  }
  colors[s] = vec4f(rgb, 1.0);
}
