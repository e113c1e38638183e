// Column sums: out[out_off + j] (+)= sum over rows r of chunk z of x[x_off + r * x_rs + j].
// With several chunks, chunk z writes its partial to out[out_off + z * cols + j] (a second pass
// sums them). Also sum of squares of a flat range, for the gradient norm.

struct Params { rows: u32, cols: u32, chunk: u32, x_off: u32, x_rs: u32, out_off: u32, flags: u32, square: u32 }
const ACCUMULATE = 1u;

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn colsum(@builtin(global_invocation_id) id: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let j = id.x;
  if (j >= u.cols) { return; }
  let r0 = wg.y * u.chunk;
  let r1 = min(u.rows, r0 + u.chunk);
  var s = 0.0;
  for (var r = r0; r < r1; r++) {
    let v = x[u.x_off + r * u.x_rs + j];
    s += select(v, v * v, u.square != 0u);
  }
  let oi = u.out_off + wg.y * u.cols + j;
  if ((u.flags & ACCUMULATE) != 0u) { s += out[oi]; }
  out[oi] = s;
}
