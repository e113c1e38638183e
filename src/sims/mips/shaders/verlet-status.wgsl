// Verlet neighbour list (skin > 0): the bookkeeping shared by the step kernels, the rebuild
// decision and the build (one small buffer; bound as `status` at a binding of each kernel).
struct ListStatus {
  moved2: atomic<u32>,       // largest |x - xBuild|^2 this step, as f32 bits (>= 0: u32 order = f32 order)
  force: u32,                // 1: rebuild at the next decision (set by the CPU when the state changed)
  rebuilds: u32,             // builds so far
  most: atomic<u32>,         // most neighbours within r_c + skin any particle had at a build
  overflowStep: atomic<u32>, // clock at the first build with more than `capacity` (0xffffffff: none)
}

// Squared distance (minimum image) of x from its position at the last build.
fn movedSquared(x: vec2f, built: vec2f, boxL: f32) -> f32 {
  let d = minImage(x - built, boxL);
  return dot(d, d);
}

// One atomic per invocation: the largest squared move of its particles.
fn recordMove(moved2: f32) {
  atomicMax(&status.moved2, bitcast<u32>(moved2));
}
