// Column sums: out[out_off + j] (+)= sum over rows r of chunk z of x[x_off + r * x_rs + j].
// With several chunks, chunk z writes its partial to out[out_off + z * cols + j] (a second pass
// sums them). Also sum of squares of a flat range, for the gradient norm.
// Written over `V` (f32, or vec4f: one thread per 4 columns, when columns, offsets and strides are
// multiples of 4; W floats per V), which ops.ts (elementCode) defines before this code. Offsets,
// strides and cols in the uniforms count floats.
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

struct Params { rows: u32, cols: u32, chunk: u32, x_off: u32, x_rs: u32, out_off: u32, flags: u32, square: u32 }
const ACCUMULATE = 1u;

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<V>;
@group(0) @binding(2) var<storage, read_write> out: array<V>;

@compute @workgroup_size(WG)
fn colsum(@builtin(global_invocation_id) id: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let j = id.x;
  if (j * W >= u.cols) { return; }
  let r0 = wg.y * u.chunk;
  let r1 = min(u.rows, r0 + u.chunk);
  let rs = u.x_rs / W;
  var xi = (u.x_off + r0 * u.x_rs) / W + j;
  var s = V(0.0);
  if (u.square != 0u) {
    for (var r = r0; r < r1; r++) { let v = x[xi]; s += v * v; xi += rs; }
  } else {
    for (var r = r0; r < r1; r++) { s += x[xi]; xi += rs; }
  }
  let oi = (u.out_off + wg.y * u.cols) / W + j;
  if ((u.flags & ACCUMULATE) != 0u) { s += out[oi]; }
  out[oi] = s;
}
