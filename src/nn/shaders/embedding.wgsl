// Row lookups into a table, and their gradients, for two uses (ops.ts gatherRows / scatterRows /
// setSum, modules in nn/embedding.ts):
//   Embedding (k = 0): token t reads table row idx[t] (an integer-valued f32); idx < 0 (padding)
//     or >= rows reads nothing.
//   SetBroadcast (k > 0): token t reads row t / k (its set's vector); with MASKED, idx is the
//     per-token mask (attention's `tok`) and a token with idx < 0 reads nothing.
// No float atomics exist in WGSL, so the Embedding gradient is summed without them and in a fixed
// order: `scatter` gives each chunk of `chunk` consecutive tokens its own partial table (one thread
// per chunk and V column walks the chunk's tokens in order, adding into rows only it touches);
// reduce.wgsl then sums the partials over chunks. `setsum` needs no partials: a set's tokens are
// contiguous.
// Written over `V` (f32, or vec4f when columns, offsets and strides are multiples of 4; W floats
// per V), which ops.ts (elementCode) defines before this code; one thread per V of a row.
// Offsets, strides and cols in the uniforms count floats.
// Needs gpu/shaders/threads.wgsl before it (WG, the invocation numbering).

struct Params {
  tokens: u32, cols: u32, rows: u32, k: u32,
  src_off: u32, src_rs: u32, dst_off: u32, dst_rs: u32,
  idx_off: u32, idx_rs: u32, chunk: u32, flags: u32,
}
const ACCUMULATE = 1u;
const MASKED = 2u;

@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> idx: array<f32>;
@group(0) @binding(2) var<storage, read> src: array<V>;
@group(0) @binding(3) var<storage, read_write> dst: array<V>;

// The table row token t reads; r is 0 (a safe address) where ok is false.
struct Row { r: u32, ok: bool }

fn row_of(t: u32) -> Row {
  if (u.k > 0u) {
    return Row(t / u.k, (u.flags & MASKED) == 0u || idx[u.idx_off + t * u.idx_rs] >= 0.0);
  }
  let v = idx[u.idx_off + t * u.idx_rs];
  let ok = v >= 0.0 && v < f32(u.rows);
  return Row(select(0u, u32(v), ok), ok);
}

fn src_at(r: u32, c: u32) -> u32 { return (u.src_off + r * u.src_rs) / W + c; }
fn dst_at(r: u32, c: u32) -> u32 { return (u.dst_off + r * u.dst_rs) / W + c; }

// Forward: dst[t] (+)= src[row of t] (src: the table or the per-set vectors); tokens without a
// row get zero (ACCUMULATE: keep their value).
@compute @workgroup_size(WG)
fn gather(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let cv = u.cols / W;
  let i = threadIndex(id, nwg);
  let t = i / cv;
  let c = i % cv;
  if (t >= u.tokens) { return; }
  let row = row_of(t);
  var v = select(V(0.0), src[src_at(row.r, c)], row.ok);
  let o = dst_at(t, c);
  if ((u.flags & ACCUMULATE) != 0u) { v += dst[o]; }
  dst[o] = v;
}

// Embedding backward: partial table p (dst rows p * rows ..) = sum over tokens t of chunk p with
// idx[t] = r of src[t] (src: d(out)). ACCUMULATE (a single chunk): add into dst, which is then
// the gradient table itself, instead of zeroing first.
@compute @workgroup_size(WG)
fn scatter(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let cv = u.cols / W;
  let i = threadIndex(id, nwg);
  let p = i / cv;
  let c = i % cv;
  let t0 = p * u.chunk;
  if (t0 >= u.tokens) { return; }
  let base = p * u.rows;
  if ((u.flags & ACCUMULATE) == 0u) {
    for (var r = 0u; r < u.rows; r++) { dst[dst_at(base + r, c)] = V(0.0); }
  }
  let t1 = min(u.tokens, t0 + u.chunk);
  for (var t = t0; t < t1; t++) {
    let row = row_of(t);
    // a token without a row adds zero to row 0 (no branch around the store)
    let o = dst_at(base + row.r, c);
    dst[o] += select(V(0.0), src[src_at(t, c)], row.ok);
  }
}

// SetBroadcast backward: dst[set] (+)= sum over the set's k tokens that have a row of src[t].
@compute @workgroup_size(WG)
fn setsum(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let cv = u.cols / W;
  let i = threadIndex(id, nwg);
  let p = i / cv; // the set
  let c = i % cv;
  if (p >= u.rows) { return; }
  var s = V(0.0);
  for (var t = p * u.k; t < p * u.k + u.k; t++) {
    s += select(V(0.0), src[src_at(t, c)], row_of(t).ok);
  }
  let o = dst_at(p, c);
  if ((u.flags & ACCUMULATE) != 0u) { s += dst[o]; }
  dst[o] = s;
}
