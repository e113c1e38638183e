// Counter-based RNG: pcg4d (Jarzynski & Olano 2020). The output depends only on the counter
// (index, step, seed, stream), never on thread scheduling. Mirrored on the CPU in src/gpu/rng.ts.

fn pcg4d(v_in: vec4u) -> vec4u {
  var v = v_in * 1664525u + 1013904223u;
  v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
  v = v ^ (v >> vec4u(16u));
  v.x += v.y * v.w; v.y += v.z * v.x; v.z += v.x * v.y; v.w += v.y * v.z;
  return v;
}

// Uniform in (0, 1): 24 random bits, offset by half a step so log() is finite.
fn u01(x: u32) -> f32 {
  return (f32(x >> 8u) + 0.5) * (1.0 / 16777216.0);
}

// Two standard normals (Box–Muller) from two random words: radius from `radial`, angle from `angular`.
fn boxMuller(radial: u32, angular: u32) -> vec2f {
  let rad = sqrt(-2.0 * log(u01(radial)));
  let a = 6.283185307179586 * u01(angular);
  return vec2f(rad * cos(a), rad * sin(a));
}

// Four standard normals for counter (index, step, seed, stream).
fn normal4(index: u32, step: u32, seed: u32, stream: u32) -> vec4f {
  let r = pcg4d(vec4u(index, step, seed, stream));
  return vec4f(boxMuller(r.x, r.y), boxMuller(r.z, r.w));
}

// Four uniforms in (0, 1) for counter (index, step, seed, stream).
fn uniform4(index: u32, step: u32, seed: u32, stream: u32) -> vec4f {
  let r = pcg4d(vec4u(index, step, seed, stream));
  return vec4f(u01(r.x), u01(r.y), u01(r.z), u01(r.w));
}
