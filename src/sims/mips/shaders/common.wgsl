// Shared helpers for the mips kernels: periodic box, cells and pair forces. Composed after
// gpu/shaders/threads.wgsl (invocation numbering, the PER_THREAD item loop) by sims/mips/wgsl.ts.
// Particle layout (two buffers per slot):
//   pos:  vec4f (x, y, 0, id)           id is the particle's permanent index, stored as an exact f32
//   body: vec4f (p.x, p.y, disp.x, disp.y) p = propulsion g (AOUP) or (theta, 0) (ABP);
//                                        disp = unwrapped displacement since the MSD origin

// Pair force kind, fixed per pipeline: 0 none, 1 soft disks (softplus), 2 WCA.
override FORCE_KIND: u32 = 2u;

fn wrapBox(x: vec2f, boxL: f32) -> vec2f {
  let w = x - boxL * floor(x / boxL);
  // x = -tiny wraps to exactly boxL in f32; fold it back to 0.
  return select(w, vec2f(0.0), w >= vec2f(boxL));
}

fn minImage(d: vec2f, boxL: f32) -> vec2f {
  return d - boxL * round(d / boxL);
}

fn cellCoord(x: vec2f, cellsPerSide: u32, invCellW: f32) -> vec2i {
  let c = vec2i(floor(x * invCellW));
  return clamp(c, vec2i(0), vec2i(i32(cellsPerSide) - 1));
}

fn cellIndex(c: vec2i, cellsPerSide: u32) -> u32 {
  let m = i32(cellsPerSide);
  let w = (c + vec2i(m)) % vec2i(m);
  return u32(w.y * m + w.x);
}

// Unit propulsion direction: g/|g| (AOUP) or (cos theta, sin theta) (ABP).
fn heading(model: u32, p: vec2f) -> vec2f {
  if (model == 1u) { return vec2f(cos(p.x), sin(p.x)); }
  let len = length(p);
  return select(vec2f(0.0), p / len, len > 0.0);
}

// Self-propulsion velocity / v0: g (AOUP) or n(theta) (ABP).
fn propulsion(model: u32, p: vec2f) -> vec2f {
  if (model == 1u) { return vec2f(cos(p.x), sin(p.x)); }
  return p;
}

// Drift of a particle's position: b_x = v0 e(p) + k F - A (x - box centre).
fn positionDrift(model: u32, v0: f32, p: vec2f, k: f32, force: vec2f, trapA: f32, x: vec2f, boxL: f32) -> vec2f {
  return v0 * propulsion(model, p) + k * force - trapA * (x - vec2f(0.5 * boxL));
}

// Pair-force parameters: (b, 2 r0, sigma^2, 24 epsilon).
// f(r)/r for a pair at squared distance r2 (f > 0 is repulsive, along x_i - x_j).
fn pairForceOverR(r2: f32, fp: vec4f) -> f32 {
  if (FORCE_KIND == 1u) {
    let r = sqrt(r2);
    let z = fp.y - r;
    let sp = max(z, 0.0) + log(1.0 + exp(-fp.x * abs(z))) / fp.x;
    return sp / r;
  }
  if (FORCE_KIND == 2u) {
    let inv = 1.0 / r2;
    let s2 = fp.z * inv;
    let s6 = s2 * s2 * s2;
    return fp.w * s6 * (2.0 * s6 - 1.0) * inv;
  }
  return 0.0;
}

// div_x of f(r) rhat in 2-D: f(r)/r + f'(r).
fn pairDivergence(r2: f32, fp: vec4f) -> f32 {
  if (FORCE_KIND == 1u) {
    let r = sqrt(r2);
    let z = fp.y - r;
    let sp = max(z, 0.0) + log(1.0 + exp(-fp.x * abs(z))) / fp.x;
    let sig = 1.0 / (1.0 + exp(-fp.x * z));
    return sp / r - sig;
  }
  if (FORCE_KIND == 2u) {
    let s2 = fp.z / r2;
    let s6 = s2 * s2 * s2;
    let fOverR = fp.w * s6 * (2.0 * s6 - 1.0) / r2;
    let fPrime = -fp.w * s6 * (26.0 * s6 - 7.0) / r2;
    return fOverR + fPrime;
  }
  return 0.0;
}
